"""The framework's texts embedded once: value prototypes, tenet texts and tenet sides.

Computed once per framework (the embedder's cache makes re-use across audits free) and used by
every matcher to map sentences and trade-off sides onto value and tenet ids.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.embed import Embedder
from nlp.overwork import pace_tenet, pace_value
from nlp.records import Framework, Tenet
from nlp.text import content_stems, words

# Minimum cosine for a trade-off side to count as being "about" a value.
SIDE_MIN_SIM = 0.36
OVER_MIN_SIM = 0.45  # an unlisted value must be named this clearly by a tenet's given-up side
OVER_MARGIN = 0.05
_TENET_SIDES = (
    re.compile(
        r"when (?P<a>.+?) (?:and|vs\.?|versus) (?P<b>.+?) (?:conflict|collide|clash|pull|are in tension|compete)[^,]*,\s*(?:we (?:choose|pick|favou?r|prefer) )?(?P<w>.+?)(?: wins| comes first| over .+)?[.,]?$",
        re.I,
    ),
    re.compile(
        r"(?:we )?(?:choose|prefer|favou?r|pick|value) (?P<w>.+?) (?:over|to|above) (?P<l>.+?)(?: when | because |[.,]|$)",
        re.I,
    ),
    re.compile(
        r"^(?P<w>.+?) (?:over|beats|trumps|before|wins over) (?P<l>.+?)(?: when | because |[.,]|$)",
        re.I,
    ),
)


_CONTRAST = re.compile(r"\s*,?\s+(?:rather than|instead of)\s+", re.I)
_CLAUSE = re.compile(r"\s*(?:[,;:(]|\s(?:or|and|because|while|so that|when|until|for)\s)\s*", re.I)


def expand_behaviour(text: str) -> tuple[list[str], list[str]]:
    """A behaviour's variants of the same polarity and of the opposite polarity.

    Short clauses match short sentences better than a long example does, and
    "moving the date rather than asking for weekend work" also names a behaviour to avoid.
    """
    same, opposite = [text], []
    parts = _CONTRAST.split(text, maxsplit=1)
    if len(parts) == 2 and len(parts[1].split()) >= 2:
        same.append(parts[0])
        opposite.append(parts[1])
    for piece in _CLAUSE.split(parts[0]):
        if len(piece.split()) >= 3 and piece != parts[0]:
            same.append(piece)
    return same, opposite


@dataclass(frozen=True)
class TenetSides:
    prefer: str
    over: str | None


def tenet_sides(tenet: Tenet) -> TenetSides:
    """The tenet's preferred and given-up sides, from ``prefer``/``over`` or parsed from the text."""
    if tenet.prefer and tenet.over:
        return TenetSides(tenet.prefer, tenet.over)
    for pattern in _TENET_SIDES:
        m = pattern.search(tenet.text.strip())
        if not m:
            continue
        groups = m.groupdict()
        if "a" in groups:
            a, b, w = groups["a"], groups["b"], groups["w"]
            winner, loser = (b, a) if content_stems(w) & content_stems(b) else (a, b)
            return TenetSides(tenet.prefer or winner, tenet.over or loser)
        return TenetSides(tenet.prefer or groups["w"], tenet.over or groups["l"])
    return TenetSides(tenet.prefer or tenet.text, tenet.over)


@dataclass(frozen=True)
class ValueSims:
    """One document's sentences against every value's behaviours, (sentences, values) each:
    computed once and read by both stance voting and the stance model's features."""

    pos: np.ndarray  # best cosine to one of the value's examples
    neg: np.ndarray  # best cosine to one of its anti-patterns
    pos_z: np.ndarray  # the same, standardised against ordinary sentences
    neg_z: np.ndarray


class FrameworkIndex:
    """Embeddings and lexical keys of a framework, built once per (framework, embedder)."""

    def __init__(self, framework: Framework, embedder: Embedder) -> None:
        self.framework = framework
        self.value_ids = [v.id for v in framework.values]
        self.tenet_ids = [t.id for t in framework.tenets]
        self._embed_values(framework, embedder)
        self._embed_tenets(framework, embedder)
        # The value (and tenet) about working hours, judged by the lexicon in nlp.overwork.
        self.pace_value = pace_value(framework)
        self.pace_tenet = pace_tenet(framework, self.pace_value)
        self._calibrate(embedder.encode(reference_sentences()))

    def _calibrate(self, ref: np.ndarray) -> None:
        """Per-value median and spread of similarity over ordinary document sentences.

        Some values' examples resemble almost any sentence ("following up with the customer");
        standardising against background sentences makes one threshold fit every value.
        """
        self.beh_center, self.beh_scale = _robust_stats(self.behaviour_similarity(ref))
        self.anti_center, self.anti_scale = _robust_stats(self.anti_similarity(ref))
        self.tenet_center, self.tenet_scale = _robust_stats(ref @ self.tenet_vecs.T)
        stats = [self.beh_center, self.beh_scale, self.anti_center, self.anti_scale]
        stats += [self.tenet_center, self.tenet_scale]
        self.calibration_key = hashlib.sha256(b"".join(a.tobytes() for a in stats)).hexdigest()

    def calibrated(self, sentence_vecs: np.ndarray) -> FrameworkIndex:
        """A copy of this index standardised against ``sentence_vecs`` instead."""
        other = copy.copy(self)
        other._calibrate(sentence_vecs)
        return other

    def tenet_z(self, sims: np.ndarray) -> np.ndarray:
        """Sentence-to-tenet cosines (n, n_tenets) standardised like the value scores."""
        return (sims - self.tenet_center) / self.tenet_scale

    def value_sims(self, vecs: np.ndarray) -> ValueSims:
        pos, neg = self.behaviour_similarity(vecs), self.anti_similarity(vecs)
        return ValueSims(
            pos,
            neg,
            (pos - self.beh_center) / self.beh_scale,
            (neg - self.anti_center) / self.anti_scale,
        )

    def behaviour_z(self, vecs: np.ndarray) -> np.ndarray:
        return (self.behaviour_similarity(vecs) - self.beh_center) / self.beh_scale

    def anti_z(self, vecs: np.ndarray) -> np.ndarray:
        return (self.anti_similarity(vecs) - self.anti_center) / self.anti_scale

    def _embed_values(self, fw: Framework, embedder: Embedder) -> None:
        pos_texts, pos_owner, neg_texts, neg_owner = [], [], [], []
        # Each prototype's polarity text: the behaviour's main clause, without the contrast and
        # the clause cut out of it, so that a negation in either half is seen where it belongs.
        pos_polar: list[str] = []
        neg_polar: list[str] = []
        behaviour, stated = [], []
        for i, v in enumerate(fw.values):
            for text in (v.name, f"{v.name}: {v.definition}"):
                behaviour.append(not v.examples and text != v.name)
                stated.append(True)
                pos_texts.append(text)
                pos_polar.append(text)
                pos_owner.append(i)
            for text in v.examples:
                good, bad = expand_behaviour(text)
                pos_texts += good
                stated += [False] * len(good)
                pos_polar += [_CONTRAST.split(text, maxsplit=1)[0]] * len(good)
                pos_owner += [i] * len(good)
                behaviour += [True] * len(good)
                neg_texts += bad
                neg_polar += bad
                neg_owner += [i] * len(bad)
            for text in v.anti_patterns:
                bad, good = expand_behaviour(text)
                neg_texts += bad
                neg_polar += [_CONTRAST.split(text, maxsplit=1)[0]] * len(bad)
                neg_owner += [i] * len(bad)
                pos_texts += good
                stated += [False] * len(good)
                pos_polar += good
                pos_owner += [i] * len(good)
                behaviour += [True] * len(good)
        vecs = embedder.encode(pos_texts + neg_texts)
        self.pos_vecs, self.neg_vecs = vecs[: len(pos_texts)], vecs[len(pos_texts) :]
        self.pos_polar, self.neg_polar = pos_polar, neg_polar
        self.pos_owner = np.array(pos_owner, dtype=np.int64)
        self.behaviour = np.array(behaviour, dtype=bool)
        self.stated = np.array(stated, dtype=bool)
        self.neg_owner = np.array(neg_owner, dtype=np.int64)
        # Each value's mean positive prototype, unit length: what a document "about" it averages to.
        centroids = np.array(
            [self.pos_vecs[self.pos_owner == j].mean(axis=0) for j in range(len(fw.values))]
        )
        self.value_centroids = centroids / np.maximum(
            np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9
        )

    def _embed_tenets(self, fw: Framework, embedder: Embedder) -> None:
        self.sides = [tenet_sides(t) for t in fw.tenets]
        texts = [t.text for t in fw.tenets]
        prefer = [s.prefer for s in self.sides]
        over = [s.over or s.prefer for s in self.sides]
        n = len(texts)
        vecs = embedder.encode(texts + prefer + over) if n else np.zeros((0, embedder.dim))
        self.tenet_vecs, self.prefer_vecs, self.over_vecs = vecs[:n], vecs[n : 2 * n], vecs[2 * n :]
        self.has_over = np.array([s.over is not None for s in self.sides], dtype=bool)
        self.tenet_stems = [content_stems(t.text) for t in fw.tenets]
        # Quoting a value's name ("Land it in season") cites the value, not a tenet sharing words.
        self.value_name_stems = [frozenset(content_stems(v.name)) for v in fw.values]
        self.definition_stems = [frozenset(content_stems(v.definition)) for v in fw.values]
        self.tenet_words = [words(t.text) for t in fw.tenets]
        self.prefer_stems = [content_stems(s.prefer) for s in self.sides]
        self.over_stems = [content_stems(s.over or "") for s in self.sides]
        # every word a tenet owns, text and sides: what a nickname of it may be made of
        self.tenet_own_stems = [
            frozenset(a | b | c)
            for a, b, c in zip(self.tenet_stems, self.prefer_stems, self.over_stems, strict=True)
        ]
        self.prefer_value = [self._side_value(t, i, True) for i, t in enumerate(fw.tenets)]
        self.over_value = [self._side_value(t, i, False) for i, t in enumerate(fw.tenets)]
        # Exact names first: value names, then tenet sides mapped to values; longest keys first.
        keys = [(content_stems(v.name), v.id) for v in fw.values]
        keys += [(self.prefer_stems[i], v) for i, v in enumerate(self.prefer_value) if v]
        keys += [(self.over_stems[i], v) for i, v in enumerate(self.over_value) if v]
        self._side_keys = sorted(keys, key=lambda kv: -len(kv[0]))

    def value_similarity(self, vecs: np.ndarray) -> np.ndarray:
        """(n, n_values): the best cosine of each row to any positive prototype of each value."""
        sims = vecs @ self.pos_vecs.T if len(vecs) else np.zeros((0, len(self.pos_owner)))
        return _max_by_owner(sims, self.pos_owner, len(self.value_ids))

    def statement_similarity(self, vecs: np.ndarray) -> np.ndarray:
        """(n, n_values): best cosine to a value's name or its name with definition.

        Short phrases such as a tenet's sides are better named by what the value says it is
        than by the best of its many example clauses ("hitting the season deadline" sits
        closer to "falling back to the last known good schedule" than to "Land it in season").
        """
        sims = vecs @ self.pos_vecs[self.stated].T if len(vecs) else np.zeros((0, 0))
        return _max_by_owner(sims, self.pos_owner[self.stated], len(self.value_ids))

    def behaviour_similarity(self, vecs: np.ndarray) -> np.ndarray:
        """(n, n_values): best cosine to a value's *examples* (behaviours), not its bare name.

        Stance evidence uses behaviours so that merely using a value's word does not count.
        """
        sims = vecs @ self.pos_vecs[self.behaviour].T if len(vecs) else np.zeros((0, 0))
        return _max_by_owner(sims, self.pos_owner[self.behaviour], len(self.value_ids))

    def anti_similarity(self, vecs: np.ndarray) -> np.ndarray:
        """(n, n_values): the best cosine of each row to any anti-pattern of each value."""
        if not len(self.neg_owner):
            return np.full((len(vecs), len(self.value_ids)), -1.0, dtype=np.float32)
        return _max_by_owner(vecs @ self.neg_vecs.T, self.neg_owner, len(self.value_ids))

    def closest_behaviour(self, vec: np.ndarray, value: int, anti: bool) -> str:
        """The main clause of the example (anti-pattern, with ``anti``) closest to ``vec``."""
        if anti:
            mask, protos, texts = self.neg_owner == value, self.neg_vecs, self.neg_polar
        else:
            mask = (self.pos_owner == value) & self.behaviour
            protos, texts = self.pos_vecs, self.pos_polar
        rows = np.flatnonzero(mask)
        return texts[int(rows[int((protos[rows] @ vec).argmax())])]

    def side_values(self, vecs: np.ndarray, texts: list[str] | None = None) -> list[str | None]:
        """Map trade-off sides to the value they are about, or None.

        A side that names a value ("customer trust") or a tenet side ("feature velocity") maps
        lexically; otherwise the closest value by embedding, above a floor.
        """
        if not len(vecs):
            return []
        sims = np.maximum(self.value_similarity(vecs), self._tenet_side_sims(vecs))
        best = sims.argmax(axis=1)
        out: list[str | None] = [
            self.value_ids[b] if sims[i, b] >= SIDE_MIN_SIM else None for i, b in enumerate(best)
        ]
        for i, text in enumerate(texts or []):
            out[i] = self._lexical_side(text) or out[i]
        return out

    def _lexical_side(self, text: str) -> str | None:
        stems = content_stems(text)
        for keys, owner in self._side_keys:
            if keys and keys <= stems:
                return owner
        return None

    def _tenet_side_sims(self, vecs: np.ndarray) -> np.ndarray:
        """Tenet sides vote for the values they were mapped to ("reliability" -> customer-trust)."""
        out = np.full((len(vecs), len(self.value_ids)), -1.0, dtype=np.float32)
        for side_vecs, owners in (
            (self.prefer_vecs, self.prefer_value),
            (self.over_vecs, self.over_value),
        ):
            for j, vid in enumerate(owners):
                if vid is not None:
                    col = self.value_ids.index(vid)
                    out[:, col] = np.maximum(out[:, col], vecs @ side_vecs[j])
        return out

    def _side_value(self, tenet: Tenet, i: int, prefer: bool) -> str | None:
        """The stated value behind a tenet side, or None when the side is not a stated value.

        The preferred side is the closest of the tenet's listed values. The given-up side is
        another listed value that sits closer to it than to the preferred side, else an unlisted
        value that it clearly names; "heroics" or "deal size" are usually no stated value at all.
        """
        side = (self.prefer_vecs if prefer else self.over_vecs)[i : i + 1]
        if not prefer and not self.has_over[i]:
            return None
        sims = self.statement_similarity(side)[0]
        linked = [self.value_ids.index(v) for v in tenet.values if v in self.value_ids]
        if prefer and len(linked) >= 2:
            # A word of the side in exactly one listed value's name settles it: alone,
            # "coverage for riders without alternatives" sits nearer a frugality value whose
            # definition says "cost" than "Serve those with the fewest alternatives".
            side_stems = content_stems(self.sides[i].prefer)
            named = [j for j in linked if content_stems(self.framework.values[j].name) & side_stems]
            if len(named) == 1:
                return self.value_ids[named[0]]
        if prefer:
            if linked:
                return self.value_ids[max(linked, key=lambda j: sims[j])]
            best = int(sims.argmax())
            return self.value_ids[best] if sims[best] >= SIDE_MIN_SIM else None
        winner = self.prefer_value[i]
        other = self.statement_similarity(self.prefer_vecs[i : i + 1])[0]
        for j in sorted(linked, key=lambda j: -sims[j]):
            if self.value_ids[j] != winner and sims[j] > other[j]:
                return self.value_ids[j]
        order = [j for j in np.argsort(-sims) if self.value_ids[j] != winner and j not in linked]
        # "hitting the season deadline" names "Land it in season" by a shared word.
        side_stems = content_stems(self.sides[i].over or "")
        named = [
            j
            for j in order
            if sims[j] >= SIDE_MIN_SIM and content_stems(self.framework.values[j].name) & side_stems
        ]
        if len(named) == 1:
            return self.value_ids[named[0]]
        if (
            len(order) >= 2
            and sims[order[0]] >= OVER_MIN_SIM
            and sims[order[0]] - sims[order[1]] >= OVER_MARGIN
        ):
            return self.value_ids[order[0]]
        return None


def reference_sentences() -> list[str]:
    """Background sentences shipped with the package (nlp/data/reference_sentences.txt)."""
    path = Path(__file__).parent / "data" / "reference_sentences.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _robust_stats(sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    center = np.median(sims, axis=0)
    spread = 1.4826 * np.median(np.abs(sims - center), axis=0)  # MAD, scaled like a std
    return center, np.maximum(spread, 0.02)


def _max_by_owner(sims: np.ndarray, owner: np.ndarray, n_owners: int) -> np.ndarray:
    """Column-wise max per owner; owners are contiguous and ascending, so one reduceat does it."""
    out = np.full((sims.shape[0], n_owners), -1.0, dtype=np.float32)
    if not len(owner) or not sims.shape[0]:
        return out
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    out[:, owner[starts]] = np.maximum.reduceat(sims, starts, axis=1)
    return out
