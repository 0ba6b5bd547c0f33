"""Features of (document, value) and (document, tenet) pairs for the learned stance models.

Embedding similarity says *what* a sentence is about but hardly whether it lives or contradicts a
value ("we never work weekends" sits next to "we worked all weekend"). So polarity comes from the
text around the match (negation and refusal words), from trade-offs won and lost, and from tenet
decisions; the similarity scores mostly say whether the value is in play at all.
"""

from __future__ import annotations

import re

import numpy as np

from nlp.anchors import FrameworkIndex
from nlp.context import DocContext

NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|none|without|instead of|rather than|refus\w*|declin\w*|"
    r"push(?:ed|es|ing)? back|stopp?(?:ed|ing)?|avoid\w*|won't|wouldn't|didn't|don't|doesn't|"
    r"isn't|wasn't|can't|cannot|hold(?:s|ing)? off|held off|protect\w*|cut scope|moved? the date)\b|"
    r"n't\b",
    re.IGNORECASE,
)
RELEVANT = 0.38  # a sentence this close to a value's examples or anti-patterns is "about" it
VALUE_FEATURES = (
    "rel_max",
    "rel_top2",
    "rel_count",
    "polarity",
    "neg_share",
    "beh_minus_anti",
    "won",
    "lost",
    "tenet_follows",
    "tenet_against",
    "promotion",
    "postmortem",
)
TENET_FEATURES = (
    "sim_max",
    "sim_top2",
    "pair_follows",
    "pair_against",
    "v_polarity",
    "v_rel_max",
    "v_won",
    "v_lost",
    "o_won",
    "o_lost",
    "explicit",
    "set_aside",
    "promotion",
    "postmortem",
)


def value_features(
    ctx: DocContext, index: FrameworkIndex, tenet_dirs: dict[str, tuple[float, float]]
) -> np.ndarray:
    """(n_values, len(VALUE_FEATURES)); ``tenet_dirs[value] = (follows, against)`` tenet votes."""
    n = len(index.value_ids)
    out = np.zeros((n, len(VALUE_FEATURES)), dtype=np.float32)
    kind = ctx.document.kind
    if len(ctx.vecs):
        beh = index.behaviour_similarity(ctx.vecs)
        anti = index.anti_similarity(ctx.vecs)
        negated = np.array([bool(NEGATION.search(s.text)) for s in ctx.sentences])
        for j in range(n):
            out[j, :6] = _sentence_stats(beh[:, j], anti[:, j], negated)
    for j, vid in enumerate(index.value_ids):
        out[j, 6] = sum(t.winner == vid and t.loser != vid for t in ctx.tradeoffs)
        out[j, 7] = sum(t.loser == vid and t.winner != vid for t in ctx.tradeoffs)
        out[j, 8], out[j, 9] = tenet_dirs.get(vid, (0.0, 0.0))
    out[:, 10] = kind == "promotion"
    out[:, 11] = kind == "postmortem"
    return out


def _sentence_stats(beh: np.ndarray, anti: np.ndarray, negated: np.ndarray) -> list[float]:
    rel = np.maximum(beh, anti)
    top = np.sort(rel)[::-1]
    mask = rel >= RELEVANT
    # +1 when a sentence reads like an example, -1 like an anti-pattern; negation flips it.
    sign = np.where(beh >= anti, 1.0, -1.0) * np.where(negated, -1.0, 1.0)
    weight = np.clip(rel - RELEVANT + 0.05, 0.0, None) * mask
    polarity = float((sign * weight).sum())
    neg_share = float(negated[mask].mean()) if mask.any() else 0.0
    return [
        float(top[0]),
        float(top[:2].mean()),
        float(mask.sum()),
        polarity,
        neg_share,
        float(beh.max() - anti.max()),
    ]
