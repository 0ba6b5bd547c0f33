"""A document prepared for matching: its sentences, their embeddings and its trade-offs."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from nlp.overwork import HoursSignal
from nlp.records import Document, Evidence
from nlp.segment import Sentence
from nlp.text import content_stems
from nlp.tradeoffs import RawTradeoff


@dataclass(frozen=True)
class SideMatch:
    """A trade-off with its side embeddings and the values its sides are about."""

    raw: RawTradeoff
    winner_vec: np.ndarray
    loser_vec: np.ndarray
    winner: str | None
    loser: str | None


@dataclass(frozen=True)
class DocContext:
    document: Document
    sentences: list[Sentence]
    vecs: np.ndarray
    tradeoffs: list[SideMatch]
    hours: list[HoursSignal] = field(default_factory=list)  # after-hours work (nlp.overwork)

    @functools.cached_property
    def stems(self) -> set[str]:
        """The document's content word stems (nlp.text), computed once."""
        return content_stems(self.document.text)

    def evidence(self, i: int) -> Evidence:
        s = self.sentences[i]
        return Evidence(self.document.id, s.text, s.start, s.end)

    def span_evidence(self, start: int, end: int) -> Evidence:
        return Evidence(self.document.id, self.document.text[start:end], start, end)
