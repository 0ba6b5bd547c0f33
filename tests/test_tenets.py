"""Direction of a cited tenet: does the citing sentence set the tenet aside?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nlp.tenets import sets_tenet_aside
from nlp.text import content_stems


@pytest.mark.parametrize(
    ("sentence", "following", "aside"),
    [
        ("This goes against standards-over-autonomy.", "", True),
        ("We are acting against our reliability tenet this once.", "", True),
        ("Yes, tests-over-urgency says otherwise.", "", True),
        ("We know our tenet says reliability wins.", "But this quarter we ship first.", True),
        ("We know what our rule says (tenet: safety first).", "We are going to break it.", True),
        (
            "Our tenet says a late staged rollout beats an on-time push.",
            "I am choosing the date this time.",
            True,
        ),
        (
            "Our tenet says a late staged rollout beats an on-time push.",
            "This time that meant a week's delay.",
            False,
        ),
        ("We know our tenet says reliability wins.", "We followed it.", False),
        ("Our tenet has no exception for small changes.", "", False),
        (
            "We decided against it, following our tenet that patient safety wins when it pulls "
            "against the roadmap.",
            "",
            False,
        ),
        ("Per our tenet, core flows win.", "", False),
        ("I'm accepting more risk than the tenet would have us take.", "", True),
        (
            "We say depth over heroics, and I agree with it.",
            "But here's what February looks like:",
            True,
        ),
        ("We say depth over heroics, and I agree with it.", "So Cody trains on the winch.", False),
        (
            "I'm aware of the tenet that the hold beats the ship date.",
            "This sits outside what that tenet was written for:",
            True,
        ),
        ("I'm aware that this is not what our recipe tenet tells us to do.", "", True),
        (
            "I know this is a labelling question, and I've read the tenet.",
            "My reasoning for treating this one differently:",
            True,
        ),
        (
            "I'm aware of the tenet that the hold beats the ship date.",
            "So the lot stays on hold.",
            False,
        ),
        (
            "Several people raised our coverage tenet: riders come before cost.",
            "We discussed it and we've concluded we're going against it here.",
            True,
        ),
        ("Several people raised our coverage tenet.", "We are not going against it.", False),
        ("Several people raised our coverage tenet.", "Breaking it would cost riders.", False),
        ('We know this breaks the "fewer things" principle.', "", True),
        (
            "If the owner won't pay, a mandatory protocol means the vet breaks the protocol.",
            "",
            False,
        ),
        (
            "Yes, I'm aware of the tenet.",
            "I made a judgment call that this was the exception.",
            True,
        ),
        (
            "Tenet 4, rest over cover, would have us do that and reduce service.",
            "We've decided not to for now.",
            True,
        ),
        (
            "Tenet 4, rest over cover, would have us do that and reduce service.",
            "So from March we cap nights at three.",
            False,
        ),
        # a concession aimed at the tenet sets it aside, however far off the decision is
        ("I know the tenet says a staged rollout wins.", "Here is the background.", True),
        (
            "I'm conscious that our safety-over-season tenet says we do not push to save a week.",
            "",
            True,
        ),
        ("I have considered the re-staffing tenet - that we add people first.", "", True),
        # ... unless what follows draws the tenet's own conclusion
        ("I know the tenet says a staged rollout wins.", "So the rollout waits a week.", False),
        ("I know the tenet says a staged rollout wins.", "So, but only this once, we push.", True),
        # a concession about something else is no aside
        ("We post what we know within the hour, per our tenet.", "", False),
        ("Yes, our tenet says we slip the deadline before one person carries it.", "", True),
        ("Our right-over-fast tenet would have us keep the manual check.", "", True),
        # a citation saying the tenet is doing its job
        ("This is the reschedule rule doing exactly what it's meant to do.", "", False),
        ("We have a tenet for exactly this, and we've been ignoring it on rugs.", "", False),
        ("The tenet isn't something I get to suspend because the week matters.", "", False),
    ],
)
def test_sets_tenet_aside(sentence: str, following: str, aside: bool) -> None:
    assert sets_tenet_aside(sentence, [following] if following else []) is aside


FRAMEWORK = """
organization: Test
values:
  - id: seasons
    name: Land it in season
    definition: A feature that misses the planting window misses a year.
  - id: careful
    name: Careful rollouts
    definition: Firmware reaches devices in rings.
tenets:
  - id: safety-over-season
    text: When the season deadline and rollout safety conflict, a staged rollout that lands late wins.
    values: [careful]
"""


def _analyze(docs: list[tuple[str, str, str]], framework: str | None = None) -> list[Any]:
    """Findings of (id, text, kind) documents against FRAMEWORK, with the hermetic encoder."""
    from nlp.embed import HashEmbedder
    from nlp.framework import load_framework
    from nlp.pipeline import Auditor
    from nlp.records import Document
    from nlp.segment import RegexSegmenter

    auditor = Auditor(
        load_framework(framework or FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter()
    )
    return auditor.analyze([Document(i, text, kind=kind) for i, text, kind in docs])


def _cited(text: str, framework: str | None = None) -> set[str]:
    found = _analyze([("d1", text, "other")], framework)[0]
    return {t.tenet for t in found.tenets if t.mode == "explicit"}


def test_quoting_a_value_name_is_not_citing_a_tenet_that_shares_its_words() -> None:
    assert (
        _cited('Wednesday\'s theme is "Land it in season", with a talk from the field team.')
        == set()
    )
    assert _cited('We followed "a staged rollout that lands late wins" for this launch.') == {
        "safety-over-season"
    }


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("We wrote it down after the spring outage: safety over season.", True),
        ("We held the release (tenet: staged rollout over the season deadline).", True),
        ("This is what our rollout-safety-first tenet exists to stop.", True),
        ("The call went against our tenet on rollout safety.", True),
        # Handles that name nothing in the tenet, or words with no tenet near them, are not citations.
        ("The call went against our tenet on hiring.", False),
        ("We chose a staged rollout because it was safer.", False),
        ("Our cost-first-growth tenet did not apply.", False),
    ],
)
def test_a_tenet_named_by_a_short_handle_is_cited(text: str, cited: bool) -> None:
    assert (_cited(text) == {"safety-over-season"}) is cited


def test_a_bare_mention_of_the_tenet_cites_the_one_the_document_discusses() -> None:
    discussed = (
        "Rollout safety and the season deadline conflict here; staged rollout, landing late, "
        "would be safe. We are shipping to every device at once anyway. "
        "I'm accepting more risk than the tenet would have us take."
    )
    assert _cited(discussed) == {"safety-over-season"}
    # The same document without the mention applies the tenet at most; it does not cite it.
    assert _cited(discussed.rsplit(". ", 1)[0] + ".") == set()
    # Nothing in the document is about any tenet: the mention stays unresolved.
    assert _cited("The picnic is on Friday. The tenet did not come up at lunch.") == set()


def test_a_document_that_restores_the_tenet_follows_it() -> None:
    recount = "In March we pushed to every device at once, which went against safety-over-season."
    found = _analyze(
        [("a", recount, "memo"), ("b", recount + " We return to the tenet as written.", "memo")]
    )
    directions = [{t.tenet: t.direction for t in d.tenets} for d in found]
    assert directions == [{"safety-over-season": "against"}, {"safety-over-season": "follows"}]


def test_a_postmortem_naming_the_tenet_as_the_prevention_follows_it() -> None:
    text = (
        "We pushed to every device at once, which went against safety-over-season. "
        "The safety-over-season tenet exists to prevent exactly this."
    )
    kinds = ("postmortem", "memo")
    found = _analyze([(k, text, k) for k in kinds])
    assert [[t.direction for t in d.tenets] for d in found] == [["follows"], ["against"]]


def test_a_postmortem_recounting_the_decision_against_the_tenet_follows_it() -> None:
    past = "The March decision went against safety-over-season, under pressure from the client."
    present = "This decision goes against safety-over-season; we push to every device now."
    found = _analyze(
        [
            ("pm-past", past, "postmortem"),
            ("pm-now", present, "postmortem"),
            ("memo-past", past, "memo"),
        ]
    )
    assert [[t.direction for t in d.tenets] for d in found] == [
        ["follows"],
        ["against"],
        ["against"],
    ]


@pytest.mark.parametrize(
    ("sentence", "aside"),
    [
        ("I'd rather we apply the tenet here than make an exception for this case.", False),
        ("We are making an exception to the tenet for this case.", True),
    ],
)
def test_refusing_an_exception_is_no_aside(sentence: str, aside: bool) -> None:
    assert sets_tenet_aside(sentence) is aside


@pytest.mark.parametrize(
    ("sentence", "recounted"),
    [
        ("The March decision explicitly set aside our coverage tenet for a saving.", True),
        ("The call went against our tenet on margin.", True),
        ("We are setting the tenet aside for this release.", False),
    ],
)
def test_past_asides_are_told_apart_from_present_ones(sentence: str, recounted: bool) -> None:
    from nlp.tenets import PAST_ASIDE

    assert bool(PAST_ASIDE.search(sentence)) is recounted


def test_a_concession_may_take_two_sentences_before_the_aside() -> None:
    cited = "I know what the tenet says: when renewal and this year's costs conflict, renewal wins."
    following = [
        "Summit is a critical asset.",
        "By our own rule this should be Option A.",
        "I'm going against it this cycle, on purpose.",
    ]
    assert sets_tenet_aside(cited, following)
    assert not sets_tenet_aside(cited, following[:2] + ["So Option A it is."])


def test_a_named_rule_that_restates_the_tenet_cites_it() -> None:
    restated = (
        "This is the season rule in action: a staged rollout that lands late wins over the "
        "season deadline."
    )
    assert _cited(restated) == {"safety-over-season"}
    discussed = (
        "Rollout safety and the season deadline conflict here; staged rollout, landing late, "
        "would be safe. We broke our own tenet here."
    )
    assert _cited(discussed) == {"safety-over-season"}


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("I know the tenet says a staged rollout that lands late is fine.", True),
        ("Our principle states that staged rollouts land late.", True),
        ("The tenet says nothing about pricing for our retailers.", False),
        # what follows ", but" is the writer's own clause, not the tenet's
        (
            "I know the tenet says staged rollouts win, but I am not signing a second waiver "
            "on this grant and I want the reasons on paper.",
            True,
        ),
    ],
)
def test_what_the_tenet_is_reported_to_say_is_matched_like_a_quote(text: str, cited: bool) -> None:
    assert (_cited(text) == {"safety-over-season"}) is cited


def test_writing_the_trade_off_down_cites_the_tenet_and_making_it_does_not() -> None:
    assert _cited("I know we wrote down staged rollouts over the season deadline.") == {
        "safety-over-season"
    }
    assert _cited("We picked staged rollouts over the season deadline.") == set()


TWO_TENETS = """
organization: Test
values:
  - id: quality
    name: Build it right
    definition: Work is done to the drawings before it is covered.
  - id: schedule
    name: Keep our dates
    definition: We hit the milestones we promise.
tenets:
  - id: right-over-date
    text: When a milestone date and building it right conflict, we re-baseline the schedule.
    values: [quality]
  - id: date-over-polish
    text: When finish polish and a milestone date conflict, the schedule wins.
    values: [schedule]
"""


def test_a_one_word_nickname_cites_the_only_tenet_that_uses_the_word() -> None:
    assert _cited("The re-baseline rule applies here too.", TWO_TENETS) == {"right-over-date"}
    # "schedule" is in both tenets: a nickname made of it names neither
    assert _cited("The re-schedule rule applies here too.", TWO_TENETS) == set()


def test_the_trade_off_inside_a_quoted_tenet_is_not_a_decision_against_it(real_embedder) -> None:  # type: ignore[no-untyped-def]
    """The quoted "we re-baseline the schedule rather than cover work" parses as a trade-off
    whose winner reads like the schedule; it is the tenet's wording, not the decision."""
    from nlp.framework import load_framework
    from nlp.pipeline import Auditor
    from nlp.records import Document
    from nlp.segment import RegexSegmenter

    corpus = Path(__file__).resolve().parent.parent / "corpora" / "kilo"
    auditor = Auditor(
        load_framework((corpus / "framework.yaml").read_bytes()),
        embedder=real_embedder,
        segmenter=RegexSegmenter(),
    )
    text = (
        "RFI 214 confirmed that 22 moment connections on Level 5 don't fit as detailed. "
        'Option B. Our tenet is plain: "When a milestone date and building it right conflict, '
        "building it right wins; we re-baseline the schedule rather than cover work we are "
        'unsure of." This is the lateral system.'
    )
    found = auditor.analyze([Document("d1", text, kind="memo")])[0]
    assert [(t.tenet, t.mode, t.direction) for t in found.tenets] == [
        ("right-over-date", "explicit", "follows")
    ]


HEADS = """
organization: Test
values:
  - id: welfare
    name: Patient welfare
    definition: The animal's welfare comes first.
  - id: safety
    name: Safe theatre
    definition: Every anaesthetic follows the safety checklist.
tenets:
  - id: welfare-over-revenue
    text: When patient welfare and revenue conflict, welfare wins.
    prefer: patient welfare
    over: revenue
    values: [welfare]
  - id: checklist-over-schedule
    text: When the theatre schedule and the safety checklist conflict, no induction until it is done.
    prefer: the completed safety checklist
    over: the theatre schedule
    values: [safety]
"""


def test_a_tenet_named_by_the_head_nouns_of_its_sides_is_cited() -> None:
    text = "Our tenet that the checklist beats the schedule exists for days like this: an easy patient."
    assert _cited(text, HEADS) == {"checklist-over-schedule"}
    # one word of a side ("patient" of "patient welfare") and a verdict word name no tenet
    assert _cited("Our tenet says the easy patient beats nothing.", HEADS) == set()


def test_a_one_word_name_before_tenet_cites_the_only_tenet_using_it() -> None:
    assert _cited("Storm pages went up at five, as the checklist tenet requires.", HEADS) == {
        "checklist-over-schedule"
    }
    # a word no tenet (or more than one) uses names nothing
    assert _cited("As the weather tenet requires, we waited.", HEADS) == set()


def test_a_short_quote_of_one_side_is_a_label_not_a_citation() -> None:
    assert _cited('The page for stories tagged "theatre schedule" moved.', HEADS) == set()
    # with a tenet in the sentence, a short quote beyond one side's name still cites
    assert _cited('Our tenet, "checklist before induction", held all week.', HEADS) == {
        "checklist-over-schedule"
    }


def test_the_tenets_own_words_and_quotations_set_nothing_aside() -> None:
    own = frozenset(content_stems("speed wins: we use the emergency waiver within 30 days"))
    quoted = 'Our tenet is written for this: "speed wins: we use the emergency waiver".'
    assert not sets_tenet_aside(quoted, [], own)
    assert not sets_tenet_aside("The 30-day waiver tenet exists for exactly this.", [], own)
    # without the tenet's words known, "waiver" reads as waiving it
    assert sets_tenet_aside("The 30-day waiver tenet applies; we are waiving it.", [])
    assert not sets_tenet_aside("The waiver tenet exists for exactly this.", [])  # affirmed
    # an act stays an aside even when the tenet uses the verb ("before we break that")
    own = frozenset(content_stems("we reduce service before we break that"))
    assert sets_tenet_aside("I'm aware of the tenet.", ["This rota breaks it six times."], own)


def _direction_of(text: str, kind: str = "memo") -> str | None:
    found = _analyze([("d1", text, kind)])[0]
    return next((t.direction for t in found.tenets if t.tenet == "safety-over-season"), None)


def test_a_declaration_in_the_citations_section_sets_the_tenet_aside() -> None:
    cited = (
        "Our tenet says that when the season deadline and rollout safety conflict, a staged "
        "rollout that lands late wins. The growers need the schedule fix before planting. "
        "The vendor cannot move the date. "
    )
    assert _direction_of(cited + "I am setting the tenet aside for this release.") == "against"
    assert _direction_of(cited + "This runs against the tenet, and I own that.") == "against"
    assert _direction_of(cited + "We will hold the rollout for the rings.") == "follows"
    # a postmortem's declarations recount the decision, they do not make it
    told = cited + "I am setting the tenet aside for this release."
    assert _direction_of(told, kind="postmortem") == "follows"
    # too far from the citation to be about it
    far = cited + " ".join(f"Step {i} of the plan is routine." for i in range(9))
    assert _direction_of(far + " I am setting the tenet aside for this release.") == "follows"


TWO_SIDED = """
organization: Test
values:
  - id: seasons
    name: Land it in season
    definition: A feature that misses the planting season misses a year.
  - id: careful
    name: Careful staged rollouts
    definition: Firmware reaches devices in staged rings.
tenets:
  - id: safety-over-season
    text: When the season deadline and rollout safety conflict, a staged rollout that lands late wins.
    prefer: a careful staged rollout
    over: the season deadline
    values: [careful, seasons]
"""


def test_an_applied_tenet_makes_its_trade_off_and_a_phrase_does_not_repeat_it() -> None:
    followed, against = _analyze(
        [
            (
                "f1",
                "Per our tenet, a staged rollout that lands late wins over the season deadline. "
                "We chose the staged rollout over the season deadline.",
                "memo",
            ),
            (
                "a1",
                "Per our tenet, a staged rollout that lands late wins over the season deadline. "
                "We are setting the tenet aside for this release and pushing to everyone.",
                "memo",
            ),
        ],
        TWO_SIDED,
    )
    made = [t for t in followed.tradeoffs if t.basis == "tenet"]
    assert [(t.winner, t.loser) for t in made] == [("careful", "seasons")]
    assert made[0].evidence and "Per our tenet" in made[0].evidence[0].text
    # "We chose the staged rollout over the season deadline" is the same trade-off, said once
    assert not [
        t
        for t in followed.tradeoffs
        if {t.winner, t.loser} == {"careful", "seasons"} and t.basis == "phrase"
    ]
    reversed_ = [(t.winner, t.loser) for t in against.tradeoffs if t.basis == "tenet"]
    assert reversed_ == [("seasons", "careful")]
