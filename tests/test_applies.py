"""The tenet-applies model: the committed artifact, its loader, and the one-tenet rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import committed_model_body, prepared

from nlp.applies import (
    FEATURES,
    AppliesModel,
    default_model_path,
    load_applies_model,
    tenet_features,
    unsaid_applications,
)
from nlp.errors import ModelUnavailableError
from nlp.records import Evidence, TenetFinding

FRAMEWORK = """
organization: Test
values:
  - id: careful
    name: Careful rollouts
    definition: Changes reach devices in rings with health checks between them.
  - id: local
    name: Works offline
    definition: Devices water the garden with no internet connection.
tenets:
  - id: rings-over-dates
    text: A staged rollout that lands late beats a fleet-wide push that lands on time.
    prefer: staged rollout
    over: the launch date
    values: [careful]
  - id: device-over-cloud
    text: Watering logic lives on the device even if the cloud version would ship sooner.
    prefer: on-device logic
    over: cloud speed
    values: [local]
"""
MEMO = (
    "We held the firmware at the ten percent ring for a week. "
    "A staged rollout that lands late beats a fleet-wide push that lands on time. "
    "Marketing moved the announcement."
)


def _prepared(text: str):  # type: ignore[no-untyped-def]
    return prepared(FRAMEWORK, text)


def _model_on_best_cosine(threshold: float) -> AppliesModel:
    """Probability rises with feature 0 (best sentence cosine to the tenet) only."""
    k = len(FEATURES)
    coef = np.zeros(k)
    coef[0] = 20.0
    return AppliesModel(np.zeros(k), np.ones(k), coef, -10.0, threshold)


def test_the_committed_model_loads_and_says_where_it_came_from() -> None:
    model = load_applies_model()
    assert model.coef.shape == (len(FEATURES),)
    assert 0.0 < model.threshold < 1.0
    body = committed_model_body(default_model_path(), "nlp.train_applies")
    assert set(body["trained_on"]) >= {"northwind", "larkspur"}


def test_missing_or_stale_model_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        load_applies_model(tmp_path / "absent.json")
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"features": ["something else"]}))
    with pytest.raises(ModelUnavailableError, match="retrain"):
        load_applies_model(stale)


def test_features_have_one_row_per_tenet_and_none_for_an_empty_document() -> None:
    ctx, index = _prepared(MEMO)
    features = tenet_features(ctx, index)
    assert features.shape == (2, len(FEATURES))
    assert np.isfinite(features).all()
    assert features[0, 0] > features[1, 0]  # the memo restates the first tenet
    empty, _ = _prepared("")
    assert tenet_features(empty, index).shape == (0, len(FEATURES))


def test_the_surest_tenet_is_reported_with_its_closest_sentence() -> None:
    ctx, index = _prepared(MEMO)
    found = unsaid_applications(ctx, index, _model_on_best_cosine(0.5), [], [])
    assert [(f.tenet, f.mode, f.basis) for f in found] == [
        ("rings-over-dates", "implicit", "model")
    ]
    assert found[0].evidence[0].text.startswith("A staged rollout")


def test_nothing_is_added_below_threshold_or_where_the_rules_found_a_tenet() -> None:
    ctx, index = _prepared(MEMO)
    assert unsaid_applications(ctx, index, AppliesModel.disabled(), [], []) == []
    assert unsaid_applications(ctx, index, _model_on_best_cosine(0.999999), [], []) == []
    cited = TenetFinding(
        "device-over-cloud", "explicit", "follows", 1.0, (Evidence("m1", "x", 0, 1),)
    )
    assert unsaid_applications(ctx, index, _model_on_best_cosine(0.5), [cited], []) == []


def test_training_writes_a_model_the_engine_loads(tmp_path: Path) -> None:
    from nlp.train_applies import main

    corpora = Path(__file__).resolve().parent.parent / "corpora"
    out = tmp_path / "applies.json"
    main([str(corpora / "delta"), str(corpora / "quarry"), "--embedder", "hash", "--out", str(out)])
    model = load_applies_model(out)
    assert np.all(np.isfinite(model.coef))
    assert json.loads(out.read_text())["out_of_fold"].keys() == {"delta", "quarry"}


def test_training_refuses_folders_that_are_not_corpora(tmp_path: Path) -> None:
    from nlp.train_applies import main

    corpora = Path(__file__).resolve().parent.parent / "corpora"
    with pytest.raises(SystemExit):
        main([str(tmp_path), str(corpora / "delta"), "--out", str(tmp_path / "m.json")])
    with pytest.raises(SystemExit):
        main([str(corpora / "delta"), "--out", str(tmp_path / "m.json")])
    assert not (tmp_path / "m.json").exists()


def test_reports_say_when_a_model_inferred_the_finding() -> None:
    from nlp.render import md_document

    tenet = {"tenet": "t1", "mode": "implicit", "direction": "follows", "score": 0.8}
    doc = {"id": "d1", "kind": "memo", "tenets": [{**tenet, "basis": "model"}]}
    assert "inferred by model" in "\n".join(md_document(doc))
    doc = {"id": "d1", "kind": "memo", "tenets": [{**tenet, "basis": "rules"}]}
    assert "inferred by model" not in "\n".join(md_document(doc))


def test_the_trained_model_serves_only_the_encoder_it_was_trained_on() -> None:
    from nlp.applies import applies_model_for

    assert applies_model_for("hash-256").threshold > 1.0  # never fires
    trained = applies_model_for("minilm-l6-v2-torch-fp32")
    assert trained.threshold < 1.0 and trained.key == load_applies_model().key
