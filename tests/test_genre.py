"""The document-kind model: the committed artifact, its loader, its features, the classifier
with and without it, and the trainer on data it can learn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import committed_model_body

from nlp.embed import HashEmbedder
from nlp.errors import ModelUnavailableError
from nlp.genre import (
    CUE_KINDS,
    FEATURES,
    PROTOTYPES,
    KindClassifier,
    KindModel,
    default_model_path,
    kind_features,
    kind_model_for,
    load_kind_model,
)
from nlp.train_kinds import CorpusData, accuracy, fit

KINDS = tuple(PROTOTYPES)
PROTOTYPE_COLUMN = 2 * len(CUE_KINDS)  # FEATURES: capped cues, log cues, then prototypes


def _model(favoured: str) -> KindModel:
    """Ignores the features and always prefers one kind."""
    k = len(FEATURES)
    intercept = np.array([5.0 if kind == favoured else 0.0 for kind in KINDS])
    return KindModel(KINDS, np.zeros(k), np.ones(k), np.zeros((len(KINDS), k)), intercept)


def test_the_committed_model_loads_and_says_where_it_came_from() -> None:
    model = load_kind_model()
    assert set(model.kinds) == set(PROTOTYPES) and model.coef.shape == (4, len(FEATURES))
    body = committed_model_body(default_model_path(), "nlp.train_kinds")
    assert "northwind" in body["trained_on"]
    assert set(body["out_of_fold"]) == set(body["trained_on"])


def test_only_the_encoder_it_was_trained_on_gets_the_model() -> None:
    assert kind_model_for("hash-256") is None
    assert isinstance(kind_model_for("minilm-l6-v2-onnx"), KindModel)


def test_missing_stale_or_mangled_model_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        load_kind_model(tmp_path / "absent.json")
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"features": ["something else"]}))
    with pytest.raises(ModelUnavailableError, match="retrain"):
        load_kind_model(stale)
    body = json.loads(_model("memo").to_json())
    body["coef"] = body["coef"][:2]  # two kinds' rows for four kinds
    mangled = tmp_path / "mangled.json"
    mangled.write_text(json.dumps(body))
    with pytest.raises(ModelUnavailableError, match="shape"):
        load_kind_model(mangled)


def test_a_model_survives_its_json() -> None:
    model = _model("postmortem")
    again = KindModel.from_dict(json.loads(model.to_json(trained_on=["x"])))
    row = np.arange(len(FEATURES), dtype=float)
    assert again.predict(row) == model.predict(row) == "postmortem"


def test_features_cap_and_log_the_cue_scores() -> None:
    similarity = {"memo": 0.1, "promotion": 0.2, "postmortem": 0.3, "other": 0.4}
    row = kind_features({"memo": 25.0, "promotion": 0.0, "postmortem": 3.0}, similarity)
    assert len(row) == len(FEATURES) == 3 * len(CUE_KINDS)
    assert row[:4].tolist() == [1.0, 0.0, 0.3, 0.0]  # capped at 10, over 10; no "other" cue
    assert row[4] == pytest.approx(np.log1p(25.0)) and row[5] == 0.0
    assert row[8:].tolist() == [0.1, 0.2, 0.3, 0.4]


def test_the_classifier_asks_the_model_when_it_has_one() -> None:
    embedder = HashEmbedder()
    opening = embedder.encode(["Root cause: a bad configuration change was deployed."])
    cues = {"memo": 0.0, "promotion": 0.0, "postmortem": 8.0}
    assert KindClassifier(embedder).classify(opening, cues) == "postmortem"  # the fixed sum
    assert KindClassifier(embedder, _model("promotion")).classify(opening, cues) == "promotion"
    # no sentences at all: the cues decide, with or without a model
    assert KindClassifier(embedder, _model("promotion")).classify(opening[:0], cues) == "postmortem"


def test_the_trainer_learns_a_separable_signal_and_keeps_the_title_rule() -> None:
    rng = np.random.default_rng(0)
    kinds = [KINDS[i % 4] for i in range(80)]
    features = rng.normal(size=(80, len(FEATURES)))
    for i, kind in enumerate(kinds):  # each kind lifts its own prototype similarity
        features[i, PROTOTYPE_COLUMN + KINDS.index(kind)] += 3.0
    half = [
        CorpusData(name, features[sl], kinds[sl], [None] * 40, ["memo"] * 40)
        for name, sl in (("a", slice(0, 40)), ("b", slice(40, 80)))
    ]
    model = fit([half[0]])
    predicted = [model.predict(row) for row in half[1].features]
    assert accuracy(half[1], predicted) >= 0.9
    titled = CorpusData("t", features[:2], ["memo", "other"], ["memo", "other"], ["x", "x"])
    assert accuracy(titled, ["promotion", "promotion"]) == 1.0  # the title names the genre
