"""The value-stance model: the committed artifact, its loader, its features and the decision rule."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import committed_model_body, prepared

from nlp.errors import ModelUnavailableError
from nlp.stance import collect_votes, document_sims, value_findings, vote_strength
from nlp.stance_model import (
    FEATURES,
    Logistic,
    StanceModel,
    default_model_path,
    load_stance_model,
    stance_model_for,
    value_features,
)

FRAMEWORK = """
organization: Test
values:
  - id: careful
    name: Careful rollouts
    definition: Changes reach devices in rings with health checks between them.
    examples: [Holding the firmware at the ten percent ring until health checks pass.]
    anti_patterns: [Pushing the firmware to the whole fleet at once to hit the date.]
  - id: local
    name: Works offline
    definition: Devices water the garden with no internet connection.
  - id: plain
    name: Plain talk
    definition: We tell customers what happened in words they use.
"""
MEMO = (
    "The team met on Tuesday. Holding the firmware at the ten percent ring until health checks "
    "pass. Marketing moved the announcement to next month."
)


def _prepared(text: str):  # type: ignore[no-untyped-def]
    return prepared(FRAMEWORK, text)


def _model(
    feature: int, per_document: int = 2, upholds_bias: float = 5.0, intercept: float = -20.0
) -> StanceModel:
    """Involvement rises with one feature only; polarity is a fixed bias."""
    k = len(FEATURES)
    coef = np.zeros(k)
    coef[feature] = 40.0
    involved = Logistic(np.zeros(k), np.ones(k), coef, intercept)  # 0.5 at feature == 0.5
    upholds = Logistic(np.zeros(k), np.ones(k), np.zeros(k), upholds_bias)
    return StanceModel(involved, upholds, threshold=0.5, per_document=per_document)


BEST_EXAMPLE = FEATURES.index("best cosine to an example")


def test_the_committed_model_loads_and_says_where_it_came_from() -> None:
    model = load_stance_model()
    assert model.enabled and model.per_document >= 1
    assert model.involved.coef.shape == (len(FEATURES),)
    body = committed_model_body(default_model_path(), "nlp.train_stance")
    assert "northwind" in body["trained_on"]
    assert set(body["out_of_fold"]) == set(body["trained_on"])


def test_missing_or_stale_model_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        load_stance_model(tmp_path / "absent.json")
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({"features": ["something else"]}))
    with pytest.raises(ModelUnavailableError, match="retrain"):
        load_stance_model(stale)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"features": list(FEATURES)}))
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        load_stance_model(broken)


def test_features_have_one_finite_row_per_value() -> None:
    ctx, index = _prepared(MEMO)
    sims = document_sims(ctx, index)
    votes = collect_votes(ctx, index, [], sims)
    features = value_features(ctx, index, [], votes, vote_strength, sims)
    assert features.shape == (3, len(FEATURES))
    assert np.isfinite(features).all()
    # the memo restates an example of the first value, and it stands out from the others
    assert features[0, BEST_EXAMPLE] == features[:, BEST_EXAMPLE].max()
    assert features[0, FEATURES.index("document is a memo")] == 1.0


def test_the_model_keeps_the_most_involved_values_above_threshold() -> None:
    ctx, index = _prepared(MEMO)
    found = value_findings(ctx, index, [], _model(BEST_EXAMPLE, per_document=1))
    assert [(f.value, f.stance) for f in found] == [("careful", "upholds")]
    assert found[0].evidence and found[0].evidence[0].text.startswith("Holding the firmware")
    unsure = _model(BEST_EXAMPLE, intercept=-45.0)  # below 0.5 even at a cosine of 1
    assert value_findings(ctx, index, [], unsure) == []


def test_polarity_is_the_models_unless_the_rule_votes_lean_clearly() -> None:
    ctx, index = _prepared(MEMO)
    leaning = collect_votes(ctx, index, [], document_sims(ctx, index))
    assert vote_strength(leaning[("careful", "upholds")]) >= 0.3  # the rules lean "upholds"
    says_violates = _model(BEST_EXAMPLE, per_document=1, upholds_bias=-5.0)
    assert value_findings(ctx, index, [], says_violates)[0].stance == "upholds"
    quiet, _ = _prepared("The team met on Tuesday. Health checks between rings were discussed.")
    found = value_findings(quiet, index, [], _model(BEST_EXAMPLE, 1, upholds_bias=-5.0))
    assert all(f.stance == "violates" for f in found)


def test_an_empty_document_has_no_stance() -> None:
    ctx, index = _prepared("")
    assert value_findings(ctx, index, [], _model(BEST_EXAMPLE)) == []


def test_training_writes_a_model_the_engine_loads(tmp_path: Path) -> None:
    from nlp.train_stance import main

    corpora = Path(__file__).resolve().parent.parent / "corpora"
    out = tmp_path / "stance.json"
    main([str(corpora / "delta"), str(corpora / "quarry"), "--embedder", "hash", "--out", str(out)])
    model = load_stance_model(out)
    assert np.all(np.isfinite(model.involved.coef)) and np.all(np.isfinite(model.upholds.coef))
    assert json.loads(out.read_text())["out_of_fold"].keys() == {"delta", "quarry"}


def test_the_trained_model_serves_only_the_encoder_it_was_trained_on() -> None:
    assert not stance_model_for("hash-256").enabled
    trained = stance_model_for("minilm-l6-v2-torch-fp32")
    assert trained.enabled and trained.key == load_stance_model().key
