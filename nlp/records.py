"""The small frozen records that the engine's stages exchange."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Layer = Literal["company", "function", "team"]
Kind = Literal["memo", "promotion", "postmortem", "other"]
KINDS: tuple[str, ...] = ("memo", "promotion", "postmortem", "other")
Mode = Literal["explicit", "implicit"]
Direction = Literal["follows", "against"]
# "rules": a citation, a trade-off or a restatement the engine can point to; "model": the
# tenet-applies model's estimate for a document the rules found no tenet in (nlp.applies).
Basis = Literal["rules", "model"]
Stance = Literal["upholds", "violates"]


@dataclass(frozen=True)
class Value:
    id: str
    name: str
    definition: str
    layer: Layer = "company"
    function: str | None = None
    team: str | None = None
    parent: str | None = None
    why: str | None = None
    examples: tuple[str, ...] = ()
    anti_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tenet:
    id: str
    text: str
    prefer: str | None = None
    over: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    organization: str
    values: tuple[Value, ...]
    tenets: tuple[Tenet, ...] = ()
    north_star: str | None = None

    def value(self, value_id: str) -> Value:
        return next(v for v in self.values if v.id == value_id)

    def tenet(self, tenet_id: str) -> Tenet:
        return next(t for t in self.tenets if t.id == tenet_id)


@dataclass(frozen=True)
class Document:
    """A document's extracted text plus metadata; offsets in findings refer to ``text``."""

    id: str
    text: str
    kind: str = "other"
    team: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    title: str | None = None
    author: str | None = None
    sha256: str = ""
    kind_inferred: bool = False


@dataclass(frozen=True)
class Evidence:
    document: str
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {"document": self.document, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class TenetFinding:
    tenet: str
    mode: Mode
    direction: Direction
    score: float
    evidence: tuple[Evidence, ...]
    basis: Basis = "rules"


@dataclass(frozen=True)
class ValueFinding:
    value: str
    stance: Stance
    score: float
    evidence: tuple[Evidence, ...]


TradeoffBasis = Literal["phrase", "tenet"]


@dataclass(frozen=True)
class Tradeoff:
    """A value that won over another in one document. ``basis`` "phrase": the document says so
    ("we chose X over Y"); "tenet": it applies a tenet, which makes that tenet's trade-off."""

    winner: str | None
    loser: str | None
    evidence: tuple[Evidence, ...]
    winner_text: str = ""
    loser_text: str = ""
    basis: TradeoffBasis = "phrase"


@dataclass(frozen=True)
class DocumentFindings:
    document: Document
    tenets: tuple[TenetFinding, ...] = ()
    values: tuple[ValueFinding, ...] = ()
    tradeoffs: tuple[Tradeoff, ...] = ()
    themes: tuple[str, ...] = ()
