"""Known unstated drivers: the commercial number is reported unless a stated value names it."""

from __future__ import annotations

from nlp.drivers import account_names, driver_keywords, driver_of, uncovered
from nlp.embed import HashEmbedder
from nlp.framework import load_framework
from nlp.pipeline import Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter

FRAMEWORK = """
organization: Acme
values:
  - id: candour
    name: Candour
    definition: We say what we think, early.
  - id: craft
    name: Craft
    definition: We build things properly.
"""
MEMOS = [
    "We ship the connector now because we are $300k short of the Q2 bookings number.",
    "The discount is approved so that the deal counts toward this quarter's revenue.",
    "Launch moves up a week to close the gap to the ARR plan before the board meeting.",
    "We rewrote the parser carefully.",
]


def test_driver_needs_a_reason_and_the_lexicon() -> None:
    assert driver_of("We are short of the Q2 bookings number.", gives_reason=True)
    assert driver_of("We are short of the Q2 bookings number.", gives_reason=False) is None
    assert driver_of("The double-booking guard runs nightly.", gives_reason=True) is None
    assert "bookings" in driver_keywords("the commercial number", [MEMOS[0]])


def test_uncovered_unless_a_value_names_it() -> None:
    drivers = {
        "the commercial number",
        "keeping the base",
        "the public ratings",
        "protecting the margin",
        "political optics",
    }
    assert uncovered(load_framework(FRAMEWORK)) == drivers
    stated = FRAMEWORK + "  - {id: win, name: Win the revenue number, definition: We hit plan.}\n"
    assert uncovered(load_framework(stated)) == drivers - {"the commercial number"}


def test_audit_reports_the_number_as_an_unstated_value() -> None:
    auditor = Auditor(
        load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter()
    )
    docs = [Document(f"m{i}", text, kind="memo") for i, text in enumerate(MEMOS)]
    themes = [d for d in auditor.audit(docs)["drift"] if d["type"] == "unstated_value"]
    number = [t for t in themes if t["theme"] == "the commercial number"]
    assert number and number[0]["documents"] == ["m0", "m1", "m2"]
    assert {e["document"] for e in number[0]["evidence"]} == {"m0", "m1", "m2"}


def test_account_names_are_mid_sentence_names_next_to_account_words() -> None:
    assert account_names("We moved the Mercy renewal ahead of the inbox work.") == ["Mercy"]
    assert account_names("The Mercy team asked for a demo.") == []  # no account word
    assert account_names("She closed the Tollgate deal herself.") == []  # about a person
    assert account_names("Renewals are due in March for most customers.") == []


def test_a_customer_named_across_many_documents_is_an_unstated_value() -> None:
    auditor = Auditor(
        load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter()
    )
    texts = [
        "We hold the parser work so the Halvorsen go-live stays on track.",
        "The roadmap moves because the Halvorsen contract needs the yard module.",
        "Support staff are reassigned to the Halvorsen pilot for a month.",
        "We skip the freeze for the Halvorsen renewal.",
        "The Acme pilot starts in May.",
        "We rewrote the parser carefully.",
    ]
    docs = [Document(f"d{i}", t, kind="memo") for i, t in enumerate(texts)]
    themes = {d["theme"]: d for d in auditor.audit(docs)["drift"] if d["type"] == "unstated_value"}
    assert themes["the Halvorsen account"]["documents"] == ["d0", "d1", "d2", "d3"]
    assert themes["the Halvorsen account"]["keywords"][0] == "halvorsen"
    assert "the Acme account" not in themes  # the organization itself is no account


def test_keeping_the_base_is_a_driver_but_data_retention_is_not() -> None:
    base = "keeping the base"
    assert driver_of("They are the locals, the people who renew every spring.", True) == base
    assert driver_of("Churn among subscribers doubled after the price change.", True) == base
    assert driver_of("We keep logs for 30 days under our retention policy.", True) is None
    assert driver_of("The budget assumes the levy renews at the current rate.", True) != base


def test_a_weather_forecast_is_not_the_commercial_number() -> None:
    assert driver_of("The regional forecast that morning was Moderate.", True) is None
    assert driver_of("We are behind the Q3 revenue forecast.", True) == "the commercial number"


def test_the_public_ratings_driver_needs_a_public_score() -> None:
    ratings = "the public ratings"
    assert driver_of("It should lift our TripAdvisor ranking before the summer.", True) == ratings
    assert driver_of("Guests leave five-star reviews when the view is right.", True) == ratings
    assert driver_of("The post-incident review is on Friday.", True) is None
    assert driver_of("The valve has a pressure rating of 16 bar.", True) is None


def test_protecting_the_margin_needs_the_margin_named() -> None:
    margin = "protecting the margin"
    assert (
        driver_of("Overtime is the cheaper way to protect the margin on this job.", True) == margin
    )
    assert driver_of("We priced it with a capped markup, so delays come out of us.", True) == margin
    assert driver_of("The fee is due when the change order is signed.", True) is None
    assert driver_of("Notes in the margin of the drawings were missed.", True) is None
    stated = FRAMEWORK + "  - {id: m, name: Protect the margin, definition: We price to profit.}\n"
    assert margin not in uncovered(load_framework(stated))


def test_political_optics_is_how_it_reads_to_those_who_fund_or_elect() -> None:
    optics = "political optics"
    assert driver_of("Four of seven council seats are up in November.", True) == optics
    assert (
        driver_of("Not in the same news cycle as the vote, because the Courier will write.", True)
        == optics
    )
    assert driver_of("Timing was set by the levy calendar and the ballot.", True) == optics
    assert driver_of("The board approved the budget in March.", True) is None
    assert (
        driver_of("The county road crew repaved the staff lot because it had cracked.", True)
        is None
    )


def test_tenders_and_league_tables_are_known_drivers() -> None:
    number, ratings = "the commercial number", "the public ratings"
    assert (
        driver_of("Ask how it will look to the evaluation panel before the tender.", True) == number
    )
    assert driver_of("Rankings matter because clients shortlist on them.", True) == ratings
    assert driver_of("We are now ranked in Chambers in nine practice areas.", True) == ratings
    assert driver_of("We rank the options by cost because that is simplest.", True) is None
