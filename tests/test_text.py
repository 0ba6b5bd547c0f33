"""Text helpers: quoted spans must not start at an apostrophe."""

from __future__ import annotations

from nlp.text import quoted_spans


def test_apostrophes_do_not_open_quotes() -> None:
    text = "Why: we've been saying \"customer fit over deal size\" for years, and it's true."
    assert quoted_spans(text) == ["customer fit over deal size"]


def test_single_curly_and_emphasis_quotes() -> None:
    text = (
        "She said 'reliability wins for core flows', ‘curly single ones’ and *a stressed phrase*."
    )
    assert quoted_spans(text) == [
        "reliability wins for core flows",
        "curly single ones",
        "a stressed phrase",
    ]
