"""Conflict pairs from one document's findings."""

from __future__ import annotations

from nlp.conflicts import document_conflicts
from nlp.records import Document, DocumentFindings, Evidence, ValueFinding


def _finding(value: str, stance: str) -> ValueFinding:
    return ValueFinding(value, stance, 0.7, (Evidence("d1", f"{value} {stance}", 0, 5),))  # type: ignore[arg-type]


def test_upheld_and_violated_values_in_one_document_are_a_conflict() -> None:
    doc = Document("d1", "text", kind="memo")
    both = DocumentFindings(
        doc, values=(_finding("ship-to-learn", "upholds"), _finding("customer-trust", "violates"))
    )
    assert document_conflicts(both)[("customer-trust", "ship-to-learn")][0] == "ship-to-learn"
    one_side = DocumentFindings(doc, values=(_finding("ship-to-learn", "upholds"),))
    assert document_conflicts(one_side) == {}
