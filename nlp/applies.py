"""Tenets a document applies without citing them and without a trade-off phrase we can parse.

The rules in ``nlp.tenets`` find citations and "X over Y" trade-offs. Most real applications are
quieter: a postmortem that held a release past a launch date never says "safety over the season".
Embedding similarity to the tenet alone separates those documents poorly (ROC AUC 0.66-0.84 on
our corpora), so a small logistic model combines it with how far the tenet stands out from the
other tenets, the sides of the tenet and its value's behaviours. The model is ours, trained by
``python -m nlp.train_applies`` on the gold labels in ``corpora/`` and stored as JSON in
``models/tenet-applies.json``; inference is a dot product.

It only speaks for documents the rules found no tenet in, and then for the one tenet it is surest
of: a document usually turns on one decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.context import DocContext
from nlp.model_files import TRAINED_ENCODER, load_trained_model, trained_model_path
from nlp.records import Direction, TenetFinding, ValueFinding
from nlp.stance import ValueEvidence, value_evidence
from nlp.stance_model import FEATURES as VALUE_FEATURES
from nlp.stance_model import minus_best_other
from nlp.text import containment

# What the value-stance features (nlp.stance_model) say about the tenet's two values: is the
# document about them more than about the framework's other values, and do the rule votes lean.
# Leave-one-corpus-out they lift tenet-applied F1 from 0.723 to 0.750 over 19 corpora: a tenet is
# applied where its values are at stake.
_VALUE_COLUMNS = (
    "cosine of the document's mean sentence to the value's centroid",
    "that cosine minus the best other value's",
    "share of the definition's words in the document",
    "that share minus the best other value's",
    "rule strength for upholds",
    "rule strength for violates",
    "rule strength minus the best other value's",
    "mean of the three best example z minus the best other value's",
)
FEATURES = (
    "best sentence cosine to the tenet",
    "mean of the three best",
    "best, standardised against background sentences",
    "best cosine to the tenet's preferred side",
    "best cosine to the tenet's given-up side",
    "best z to the tenet's value's examples",
    "best z to the tenet's value's anti-patterns",
    "document states a trade-off",
    "log sentence count",
    "cosine of the document's mean sentence to the tenet",
    "best cosine minus the best of any other tenet",
    *(f"preferred value: {name}" for name in _VALUE_COLUMNS),
    *(f"given-up value: {name}" for name in _VALUE_COLUMNS),
    "share of the tenet's own words in the document",
    "that share minus the best other tenet's",
)
MODEL_FILE = "tenet-applies.json"


@dataclass(frozen=True)
class AppliesModel:
    """Standardised logistic regression over ``FEATURES`` and the threshold chosen in training."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    @classmethod
    def disabled(cls) -> AppliesModel:
        """A model that never fires: for training the real one, and for ablations."""
        k = len(FEATURES)
        return cls(np.zeros(k), np.ones(k), np.zeros(k), 0.0, threshold=2.0)

    @property
    def enabled(self) -> bool:
        return self.threshold <= 1.0

    @property
    def key(self) -> str:
        """Identifies the model in cache keys."""
        return self.to_json()

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self, **provenance: object) -> str:
        body = {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            **provenance,
        }
        return json.dumps(body, indent=2) + "\n"


def default_model_path() -> Path:
    return trained_model_path(MODEL_FILE)


def applies_model_for(embedder_name: str) -> AppliesModel:
    """The trained model for the encoder it was trained on; a disabled one for any other."""
    if not embedder_name.startswith(TRAINED_ENCODER):
        return AppliesModel.disabled()
    return load_applies_model()


def load_applies_model(path: Path | None = None) -> AppliesModel:
    path = path or default_model_path()
    return load_trained_model(
        path,
        FEATURES,
        "tenet-applies",
        "nlp.train_applies",
        lambda body: AppliesModel(
            np.asarray(body["mean"], dtype=np.float64),
            np.asarray(body["scale"], dtype=np.float64),
            np.asarray(body["coef"], dtype=np.float64),
            float(body["intercept"]),
            float(body["threshold"]),
        ),
    )


def tenet_features(
    ctx: DocContext, index: FrameworkIndex, evidence: ValueEvidence | None = None
) -> np.ndarray:
    """(n_tenets, len(FEATURES)) for one document; empty when it has no sentences.
    ``evidence``: the document's value evidence gathered with no tenet findings, when the
    caller has it already (nlp.stance.value_evidence)."""
    n = len(index.tenet_ids)
    if not len(ctx.vecs) or not n:
        return np.zeros((0, len(FEATURES)))
    sims = ctx.vecs @ index.tenet_vecs.T
    ranked = -np.sort(-sims, axis=0)
    best = ranked[0]
    beh, anti = index.behaviour_z(ctx.vecs).max(axis=0), index.anti_z(ctx.vecs).max(axis=0)
    value_col = [index.value_ids.index(v) if v else -1 for v in index.prefer_value]
    mean_vec = ctx.vecs.mean(axis=0)
    mean_vec = mean_vec / max(float(np.linalg.norm(mean_vec)), 1e-9)
    others = np.array([np.delete(best, t).max() if n > 1 else 0.0 for t in range(n)])
    return np.column_stack(
        [
            best,
            ranked[:3].mean(axis=0),
            index.tenet_z(best),
            (ctx.vecs @ index.prefer_vecs.T).max(axis=0),
            (ctx.vecs @ index.over_vecs.T).max(axis=0),
            [beh[c] if c >= 0 else 0.0 for c in value_col],
            [anti[c] if c >= 0 else 0.0 for c in value_col],
            np.full(n, float(bool(ctx.tradeoffs))),
            np.full(n, np.log(len(ctx.sentences) + 1)),
            index.tenet_vecs @ mean_vec,
            best - others,
            *_value_columns(index, evidence or value_evidence(ctx, index, [])),
            *_own_words_columns(ctx, index),
        ]
    ).astype(np.float64)


_VALUE_INDEX = [VALUE_FEATURES.index(name) for name in _VALUE_COLUMNS]


def _value_columns(index: FrameworkIndex, evidence: ValueEvidence) -> list[np.ndarray]:
    """The value-stance features of each tenet's preferred and given-up value (zeros for a side
    that is no value). Tenet findings are left out: the model speaks only where there are none."""
    table = evidence.features[:, _VALUE_INDEX]
    blank = np.zeros(len(_VALUE_INDEX))
    columns = []
    for sides in (index.prefer_value, index.over_value):
        rows = np.array([table[index.value_ids.index(v)] if v else blank for v in sides])
        columns += list(rows.T)
    return columns


def _own_words_columns(ctx: DocContext, index: FrameworkIndex) -> list[np.ndarray]:
    share = np.array([containment(own, ctx.stems) for own in index.tenet_own_stems])
    return [share, minus_best_other(share)]


def unsaid_applications(
    ctx: DocContext,
    index: FrameworkIndex,
    model: AppliesModel,
    found: list[TenetFinding],
    values: list[ValueFinding],
    evidence: ValueEvidence | None = None,
) -> list[TenetFinding]:
    """At most one implicit finding, for a document in which the rules found no tenet.
    ``evidence``: the document's value evidence for ``found``, when the caller has it."""
    if found or not model.enabled:
        return []
    features = tenet_features(ctx, index, evidence)
    if not len(features):
        return []
    prob = model.probability(features)
    t = int(prob.argmax())
    if prob[t] < model.threshold:
        return []
    best_sentence = int((ctx.vecs @ index.tenet_vecs[t]).argmax())
    direction = _direction(index.prefer_value[t], values)
    return [
        TenetFinding(
            index.tenet_ids[t],
            "implicit",
            direction,
            round(float(prob[t]), 3),
            (ctx.evidence(best_sentence),),
            basis="model",
        )
    ]


def _direction(value: str | None, values: list[ValueFinding]) -> Direction:
    """The document's stance on the tenet's value says which way it went; follows by default."""
    for v in values:
        if v.value == value:
            return "against" if v.stance == "violates" else "follows"
    return "follows"
