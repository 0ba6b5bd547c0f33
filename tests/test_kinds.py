"""Tests for nlp.kinds: rule-based kind inference on short hand-written samples."""

from __future__ import annotations

import pytest

from nlp.kinds import headings, infer_kind, kind_scores

POSTMORTEM = """# Checkout outage, 3 May

## Summary
Payments failed for 40 minutes after a config push.

## Timeline
- 10:02 alert fired, on-call paged
- 10:40 config rolled back

## Root cause
A missing feature flag default.

## Action items
- Add a config linter
"""

PROMOTION = """# Promotion packet: Dana Li, Senior Engineer

Dana operates at the senior level and is ready for the next level.

## Strengths
Leads cross-team projects; mentors two engineers.

## Areas for growth
Writing things down earlier.
"""

ADR = """# ADR 12: Use a queue for exports

Status: accepted

## Context
Exports time out for large workspaces.

## Decision
We will move exports to a background queue.

## Consequences
Exports become asynchronous.
"""

RFC = """Request for comments: pricing page redesign

Problem statement
=================

Visitors cannot tell plans apart.

Options considered
------------------

1. Keep the page. 2. A comparison table. We propose the table; the alternative costs more.
"""

SELF_REVIEW = """Self-review, H1

This half I shipped the importer and took on the on-boarding of two new hires.
My manager and I agreed my growth areas are estimation and delegation.
"""


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (POSTMORTEM, "postmortem"),
        (PROMOTION, "promotion"),
        (ADR, "memo"),
        (RFC, "memo"),
        (SELF_REVIEW, "promotion"),
        ("Groceries: milk, eggs, bread.", "other"),
        ("", "other"),
        ("Team lunch is on Friday at noon. Bring a friend.", "other"),
    ],
)
def test_kinds_infer_kind_on_short_samples(text: str, kind: str) -> None:
    assert infer_kind(text) == kind


def test_kinds_title_tips_a_sparse_text() -> None:
    text = "We lost writes for ten minutes. More below."
    assert infer_kind(text) == "other"
    assert infer_kind(text, title="Postmortem: lost writes") == "postmortem"


def test_kinds_only_the_opening_counts() -> None:
    late_cues = "Plain words. " * 1000 + "\n## Timeline\n## Root cause\n## Action items\n"
    assert infer_kind(late_cues) == "other"


def test_kinds_headings_from_markdown_rst_bold_and_html() -> None:
    text = (
        "## 2. Root Cause ##\n"
        "Decision\n========\n"
        "**Action items:**\n"
        "- **Time to repair**: 1h\n"
        "<h2>Lessons <em>learned</em></h2>\n"
    )
    assert headings(text) == [
        "root cause",
        "decision",
        "action items",
        "lessons learned",
        "time to repair",
    ]


def test_kinds_scores_cover_every_kind() -> None:
    scores = kind_scores(ADR)
    assert set(scores) == {"memo", "promotion", "postmortem", "other"}
    assert scores["memo"] > scores["postmortem"] > -1


def test_a_title_that_names_its_genre_settles_the_kind() -> None:
    from nlp.kinds import infer_kind, title_kind

    assert title_kind("Promotion case - Dr Priya Raman to Head of Internal Medicine") == "promotion"
    assert title_kind("Case review - delayed euthanasia decision") == "postmortem"
    assert title_kind("Clinical Governance Committee - minutes, October") == "other"
    assert title_kind("Decision record: Level 5 moment connections") == "memo"
    assert title_kind("Theatre start moves to 8:45") is None
    assert (
        title_kind("Review - ship 9 hydraulic leak and morning wave cancellations") == "postmortem"
    )
    assert title_kind("Project Halyard - close review") == "postmortem"
    assert title_kind("Design review outcome: scheduling architecture") is None
    assert title_kind("2027 fee review") is None
    assert title_kind("Partnership nomination - Daniel Marsh") == "promotion"
    assert title_kind("Partners' meeting - 27 May 2026 - notes") == "other"
    assert title_kind("Growth H2 calibration notes") is None
    # two genres named: the title settles nothing
    assert title_kind("Minutes of the promotion case review") is None
    body = "## Decision\nWe decided to adopt the new rota.\n## Alternatives\nNone."
    assert infer_kind(body, "Summer all-hands - summary") == "other"
    assert infer_kind(body, "Rota change") == "memo"


@pytest.mark.parametrize(
    ("title", "text", "kind"),
    [
        ("Live ops council", "Present: Deepa (chair), Marcus, Kiri\n\n1. Season start", "other"),
        ("Web guild sync", "Attendees: Ollie, Tom, Maya\n\n**1. Image format**", "other"),
        ("Halfway through 2026", "Hi everyone,\n\nWe're at the halfway mark.", "other"),
        ("Carla Mendes", "Proposing Carla Mendes for Senior Community Manager.", "promotion"),
        ("Sami Haddad", "**Current role:** SRE\n**Proposed role:** Senior SRE", "promotion"),
        ("Rohan Gupta", "Rohan Gupta — Live Ops Engineer → Senior Live Ops Engineer", "promotion"),
        ("Intake waits", "This is a review of the intake delays in February.", "postmortem"),
        ("Valdera", "This after-action review covers 5 October to 5 November.", "postmortem"),
        ("Sunfleet banner", "## What happened\n\nWe removed pity carry-over.", "postmortem"),
    ],
)
def test_genre_conventions_without_genre_words_in_the_title(
    title: str, text: str, kind: str
) -> None:
    scores = kind_scores(text, title)
    assert max(scores, key=lambda k: scores[k]) == kind and scores[kind] >= 2.0
