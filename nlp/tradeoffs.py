"""Find trade-off sentences ("we chose X over Y", "even though it delays Y", "at the expense of Y").

The extractor is lexical and returns the two sides as text; mapping sides to value ids is done
later with embeddings (see ``nlp.anchors``), so the patterns stay independent of any framework.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_END = r"(?=[,;:.!?()\u2014]|\s+-\s|\s+(?:because|since|so that|so|and then|which|while|but|until|unless|for now|this quarter|for the)\b|$)"
_SIDE = r"(?P<{name}>[^,;:.!?()\u2014]{{3,90}}?)"
_CHOICE = (
    r"(?:choose|chose|chosen|choosing|prioriti[sz]e[sd]?|prioriti[sz]ing|favou?r(?:ed|ing|s)?|"
    r"prefer(?:red|ring|s)?|pick(?:ed|ing|s)?|put(?:ting|s)?|plac(?:e|ed|ing)|value[sd]?|valuing|"
    r"optimi[sz](?:e|ed|ing) for|went with|go with|going with|side[sd]? with|weight(?:ed|ing)?)"
)


def _side(name: str) -> str:
    return _SIDE.format(name=name)


# Each pattern names the winning side ``w`` and the losing side ``l``.
PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_CHOICE}\s+{_side('w')}\s+(?:over|above|ahead of|before)\s+{_side('l')}{_CLAUSE_END}",
        rf"{_side('w')}\s+(?:wins?|won|winning|takes? priority|took priority|takes? precedence|took precedence|trumps?|trumped|beats?|comes? first|came first)\s+(?:over|against|before)?\s*{_side('l')}{_CLAUSE_END}",
    )
)
# "rather than" / "instead of" also describe mechanisms ("the key was regenerated instead of
# reused"); these count only in a sentence where someone decides (see ``_DECIDER``).
CONTRAST_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"\b{_side('w')}\s+(?:rather than|instead of|in place of)\s+{_side('l')}{_CLAUSE_END}",
        rf"^\s*(?:so\s+|and\s+)?(?:rather than|instead of)\s+{_side('l')},\s*{_side('w')}{_CLAUSE_END}",
    )
)
_DECIDER = re.compile(
    r"\b(?:we|we'(?:ll|re|d)|i|i'(?:m|ll|d)|our|us|let's|chose|choose|choosing|decided?|decision|"
    r"will|should|prefer\w*|opt(?:ed|ing)?|agreed)\b",
    re.IGNORECASE,
)
COST_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_side('w')}\s*,?\s+(?:at the (?:expense|cost) of|to the detriment of|sacrificing)\s+{_side('l')}{_CLAUSE_END}",
        rf"{_side('w')}\s*,?\s+even (?:though|if|when|as)\s+(?:it|this|that|doing so|the change)?\s*(?:will\s+|would\s+|may\s+|might\s+)?(?P<l>(?:delay|cost|hurt|slow|push|sacrific|reduc|miss|mean|cut|break|lower|hit|drop|frustrat|annoy|upset|lose|lost)\w*\s+[^,;:.!?()]{{3,80}}?){_CLAUSE_END}",
        rf"\b(?:accept(?:ed|ing|s)?|trad(?:e|ed|ing)|sacrific(?:e|ed|ing)|giv(?:e|ing) up|gave up|giving away)\s+{_side('l')}\s+(?:for|in exchange for|in return for|to get|to protect|to keep|to preserve|to buy)\s+{_side('w')}{_CLAUSE_END}",
        rf"{_side('l')}\s+(?:takes?|took|will take|has to take)\s+a back\s?seat to\s+{_side('w')}{_CLAUSE_END}",
        rf"{_side('l')}\s+(?:gives?|gave) way to\s+{_side('w')}{_CLAUSE_END}",
    )
)

# The word each pattern turns on, in pattern order (None: anchored at the start, already cheap).
# Searching only a window around it keeps the lazy side groups from backtracking across long
# sentences (real ADRs have 300-character list items): same matches, a tenth of the time.
_KEYS: tuple[re.Pattern[str] | None, ...] = tuple(
    None if k is None else re.compile(k, re.IGNORECASE)
    for k in (
        r"\b(?:over|above|ahead of|before)\b",
        r"\b(?:wins?|won|winning|takes? priority|took priority|takes? precedence|took precedence|"
        r"trumps?|trumped|beats?|comes? first|came first)\b",
        r"\b(?:rather than|instead of|in place of)\b",
        None,
        r"\b(?:at the (?:expense|cost) of|to the detriment of|sacrificing)\b",
        r"\beven (?:though|if|when|as)\b",
        r"\b(?:accept(?:ed|ing|s)?|trad(?:e|ed|ing)|sacrific(?:e|ed|ing)|giv(?:e|ing) up|gave up|"
        r"giving away)\b",
        r"\ba back\s?seat to\b",
        r"\b(?:gives?|gave) way to\b",
    )
)
_WINDOW = 250  # characters either side of the key word; a side is at most 90
_KEY_OF = dict(zip(PATTERNS + CONTRAST_PATTERNS + COST_PATTERNS, _KEYS, strict=True))


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    key = _KEY_OF[pattern]
    if key is None:
        return pattern.search(text)
    for k in key.finditer(text):
        m = pattern.search(text, max(0, k.start() - _WINDOW), min(len(text), k.end() + _WINDOW))
        if m:
            return m
    return None


_LEAD = re.compile(
    r"^(?:(?:so|and|but|thus|therefore|here|again|today|now|ultimately|in short|"
    r"we|i|they|the team|this memo|this decision|this|it)\s+)+",
    re.IGNORECASE,
)
_NOISE = re.compile(
    r"\b(?:the (?:weekend|years?|months?|weeks?|past|holidays?)|time|night|"
    r"email|slack|phone|the phone)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RawTradeoff:
    """A trade-off found in one sentence: side texts and the sentence's offsets."""

    winner_text: str
    loser_text: str
    start: int
    end: int


def _tidy(side: str) -> str:
    side = _LEAD.sub("", side.strip(" \t\"'*`_"))
    return " ".join(side.split()[-10:])


# Every pattern needs one of these words; checking them first skips most sentences cheaply.
_GATE = re.compile(
    r"\b(?:over|above|ahead|before|wins?|won|winning|priority|precedence|trumps?|trumped|beats?|"
    r"first|rather|instead|place|expense|cost|detriment|sacrific\w*|even|accept\w*|trad\w*|"
    r"giv\w*|gave|seat|way)\b",
    re.IGNORECASE,
)


def find_tradeoffs(sentence: str, start: int = 0) -> list[RawTradeoff]:
    """Trade-offs stated in one sentence (at most one per pattern), offsets shifted by ``start``."""
    found: list[RawTradeoff] = []
    if not _GATE.search(sentence):
        return found
    seen: set[tuple[str, str]] = set()
    patterns = PATTERNS + (CONTRAST_PATTERNS if _DECIDER.search(sentence) else ()) + COST_PATTERNS
    for pattern in patterns:
        m = _search(pattern, sentence)
        if not m:
            continue
        winner, loser = _tidy(m.group("w")), _tidy(m.group("l"))
        if len(winner) < 3 or len(loser) < 3 or _NOISE.fullmatch(loser):
            continue
        if (winner.lower(), loser.lower()) in seen:
            continue
        seen.add((winner.lower(), loser.lower()))
        found.append(RawTradeoff(winner, loser, start, start + len(sentence)))
    return found
