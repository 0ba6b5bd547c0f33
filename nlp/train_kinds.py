"""Train the document-kind model (``nlp.genre.KindModel``) on the kinds of our labelled corpora.

    python -m nlp.train_kinds corpora/northwind corpora/larkspur ...

Every document is an example: its cue scores (``nlp.kinds``) and its opening's similarity to
each kind's prototypes, labelled with the kind gold.yaml gives it. Accuracy is printed
leave-one-corpus-out next to the fixed sum's, and stored with the model. A title that names its
genre settles the kind before the model is asked, in training as in the engine, so the accuracy
printed is over all documents with the title rule applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.embed import Embedder
from nlp.genre import KindClassifier, KindModel, default_model_path, kind_features
from nlp.kinds import kind_scores, title_kind
from nlp.training import load_corpora, prepare_corpus

REGULARISATION = 0.3  # sklearn's C; leave-one-corpus-out accuracy is flat from 0.3 to 1


@dataclass
class CorpusData:
    name: str
    features: np.ndarray  # (documents, features)
    kinds: list[str]  # gold
    by_title: list[str | None]  # the kind the title names, which wins
    by_sum: list[str]  # what the untrained classifier decides


def corpus_data(corpus: Path, embedder: Embedder) -> CorpusData:
    prepared = prepare_corpus(corpus, embedder)
    classifier = KindClassifier(embedder)
    rows, kinds, by_title, by_sum = [], [], [], []
    for ctx in prepared.contexts:
        doc = ctx.document
        cues = kind_scores(doc.text, doc.title)
        similarity = classifier.prototype_similarity(ctx.vecs) if len(ctx.vecs) else {}
        rows.append(kind_features(cues, similarity or dict.fromkeys(classifier.kinds, 0.0)))
        kinds.append(prepared.gold[doc.id]["kind"])
        by_title.append(title_kind(doc.title))
        by_sum.append(classifier.classify(ctx.vecs, cues))
    return CorpusData(corpus.name, np.array(rows), kinds, by_title, by_sum)


def fit(data: list[CorpusData]) -> KindModel:
    from sklearn.linear_model import LogisticRegression  # training only

    features = np.vstack([d.features for d in data])
    kinds = [k for d in data for k in d.kinds]
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-9
    lr = LogisticRegression(C=REGULARISATION, max_iter=5000)
    lr.fit((features - mean) / scale, kinds)
    return KindModel(
        tuple(str(k) for k in lr.classes_), mean, scale, lr.coef_, np.asarray(lr.intercept_)
    )


def accuracy(data: CorpusData, predicted: list[str]) -> float:
    final = [t or p for t, p in zip(data.by_title, predicted, strict=True)]
    return float(np.mean([f == k for f, k in zip(final, data.kinds, strict=True)]))


def main(argv: list[str] | None = None) -> None:
    args, data = load_corpora(__doc__.splitlines()[0], default_model_path(), argv, corpus_data)
    report = {}
    for i, held in enumerate(data):
        model = fit([d for j, d in enumerate(data) if j != i])
        by_model = accuracy(held, [model.predict(row) for row in held.features])
        by_sum = accuracy(held, held.by_sum)
        report[held.name] = {"accuracy_sum": round(by_sum, 3), "accuracy_model": round(by_model, 3)}
        print(
            f"{held.name}: kind accuracy out of fold {by_sum:.3f} (sum) -> {by_model:.3f} (model)"
        )
    means = [np.mean([r[k] for r in report.values()]) for k in ("accuracy_sum", "accuracy_model")]
    print(f"mean over corpora: {means[0]:.3f} (sum) -> {means[1]:.3f} (model)")
    final = fit(data)
    args.out.write_text(
        final.to_json(
            trained_on=[d.name for d in data],
            embedder=args.embedder,
            documents=int(sum(len(d.kinds) for d in data)),
            out_of_fold=report,
            command="python -m nlp.train_kinds " + " ".join(str(c) for c in args.corpora),
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
