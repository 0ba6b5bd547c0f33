"""Score an audit against a corpus's gold labels (corpora/<org>/gold.yaml; see GOLD_FORMAT.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nlp.records import KINDS


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def prf(pred: set[Any], gold: set[Any]) -> PRF:
    return PRF(len(pred & gold), len(pred - gold), len(gold - pred))


def load_gold(corpus: Path) -> dict[str, Any]:
    with open(corpus / "gold.yaml", encoding="utf-8") as fh:
        gold = yaml.safe_load(fh)
    if not isinstance(gold, dict) or "documents" not in gold:
        raise ValueError(f"{corpus / 'gold.yaml'} has no 'documents' mapping")
    return gold


def _gold_sets(gold: dict[str, Any]) -> dict[str, set[Any]]:
    sets: dict[str, set[Any]] = {k: set() for k in ("explicit", "applied", "stance", "tradeoff")}
    for doc, g in gold["documents"].items():
        for t in g.get("tenets") or []:
            sets["applied"].add((doc, t["tenet"]))
            if t["mode"] == "explicit":
                sets["explicit"].add((doc, t["tenet"]))
        for v in g.get("values") or []:
            sets["stance"].add((doc, v["value"], v["stance"]))
        for tr in g.get("tradeoffs") or []:
            if tr.get("winner") or tr.get("loser"):
                sets["tradeoff"].add((doc, tr.get("winner"), tr.get("loser")))
    return sets


def _pred_sets(report: dict[str, Any]) -> dict[str, set[Any]]:
    sets: dict[str, set[Any]] = {k: set() for k in ("explicit", "applied", "stance", "tradeoff")}
    for d in report["documents"]:
        for t in d["tenets"]:
            sets["applied"].add((d["id"], t["tenet"]))
            if t["mode"] == "explicit":
                sets["explicit"].add((d["id"], t["tenet"]))
        for v in d["values"]:
            sets["stance"].add((d["id"], v["value"], v["stance"]))
        for tr in d["tradeoffs"]:
            if tr["winner"] or tr["loser"]:
                sets["tradeoff"].add((d["id"], tr["winner"], tr["loser"]))
    return sets


def direction_accuracy(report: dict[str, Any], gold: dict[str, Any]) -> tuple[float, int]:
    """Share of correctly detected (document, tenet) pairs whose direction is also right."""
    gold_dir = {
        (doc, t["tenet"]): t["direction"]
        for doc, g in gold["documents"].items()
        for t in g.get("tenets") or []
    }
    pairs = [
        (gold_dir[(d["id"], t["tenet"])], t["direction"])
        for d in report["documents"]
        for t in d["tenets"]
        if (d["id"], t["tenet"]) in gold_dir
    ]
    if not pairs:
        return 0.0, 0
    return sum(g == p for g, p in pairs) / len(pairs), len(pairs)


def kind_accuracy(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    docs = [d for d in report["documents"] if d["id"] in gold["documents"]]
    inferred = [d for d in docs if d.get("kind_inferred")]

    def acc(items: list[dict[str, Any]]) -> float:
        ok = sum(d["kind"] == gold["documents"][d["id"]]["kind"] for d in items)
        return round(ok / len(items), 3) if items else 0.0

    return {
        "all": acc(docs),
        "inferred": acc(inferred),
        "inferred_n": len(inferred),
        "kinds": list(KINDS),
    }


def planted(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    """Were the planted gap, unstated value and top conflict found?"""
    expected = gold.get("expected") or {}
    gaps = [d["value"] for d in report["drift"] if d["type"] == "say_do_gap"]
    want_gaps = expected.get("say_do_gaps") or []
    themes = [d for d in report["drift"] if d["type"] == "unstated_value"]
    out: dict[str, Any] = {
        "say_do_gap_top2": bool(want_gaps) and want_gaps[0] in gaps[:2],
        "say_do_gaps_found": gaps[:5],
    }
    found_theme = None
    for want in expected.get("unstated_values") or []:
        want_docs = {
            d for d, g in gold["documents"].items() if want["theme"] in (g.get("themes") or [])
        }
        words = {w.lower() for w in want.get("keywords", [])}
        for t in themes:
            # Found = names the planted theme (a keyword in common) and mostly covers its documents.
            overlap = len(set(t["documents"]) & want_docs) / max(1, len(t["documents"]))
            if overlap >= 0.5 and words & {k.lower() for k in t["keywords"]}:
                found_theme = t["theme"]
                break
    out["unstated_value_found"] = found_theme
    out["themes_found"] = [t["theme"] for t in themes][:5]
    want_conflict = expected.get("top_conflict") or {}
    top = report["conflicts"][0] if report["conflicts"] else None
    out["top_conflict"] = top["values"] if top else None
    out["top_conflict_right"] = top is not None and (
        set(top["values"]) == set(want_conflict.get("values", []))
        and top["tenet"] == want_conflict.get("tenet", top["tenet"])
    )
    return out


def evaluate(report: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    """Precision / recall / F1 per finding type, direction and kind accuracy, planted findings."""
    pred, want = _pred_sets(report), _gold_sets(gold)
    direction, n_dir = direction_accuracy(report, gold)
    return {
        "explicit_tenet": prf(pred["explicit"], want["explicit"]).as_dict(),
        "tenet_applied": prf(pred["applied"], want["applied"]).as_dict(),
        "direction_accuracy": round(direction, 3),
        "direction_n": n_dir,
        "value_stance": prf(pred["stance"], want["stance"]).as_dict(),
        "tradeoff": prf(pred["tradeoff"], want["tradeoff"]).as_dict(),
        "kind_accuracy": kind_accuracy(report, gold),
        "planted": planted(report, gold),
    }
