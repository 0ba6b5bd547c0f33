"""Known unstated drivers: motives that commonly steer decisions without being a stated value.

Clustering unexplained sentences finds themes nobody anticipated, but the most common unstated
value of all, the commercial number ("we are $310k short of the Q2 bookings number"), is spread
over many phrasings that embeddings scatter across clusters. It is found here by its lexicon and
reported only when the framework does not already state it as a value.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from nlp.records import Framework
from nlp.text import STOPWORDS, words


@dataclass(frozen=True)
class Driver:
    name: str
    pattern: re.Pattern[str]
    covered_by: frozenset[str]  # a stated value whose name has one of these words covers it


THE_NUMBER = Driver(
    "the commercial number",
    re.compile(
        r"\b(?:bookings|arr|mrr|revenue|quota|attainment|(?:quarter(?:'s)?|q[1-4]|year-end|h[12])"
        r" (?:numbers?|target|goal|plan|bookings|revenue)|the number|short of|toward (?:the|this|our)"
        r"|towards (?:the|this|our)|board (?:deck|meeting|pack)|forecast|close the gap|upsell|"
        r"(?<!auto-)renewals?|contract (?:value|renewal|signature|deadline)|contracted|"
        r"(?:expansion|enterprise|customer) (?:contracts?|revenue|deals?))\b",
        re.IGNORECASE,
    ),
    frozenset({"revenue", "bookings", "quota", "sales", "profit", "number", "numbers", "arr"}),
)
DRIVERS = (THE_NUMBER,)
_NOT_KEYWORDS = frozenset({"short", "toward", "towards", "close", "gap", "our", "this"})


def driver_of(sentence: str, gives_reason: bool) -> str | None:
    """The known driver a sentence invokes, if the sentence gives a reason for a decision or
    for praise (``gives_reason``: a motive cue, or any sentence of a promotion write-up)."""
    for driver in DRIVERS:
        if gives_reason and driver.pattern.search(sentence):
            return driver.name
    return None


def uncovered(framework: Framework) -> set[str]:
    """Names of the drivers that no stated value names."""
    names = {w for v in framework.values for w in words(v.name)}
    return {d.name for d in DRIVERS if not (d.covered_by & names)}


def driver_keywords(name: str, texts: list[str], limit: int = 6) -> list[str]:
    """The driver's own words as the documents use them, most frequent first."""
    driver = next(d for d in DRIVERS if d.name == name)
    counts = Counter(
        w
        for t in texts
        for m in driver.pattern.finditer(t)
        for w in words(m.group(0))
        if w not in STOPWORDS and w not in _NOT_KEYWORDS and len(w) > 1
    )
    return [w for w, _ in counts.most_common(limit)]
