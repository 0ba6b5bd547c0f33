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
