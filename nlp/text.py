"""Small text helpers shared by the matchers: words, content words, quoted spans."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

WORD_RE = re.compile(r"[a-z][a-z0-9']*")
# Double quotes, *emphasis*, and single quotes that are not apostrophes ("we've" opens nothing).
QUOTE_RE = re.compile(
    r"[\"“”]([^\"“”]{8,300})[\"“”]|\*([^*]{8,300})\*|"
    r"(?<![A-Za-z])['‘]([^'‘’\"]{8,300}?)['’](?![A-Za-z])"
)
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "us",
        "one",
        "two",
        "wins",
        "win",
        "conflict",
        "conflicts",
        "choose",
        "chose",
        "choosing",
        "chosen",
        "prefer",
        "prefers",
        "over",
        "when",
        # pronoun contractions: function words, like the pronouns themselves
        "we're",
        "we've",
        "we'll",
        "we'd",
        "i'm",
        "i've",
        "i'll",
        "i'd",
        "it's",
        "that's",
        "there's",
        "they're",
        "you're",
        "let's",
    ]
)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'reliability'/'reliable', 'tests'/'testing'."""
    for suffix in (
        "ability",
        "ibility",
        "ations",
        "ation",
        "ities",
        "ity",
        "ing",
        "ness",
        "ments",
        "ment",
        "able",
        "ible",
        "ed",
        "es",
        "s",
        "y",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


def containment(needle: AbstractSet[str], hay: AbstractSet[str]) -> float:
    """Share of ``needle``'s stems found in ``hay`` (0 when needle is empty)."""
    return len(needle & hay) / len(needle) if needle else 0.0


def quoted_spans(text: str) -> list[str]:
    return [m.group(1) or m.group(2) or m.group(3) for m in QUOTE_RE.finditer(text)]


def verbatim_run(text_words: list[str], target: list[str]) -> int:
    """Length of the longest run of consecutive words shared by the two word lists."""
    best = 0
    prev = [0] * (len(target) + 1)
    for w in text_words:
        cur = [0] * (len(target) + 1)
        for j, t in enumerate(target, 1):
            if w == t:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best
