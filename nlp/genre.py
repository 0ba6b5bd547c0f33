"""Refine an inferred document kind with the encoder when the metadata did not give one.

The cue rules in ``nlp.kinds`` know genre conventions (headings such as "Root cause"), which real
ADRs and incident reviews follow but narrative write-ups often do not. Here each kind also gets a
handful of prototype sentences, and a document's opening sentences are compared with them.

Two ways to weigh the two: a fixed sum (cue weight plus prototype similarity, ``other`` with a
prior penalty: it is the fallback, not a genre), or, with the MiniLM encoder, a small multinomial
logistic regression over the same twelve numbers, trained on the kinds of our labelled corpora
by ``python -m nlp.train_kinds`` (``models/document-kind.json``). Leave-one-corpus-out over 21
corpora it is right on 0.949 of documents where the sum is right on 0.899, and on 659 real
documents 0.985 against 0.980: it learns the weights, not the organizations (a model over the
whole opening vector did better on our corpora and worse on real ADRs, so it was not kept). On
four blind corpora, though, the model and the cue rules written with it did no better than the
fixed sum before them (+0.05, -0.05, 0, -0.025).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embed import Embedder
from nlp.kinds import kind_scores, title_kind
from nlp.model_files import TRAINED_ENCODER, load_trained_model, trained_model_path

PROTOTYPES: Mapping[str, tuple[str, ...]] = {
    "memo": (
        "We decided to adopt this approach and rejected the alternatives.",
        "This memo proposes a decision and asks for approval.",
        "Options considered, the decision, and its consequences.",
        "We will roll this out in stages instead of all at once.",
        "Recommendation: we should build it ourselves rather than buy.",
        "Context: the problem we need to decide on.",
    ),
    "promotion": (
        "I recommend promoting her to senior engineer.",
        "He is ready for the next level; this packet summarises his impact.",
        "Performance review: strengths, growth areas and feedback from peers.",
        "She consistently operates at the staff level.",
        "Promotion write-up for an engineer on the team.",
        "Their impact this half and why they deserve the promotion.",
    ),
    "postmortem": (
        "Incident review: what happened, the timeline, root cause and action items.",
        "The outage began at 09:14 and customers saw errors until it was mitigated.",
        "Root cause: a bad configuration change was deployed.",
        "Action items to prevent this from happening again.",
        "We were paged and rolled back the deploy.",
        "Customer impact and detection of the incident.",
    ),
    "other": (
        "Agenda for the team offsite and logistics.",
        "Announcement: the office is moving next month.",
        "Meeting notes and updates.",
        "Welcome to the team: onboarding checklist.",
    ),
}
OPENING_SENTENCES = 20
TOP_K = 6  # the opening's sentences that best match a kind carry the vote
EMBED_WEIGHT = 10.0
CUE_WEIGHT = 0.3
CUE_CAP = 10.0
OTHER_PENALTY = 0.6
CUE_KINDS = ("memo", "promotion", "postmortem", "other")  # the kinds with cue rules (nlp.kinds)
FEATURES = (
    *(f"{k} cue score, capped at {CUE_CAP:g}, over {CUE_CAP:g}" for k in CUE_KINDS),
    *(f"log(1 + {k} cue score)" for k in CUE_KINDS),
    *(f"mean of the {TOP_K} best opening cosines to the {k} prototypes" for k in PROTOTYPES),
)
MODEL_FILE = "document-kind.json"


@dataclass(frozen=True)
class KindModel:
    """A multinomial logistic regression over standardised ``FEATURES``."""

    kinds: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (kinds, features)
    intercept: np.ndarray  # (kinds,)

    def predict(self, features: np.ndarray) -> str:
        z = self.coef @ ((features - self.mean) / self.scale) + self.intercept
        return self.kinds[int(np.argmax(z))]

    def to_json(self, **provenance: object) -> str:
        body = {
            "features": list(FEATURES),
            "kinds": list(self.kinds),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept.tolist(),
            **provenance,
        }
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> KindModel:
        kinds = tuple(str(k) for k in body["kinds"])
        coef = np.asarray(body["coef"], dtype=np.float64)
        if coef.shape != (len(kinds), len(FEATURES)) or set(kinds) != set(PROTOTYPES):
            raise ValueError(f"coefficients of shape {coef.shape} for kinds {list(kinds)}")
        return cls(
            kinds,
            np.asarray(body["mean"], dtype=np.float64),
            np.asarray(body["scale"], dtype=np.float64),
            coef,
            np.asarray(body["intercept"], dtype=np.float64),
        )


def default_model_path() -> Path:
    return trained_model_path(MODEL_FILE)


def load_kind_model(path: Path | None = None) -> KindModel:
    path = path or default_model_path()
    return load_trained_model(
        path, FEATURES, "document-kind", "nlp.train_kinds", KindModel.from_dict
    )


def kind_model_for(embedder_name: str) -> KindModel | None:
    """The trained model for the encoder it was trained on; None (the fixed sum) for any other."""
    return load_kind_model() if embedder_name.startswith(TRAINED_ENCODER) else None


class KindClassifier:
    """Combines cue scores with prototype similarity; prototypes are embedded once."""

    def __init__(self, embedder: Embedder, model: KindModel | None = None) -> None:
        self.kinds = list(PROTOTYPES)
        self.vecs = {k: embedder.encode(list(v)) for k, v in PROTOTYPES.items()}
        self.model = model

    @property
    def key(self) -> str:
        """Identifies the classifier in cache keys."""
        return self.model.to_json() if self.model is not None else "sum"

    def infer(self, text: str, title: str | None, opening_vecs: np.ndarray) -> str:
        """The kind of a document that was given none: the genre its title names, else the cues
        weighed with its opening sentences' vectors."""
        return title_kind(title) or self.classify(opening_vecs, kind_scores(text, title))

    def classify(self, opening_vecs: np.ndarray, cue_scores: Mapping[str, float]) -> str:
        """The best kind for a document whose opening sentences are ``opening_vecs``."""
        if not len(opening_vecs):
            return (
                max(cue_scores, key=lambda k: cue_scores[k])
                if any(cue_scores.values())
                else "other"
            )
        similarity = self.prototype_similarity(opening_vecs)
        if self.model is not None:
            return self.model.predict(kind_features(cue_scores, similarity))
        total = {
            kind: EMBED_WEIGHT * similarity[kind]
            + CUE_WEIGHT * min(cue_scores.get(kind, 0.0), CUE_CAP)
            for kind in self.kinds
        }
        total["other"] -= OTHER_PENALTY
        return max(total, key=lambda k: total[k])

    def prototype_similarity(self, opening_vecs: np.ndarray) -> dict[str, float]:
        """Per kind, the mean cosine of the opening's TOP_K sentences closest to a prototype."""
        vecs = opening_vecs[:OPENING_SENTENCES]
        return {
            kind: float(np.sort((vecs @ self.vecs[kind].T).max(axis=1))[-TOP_K:].mean())
            for kind in self.kinds
        }


def kind_features(cue_scores: Mapping[str, float], similarity: Mapping[str, float]) -> np.ndarray:
    """``FEATURES`` for one document, from its cue scores and prototype similarities."""
    cues = [max(0.0, cue_scores.get(k, 0.0)) for k in CUE_KINDS]
    return np.array(
        [min(c, CUE_CAP) / CUE_CAP for c in cues]
        + [float(np.log1p(c)) for c in cues]
        + [similarity[k] for k in PROTOTYPES],
        dtype=np.float64,
    )
