"""Train the value-stance model (``nlp.stance_model``) on the gold labels of our corpora.

    python -m nlp.train_stance corpora/northwind corpora/larkspur ...

Examples are (document, value) pairs: *involved* learns whether gold gives the pair a stance,
*upholds* learns which way on the pairs that have one. The involvement threshold and the number
of values kept per document are chosen on leave-one-corpus-out predictions, so that no corpus
scores a model that saw it; the per-corpus out-of-fold F1, next to the rules' F1, is printed and
stored with the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.embed import Embedder
from nlp.stance import value_evidence, value_findings
from nlp.stance_model import Logistic, StanceModel, choose, default_model_path
from nlp.tenets import tenet_findings
from nlp.training import load_corpora, prepare_corpus

THRESHOLDS = np.arange(0.20, 0.801, 0.025)
PER_DOCUMENT = (1, 2, 3)
LABELS = {"upholds": 1, "violates": 2}  # 0: no stance


@dataclass
class CorpusData:
    name: str
    features: np.ndarray  # (pairs, features)
    labels: np.ndarray  # (pairs,) 0 none, 1 upholds, 2 violates
    doc: np.ndarray  # (pairs,) document number within the corpus
    rules: np.ndarray  # (pairs,) what the rules alone decide, coded like labels


def corpus_data(corpus: Path, embedder: Embedder) -> CorpusData:
    prepared = prepare_corpus(corpus, embedder)
    index = prepared.index
    rows, labels, doc_no, rules = [], [], [], []
    for d, ctx in enumerate(prepared.contexts):
        tenets = tenet_findings(ctx, index)
        gold = {v["value"]: v["stance"] for v in prepared.gold[ctx.document.id].get("values") or []}
        evidence = value_evidence(ctx, index, tenets)
        by_rules = {f.value: f.stance for f in value_findings(ctx, index, tenets, None, evidence)}
        for j, row in enumerate(evidence.features):
            vid = index.value_ids[j]
            rows.append(row)
            labels.append(LABELS.get(gold.get(vid, ""), 0))
            rules.append(LABELS.get(by_rules.get(vid, ""), 0))
            doc_no.append(d)
    return CorpusData(
        corpus.name, np.array(rows), np.array(labels), np.array(doc_no), np.array(rules)
    )


def _logistic(features: np.ndarray, target: np.ndarray) -> Logistic:
    from sklearn.linear_model import LogisticRegression  # training only

    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    lr = LogisticRegression(max_iter=3000)
    lr.fit((features - mean) / scale, target)
    return Logistic(mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def fit(data: list[CorpusData], threshold: float = 0.5, per_document: int = 2) -> StanceModel:
    features = np.vstack([d.features for d in data])
    labels = np.concatenate([d.labels for d in data])
    involved = _logistic(features, labels > 0)
    upholds = _logistic(features[labels > 0], labels[labels > 0] == 1)
    return StanceModel(involved, upholds, threshold, per_document)


def decide(
    data: CorpusData, involved: np.ndarray, upholds: np.ndarray, th: float, k: int
) -> np.ndarray:
    """The engine's decision (``nlp.stance_model.choose``) on every document, coded like labels."""
    out = np.zeros(len(involved), dtype=np.int64)
    for d in np.unique(data.doc):
        rows = np.flatnonzero(data.doc == d)
        for j, stance in choose(involved[rows], upholds[rows], data.features[rows], th, k):
            out[rows[j]] = LABELS[stance]
    return out


def stance_f1(pred: np.ndarray, labels: np.ndarray) -> float:
    """F1 over (document, value, stance), as ``saydo eval`` scores it."""
    tp = int(((pred == labels) & (labels > 0)).sum())
    fp = int(((pred > 0) & (pred != labels)).sum())
    fn = int(((labels > 0) & (pred != labels)).sum())
    return 2 * tp / max(1, 2 * tp + fp + fn)


def main(argv: list[str] | None = None) -> None:
    args, data = load_corpora(__doc__.splitlines()[0], default_model_path(), argv, corpus_data)
    oof = []
    for i, held in enumerate(data):
        model = fit([d for j, d in enumerate(data) if j != i])
        oof.append(
            (model.involved.probability(held.features), model.upholds.probability(held.features))
        )

    def mean_f1(th: float, k: int) -> float:
        scores = [stance_f1(decide(d, *p, th, k), d.labels) for d, p in zip(data, oof, strict=True)]
        return float(np.mean(scores))

    th, k = max(((t, k) for k in PER_DOCUMENT for t in THRESHOLDS), key=lambda tk: mean_f1(*tk))
    report = {}
    for d, p in zip(data, oof, strict=True):
        by_rules, by_model = stance_f1(d.rules, d.labels), stance_f1(decide(d, *p, th, k), d.labels)
        report[d.name] = {
            "stance_f1_rules": round(by_rules, 3),
            "stance_f1_model": round(by_model, 3),
        }
        print(f"{d.name}: stance F1 out of fold {by_rules:.3f} (rules) -> {by_model:.3f} (model)")
    print(f"threshold {th:.3f}, at most {k} values per document")
    final = fit(data, float(th), k)
    args.out.write_text(
        final.to_json(
            trained_on=[d.name for d in data],
            embedder=args.embedder,
            pairs=int(sum(len(d.labels) for d in data)),
            stances=int(sum((d.labels > 0).sum() for d in data)),
            out_of_fold=report,
            command="python -m nlp.train_stance " + " ".join(str(c) for c in args.corpora),
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
