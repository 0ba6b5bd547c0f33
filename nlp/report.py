"""Assemble the audit report (contract §4) from per-document findings."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from nlp.anchors import FrameworkIndex
from nlp.conflicts import conflict_table
from nlp.records import DocumentFindings

MAX_EVIDENCE = 5


def quarter(date: str | None) -> str | None:
    """'2026-08-03' -> '2026-Q3'."""
    if not date or len(date) < 7 or not date[5:7].isdigit():
        return None
    return f"{date[:4]}-Q{(int(date[5:7]) - 1) // 3 + 1}"


def document_dict(f: DocumentFindings) -> dict[str, Any]:
    d = f.document
    return {
        "id": d.id,
        "kind": d.kind,
        "team": d.team,
        "date": d.date,
        "title": d.title,
        "kind_inferred": d.kind_inferred,
        "tenets": [
            {
                "tenet": t.tenet,
                "mode": t.mode,
                "direction": t.direction,
                "score": t.score,
                "basis": t.basis,
                "evidence": [e.as_dict() for e in t.evidence],
            }
            for t in f.tenets
        ],
        "values": [
            {
                "value": v.value,
                "stance": v.stance,
                "score": v.score,
                "evidence": [e.as_dict() for e in v.evidence],
            }
            for v in f.values
        ],
        "tradeoffs": [
            {
                "winner": t.winner,
                "loser": t.loser,
                "winner_text": t.winner_text,
                "loser_text": t.loser_text,
                "basis": t.basis,
                "evidence": [e.as_dict() for e in t.evidence],
            }
            for t in f.tradeoffs
        ],
        "themes": list(f.themes),
    }


def tenet_usage(findings: list[DocumentFindings], index: FrameworkIndex) -> list[dict[str, Any]]:
    """Per tenet: explicit / implicit / against document counts; most used first."""
    rows = []
    for tid in index.tenet_ids:
        hits = [(f, t) for f in findings for t in f.tenets if t.tenet == tid]
        rows.append(
            {
                "tenet": tid,
                "explicit_documents": sum(t.mode == "explicit" for _, t in hits),
                "implicit_documents": sum(t.mode == "implicit" for _, t in hits),
                "against_documents": sum(t.direction == "against" for _, t in hits),
                "evidence": [t.evidence[0].as_dict() for _, t in hits if t.evidence][:MAX_EVIDENCE],
            }
        )
    return sorted(
        rows, key=lambda r: (-(r["explicit_documents"] + r["implicit_documents"]), r["tenet"])
    )


def values_table(findings: list[DocumentFindings], index: FrameworkIndex) -> list[dict[str, Any]]:
    """Per value: upheld/violated documents overall and by kind, team and quarter."""
    rows = []
    for vid in index.value_ids:
        tally: dict[str, dict[str, Counter[str]]] = {
            "by_kind": defaultdict(Counter),
            "by_team": defaultdict(Counter),
            "by_quarter": defaultdict(Counter),
        }
        total: Counter[str] = Counter()
        for f in findings:
            for v in f.values:
                if v.value != vid:
                    continue
                key = "upheld" if v.stance == "upholds" else "violated"
                total[key] += 1
                for dim, label in (
                    ("by_kind", f.document.kind),
                    ("by_team", f.document.team),
                    ("by_quarter", quarter(f.document.date)),
                ):
                    if label:
                        tally[dim][label][key] += 1
        rows.append(
            {
                "value": vid,
                "upheld_documents": total["upheld"],
                "violated_documents": total["violated"],
                **{
                    dim: {
                        k: {"upheld": c["upheld"], "violated": c["violated"]}
                        for k, c in sorted(groups.items())
                    }
                    for dim, groups in tally.items()
                },
            }
        )
    return rows


def corpus_summary(findings: list[DocumentFindings]) -> dict[str, Any]:
    kinds = Counter(f.document.kind for f in findings)
    return {"documents": len(findings), "by_kind": dict(sorted(kinds.items()))}


def memos_citing_any_tenet(findings: list[DocumentFindings]) -> float:
    memos = [f for f in findings if f.document.kind == "memo"]
    if not memos:
        return 0.0
    citing = sum(any(t.mode == "explicit" for t in f.tenets) for f in memos)
    return round(citing / len(memos), 3)


def period(findings: list[DocumentFindings], start: str | None, end: str | None) -> dict[str, Any]:
    dates = sorted(f.document.date for f in findings if f.document.date)
    return {
        "from": start or (dates[0] if dates else None),
        "to": end or (dates[-1] if dates else None),
    }


def build_report(
    findings: list[DocumentFindings],
    index: FrameworkIndex,
    drift: list[dict[str, Any]],
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """The full report object, identical for the CLI and the API."""
    return {
        "organization": index.framework.organization,
        "period": period(findings, start, end),
        "corpus": corpus_summary(findings),
        "memos_citing_any_tenet": memos_citing_any_tenet(findings),
        "tenet_usage": tenet_usage(findings, index),
        "values": values_table(findings, index),
        "drift": drift,
        "conflicts": conflict_table(findings, index),
        "documents": [document_dict(f) for f in findings],
    }
