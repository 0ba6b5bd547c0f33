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


def test_windowed_search_matches_a_plain_search_in_long_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nlp.tradeoffs as tradeoffs

    filler = " ".join(["the service reads the queue and writes the table"] * 12)
    sentences = [
        f"{filler}; so we chose reliability over feature velocity for checkout",
        f"We chose reliability over velocity, {filler}",
        f"{filler}, even though it delays the launch by two weeks",
        f"Rather than fork the library, we fix the standard. {filler}",
        f"{filler} and nothing else",
    ]
    windowed = [find_tradeoffs(s) for s in sentences]
    monkeypatch.setattr(tradeoffs, "_search", lambda pattern, text: pattern.search(text))
    plain = [find_tradeoffs(s) for s in sentences]
    assert windowed == plain
    assert sum(map(len, windowed)) >= 4
