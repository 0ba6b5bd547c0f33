"""The `saydo` command line: audit writes the contract report; bad input exits 2 and says why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from service.cli import app, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "corpora" / "northwind"


def test_cli_audit_writes_json_html_and_markdown(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAYDO_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "r"
    result = CliRunner().invoke(
        app,
        [
            "audit",
            str(SAMPLE / "docs"),
            "--framework",
            str(SAMPLE / "framework.yaml"),
            "--manifest",
            str(SAMPLE / "manifest.csv"),
            "--embedder",
            "hash",
            "--json",
            f"{out}.json",
            "--html",
            f"{out}.html",
            "--markdown",
            f"{out}.md",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(Path(f"{out}.json").read_text())
    assert report["organization"] == "Northwind"
    assert report["corpus"]["documents"] == len(list((SAMPLE / "docs").glob("*.md")))
    assert Path(f"{out}.html").read_text().startswith("<!doctype html>")
    assert "Northwind" in Path(f"{out}.md").read_text()


def test_cli_bad_framework_exits_2_naming_every_field(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
    capsys,
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("organization: X\nvalues:\n  - id: Bad\n    name: A\n")
    monkeypatch.setattr(
        sys,
        "argv",
        ["saydo", "audit", str(SAMPLE / "docs"), "--framework", str(bad), "--embedder", "hash"],
    )
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "values[0].id" in err and "[a-z0-9-]+" in err and "values[0].definition" in err


def test_cli_score_memo_prints_findings_score_and_suggestions(
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    monkeypatch.setenv("SAYDO_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(
        app,
        [
            "score-memo",
            str(SAMPLE / "docs" / "memo-015.md"),
            "--framework",
            str(SAMPLE / "framework.yaml"),
            "--embedder",
            "hash",
        ],
    )
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert {"tenets", "values", "tradeoffs", "score", "suggestions"} <= set(scored)
    assert 0.0 <= scored["score"] <= 1.0


def test_cli_eval_scores_a_corpus_against_its_gold(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAYDO_DATA_DIR", str(tmp_path / "data"))
    corpus = tmp_path / "tiny"
    (corpus / "docs").mkdir(parents=True)
    (corpus / "framework.yaml").write_text((SAMPLE / "framework.yaml").read_text())
    names = sorted(p.name for p in (SAMPLE / "docs").glob("*.md"))[:6]
    for name in names:
        (corpus / "docs" / name).write_text((SAMPLE / "docs" / name).read_text())
    import yaml

    gold = yaml.safe_load((SAMPLE / "gold.yaml").read_text())
    kept = {n[:-3]: gold["documents"][n[:-3]] for n in names}
    (corpus / "gold.yaml").write_text(yaml.safe_dump({"documents": kept, "expected": {}}))
    result = CliRunner().invoke(
        app, ["eval", str(corpus), "--embedder", "hash", "--json", str(tmp_path / "s.json")]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "s.json").read_text())
    # Blind kind inference classifies every document; its accuracy is a share of the six.
    blind = scores["kind_accuracy"]["blind"]
    assert blind * 6 == pytest.approx(round(blind * 6), abs=0.01)
    assert scores["kind_accuracy"]["all"] > 0
    assert "explicit_tenet" in scores and "every kind inferred" in result.output
