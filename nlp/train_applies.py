"""Train the tenet-applies model (``nlp.applies``) on the gold labels of our corpora.

    python -m nlp.train_applies corpora/northwind corpora/larkspur corpora/quarry corpora/delta

Examples are (document, tenet) pairs that the document does not cite explicitly; the label is
whether gold says the document applies the tenet. The decision threshold is chosen on
leave-one-corpus-out predictions under the rule the engine applies (one tenet, only in documents
where the rules found none), so it is never chosen on the corpus it is scored on. The per-corpus
out-of-fold figures are stored with the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.applies import AppliesModel, default_model_path, tenet_features
from nlp.embed import Embedder
from nlp.tenets import tenet_findings
from nlp.training import load_corpora, prepare_corpus

THRESHOLDS = np.arange(0.30, 0.951, 0.025)


@dataclass
class CorpusData:
    name: str
    features: np.ndarray  # (pairs, features)
    labels: np.ndarray  # (pairs,)
    doc: np.ndarray  # (pairs,) document number within the corpus
    eligible: np.ndarray  # (pairs,) the rules found no tenet in the document
    gold_implicit: int  # gold implicit pairs
    gold_applied: int  # gold (document, tenet) pairs, cited or not
    rules_right: int  # pairs the rules in nlp.tenets find, right and wrong
    rules_wrong: int


def corpus_data(corpus: Path, embedder: Embedder) -> CorpusData:
    prepared = prepare_corpus(corpus, embedder)
    contexts, index, gold = prepared.contexts, prepared.index, prepared.gold
    rows, labels, doc_no, eligible = [], [], [], []
    gold_implicit = gold_applied = rules_right = rules_wrong = 0
    for d, ctx in enumerate(contexts):
        modes = {t["tenet"]: t["mode"] for t in gold[ctx.document.id].get("tenets") or []}
        gold_implicit += sum(m == "implicit" for m in modes.values())
        gold_applied += len(modes)
        found = {f.tenet for f in tenet_findings(ctx, index)}
        rules_right += len(found & modes.keys())
        rules_wrong += len(found - modes.keys())
        free = not found
        for t, row in enumerate(tenet_features(ctx, index)):
            if modes.get(index.tenet_ids[t]) == "explicit":
                continue
            rows.append(row)
            labels.append(index.tenet_ids[t] in modes)
            doc_no.append(d)
            eligible.append(free)
    return CorpusData(
        corpus.name,
        np.array(rows),
        np.array(labels, dtype=bool),
        np.array(doc_no),
        np.array(eligible, dtype=bool),
        gold_implicit,
        gold_applied,
        rules_right,
        rules_wrong,
    )


def fit(features: np.ndarray, labels: np.ndarray) -> AppliesModel:
    from sklearn.linear_model import LogisticRegression  # training only

    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    lr = LogisticRegression(max_iter=2000, class_weight="balanced")
    lr.fit((features - mean) / scale, labels)
    return AppliesModel(mean, scale, lr.coef_[0], float(lr.intercept_[0]), threshold=0.5)


def picked(data: CorpusData, prob: np.ndarray, threshold: float) -> np.ndarray:
    """The engine's rule: per eligible document, its most probable tenet if above threshold."""
    out = np.zeros(len(prob), dtype=bool)
    for d in np.unique(data.doc[data.eligible]):
        rows = np.flatnonzero((data.doc == d) & data.eligible)
        best = rows[int(prob[rows].argmax())]
        out[best] = prob[best] >= threshold
    return out


def counts(data: CorpusData, prob: np.ndarray, threshold: float) -> tuple[int, int]:
    chosen = picked(data, prob, threshold)
    return int((chosen & data.labels).sum()), int((chosen & ~data.labels).sum())


def applied_f1(data: CorpusData, prob: np.ndarray, threshold: float) -> float:
    """Tenet-applied F1 of the rules plus the model's additions on one corpus."""
    tp, fp = counts(data, prob, threshold)
    tp, fp = tp + data.rules_right, fp + data.rules_wrong
    return 2 * tp / max(1, tp + fp + data.gold_applied)


def mean_applied_f1(data: list[CorpusData], probs: list[np.ndarray], threshold: float) -> float:
    """Mean over corpora, so that the largest corpus does not pick the threshold alone."""
    return float(np.mean([applied_f1(d, p, threshold) for d, p in zip(data, probs, strict=True)]))


def main(argv: list[str] | None = None) -> None:
    args, data = load_corpora(__doc__.splitlines()[0], default_model_path(), argv, corpus_data)
    oof = []
    for i, held in enumerate(data):
        rest = [d for j, d in enumerate(data) if j != i]
        model = fit(np.vstack([d.features for d in rest]), np.concatenate([d.labels for d in rest]))
        oof.append(model.probability(held.features))
    threshold = float(max(THRESHOLDS, key=lambda th: mean_applied_f1(data, oof, th)))
    final = fit(np.vstack([d.features for d in data]), np.concatenate([d.labels for d in data]))
    final = AppliesModel(final.mean, final.scale, final.coef, final.intercept, threshold)
    report = {}
    for d, p in zip(data, oof, strict=True):
        tp, fp = counts(d, p, threshold)
        before = applied_f1(d, p, 2.0)
        after = applied_f1(d, p, threshold)
        report[d.name] = {
            "added_right": tp,
            "added_wrong": fp,
            "gold_implicit": d.gold_implicit,
            "applied_f1_rules": round(before, 3),
            "applied_f1_with_model": round(after, 3),
        }
        print(
            f"{d.name}: out of fold at {threshold:.3f}: +{tp} right, +{fp} wrong "
            f"(gold implicit {d.gold_implicit}); applied F1 {before:.3f} -> {after:.3f}"
        )
    args.out.write_text(
        final.to_json(
            trained_on=[d.name for d in data],
            embedder=args.embedder,
            pairs=int(sum(len(d.labels) for d in data)),
            positives=int(sum(d.labels.sum() for d in data)),
            out_of_fold=report,
            command="python -m nlp.train_applies " + " ".join(str(c) for c in args.corpora),
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
