"""The Auditor end to end: hermetic with the hash embedder, and a few checks on the real model."""

from __future__ import annotations

import pytest

from nlp.embed import HashEmbedder
from nlp.framework import load_framework
from nlp.pipeline import Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter

FRAMEWORK = """
organization: Northwind
values:
  - id: customer-trust
    name: Customer trust over growth metrics
    definition: We protect the reliability customers rely on, even when it slows growth.
    examples: [Delaying a launch to fix a data-loss bug]
    anti_patterns: [Shipping a known bug to hit a launch date]
  - id: ship-to-learn
    name: Ship to learn
    definition: Feature velocity matters; we ship small increments quickly to learn.
    examples: [Releasing an experiment behind a flag within a week]
  - id: sustainable-pace
    name: Sustainable pace
    definition: We work at a pace we can keep for years.
    examples: [Declining weekend work and re-planning scope]
    anti_patterns: [Praising engineers who work all weekend to hit a launch]
tenets:
  - id: reliability-over-velocity
    text: When feature velocity and reliability conflict, reliability wins for core workflows.
    prefer: reliability
    over: feature velocity
    values: [customer-trust, ship-to-learn]
"""
CITING = (
    "# Checkout retries\n\nPer our tenet that reliability wins over feature velocity, we hold the "
    "checkout release two weeks. We chose reliability over feature velocity for checkout."
)
AGAINST = (
    "We know our tenet says reliability wins, but this quarter we ship the billing change first. "
    "We chose feature velocity over reliability for the billing launch."
)
HEROICS = "Dana worked all weekend to hit the launch, praising engineers who work all weekend."
CONTRACT_KEYS = {
    "organization",
    "period",
    "corpus",
    "memos_citing_any_tenet",
    "tenet_usage",
    "values",
    "drift",
    "conflicts",
    "documents",
}


@pytest.fixture()
def auditor() -> Auditor:
    return Auditor(load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter())


def _docs() -> list[Document]:
    return [
        Document("m1", CITING, kind="memo", team="billing", date="2026-02-03"),
        Document("m2", AGAINST, kind="memo", team="growth", date="2026-05-03"),
        Document("p1", HEROICS, kind="promotion", team="growth", date="2026-08-01"),
        Document("x1", "We moved the office to the third floor.", kind="other"),
    ]


def test_pipeline_report_has_contract_shape(auditor: Auditor) -> None:
    report = auditor.audit(_docs())
    assert set(report) == CONTRACT_KEYS
    assert report["corpus"] == {"documents": 4, "by_kind": {"memo": 2, "other": 1, "promotion": 1}}
    assert report["period"] == {"from": "2026-02-03", "to": "2026-08-01"}
    usage = report["tenet_usage"][0]
    assert usage["tenet"] == "reliability-over-velocity"
    assert usage["explicit_documents"] == 2 and usage["against_documents"] == 1
    assert report["memos_citing_any_tenet"] == 1.0


def test_pipeline_direction_and_evidence_offsets(auditor: Auditor) -> None:
    report = auditor.audit(_docs())
    by_id = {d["id"]: d for d in report["documents"]}
    assert [(t["mode"], t["direction"]) for t in by_id["m1"]["tenets"]] == [("explicit", "follows")]
    assert [(t["mode"], t["direction"]) for t in by_id["m2"]["tenets"]] == [("explicit", "against")]
    docs = {d.id: d for d in _docs()}
    for d in report["documents"]:
        for finding in d["tenets"] + d["values"] + d["tradeoffs"]:
            for ev in finding["evidence"]:
                assert docs[ev["document"]].text[ev["start"] : ev["end"]] == ev["text"]


def test_pipeline_period_filter_and_progress(auditor: Auditor) -> None:
    seen: list[tuple[int, int]] = []
    report = auditor.audit(
        _docs(),
        period_from="2026-04-01",
        period_to="2026-06-30",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert [d["id"] for d in report["documents"]] == ["m2"]
    assert seen[-1] == (1, 1)


def test_pipeline_conflict_pairs_values_and_settling_tenet(auditor: Auditor) -> None:
    conflicts = auditor.audit(_docs())["conflicts"]
    top = conflicts[0]
    assert set(top["values"]) == {"customer-trust", "ship-to-learn"}
    assert top["tenet"] == "reliability-over-velocity"
    assert top["against_tenet_documents"] == ["m2"]
    assert top["resolved_for"] == {"customer-trust": 1, "ship-to-learn": 1}


def test_pipeline_score_memo_suggests_for_going_against(auditor: Auditor) -> None:
    scored = auditor.score_memo(AGAINST)
    assert 0.0 <= scored["score"] <= 1.0
    assert any("Goes against tenet" in s for s in scored["suggestions"])
    assert auditor.score_memo(CITING)["score"] > scored["score"]


def test_pipeline_empty_batch_gives_empty_report(auditor: Auditor) -> None:
    report = auditor.audit([])
    assert report["corpus"]["documents"] == 0 and report["documents"] == []
    assert report["memos_citing_any_tenet"] == 0.0


@pytest.mark.model
def test_pipeline_real_model_finds_heroics_and_citation(real_embedder, real_segmenter) -> None:  # type: ignore[no-untyped-def]
    auditor = Auditor(load_framework(FRAMEWORK), embedder=real_embedder, segmenter=real_segmenter)
    report = auditor.audit(_docs())
    by_id = {d["id"]: d for d in report["documents"]}
    assert ("reliability-over-velocity", "explicit", "follows") in {
        (t["tenet"], t["mode"], t["direction"]) for t in by_id["m1"]["tenets"]
    }
    assert ("sustainable-pace", "violates") in {
        (v["value"], v["stance"]) for v in by_id["p1"]["values"]
    }
    assert by_id["x1"]["tenets"] == [] and by_id["x1"]["values"] == []
