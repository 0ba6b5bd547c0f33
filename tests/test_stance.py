"""Value stance polarity: negations and undoing verbs, judged against the behaviour matched."""

from __future__ import annotations

import pytest

from nlp.framework import load_framework
from nlp.pipeline import Auditor
from nlp.records import Document
from nlp.segment import RegexSegmenter
from nlp.stance_model import StanceModel

FRAMEWORK = """
organization: Test
values:
  - id: works-offline
    name: Works without us
    definition: A controller keeps watering with no internet connection and no cloud service.
    examples:
      - Keeping physical buttons that start a zone with no phone and no network.
      - Storing two weeks of schedule on the controller itself.
    anti_patterns:
      - A controller that stops watering because it cannot reach our servers.
      - Requiring an account and a live connection before the device does its basic job.
  - id: plain-talk
    name: Plain talk
    definition: We tell customers what happened in words they use.
"""
FILLER = "The team met on Tuesday. The notes are in the shared folder. Lunch was provided. "


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        # the anti-pattern's own negation is not a refusal
        (
            "Under this design a controller that cannot reach our servers stops watering.",
            "violates",
        ),
        # undoing an example
        ("We will remove the physical buttons that start a zone with no phone.", "violates"),
        ("The controller keeps physical buttons that start a zone with no network.", "upholds"),
        # refusing the anti-pattern
        (
            "We refused to require an account and a live connection before the device waters.",
            "upholds",
        ),
    ],
)
def test_polarity_follows_the_matched_behaviour(real_embedder, sentence: str, stance: str) -> None:  # type: ignore[no-untyped-def]
    # the rules alone: with the trained model, they settle polarity only where they lean clearly
    auditor = Auditor(
        load_framework(FRAMEWORK),
        embedder=real_embedder,
        segmenter=RegexSegmenter(),
        stance=StanceModel.disabled(),
    )
    doc = Document("d1", FILLER * 3 + sentence, kind="memo")
    found = {v.value: v.stance for v in auditor.analyze([doc])[0].values}
    assert found.get("works-offline") == stance
