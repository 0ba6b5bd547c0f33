"""Mapping a tenet's sides to the stated values they are about."""

from __future__ import annotations

from pathlib import Path

from nlp.anchors import FrameworkIndex
from nlp.framework import load_framework

FRAMEWORK = """
organization: Test
values:
  - id: careful-rollouts
    name: Careful with what's in the ground
    definition: Firmware reaches devices in rings with health checks between them.
    examples: [Holding a release at the ten percent ring until the gate is clean.]
  - id: seasons
    name: Land it in season
    definition: A feature that misses the planting window misses a year.
  - id: works-offline
    name: Works without us
    definition: The controller waters with no internet connection.
    examples: [Falling back to the last known good schedule instead of stopping.]
  - id: plain-app
    name: The app explains itself
    definition: Screens say what the controller will do in words growers use.
tenets:
  - id: safety-over-season
    text: A staged rollout that lands late beats a fleet-wide push that lands on time.
    prefer: staged, reversible rollouts
    over: hitting the season deadline
    values: [careful-rollouts]
  - id: explain-over-upsell
    text: When a conversion prompt and an explanation compete, the explanation wins.
    prefer: explanation
    over: upsell
    values: [plain-app]
"""


def test_sides_map_to_the_value_they_name_or_to_none(real_embedder) -> None:  # type: ignore[no-untyped-def]
    index = FrameworkIndex(load_framework(FRAMEWORK), real_embedder)
    assert index.prefer_value == ["careful-rollouts", "plain-app"]
    # named by a shared word, not by the closest example clause ("schedule" ~ "deadline")
    assert index.over_value[0] == "seasons"
    # an upsell is no stated value here
    assert index.over_value[1] is None


def test_a_word_of_the_preferred_side_in_one_listed_value_name_settles_it(real_embedder) -> None:  # type: ignore[no-untyped-def]
    # Alone, "coverage for riders without alternatives" sits nearer the frugality value (whose
    # definition says "cost") than "Serve those with the fewest alternatives".
    root = Path(__file__).resolve().parent.parent
    fw = load_framework((root / "corpora" / "india" / "framework.yaml").read_bytes())
    index = FrameworkIndex(fw, real_embedder)
    t = index.tenet_ids.index("coverage-over-cost")
    assert (index.prefer_value[t], index.over_value[t]) == (
        "equitable-access",
        "frugal-stewardship",
    )
