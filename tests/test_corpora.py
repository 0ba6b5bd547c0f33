"""Every bundled corpus is consistent: its framework loads, and gold labels and documents agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nlp.framework import load_framework
from nlp.ingest import ingest_folder

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
ORGS = sorted(p.name for p in CORPORA.iterdir() if (p / "gold.yaml").exists())


def test_there_are_several_corpora() -> None:
    assert {"northwind", "larkspur", "quarry"} <= set(ORGS)


@pytest.mark.parametrize("org", ORGS)
def test_gold_matches_documents_and_framework(org: str) -> None:
    root = CORPORA / org
    fw = load_framework((root / "framework.yaml").read_bytes())
    values, tenets = {v.id for v in fw.values}, {t.id for t in fw.tenets}
    gold = yaml.safe_load((root / "gold.yaml").read_text(encoding="utf-8"))
    manifest = root / "manifest.csv"
    results = ingest_folder(root / "docs", manifest=manifest if manifest.exists() else None)
    assert all(r.status == "ok" for r in results)
    assert {r.document.id for r in results if r.document} == set(gold["documents"])
    for doc_id, g in gold["documents"].items():
        assert g["kind"] in {"memo", "promotion", "postmortem", "other"}, doc_id
        assert {t["tenet"] for t in g.get("tenets") or []} <= tenets, doc_id
        assert {v["value"] for v in g.get("values") or []} <= values, doc_id
        sides = {s for t in g.get("tradeoffs") or [] for s in (t["winner"], t["loser"])}
        assert sides - {None} <= values, doc_id
    expected = gold["expected"]
    assert set(expected["say_do_gaps"]) <= values
    assert set(expected["top_conflict"]["values"]) <= values
