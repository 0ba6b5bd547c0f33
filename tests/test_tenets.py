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
    assert sets_tenet_aside(sentence, following) is aside
