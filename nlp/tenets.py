"""Tenet findings per document: explicit citations, implicit applications, and direction.

* explicit  - a sentence names or quotes the tenet (cue word + lexical or semantic match, the
              tenet id itself, or a quoted span that reproduces the tenet text);
* implicit  - no citation, but a trade-off in the document pits the tenet's two sides against
              each other, or a sentence restates the tenet closely;
* direction - ``against`` when the document's trade-off picks the tenet's given-up side, or the
              citing sentence sets the tenet aside ("we know the tenet says ..., but ...").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.context import DocContext
from nlp.overwork import hours_verdict
from nlp.records import Direction, Evidence, TenetFinding, Tradeoff
from nlp.text import (
    QUOTE_RE,
    STOPWORDS,
    containment,
    content_stems,
    quoted_spans,
    stem,
    verbatim_run,
    words,
)

CITE_CUE = re.compile(
    r"\b(?:tenets?|principles?|our rule|rule of thumb|as we say|we say|mantra|playbook|"
    r"guideline|north star|values? (?:says?|states?)|per our|in line with our|"
    r"consistent with our|according to our|the [\w-]+ rule|"
    # "I know we wrote down rest over the push"
    r"we (?:wrote|have written|'ve written) (?:it |that )?down)\b|\(\s*tenet\s*:",
    re.IGNORECASE,
)
ASIDE = re.compile(
    r"\b(?:goes|go|going|went|runs?|running|ran|cuts?|cutting) against\b|"
    # "against our tenet", not "it pulls against the roadmap" (often the tenet's own wording)
    r"\bagainst (?:our|the|this|that) (?:[\w-]+ )?(?:tenets?|principles?|rules?|values?|guidance)\b|"
    r"\bsays? otherwise\b|\b(?:an|one-off|one-time|temporary) exception\b|\bexception to\b|"
    r"\bdeviat\w*|\bdepart\w* from\b|\bset(?:ting)? (?:it |this |the tenet )?aside\b|\boverrid\w*|"
    r"\boverr?ode\b|\bwaiv\w*|\bbend(?:ing|s)? (?:the|our|it)\b|"
    # "break it", "breaking with our tenet"; not "the vet breaks the protocol"
    r"\bbreak(?:ing|s)? (?:with |from )?(?:it\b|(?:our|the|this|that) (?:[\"“]?[\w-]+[\"”]? ){0,3}"
    r"(?:tenets?|principles?|rules?)\b)|"
    # "I made a judgment call that this was the exception"
    r"\b(?:was|is|be|as) (?:the|an) exception\b|"
    r"\bdespite (?:our|the|what)\b|\bnot this time\b|\bsuspend\w*|\bignor(?:e|ed|ing) (?:our|the|it)\b|"
    # "more risk than the tenet would have us take", "not what our tenet tells us to do",
    # "this sits outside what that tenet was written for"
    r"\bthan (?:our|the|this|that) (?:[\w-]+ )?(?:tenets?|principles?|rules?) (?:would|allows?|asks?)\b|"
    r"\bnot what (?:our|the|this|that) (?:[\w-]+ )?(?:tenets?|principles?|rules?)\b|"
    r"\boutside (?:what|the scope of) (?:our|the|this|that) (?:[\w-]+ )?(?:tenets?|principles?|rules?)\b",
    re.IGNORECASE,
)
# A postmortem that recounts going against the tenet and then restores it follows it, as does
# one that names the tenet as what would have prevented the incident.
RESTORES = re.compile(
    r"\b(?:return(?:s|ed|ing)? to|recommit\w*(?: to)?|reaffirm\w*|go(?:es|ing)? back to|"
    r"reinstat\w*|restor\w*) (?:our|the|this|that) (?:[\w-]+ )?(?:tenets?|principles?|rules?)\b",
    re.IGNORECASE,
)
PAST_ASIDE = re.compile(
    r"\b(?:went|ran|cut|was made|were made|was taken) against\b|\b(?:overrode|waived|"
    r"ignored|broke|suspended|set (?:it |this |the tenet )?aside (?:on|in|when|for))\b|"
    # "The March decision explicitly set aside our tenet"
    r"\bdecision\b[^.;]{0,30}\b(?:set|put)\s+(?:\w+\s+)?aside\b",
    re.IGNORECASE,
)
PREVENTS = re.compile(
    r"\b(?:tenets?|principles?|rules?)\b[^.;]{0,40}\bexists? (?:to|for) (?:prevent|stop|avoid)",
    re.IGNORECASE,
)
# "We say depth over heroics, and I agree with it." then "But ...": a concession opening a citation.
LEAD_CONCESSION = re.compile(
    r"\s*(?:yes,?\s+)?(?:we|i)\s+(?:all\s+)?(?:say|agree|believe|know|get)\b", re.IGNORECASE
)
NEGATED_ASIDE = re.compile(
    r"\b(?:no|not|doesn't|does not|don't|do not|never|without|isn't|is not)\b[^.;]{0,40}"
    r"\b(?:exception|against|deviat\w*|overrid\w*|waiv\w*|ignor\w*|suspend\w*)|"
    # "I'd rather we apply it here than make an exception"
    r"\brather\b[^.;]{0,60}\bthan (?:make|making|grant\w*|carve\w*) (?:an|one) exception",
    re.IGNORECASE,
)
# Verbs of knowing what a tenet says, in a concession ("we know", "I acknowledge").
_KNOWING = r"know|realise|realize|understand|recogni[sz]e|acknowledge"
CONCESSION = re.compile(
    rf"\b(?:we|i)\s+(?:all\s+)?(?:{_KNOWING}|"
    r"are aware|am aware)\b|\b(?:i'm|we're|i’m|we’re) aware\b[^.;]*\b(?:tenets?|principles?|rule|says?)\b",
    re.IGNORECASE,
)
# A concession aimed at the tenet itself ("I know the tenet says ...", "I'm conscious that our
# airworthiness-over-cost tenet says ...", "I have considered the re-staffing tenet", "Yes, our
# tenet says ..."): writers acknowledge a tenet this way only on their way past it. Over 21
# corpora, 51 of the 53 explicit citations written so were labelled against (the two others were
# "what we know", not about the tenet), so the concession alone sets the tenet aside.
TENET_CONCESSION = re.compile(
    # "what we know" and "all we know" concede nothing
    rf"(?:(?<!what )(?<!all )(?<!how )\b(?:we|i)\s+(?:all\s+)?(?:{_KNOWING}|"
    r"(?:have|'ve|’ve) (?:considered|weighed|read))|\b(?:i'm|we're|i’m|"
    r"we’re|i am|we are) (?:aware|conscious|mindful)|^\s*yes\b,?)[^.;]{0,40}\b(?:tenets?|"
    r"principles?|rule|says?|committed)\b|"
    # "our right-over-fast tenet would have us keep the manual check"
    r"\b(?:tenets?|principles?|rule)\s+would (?:have us|tell us to|want us to|ask us to)\b",
    re.IGNORECASE,
)
# ... unless one of the next sentences draws the tenet's own conclusion: "So the lot stays on
# hold."
COMPLIES = re.compile(
    r"^\s*(?:so|hence|therefore|accordingly|that's why|that is why)\b(?![^.;]*\b(?:but|against|"
    r"aside|exception)\b)|\bwe (?:followed|are following|'re following|will follow|'ll follow|"
    r"stuck to|are sticking to|'re sticking to) (?:it|the tenet|the rule)\b",
    re.IGNORECASE,
)
# A citation that says the tenet is doing its job: "We have a tenet for exactly this", "the
# equal-deadlines rule exists for exactly this week", "doing exactly what it's meant to do".
AFFIRMS = re.compile(
    r"\b(?:for|to cover) exactly (?:this|these|that|such)\b|\bexactly what (?:it|it's|it is|"
    r"they|we) (?:\w+ )?(?:meant|designed|written|there|for)\b",
    re.IGNORECASE,
)
# The writer declaring, a few sentences after the citation, that the decision sets the tenet
# aside: "I am setting the tenet aside for this tour", "I'm proposing that we knowingly set
# core-before-cloud aside", "This runs against the tenet". Present or future and first person
# (or "this"); postmortems, which recount decisions, are not read for it.
DECLARED_ASIDE = re.compile(
    r"\b(?:i|we)(?:'m| am|'re| are|'ll| will| have|'ve)?\s+(?:\w+\s+){0,4}?"
    r"(?:set(?:ting)?|putting) (?:[\w-]+\s+){1,3}aside\b|"
    r"\b(?:this|that|it|the decision|the plan) (?:runs|goes|cuts|is going) against (?:the|our|this|that) "
    r"(?:[\w-]+ )?(?:tenets?|principles?|rules?)\b",
    re.IGNORECASE,
)
DECLARED_WINDOW = 8  # sentences after the citation: its section, in practice
# The sentence after a citation going against the tenet it names by pronoun: "We discussed it
# and we've concluded we're going against it here."
BACK_ASIDE = re.compile(
    r"\b(?:go(?:es|ing)?|went|decid\w* to go) against (?:it|this|that)\b|"
    r"\b(?:set(?:ting)?|put(?:ting)?) (?:it|this|that) aside\b|"
    r"\b(?:overrid\w*|overrode|waiv\w*|suspend\w*|break(?:ing)?|bend(?:ing)?|ignor\w*) (?:it|this|that)\b"
    r"(?! (?:is|was|would|will|has|had)\b)",
    re.IGNORECASE,
)
# "Tenet 4 would have us do that." then "We've decided not to for now."
WOULD_HAVE_US = re.compile(r"\bwould (?:have us|tell us to|ask us to|want us to)\b", re.I)
DECLINED = re.compile(
    r"\b(?:decided not to|(?:we|we've|we have|i've|i have) (?:decided|chosen) (?:not|against)|"
    r"we(?:'re| are) not (?:going to|doing (?:it|that|so))|not (?:for|right) now)\b",
    re.IGNORECASE,
)
CONTRAST = re.compile(
    r"\b(?:but|however|yet|still|nevertheless|even so|this (?:quarter|time|once|release)|"
    r"for now|in this case)\b",
    re.IGNORECASE,
)
# The decision makes an exception: "we are doing it anyway", "choosing the season this time".
EXCEPTION = re.compile(
    r"\b(?:anyway|regardless|all the same|nonetheless|even so|this (?:time|once)|"
    r"for (?:this|the) (?:release|launch|quarter|season|one)|in this (?:case|instance)|"
    r"treat(?:ing)? (?:this|it) (?:one )?differently)\b",
    re.IGNORECASE,
)
CHOICE = re.compile(r"\b(?:but|choos\w*|chose|going to|we will|we'll|i will|i'll|anyway)\b", re.I)
REPORTS = re.compile(r"\b(?:says?|states?|tells us|is clear)\b", re.IGNORECASE)
# Ways of naming a tenet by a short handle: "(tenet: the plain truth over a busier day)", "our
# margin-before-access tenet", "our tenet on margin".
# "I know the tenet says we re-baseline before we pour": what a tenet is reported to say is
# matched like a quotation of it.
REPORTED = re.compile(
    r"\b(?:tenets?|principles?|rule)\s+(?:says?|states?|tells us|reads|is that)\s*:?\s*"
    # the clause ends at ", but ..." / ", and I ...": what follows is the writer's own
    r"(?:that\s+|to\s+)?((?:(?!,\s*(?:but|and|so|because|yet|which|though|although)\b)"
    r"[^.;:!?\"“”]){8,200})",
    re.I,
)
TAG = re.compile(r"\(\s*(?:tenets?|principles?)\s*:\s*([^)]{3,120})\)", re.I)
NICKNAME = re.compile(
    r"\b((?:[a-z]+-){1,4}[a-z]+)\s+(?:tenets?|principles?|rule)\b|"
    # "as the safety tenet requires": one plain word, which must then be this tenet's alone
    r"\b(?:the|our) ([a-z]{5,}) (?:tenet|principle)\b",
    re.I,
)
TOPIC = re.compile(
    r"\b(?:tenets?|principles?) (?:on|about) (?:the |our )?([a-z]+(?: [a-z]+)?)", re.I
)
VERDICT = re.compile(r"\b(?:wins?|first|over|beats?|trumps?|comes? before|above)\b", re.I)
EXPLICIT_SIM = 0.58
VERBATIM_WORDS = 5  # this many consecutive words of the tenet text count as quoting it  # cue present: cosine between sentence and tenet text
QUOTE_CONTAINMENT = 0.7  # share of a quoted span's stems that come from the tenet text
BARE_MENTION = re.compile(r"\b(?:the|our|this|that) (?:own )?tenet\b(?!s)", re.I)
BARE_SIM, BARE_MARGIN = 0.45, 0.08  # a bare mention goes to a tenet the document plainly discusses
RESTATE_SIM = 0.68  # no cue: a sentence this close to the tenet text applies it implicitly
PAIR_SIM = 0.42  # a trade-off whose sides match the tenet's sides at least this well
PAIR_MARGIN = 0.03
RESTATED_TRADEOFF = 0.8  # share of a trade-off's words taken from the tenet: it quotes the tenet
SIDE_FLOOR = 0.3  # ... and the other side must resemble the tenet's given-up side this much


@dataclass(frozen=True)
class _Hit:
    sentence: int
    score: float


def tenet_findings(ctx: DocContext, index: FrameworkIndex) -> list[TenetFinding]:
    """All tenet findings of one document, strongest first."""
    if not index.tenet_ids or not ctx.sentences:
        return []
    sims = ctx.vecs @ index.tenet_vecs.T
    cites = _citations(ctx, index, sims)
    # A tenet's own wording, quoted, parses as a trade-off too: its citation already counts it,
    # and its sides resembling another tenet's is no decision about that one.
    decided = [
        k
        for k, tr in enumerate(ctx.tradeoffs)
        if not _quotes_a_tenet(f"{tr.raw.winner_text} {tr.raw.loser_text}", index)
    ]
    all_pairs = [_pair_votes(ctx, index, t, decided) for t in range(len(index.tenet_ids))]
    _resolve_bare_mentions(ctx, sims, cites, all_pairs)
    out = []
    for t, tenet_id in enumerate(index.tenet_ids):
        pairs = all_pairs[t]
        finding: TenetFinding | None
        if cites[t]:
            finding = _explicit(ctx, index, t, tenet_id, cites[t], pairs)
        elif tenet_id == index.pace_tenet and _hours_decide(ctx):
            finding = _implicit_hours(ctx, tenet_id)
        else:
            finding = _implicit(ctx, index, t, tenet_id, sims[:, t], pairs)
        if finding is not None:
            out.append(finding)
    return sorted(out, key=lambda f: -f.score)


def tenet_tradeoffs(tenets: Sequence[TenetFinding], index: FrameworkIndex) -> list[Tradeoff]:
    """The trade-off each applied tenet makes: its preferred value over the value it gives up
    when followed, the reverse when gone against (None for a side that is no stated value).

    Writers rarely spell a trade-off out as "X over Y", and our phrase patterns alone reached a
    mean trade-off F1 of 0.09 over 21 corpora; 93% of the labelled trade-offs are the trade-off
    of a tenet the document applies, and with these the mean is 0.44.
    """
    out = []
    for f in tenets:
        t = index.tenet_ids.index(f.tenet)
        prefer, over = index.prefer_value[t], index.over_value[t]
        if prefer is None and over is None:
            continue
        values, texts = (prefer, over), (index.sides[t].prefer, index.sides[t].over or "")
        if f.direction == "against":
            values, texts = values[::-1], texts[::-1]
        winner, loser = values
        out.append(Tradeoff(winner, loser, f.evidence[:1], *texts, basis="tenet"))
    return out


def _citations(ctx: DocContext, index: FrameworkIndex, sims: np.ndarray) -> list[list[_Hit]]:
    """Sentences that cite each tenet; a sentence cites only its best-matching tenet(s)."""
    hits: list[list[_Hit]] = [[] for _ in index.tenet_ids]
    for i, sent in enumerate(ctx.sentences):
        view = _SentenceView.of(sent.text)
        scores = [_cite_score(view, index, t, float(sims[i, t])) for t in range(len(hits))]
        best = max(scores)
        if best <= 0:
            continue
        for t, score in enumerate(scores):
            if score >= best - 0.02:
                hits[t].append(_Hit(i, score))
    return hits


def _resolve_bare_mentions(
    ctx: DocContext,
    sims: np.ndarray,
    cites: list[list[_Hit]],
    pairs: list[list[tuple[int, float, str]]],
) -> None:
    """ "I'm taking more risk than the tenet would have us take": a document that mentions "the
    tenet" without naming one cites the one tenet whose trade-off it makes (or, failing that, the
    tenet its sentences are clearly closest to)."""
    if any(cites):
        return  # the mention refers to the tenet the document names
    mentions = [i for i, s in enumerate(ctx.sentences) if BARE_MENTION.search(s.text)]
    if not mentions:
        return
    traded = [t for t, p in enumerate(pairs) if p]
    if len(traded) == 1:
        target = traded[0]
    elif not traded and sims.shape[1]:
        per_tenet = sims.max(axis=0)
        target = int(per_tenet.argmax())
        runner_up = float(np.delete(per_tenet, target).max()) if len(per_tenet) > 1 else 0.0
        if per_tenet[target] < BARE_SIM or per_tenet[target] - runner_up < BARE_MARGIN:
            return
    else:
        return
    cites[target] = [_Hit(i, 0.6) for i in mentions]


@dataclass(frozen=True)
class _SentenceView:
    """What citation matching needs of a sentence, computed once for all tenets."""

    text: str
    lowered: str
    words: list[str]
    stems: set[str]
    quotes: list[set[str]]
    handles: list[set[str]]
    topics: list[set[str]]
    cue: bool
    verdict: bool

    @classmethod
    def of(cls, text: str) -> _SentenceView:
        return cls(
            text,
            text.lower(),
            words(text),
            content_stems(text),
            [content_stems(q) for q in [*quoted_spans(text), *_reported(text)]],
            [
                content_stems(next(g for g in m.groups() if g))
                for rx in (TAG, NICKNAME)
                for m in rx.finditer(text)
            ],
            [content_stems(m.group(1)) for m in TOPIC.finditer(text)],
            bool(CITE_CUE.search(text)),
            bool(VERDICT.search(text)),
        )


def _reported(text: str) -> list[str]:
    return [m.group(1) for m in REPORTED.finditer(text)]


def _cite_score(s: _SentenceView, index: FrameworkIndex, t: int, sim: float) -> float:
    """How clearly the sentence cites tenet ``t`` (0 = not a citation)."""
    if index.tenet_ids[t] in s.lowered:
        return 1.0
    handle = _handle_score(s, index, t)
    if handle:
        return handle
    tenet_stems = index.tenet_stems[t]
    need = min(VERBATIM_WORDS, max(3, len(index.tenet_words[t])))
    # The word-run check is quadratic; only sentences sharing enough stems can pass it.
    if len(s.stems & tenet_stems) >= 2 and verbatim_run(s.words, index.tenet_words[t]) >= need:
        return 0.95  # reproduces a stretch of the tenet's wording: a citation without quotes
    for q in s.quotes:
        if q in index.value_name_stems or _one_side_label(q, index, t, s.cue):
            continue
        if len(q) >= 2 and containment(q, tenet_stems) >= QUOTE_CONTAINMENT:
            return 0.9 + 0.1 * containment(tenet_stems, q)
    if not s.cue:
        return 0.0
    sides = index.prefer_stems[t], index.over_stems[t]
    heads = _head(index.sides[t].prefer), _head(index.sides[t].over or "")
    # "the checklist beats the schedule": each side named by its head noun, or by half its words
    both_sides = all(
        side and (head in s.stems or containment(side, s.stems) >= 0.5)
        for side, head in zip(sides, heads, strict=True)
    ) and bool(heads[0] in s.stems or heads[1] in s.stems)
    # "our tenet says reliability wins": naming the preferred side with a verdict is a citation.
    verdict = bool(sides[0]) and heads[0] in s.stems and s.verdict
    lexical = containment(tenet_stems, s.stems)
    if both_sides or verdict or lexical >= 0.5 or sim >= EXPLICIT_SIM:
        return max(sim, 0.6 + 0.4 * lexical, 0.8 if both_sides else 0.0, 0.7 if verdict else 0.0)
    return 0.0


def _one_side_label(quote: set[str], index: FrameworkIndex, t: int, cue: bool) -> bool:
    """A quote of one or two words is a label (stories tagged "public safety", staff could only
    say "the hours have changed") unless it names both sides ("safety over season"), or the
    sentence speaks of a tenet and the quote is more than one side's name."""
    if len(quote) > 2 or (quote & index.prefer_stems[t] and quote & index.over_stems[t]):
        return False
    return not cue or quote <= index.prefer_stems[t] or quote <= index.over_stems[t]


@functools.lru_cache(maxsize=4096)
def _head(phrase: str) -> str:
    """The stem of a side's last content word: the head of an English noun phrase ("checklist"
    in "the completed safety checklist"); empty when it has none."""
    content = [w for w in words(phrase) if w not in STOPWORDS and len(w) > 2]
    return stem(content[-1]) if content else ""


def _handle_score(s: _SentenceView, index: FrameworkIndex, t: int) -> float:
    """A tenet named by a short handle rather than quoted: its id in words ("depth over heroics"),
    a tag or nickname made of its words, or "our tenet on <one of its sides>"."""
    slug = index.tenet_ids[t].split("-")
    spelled = r"\b" + r"[\s-]+".join(map(re.escape, slug)) + r"\b"
    if (len(slug) >= 3 or (len(slug) == 2 and s.cue)) and re.search(spelled, s.lowered):
        return 0.95
    own = index.tenet_own_stems[t]
    for h in s.handles:
        h = h - {"tenet", "principl", "rule"}
        if len(h) >= 2 and containment(h, own) >= QUOTE_CONTAINMENT:
            return 0.85
        # "the re-baseline rule": one word, but a long one that only this tenet uses
        if (
            len(h) == 1
            and len(next(iter(h))) >= 5
            and h <= own
            and not _used_elsewhere(h, index, t)
        ):
            return 0.85
    sides = index.prefer_stems[t] | index.over_stems[t]
    if any(topic and topic <= sides for topic in s.topics):
        return 0.8
    return 0.0


def _used_elsewhere(stems: set[str], index: FrameworkIndex, t: int) -> bool:
    return any(stems & own for u, own in enumerate(index.tenet_own_stems) if u != t)


def _pair_votes(
    ctx: DocContext, index: FrameworkIndex, t: int, decided: list[int]
) -> list[tuple[int, float, str]]:
    """Trade-offs (of those ``decided`` in the document) that pit this tenet's sides against
    each other: (tradeoff idx, score, dir)."""
    if not index.has_over[t]:
        return []
    out = []
    p, o = index.prefer_vecs[t], index.over_vecs[t]
    pv, ov = index.prefer_value[t], index.over_value[t]
    for k in decided:
        tr = ctx.tradeoffs[k]
        forward = (float(tr.winner_vec @ p) + float(tr.loser_vec @ o)) / 2
        reverse = (float(tr.winner_vec @ o) + float(tr.loser_vec @ p)) / 2
        # Sides mapped to the tenet's two values count as a strong match of the pair ...
        if pv and ov and {tr.winner, tr.loser} == {pv, ov}:
            if tr.winner == pv:
                forward = max(forward, PAIR_SIM + 0.05)
            else:
                reverse = max(reverse, PAIR_SIM + 0.05)
        # ... and so does one of them winning or losing against something that resembles the
        # tenet's other side; a side mapped loosely ("a later opening" -> open hours) against
        # anything at all does not.
        if _side_vs(tr.winner, tr.loser, pv, tr.loser_vec @ o) or _side_vs(
            tr.loser, tr.winner, ov, tr.winner_vec @ p
        ):
            forward = max(forward, PAIR_SIM + 0.05)
        if _side_vs(tr.loser, tr.winner, pv, tr.winner_vec @ o) or _side_vs(
            tr.winner, tr.loser, ov, tr.loser_vec @ p
        ):
            reverse = max(reverse, PAIR_SIM + 0.05)
        best = max(forward, reverse)
        if best >= PAIR_SIM and abs(forward - reverse) >= PAIR_MARGIN:
            out.append((k, best, "follows" if forward > reverse else "against"))
    return out


def _quotes_a_tenet(text: str, index: FrameworkIndex) -> bool:
    stems = content_stems(text)
    return len(stems) >= 3 and any(
        containment(stems, own) >= RESTATED_TRADEOFF for own in index.tenet_stems
    )


def _side_vs(mine: str | None, other: str | None, value: str | None, other_sim: float) -> bool:
    """Is ``mine`` the tenet's ``value`` against another side resembling the tenet's other side?"""
    return value is not None and mine == value != other and float(other_sim) >= SIDE_FLOOR


def _explicit(
    ctx: DocContext,
    index: FrameworkIndex,
    t: int,
    tenet_id: str,
    hits: list[_Hit],
    pairs: list[tuple[int, float, str]],
) -> TenetFinding:
    evidence = [ctx.evidence(h.sentence) for h in hits[:3]]
    direction = _direction(ctx, hits, pairs, frozenset(index.tenet_stems[t]))
    evidence += _pair_evidence(ctx, pairs, evidence)
    score = max(h.score for h in hits)
    return TenetFinding(tenet_id, "explicit", direction, round(min(score, 1.0), 3), tuple(evidence))


def _implicit(
    ctx: DocContext,
    index: FrameworkIndex,
    t: int,
    tenet_id: str,
    sims: np.ndarray,
    pairs: list[tuple[int, float, str]],
) -> TenetFinding | None:
    best = int(sims.argmax())
    restated = float(sims[best]) >= RESTATE_SIM
    if not pairs and not restated:
        return None
    hits = [_Hit(best, float(sims[best]))] if restated else []
    direction = _direction(ctx, hits, pairs, frozenset(index.tenet_stems[t]))
    evidence = [ctx.evidence(best)] if restated else []
    evidence += _pair_evidence(ctx, pairs, evidence)
    score = max([float(sims[best]) if restated else 0.0] + [s for _, s, _ in pairs])
    return TenetFinding(tenet_id, "implicit", direction, round(score, 3), tuple(evidence))


def _hours_decide(ctx: DocContext) -> bool:
    """Does after-hours work to make a date apply the pace tenet? In a promotion write-up it is
    the conduct praised; in a postmortem or a memo it is mostly the incident or the plan being
    told (over 21 corpora, 21 of 45 such promotion findings were labelled applied, 9 of 33
    elsewhere), and the value stance still records it there."""
    return ctx.document.kind == "promotion" and any(s.deadline for s in ctx.hours)


def _implicit_hours(ctx: DocContext, tenet_id: str) -> TenetFinding | None:
    """Work after hours to make a date is the pace tenet's trade-off, made one way or the other."""
    verdict = hours_verdict([s for s in ctx.hours if s.deadline])
    if verdict is None:
        return None
    direction: Direction = "against" if verdict.stance == "violates" else "follows"
    evidence = tuple(ctx.evidence(i) for i in verdict.sentences[:3])
    return TenetFinding(tenet_id, "implicit", direction, round(verdict.strength, 3), evidence)


def _direction(
    ctx: DocContext,
    hits: list[_Hit],
    pairs: list[tuple[int, float, str]],
    own: frozenset[str] = frozenset(),
) -> Direction:
    """A citing sentence that sets the tenet aside decides; otherwise the trade-off votes."""
    if hits and any(RESTORES.search(sent.text) for sent in ctx.sentences):
        return "follows"
    postmortem = ctx.document.kind == "postmortem"
    if hits and postmortem and any(PREVENTS.search(ctx.sentences[h.sentence].text) for h in hits):
        return "follows"
    recounted = False
    for h in hits:
        text = ctx.sentences[h.sentence].text
        after = [s.text for s in ctx.sentences[h.sentence + 1 : h.sentence + 4]]
        if sets_tenet_aside(text, after, own):
            # A postmortem telling how the decision went against the tenet is the cause it
            # reports, not its own choice (nearly all postmortems citing a tenet follow it).
            if postmortem and PAST_ASIDE.search(text):
                recounted = True
                continue
            return "against"
    if recounted:
        return "follows"
    if hits and not postmortem and _declared_aside(ctx, hits[0].sentence):
        return "against"
    # A citation's direction is how the writer treats the tenet: over 21 corpora, letting
    # trade-off phrases vote on cited tenets turned 4 right directions wrong and 2 wrong right.
    if pairs and not hits:
        against = sum(s for _, s, d in pairs if d == "against")
        follows = sum(s for _, s, d in pairs if d == "follows")
        return "against" if against > follows else "follows"
    return "follows"


def _declared_aside(ctx: DocContext, cited: int) -> bool:
    """A declaration a few sentences after the citation that the tenet is set aside."""
    window = ctx.sentences[cited + 1 : cited + 1 + DECLARED_WINDOW]
    return any(DECLARED_ASIDE.search(s.text) and not NEGATED_ASIDE.search(s.text) for s in window)


def sets_tenet_aside(
    text: str, following: Sequence[str] = (), own: frozenset[str] = frozenset()
) -> bool:
    """Does a sentence citing a tenet go against it?

    "this goes against standards-over-autonomy", "Yes, the tenet says otherwise", "Despite our
    tenet ...", "We know our tenet says X." followed by "But ..." or "We are going to break it
    for this release." Negated forms ("our tenet has no exception for this") do not count.
    ``following`` holds the next sentences; the first two are read (three for an aside after a
    concession). ``own`` holds the tenet's own word stems: a tenet that says "we use the emergency
    waiver" is not waived by being quoted or named, so quotations and the tenet's own words
    set nothing aside.
    """
    text = QUOTE_RE.sub("quoted", text)
    if NEGATED_ASIDE.search(text) or AFFIRMS.search(text):
        return False
    if _aside_in(text, own):
        return True
    after = [f.strip() for f in following[:3]]
    if after and BACK_ASIDE.search(after[0]) and not NEGATED_ASIDE.search(after[0]):
        return True
    if after and WOULD_HAVE_US.search(text) and DECLINED.search(after[0]):
        return True
    if TENET_CONCESSION.search(text) and not any(COMPLIES.search(f) for f in after):
        return True
    concession = CONCESSION.search(text) or LEAD_CONCESSION.match(text)
    if concession:
        # "I know what the tenet says: …" may take a sentence of agreement before "I'm going
        # against it": an outright aside is looked for one sentence further than a "But".
        return bool(
            CONTRAST.search(text[concession.end() :])
            or any(CONTRAST.match(f) or EXCEPTION.search(f) for f in after[:2])
            or any(_asides(f, own) for f in after)
        )
    after = after[:2]
    # "Our tenet says X." then "..., and I am choosing the season this time."
    return bool(REPORTS.search(text)) and any(
        EXCEPTION.search(f) and CHOICE.search(f) for f in after[:1]
    )


def _asides(text: str, own: frozenset[str] = frozenset()) -> bool:
    return _aside_in(text, own) and not NEGATED_ASIDE.search(text)


def _aside_in(text: str, own: frozenset[str]) -> bool:
    """An aside in ``text``; a lone word the tenet itself uses ("the emergency waiver") is the
    tenet's vocabulary, while "breaks it" is an act whatever the tenet's wording."""
    for m in ASIDE.finditer(text):
        word = m.group(0)
        if len(word.split()) > 1 or not content_stems(word) <= own:
            return True
    return False


def _pair_evidence(
    ctx: DocContext, pairs: list[tuple[int, float, str]], have: list[Evidence]
) -> list[Evidence]:
    seen = {(e.start, e.end) for e in have}
    out = []
    for k, _, _ in pairs[:2]:
        raw = ctx.tradeoffs[k].raw
        if (raw.start, raw.end) not in seen:
            seen.add((raw.start, raw.end))
            out.append(ctx.span_evidence(raw.start, raw.end))
    return out
