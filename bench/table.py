"""Plain Markdown tables for the benchmark's output (readable in a terminal and in the README)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the targets table; ``met`` is "yes", "NO", "n/a" or empty."""

    what: str
    peer: str
    saydo: str
    ratio: str = ""
    target: str = ""
    met: str = ""


TARGET_HEADER = ("what", "peer / reference", "saydo", "ratio", "target", "met")


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def target_table(rows: Sequence[Row]) -> str:
    cells = [(r.what, r.peer, r.saydo, r.ratio, r.target, r.met) for r in rows]
    return markdown(TARGET_HEADER, cells)


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
