"""The HTML and Markdown renderings of the audit report (contract §4)."""

from __future__ import annotations

import copy
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from nlp.render import md_cell, render_html, render_markdown

GOLDEN = Path(__file__).resolve().parent / "golden" / "report.md"
SCRIPT = "<script>alert(1)</script>"
VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base"}


def ev(doc: str, text: str, start: int = 0) -> dict[str, Any]:
    return {"document": doc, "text": text, "start": start, "end": start + len(text)}


def report_fixture() -> dict[str, Any]:
    """2 tenets, 3 values, 2 drift items, 1 conflict, 3 documents; doc-003 holds a script."""
    hostile = ev("doc-003", f"We shipped anyway {SCRIPT} | and paged on-call at 2am.", 40)
    return {
        "organization": "Northwind",
        "period": {"from": "2026-01-01", "to": "2026-06-30"},
        "corpus": {"documents": 3, "by_kind": {"memo": 2, "postmortem": 1}},
        "memos_citing_any_tenet": 0.5,
        "tenet_usage": [
            {
                "tenet": "reliability-over-velocity",
                "explicit_documents": 1,
                "implicit_documents": 1,
                "against_documents": 1,
                "evidence": [ev("doc-001", "Per our tenet, reliability wins over velocity.")],
            },
            {
                "tenet": "write-it-down",
                "explicit_documents": 0,
                "implicit_documents": 0,
                "against_documents": 0,
                "evidence": [],
            },
        ],
        "values": [
            {
                "value": "customer-trust",
                "upheld_documents": 1,
                "violated_documents": 1,
                "by_kind": {"memo": {"upheld": 1, "violated": 1}},
                "by_team": {
                    "platform": {"upheld": 1, "violated": 0},
                    "growth": {"upheld": 0, "violated": 1},
                },
                "by_quarter": {
                    "2026-Q1": {"upheld": 1, "violated": 0},
                    "2026-Q2": {"upheld": 0, "violated": 1},
                },
            },
            {
                "value": "sustainable-pace",
                "upheld_documents": 0,
                "violated_documents": 2,
                "by_kind": {
                    "memo": {"upheld": 0, "violated": 1},
                    "postmortem": {"upheld": 0, "violated": 1},
                },
                "by_team": {"growth": {"upheld": 0, "violated": 1}},
                "by_quarter": {"2026-Q2": {"upheld": 0, "violated": 2}},
            },
            {
                "value": "ship-to-learn",
                "upheld_documents": 1,
                "violated_documents": 0,
                "by_kind": {"memo": {"upheld": 1, "violated": 0}},
                "by_team": {},
                "by_quarter": {"2026-Q2": {"upheld": 1, "violated": 0}},
            },
        ],
        "drift": [
            {
                "type": "say_do_gap",
                "value": "sustainable-pace",
                "score": 0.42,
                "summary": "Stated “Sustainable pace”, but 2 of 2 documents violate it.",
                "evidence": [
                    hostile,
                    ev("doc-002", "The team worked the weekend to hit the date."),
                ],
            },
            {
                "type": "unstated_value",
                "theme": "revenue targets",
                "keywords": ["quota", "bookings", "arr"],
                "documents": ["doc-002", "doc-003"],
                "score": 0.7,
                "summary": "2 documents justify decisions by “revenue targets”.",
            },
        ],
        "conflicts": [
            {
                "values": ["customer-trust", "ship-to-learn"],
                "documents": 2,
                "resolved_for": {"customer-trust": 1, "ship-to-learn": 1},
                "tenet": "reliability-over-velocity",
                "against_tenet_documents": ["doc-002"],
                "evidence": [ev("doc-002", "We chose to ship | learn over a safer rollout.")],
            },
        ],
        "documents": [
            {
                "id": "doc-001",
                "kind": "memo",
                "team": "platform",
                "date": "2026-02-10",
                "tenets": [
                    {
                        "tenet": "reliability-over-velocity",
                        "mode": "explicit",
                        "direction": "follows",
                        "score": 0.91,
                        "evidence": [ev("doc-001", "Per our tenet, reliability wins.")],
                    }
                ],
                "values": [
                    {
                        "value": "customer-trust",
                        "stance": "upholds",
                        "score": 0.8,
                        "evidence": [ev("doc-001", "Customers must trust the ledger.")],
                    }
                ],
                "tradeoffs": [
                    {
                        "winner": "customer-trust",
                        "loser": "ship-to-learn",
                        "evidence": [ev("doc-001", "Trust first, speed second.")],
                    }
                ],
                "themes": [],
            },
            {
                "id": "doc-002",
                "kind": "memo",
                "team": None,
                "date": None,
                "tenets": [
                    {
                        "tenet": "reliability-over-velocity",
                        "mode": "implicit",
                        "direction": "against",
                        "score": 0.66,
                        "evidence": [ev("doc-002", "We chose to ship over a safer rollout.")],
                    }
                ],
                "values": [
                    {
                        "value": "sustainable-pace",
                        "stance": "violates",
                        "score": 0.7,
                        "evidence": [ev("doc-002", "The team worked the weekend.")],
                    }
                ],
                "tradeoffs": [{"winner": None, "loser": "customer-trust", "evidence": []}],
                "themes": ["revenue targets"],
            },
            {
                "id": "doc-003",
                "kind": "postmortem",
                "team": "growth",
                "date": "2026-05-02",
                "tenets": [],
                "values": [
                    {
                        "value": "sustainable-pace",
                        "stance": "violates",
                        "score": 0.75,
                        "evidence": [hostile],
                    }
                ],
                "tradeoffs": [],
                "themes": ["revenue targets"],
            },
        ],
    }


def empty_report() -> dict[str, Any]:
    return {
        "organization": "Emptyco",
        "period": {"from": None, "to": None},
        "corpus": {"documents": 0, "by_kind": {}},
        "memos_citing_any_tenet": 0.0,
        "tenet_usage": [],
        "values": [],
        "drift": [],
        "conflicts": [],
        "documents": [],
    }


class TagBalance(HTMLParser):
    """Records every unclosed or mismatched tag; ``problems`` is empty for well-formed markup."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.starts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}>, open: {self.stack[-3:]}")
            return
        self.stack.pop()


def parse(html: str) -> TagBalance:
    parser = TagBalance()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def report() -> dict[str, Any]:
    return report_fixture()


def test_render_html_shows_organization_tenets_and_conflict_pair(report: dict[str, Any]) -> None:
    html = render_html(report)
    assert "Northwind" in html
    for tenet in ("reliability-over-velocity", "write-it-down"):
        assert tenet in html
    assert "customer-trust vs ship-to-learn" in html
    assert "50%" in html  # memos citing any tenet, as the big number


def test_render_html_escapes_document_text(report: dict[str, Any]) -> None:
    html = render_html(report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_render_html_escapes_every_untrusted_field(report: dict[str, Any]) -> None:
    hostile = copy.deepcopy(report)
    hostile["organization"] = "<b>Evil</b>"
    hostile["documents"][0]["id"] = '"><img src=x onerror=alert(1)>'
    hostile["documents"][1]["themes"] = ["<i>theme</i>"]
    hostile["drift"][1]["keywords"] = ["<u>kw</u>"]
    html = render_html(hostile)
    for raw in ("<b>Evil", "<img", "<i>theme", "<u>kw"):
        assert raw not in html
    assert parse(html).problems == []


def test_render_html_is_self_contained(report: dict[str, Any]) -> None:
    html = render_html(report)
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<(link|script|iframe|img)\b", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "<style>" in html and "<svg" in html  # inline CSS, inline SVG charts


def test_render_html_structure_is_balanced(report: dict[str, Any]) -> None:
    tree = parse(render_html(report))
    assert tree.problems == []
    assert tree.stack == []
    for tag in ("html", "head", "body", "main", "header"):
        assert tree.starts.count(tag) == 1
    assert tree.starts.count("details") == 3  # one per document


def test_render_html_sections_in_order(report: dict[str, Any]) -> None:
    html = render_html(report)
    ids = ["gaps", "unstated", "tenets", "breakdown", "conflicts", "documents"]
    positions = [html.index(f'<section id="{i}">') for i in ids]
    assert positions == sorted(positions)


def test_render_html_orders_tenets_by_use_and_calls_out_unused(report: dict[str, Any]) -> None:
    report["tenet_usage"].reverse()
    html = render_html(report)
    chart = html[html.index('id="tenets"') : html.index('id="breakdown"')]
    assert chart.index("reliability-over-velocity") < chart.index("write-it-down")
    assert "Never applied" in chart


def test_render_html_handles_missing_optional_fields(report: dict[str, Any]) -> None:
    html = render_html(report)
    assert "no team" in html and "undated" in html
    assert "(unstated) → customer-trust" in html


def test_render_html_empty_report_renders(report: dict[str, Any]) -> None:
    html = render_html(empty_report())
    tree = parse(html)
    assert tree.problems == [] and tree.stack == []
    assert "No tenets in this framework" in html
    assert "No documents" in html
    assert "Emptyco" in html


def test_render_html_minimal_dict_renders() -> None:
    tree = parse(render_html({}))
    assert tree.problems == [] and tree.stack == []


def test_render_markdown_tables_have_correct_counts(report: dict[str, Any]) -> None:
    md = render_markdown(report)
    assert md.startswith("# Northwind — values audit")
    assert "| reliability-over-velocity | 1 | 1 | 1 |" in md
    assert "| write-it-down | 0 | 0 | 0 |" in md
    assert "| sustainable-pace | 0 / 1 | 0 / 1 | 0 / 2 |" in md  # memo, postmortem, all
    assert "| customer-trust vs ship-to-learn | 2 | customer-trust: 1, ship-to-learn: 1 |" in md
    assert "| 1 | sustainable-pace | 0.42 |" in md


def test_render_markdown_escapes_pipes_and_html(report: dict[str, Any]) -> None:
    md = render_markdown(report)
    assert "ship \\| learn" in md
    assert "<script" not in md
    assert "&lt;script&gt;" in md
    for line in md.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == len(re.split(r"(?<!\\)\|", _header_for(md, line))), line


def _header_for(md: str, row: str) -> str:
    lines = md.splitlines()
    i = lines.index(row)
    while i > 0 and lines[i - 1].startswith("|"):
        i -= 1
    return lines[i]


def test_render_markdown_empty_report_renders() -> None:
    md = render_markdown(empty_report())
    assert "_No tenets in this framework._" in md
    assert "_No documents._" in md


def test_render_markdown_cell_escapes_pipes_and_newlines() -> None:
    assert md_cell("a | b\nc") == "a \\| b c"


def test_render_markdown_matches_golden(report: dict[str, Any]) -> None:
    md = render_markdown(report)
    if not GOLDEN.exists() or os.environ.get("SAYDO_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(md, encoding="utf-8")
    assert md == GOLDEN.read_text(encoding="utf-8")


def test_render_html_starts_with_a_real_doctype() -> None:
    from nlp.render import render_html

    assert render_html({}).startswith("<!doctype html>\n<html")


def test_a_tenets_trade_off_is_labelled_as_inferred(report: dict[str, Any]) -> None:
    report = copy.deepcopy(report)
    doc = report["documents"][0]
    doc["tradeoffs"] = [
        {"winner": "customer-trust", "loser": None, "basis": "tenet", "evidence": []},
        {"winner": "ship-to-learn", "loser": None, "basis": "phrase", "evidence": []},
    ]
    md = render_markdown(report)
    assert "customer-trust → " in md and "(by the tenet applied)" in md
    assert md.count("(by the tenet applied)") == 1  # the phrase one is read in the text
    assert "(by the tenet applied)" in render_html(report)
