"""/score-memo's score and suggestions: concrete advice a writer can act on."""

from __future__ import annotations

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.records import DocumentFindings, Tradeoff


def memo_score(f: DocumentFindings) -> float:
    """0..1: cites tenets, follows them, upholds values; penalised for going against them."""
    score = 0.4
    if any(t.mode == "explicit" for t in f.tenets):
        score += 0.25
    if any(t.direction == "follows" for t in f.tenets):
        score += 0.1
    if any(t.basis == "phrase" for t in f.tradeoffs):
        score += 0.05  # names what it gives up
    up = sum(v.stance == "upholds" for v in f.values)
    down = sum(v.stance == "violates" for v in f.values)
    if up + down:
        score += 0.2 * (up - down) / (up + down)
    score -= 0.15 * sum(t.direction == "against" for t in f.tenets)
    return round(float(np.clip(score, 0.0, 1.0)), 2)


def suggestions(f: DocumentFindings, index: FrameworkIndex) -> list[str]:
    """Actionable suggestions, most important first."""
    fw = index.framework
    out = []
    for t in f.tenets:
        text = fw.tenet(t.tenet).text
        quote = _quote(t.evidence[0].text) if t.evidence else ""
        if t.direction == "against":
            out.append(
                f"Goes against tenet “{text}” ({quote}). Either revisit the decision or "
                "say explicitly why this case is an exception."
            )
        elif t.mode == "implicit":
            out.append(
                f"Applies tenet “{text}” without citing it ({quote}); cite it so readers "
                "see which principle settles the trade-off."
            )
    for v in f.values:
        if v.stance == "violates":
            value = fw.value(v.value)
            quote = _quote(v.evidence[0].text) if v.evidence else ""
            out.append(
                f"Conflicts with the value “{value.name}” ({quote}); address the concern "
                "or record the exception and who accepted it."
            )
    if not any(t.mode == "explicit" for t in f.tenets):
        out.extend(_uncited_tradeoffs(f, index))
    if not f.tradeoffs and not f.tenets:  # a tenet's trade-off comes with the tenet
        out.append(
            "States no trade-off: name what this decision gives up and which value or "
            "tenet decides it."
        )
    return out


def _uncited_tradeoffs(f: DocumentFindings, index: FrameworkIndex) -> list[str]:
    out = []
    for tr in [t for t in f.tradeoffs if t.basis == "phrase"][:2]:
        tenet = _relevant_tenet(tr, index)
        hint = f"; relevant tenet: “{index.framework.tenet(tenet).text}”" if tenet else ""
        out.append(
            f"Cites no tenet although it trades {tr.loser_text!r} for {tr.winner_text!r}{hint}."
        )
    return out


def _relevant_tenet(tr: Tradeoff, index: FrameworkIndex) -> str | None:
    for t, tid in enumerate(index.tenet_ids):
        if {index.prefer_value[t], index.over_value[t]} & {tr.winner, tr.loser} - {None}:
            return tid
    return None


def _quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"
