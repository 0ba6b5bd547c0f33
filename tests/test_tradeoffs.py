from __future__ import annotations

import pytest

from nlp.tradeoffs import find_tradeoffs


@pytest.mark.parametrize(
    ("sentence", "winner", "loser"),
    [
        (
            "We chose reliability over feature velocity for checkout.",
            "reliability",
            "feature velocity for checkout",
        ),
        ("Customer fit wins over deal size here.", "Customer fit", "deal size here"),
        (
            "We shipped the redesign at the expense of test coverage.",
            "shipped the redesign",
            "test coverage",
        ),
        (
            "Instead of a custom queue, we use the platform service.",
            "use the platform service",
            "a custom queue",
        ),
        (
            "We are accepting slower onboarding in exchange for fewer support tickets.",
            "fewer support tickets",
            "slower onboarding",
        ),
        ("Speed took a back seat to safety.", "safety", "Speed"),
        (
            "We will hold the release, even though it delays the Q3 launch.",
            "will hold the release",
            "delays the Q3 launch",
        ),
    ],
)
def test_tradeoffs_find_winner_and_loser(sentence: str, winner: str, loser: str) -> None:
    found = find_tradeoffs(sentence, start=10)
    assert (found[0].winner_text, found[0].loser_text) == (winner, loser)
    assert (found[0].start, found[0].end) == (10, 10 + len(sentence))


@pytest.mark.parametrize(
    "sentence",
    ["She worked over the weekend.", "Latency is 40 ms over budget.", "We shipped it on time."],
)
def test_tradeoffs_ignore_sentences_without_a_choice(sentence: str) -> None:
    assert find_tradeoffs(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The idempotency key was regenerated on retry instead of reused.",
        "The rule deleted uploaded files after 24 hours instead of 24 days.",
    ],
)
def test_tradeoffs_ignore_mechanisms_described_with_instead_of(sentence: str) -> None:
    assert find_tradeoffs(sentence) == []
