"""Value stance per document: does it uphold or violate each stated value, with evidence?

Three kinds of evidence vote, strongest wins:
* a sentence that reads like one of the value's examples (upholds) or anti-patterns (violates);
* a trade-off the value won (upholds) or lost (violates);
* a tenet finding: following a tenet upholds the value it operationalizes, going against it
  violates that value.

For the value about working hours, sentences about after-hours work (nlp.overwork) decide
instead: embeddings cannot tell praise of an all-nighter from the value's own examples.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from nlp.anchors import FrameworkIndex, ValueSims
from nlp.context import DocContext
from nlp.overwork import hours_verdict
from nlp.records import Evidence, Stance, TenetFinding, ValueFinding
from nlp.stance_model import StanceModel, Votes, choose, value_features

PLAIN_NEGATION = re.compile(
    r"\b(?:not|never|no longer|didn't|don't|won't|wasn't|isn't|failed to)\b", re.I
)
# Undoing a behaviour the value asks for: "remove the faceplate zone buttons" reads like the
# example "keeping physical buttons that start a zone" to an embedding, and violates it.
UNDOING = re.compile(
    r"\b(?:remov(?:e|ed|es|ing)|retir(?:e|ed|es|ing)|deprecat\w*|sunset\w*|eliminat\w*|"
    r"discontinu\w*|abandon\w*|get rid of|got rid of|rip(?:ped|ping)? out|strip(?:ped|ping)? out|"
    r"drop(?:ped|ping|s)? (?:the|our|support|local)|no longer)\b",
    re.IGNORECASE,
)
REFUSAL = re.compile(
    r"\b(?:not|no|never|nobody|none|without|instead of|rather than|refus\w*|declin\w*|"
    r"push(?:ed|es|ing)? back|stopp?(?:ed|ing)?|avoid\w*|won't|wouldn't|didn't|don't|doesn't|"
    r"isn't|wasn't|can't|cannot|held off|protect\w*|cut scope|moved? the date)\b",
    re.IGNORECASE,
)
BEHAVIOUR_SIM = 0.42
BEHAVIOUR_Z = 2.5  # ... and stand out this far from ordinary sentences (robust z-score)  # a sentence this close to an example / anti-pattern is evidence
BEHAVIOUR_MARGIN = 0.06  # ... and must be closer to that side than to the other
TRADEOFF_WEIGHT = 0.62
TENET_WEIGHT = {"explicit": 0.66, "implicit": 0.6}
MIN_SCORE = 0.55
# A memo, a write-up or a postmortem turns on one or two values; past that, the weaker matches
# are a value's vocabulary showing up in passing, not a stance.
MAX_VALUES_PER_DOCUMENT = 2
# Headings and labels ("Decision", "Peer feedback (excerpts)", "A typical one reads:") resemble
# every value a little and describe no behaviour; evidence needs a clause of some length.
MIN_EVIDENCE_WORDS = 5


@dataclass
class ValueEvidence:
    """What one document says about every value, gathered once for a set of tenet findings: its
    behaviour similarities (None without sentences), the votes, and on demand the stance model's
    features. The stance decision and the tenet-applies model (nlp.applies) both read it."""

    ctx: DocContext
    index: FrameworkIndex
    tenets: list[TenetFinding]
    sims: ValueSims | None
    votes: Votes

    @functools.cached_property
    def features(self) -> np.ndarray:
        """``nlp.stance_model.FEATURES`` per value, (n_values, features)."""
        return value_features(
            self.ctx, self.index, self.tenets, self.votes, vote_strength, self.sims
        )


def value_evidence(
    ctx: DocContext, index: FrameworkIndex, tenets: list[TenetFinding]
) -> ValueEvidence:
    sims = document_sims(ctx, index)
    return ValueEvidence(ctx, index, tenets, sims, collect_votes(ctx, index, tenets, sims))


def value_findings(
    ctx: DocContext,
    index: FrameworkIndex,
    tenets: list[TenetFinding],
    model: StanceModel | None = None,
    evidence: ValueEvidence | None = None,
) -> list[ValueFinding]:
    """One finding per value with enough evidence, strongest first.

    With a trained ``model`` (nlp.stance_model) it decides which values and which way from the
    votes and the document's similarity to each value; without one the strongest vote does.
    ``evidence``: already gathered for these ``tenets`` (``value_evidence``).
    """
    evidence = evidence or value_evidence(ctx, index, tenets)
    votes = evidence.votes
    if model is not None and model.enabled:
        return _modelled(ctx, index, evidence, model)
    out = []
    for vid in index.value_ids:
        up = vote_strength(votes.get((vid, "upholds"), []))
        down = vote_strength(votes.get((vid, "violates"), []))
        stance: Stance = "upholds" if up >= down else "violates"
        score = max(up, down)
        if score < MIN_SCORE:
            continue
        quotes = [e for _, e in sorted(votes[(vid, stance)], key=lambda x: -x[0])]
        out.append(ValueFinding(vid, stance, round(score, 3), tuple(_dedupe(quotes)[:3])))
    return sorted(out, key=lambda f: -f.score)[:MAX_VALUES_PER_DOCUMENT]


def _modelled(
    ctx: DocContext, index: FrameworkIndex, evidence: ValueEvidence, model: StanceModel
) -> list[ValueFinding]:
    sims, votes = evidence.sims, evidence.votes
    if sims is None:
        return []
    features = evidence.features
    involved = model.involved.probability(features)
    upholds = model.upholds.probability(features)
    out = []
    for j, stance in choose(involved, upholds, features, model.threshold, model.per_document):
        vid = index.value_ids[j]
        quotes = [e for _, e in sorted(votes.get((vid, stance), []), key=lambda x: -x[0])]
        if not quotes:
            quotes = [_closest_sentence(ctx, sims, j, stance)]
        out.append(
            ValueFinding(vid, stance, round(float(involved[j]), 3), tuple(_dedupe(quotes)[:3]))
        )
    return out


def _closest_sentence(ctx: DocContext, sims: ValueSims, value: int, stance: Stance) -> Evidence:
    """Evidence when no vote backs the model's call: the sentence nearest the value's behaviours
    of that polarity (its examples for upholds, its anti-patterns for violates)."""
    nearest = sims.pos if stance == "upholds" else sims.neg
    return ctx.evidence(int(nearest[:, value].argmax()))


def document_sims(ctx: DocContext, index: FrameworkIndex) -> ValueSims | None:
    """The document's behaviour similarities, computed once; None when it has no sentences."""
    return index.value_sims(ctx.vecs) if len(ctx.vecs) else None


def collect_votes(
    ctx: DocContext, index: FrameworkIndex, tenets: list[TenetFinding], sims: ValueSims | None
) -> Votes:
    """Every piece of evidence for or against each value, weighted (``sims``: document_sims)."""
    votes: Votes = defaultdict(list)
    if sims is not None:
        _behaviour_votes(ctx, index, sims, votes)
    _tradeoff_votes(ctx, votes)
    _tenet_votes(index, tenets, votes)
    _hours_votes(ctx, index, votes)
    return votes


def vote_strength(items: list[tuple[float, Evidence]]) -> float:
    """Best vote plus a small bonus for corroboration, capped at 1."""
    if not items:
        return 0.0
    scores = sorted((s for s, _ in items), reverse=True)
    return min(1.0, scores[0] + 0.05 * (len(scores) - 1))


def _behaviour_votes(ctx: DocContext, index: FrameworkIndex, sims: ValueSims, votes: Votes) -> None:
    """Sentences that read like an example (upholds) or an anti-pattern (violates).

    Embeddings barely tell "we never work weekends" from "we worked all weekend", so a refusal
    or negation in the sentence that its matched anti-pattern lacks flips the match into
    upholding, and a plain negation the matched example lacks flips it into violating.
    """
    pos, neg = sims.pos, sims.neg
    z = np.maximum(sims.pos_z, sims.neg_z)
    hits = (np.maximum(pos, neg) >= BEHAVIOUR_SIM) & (z >= BEHAVIOUR_Z)
    for i, j in zip(*np.nonzero(hits), strict=True):
        p, n = float(pos[i, j]), float(neg[i, j])
        if abs(p - n) < BEHAVIOUR_MARGIN:
            continue
        text = ctx.sentences[int(i)].text
        if len(text.split()) < MIN_EVIDENCE_WORDS or text.rstrip().endswith(":"):
            continue
        anti = n > p
        # Flip only on a negation the matched behaviour lacks (not the reverse: the sentence may
        # say "ending fines" where the example says "removing fines"):
        # "a controller that cannot reach us stops watering" *is* the anti-pattern
        # "stops watering because it cannot reach our servers", negation and all.
        proto = index.closest_behaviour(ctx.vecs[int(i)], int(j), anti)
        if anti:
            flipped = bool(REFUSAL.search(text)) and not REFUSAL.search(proto)
        else:
            flipped = _negates(text) and not _negates(proto)
        stance = (
            ("upholds" if flipped else "violates")
            if anti
            else ("violates" if flipped else "upholds")
        )
        votes[(index.value_ids[j], stance)].append((max(p, n), ctx.evidence(int(i))))


def _tradeoff_votes(ctx: DocContext, votes: Votes) -> None:
    """The winning side of a trade-off upholds its value. Losing a legitimate trade-off is not a
    violation (a tenet exists to settle exactly that); going against a tenet is, via its vote."""
    for tr in ctx.tradeoffs:
        if tr.winner and tr.winner != tr.loser:
            ev = ctx.span_evidence(tr.raw.start, tr.raw.end)
            votes[(tr.winner, "upholds")].append((TRADEOFF_WEIGHT, ev))


def _tenet_votes(index: FrameworkIndex, tenets: list[TenetFinding], votes: Votes) -> None:
    for f in tenets:
        t = index.tenet_ids.index(f.tenet)
        vid = index.prefer_value[t]
        if vid is None or not f.evidence:
            continue
        stance = "upholds" if f.direction == "follows" else "violates"
        votes[(vid, stance)].append((TENET_WEIGHT[f.mode], f.evidence[0]))


def _hours_votes(ctx: DocContext, index: FrameworkIndex, votes: Votes) -> None:
    """After-hours sentences replace every other vote on the pace value."""
    verdict = hours_verdict(ctx.hours)
    if index.pace_value is None or verdict is None:
        return
    votes[(index.pace_value, "upholds")] = []
    votes[(index.pace_value, "violates")] = []
    weight = max(verdict.strength, MIN_SCORE)
    votes[(index.pace_value, verdict.stance)] = [
        (weight, ctx.evidence(i)) for i in verdict.sentences
    ]


def _negates(text: str) -> bool:
    return bool(PLAIN_NEGATION.search(text) or UNDOING.search(text))


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int]] = set()
    out = []
    for e in evidence:
        if (e.start, e.end) not in seen:
            seen.add((e.start, e.end))
            out.append(e)
    return out
