"""Direction of a cited tenet: does the citing sentence set the tenet aside?"""

from __future__ import annotations

import pytest

from nlp.tenets import sets_tenet_aside


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


def _cited(text: str) -> set[str]:
    from nlp.embed import HashEmbedder
    from nlp.framework import load_framework
    from nlp.pipeline import Auditor
    from nlp.records import Document
    from nlp.segment import RegexSegmenter

    auditor = Auditor(
        load_framework(FRAMEWORK), embedder=HashEmbedder(), segmenter=RegexSegmenter()
    )
    found = auditor.analyze([Document("d1", text, kind="other")])[0]
    return {t.tenet for t in found.tenets if t.mode == "explicit"}


def test_quoting_a_value_name_is_not_citing_a_tenet_that_shares_its_words() -> None:
    assert (
        _cited('Wednesday\'s theme is "Land it in season", with a talk from the field team.')
        == set()
    )
    assert _cited('We followed "a staged rollout that lands late wins" for this launch.') == {
        "safety-over-season"
    }
