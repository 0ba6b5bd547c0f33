"""After-hours work: the lexicon, its refusals, and which value and tenet it speaks to."""

from __future__ import annotations

import pytest

from nlp.embed import HashEmbedder
from nlp.framework import load_framework
from nlp.overwork import hours_signals, hours_stance, hours_verdict, pace_tenet, pace_value
from nlp.pipeline import Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter

FRAMEWORK = """
organization: Acme
values:
  - id: humane-hours
    name: Humane hours
    definition: We plan for normal working hours; nobody works nights or weekends to make a date.
    anti_patterns: [Praising heroics over a holiday]
  - id: candour
    name: Candour
    definition: We say what we think, kindly and early.
tenets:
  - id: slip-the-date
    text: When a date and people's evenings conflict, the date moves.
    prefer: the evenings
    over: the date
    values: [humane-hours]
  - id: write-it-down
    text: Decisions are written down before they are announced.
"""


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("She pulled two all-nighters to get the readout finished.", "violates"),
        ("He joined calls from his hotel at midnight during his vacation.", "violates"),
        ("Kofi was on it for 20 hours straight and wouldn't hand it off.", "violates"),
        ("He was online until 3am so we wouldn't miss the date.", "violates"),
        (
            "On New Year's Day he stayed on until both sites were clean, rather than rolling "
            "them back and missing the date.",
            "violates",
        ),
        ("We moved the launch date rather than ask anyone to work the weekend.", "upholds"),
        ("Nobody on the team should be working evenings on this.", "upholds"),
    ],
)
def test_hours_stance_reads_behaviour_and_refusal(sentence: str, stance: str) -> None:
    found = hours_stance(sentence)
    assert found is not None and found[0] == stance


@pytest.mark.parametrize(
    "sentence",
    [
        "We wanted it live before the weekend so the readout had three days of data.",
        "The nightly pipeline failed at the load step.",
        "Mobile stays on the current CI vendor through 2026.",
        "We could ask the team to work the next two weekends.",
    ],
)
def test_hours_stance_ignores_time_references_and_options(sentence: str) -> None:
    assert hours_stance(sentence) is None


def test_hours_verdict_weighs_both_sides_and_notes_deadlines() -> None:
    signals = hours_signals(
        [
            "The launch was three weeks behind.",
            "Mateo worked through the holiday break to make the date.",
            "Sam refused to let anyone work the weekend.",
        ]
    )
    assert [s.stance for s in signals] == ["violates", "upholds"]
    assert signals[0].deadline
    assert hours_verdict(signals) is not None
    assert hours_verdict([]) is None


def test_pace_value_and_tenet_come_from_the_framework_words() -> None:
    fw = load_framework(FRAMEWORK)
    assert pace_value(fw) == "humane-hours"
    assert pace_tenet(fw, "humane-hours") == "slip-the-date"
    no_pace = load_framework(
        "organization: Acme\nvalues:\n  - {id: candour, name: Candour, definition: We say it early.}"
    )
    assert pace_value(no_pace) is None and pace_tenet(no_pace, None) is None


def test_the_pace_value_may_say_so_only_in_its_id_and_its_why() -> None:
    fw = load_framework(
        """
organization: Courier
values:
  - id: sustainable-pace
    name: A newsroom that lasts
    definition: Reasonable hours, real days off and a handoff when someone has been on too long.
    why: Local news has lost too many good people to burnout.
  - id: accuracy
    name: Get it right
    definition: We check before we publish, even overnight.
"""
    )
    assert pace_value(fw) == "sustainable-pace"


def test_opening_hours_and_other_senses_of_leave_do_not_make_a_pace_value() -> None:
    fw = load_framework(
        """
organization: Ridge
values:
  - id: margin
    name: Leave margin on the mountain
    definition: We close a lift an hour early when wind builds rather than run at the limit.
  - id: open
    name: Give guests the mountain
    definition: Longer opening hours, night skiing on weekends and every holiday.
"""
    )
    assert pace_value(fw) is None


def _auditor() -> Auditor:
    return Auditor(load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter())


def test_audit_reports_the_pace_gap_and_tenet_against() -> None:
    auditor = _auditor()
    text = (
        "Ana is ready for promotion. When the release slipped, she worked the Thanksgiving "
        "weekend with the engineers to make the December 1 date."
    )
    doc = auditor.analyze([Document("p1", text, kind="promotion")])[0]
    assert ("humane-hours", "violates") in {(v.value, v.stance) for v in doc.values}
    assert ("slip-the-date", "implicit", "against") in {
        (t.tenet, t.mode, t.direction) for t in doc.tenets
    }


def test_after_hours_work_told_in_a_postmortem_applies_no_tenet_by_itself() -> None:
    auditor = _auditor()
    text = (
        "The cache cluster failed at 02:10. Ana worked through the night and the weekend to "
        "restore it before the Monday launch date."
    )
    doc = auditor.analyze([Document("pm1", text, kind="postmortem")])[0]
    assert ("humane-hours", "violates") in {(v.value, v.stance) for v in doc.values}
    assert "slip-the-date" not in {t.tenet for t in doc.tenets}
    praised = auditor.analyze([Document("p2", text, kind="promotion")])[0]
    assert "slip-the-date" in {t.tenet for t in praised.tenets}


def test_a_value_whose_anti_patterns_name_heroic_overnight_saves_is_about_hours() -> None:
    fw = load_framework(
        """
organization: Ridge
values:
  - id: depth
    name: Teach the mountain
    definition: Everything we know lives in more than one head.
    anti_patterns: [Heroic solo saves, overnight fixes alone, in place of a bench]
  - id: open
    name: Give guests the mountain
    definition: Longer opening hours on every holiday.
"""
    )
    assert pace_value(fw) == "depth"


def test_a_gap_in_cover_is_the_pressure_and_refusing_to_close_protects_it() -> None:
    text = (
        "Rather than take rooms off sale, Dorota covered the gaps herself: she worked nineteen "
        "days straight, including Christmas Day."
    )
    [signal] = hours_signals([text])
    assert signal.stance == "violates" and signal.deadline
    # Covering a rota in general is not a gap in cover, and refusing overwork still upholds.
    [plain] = hours_signals(["A single person per week was covering ingestion at night."])
    assert not plain.deadline
    assert (
        hours_stance("We closed the outlet rather than ask anyone to work a double on Sunday.")[0]
        == "upholds"
    )  # type: ignore[index]


def test_a_lead_time_in_hours_is_not_time_worked() -> None:
    assert (
        hours_stance("Door hangers and phone calls go out, with a reminder 48 hours ahead.") is None
    )
    assert hours_stance("She worked 20 hours straight to restore the main.") is not None


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("He worked the weekend so the relief operator wouldn't be alone.", "violates"),
        (
            "He rebuilt it over two weekends because he didn't want the pump down midweek.",
            "violates",
        ),
        ("He doesn't call in relief, he just keeps going through the night.", "violates"),
        ("We hired contractors so that nobody works the weekend.", "upholds"),
        ("We moved the date rather than ask for weekend work.", "upholds"),
    ],
)
def test_negations_that_protect_something_refuse_no_overwork(sentence: str, stance: str) -> None:
    found = hours_stance(sentence)
    assert found is not None and found[0] == stance


def test_things_named_for_a_time_of_day_are_not_hours_worked() -> None:
    assert hours_stance("The marketing director asked for a section in the Sunday paper.") is None
    assert hours_stance("The tips inbox forwards to the night phone, which she answered.") is None
    assert hours_stance("She worked the Sunday shift alone.") == ("violates", 0.68)


def test_never_letting_a_story_go_refuses_rest() -> None:
    text = "Dana is relentless, always on, never willing to let a story go."
    assert hours_stance(text) == ("violates", 0.75)
