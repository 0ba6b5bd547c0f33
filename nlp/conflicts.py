"""Value conflicts: which pairs of values come into tension, who wins, and which tenet settles it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from nlp.anchors import FrameworkIndex
from nlp.records import DocumentFindings, Evidence


@dataclass
class _Pair:
    docs: dict[str, str] = field(default_factory=dict)  # document id -> winning value id
    evidence: list[Evidence] = field(default_factory=list)


def document_conflicts(f: DocumentFindings) -> dict[tuple[str, str], tuple[str, Evidence | None]]:
    """The value pairs in tension in one document and the side that won there. Each applied
    tenet's trade-off is among the document's trade-offs (nlp.tenets.tenet_tradeoffs)."""
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    evidence: dict[tuple[str, str], Evidence | None] = {}
    # Phrases first, then the trade-off of each applied tenet (a tenet decision is firmer).
    for basis, weight in (("phrase", 1), ("tenet", 2)):
        for tr in f.tradeoffs:
            if tr.basis == basis and tr.winner and tr.loser and tr.winner != tr.loser:
                key = _key(tr.winner, tr.loser)
                votes[key][tr.winner] += weight
                evidence.setdefault(key, tr.evidence[0] if tr.evidence else None)
    # One value upheld and another violated in the same document: the first won over the second.
    upheld = [v for v in f.values if v.stance == "upholds"]
    for lost in (v for v in f.values if v.stance == "violates"):
        for won in upheld:
            key = _key(won.value, lost.value)
            votes[key][won.value] += 1
            evidence.setdefault(key, won.evidence[0] if won.evidence else None)
    return {k: (c.most_common(1)[0][0], evidence.get(k)) for k, c in votes.items()}


def conflict_table(findings: list[DocumentFindings], index: FrameworkIndex) -> list[dict[str, Any]]:
    """Contract §4 ``conflicts``: most frequent pair first."""
    pairs: dict[tuple[str, str], _Pair] = defaultdict(_Pair)
    for f in findings:
        for key, (winner, ev) in document_conflicts(f).items():
            pairs[key].docs[f.document.id] = winner
            if ev is not None:
                pairs[key].evidence.append(ev)
    applied = _tenet_documents(findings)
    rows = [_row(key, pair, index, applied) for key, pair in pairs.items()]
    return sorted(rows, key=lambda r: (-r["documents"], r["values"]))


def settling_tenet(
    pair: tuple[str, str],
    index: FrameworkIndex,
    docs: set[str] = frozenset(),  # type: ignore[assignment]
    applied: dict[str, set[str]] | None = None,
) -> int | None:
    """Index of the tenet that settles this pair of values, or None.

    A tenet whose two sides are exactly the pair settles it. Failing that, a tenet that prefers
    one of the two values, names no stated value on its other side, and is the one most applied
    in the documents where the pair conflicts ("reliability over feature velocity" settles
    customer trust vs ship-to-learn when memos about that conflict apply it).
    """
    for t in range(len(index.tenet_ids)):
        if {index.prefer_value[t], index.over_value[t]} == set(pair):
            return t
    applied = applied or {}
    candidates = [
        t
        for t in range(len(index.tenet_ids))
        if index.prefer_value[t] in pair and index.over_value[t] is None
    ]
    scored = [(len(applied.get(index.tenet_ids[t], set()) & docs), t) for t in candidates]
    scored = [st for st in scored if st[0] > 0]
    return max(scored)[1] if scored else None


def _tenet_documents(findings: list[DocumentFindings]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        for t in f.tenets:
            out[t.tenet].add(f.document.id)
    return out


def _row(
    key: tuple[str, str], pair: _Pair, index: FrameworkIndex, applied: dict[str, set[str]]
) -> dict[str, Any]:
    wins = Counter(pair.docs.values())
    t = settling_tenet(key, index, set(pair.docs), applied)
    against = []
    if t is not None:
        preferred = index.prefer_value[t]
        against = sorted(d for d, w in pair.docs.items() if w != preferred)
    return {
        "values": list(key),
        "documents": len(pair.docs),
        "resolved_for": {v: wins.get(v, 0) for v in key},
        "tenet": index.tenet_ids[t] if t is not None else None,
        "against_tenet_documents": against,
        "evidence": [e.as_dict() for e in pair.evidence[:5]],
    }


def _key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
