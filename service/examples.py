"""OpenAPI examples for every endpoint's request and response (shown at /docs).

Kept in one module so the routes stay readable and the examples stay consistent with each other.
"""

from __future__ import annotations

from typing import Any

FRAMEWORK_YAML = """\
organization: Northwind
north_star: Ship tools people trust.
values:
  - id: customer-trust
    name: Customer trust over growth metrics
    definition: We protect customers' data and time before we chase a metric.
  - id: ship-to-learn
    name: Ship to learn
    definition: We release small changes early to learn from real use.
tenets:
  - id: reliability-over-velocity
    text: When feature velocity and reliability conflict, reliability wins for core workflows.
    prefer: reliability
    over: feature velocity
    values: [customer-trust]
"""

FRAMEWORK_JSON: dict[str, Any] = {
    "organization": "Northwind",
    "values": [
        {
            "id": "customer-trust",
            "name": "Customer trust over growth metrics",
            "definition": "We protect customers' data and time before we chase a metric.",
        }
    ],
    "tenets": [
        {
            "id": "reliability-over-velocity",
            "text": "When feature velocity and reliability conflict, reliability wins.",
            "values": ["customer-trust"],
        }
    ],
}

FRAMEWORK_CREATED = {
    "id": "fw_3f9c2a7b1d4e5f6a7b8c9d0e",
    "organization": "Northwind",
    "created_at": "2026-04-01T09:30:00Z",
    "source_format": "yaml",
    "values": 2,
    "tenets": 1,
}

FRAMEWORK_STORED = {
    **FRAMEWORK_CREATED,
    "framework": {**FRAMEWORK_JSON, "north_star": "Ship tools people trust."},
    "source": FRAMEWORK_YAML,
}

EVIDENCE = {
    "document": "doc-017",
    "text": "We shipped the new billing flow without the load test to hit the date.",
    "start": 812,
    "end": 883,
}

DOCUMENT_JSON = {
    "external_id": "doc-017",
    "text": "# Billing flow launch\n\nWe shipped the new billing flow without the load test...",
    "kind": "memo",
    "team": "growth",
    "date": "2026-08-03",
    "title": "Billing flow launch",
    "author": "A. Writer",
}

UPLOAD_RESULT = {
    "documents": [
        {"external_id": "doc-017", "id": "doc_5b2c9e0f1a2b3c4d5e6f7a8b", "status": "stored",
         "kind": "memo", "filename": "doc-017.md"},
        {"external_id": "doc-018", "id": "doc_7d1e2f3a4b5c6d7e8f9a0b1c", "status": "unchanged",
         "kind": "postmortem", "filename": "doc-018.pdf"},
        {"external_id": "scan-03", "id": None, "status": "rejected", "filename": "scan-03.pdf",
         "error": {"code": "unreadable", "message": "PDF is truncated or corrupt", "status": 422}},
    ],
    "stored": 1,
    "unchanged": 1,
    "rejected": 1,
}  # fmt: skip

DOCUMENT_PUBLIC = {
    "id": "doc_5b2c9e0f1a2b3c4d5e6f7a8b",
    "external_id": "doc-017",
    "kind": "memo",
    "kind_inferred": False,
    "team": "growth",
    "date": "2026-08-03",
    "title": "Billing flow launch",
    "author": "A. Writer",
    "filename": "doc-017.md",
    "sha256": "9f2d0c7a5b1e4f3a8c6d2e1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f",
    "chars": 5412,
    "created_at": "2026-08-04T10:00:00Z",
    "updated_at": "2026-08-04T10:00:00Z",
}

DOCUMENT_LIST = {"documents": [DOCUMENT_PUBLIC], "total": 1, "limit": 50, "offset": 0}

AUDIT_REQUEST = {
    "framework_id": "fw_3f9c2a7b1d4e5f6a7b8c9d0e",
    "from": "2026-01-01",
    "to": "2026-03-31",
    "kinds": ["memo", "postmortem"],
    "teams": ["growth"],
}

AUDIT_CREATED = {"id": "aud_0a1b2c3d4e5f6a7b8c9d0e1f", "status": "queued"}

AUDIT_STATUS = {
    "id": "aud_0a1b2c3d4e5f6a7b8c9d0e1f",
    "status": "running",
    "framework_id": "fw_3f9c2a7b1d4e5f6a7b8c9d0e",
    "params": {"from": "2026-01-01", "to": "2026-03-31", "kinds": None, "teams": None},
    "done": 64,
    "total": 120,
    "attempts": 1,
    "error": None,
    "report_available": False,
    "created_at": "2026-04-01T09:31:00Z",
    "started_at": "2026-04-01T09:31:01Z",
    "finished_at": None,
}

AUDIT_LIST = {"audits": [AUDIT_STATUS], "limit": 50, "offset": 0}

DOCUMENT_FINDINGS = {
    "id": "doc-017",
    "kind": "memo",
    "team": "growth",
    "date": "2026-08-03",
    "tenets": [
        {"tenet": "reliability-over-velocity", "mode": "implicit", "direction": "against",
         "score": 0.91, "evidence": [EVIDENCE]}
    ],
    "values": [{"value": "customer-trust", "stance": "violates", "score": 0.8,
                "evidence": [EVIDENCE]}],
    "tradeoffs": [
        {"winner": "ship-to-learn", "loser": "customer-trust", "basis": "phrase", "evidence": [EVIDENCE]}
    ],
    "themes": [],
}  # fmt: skip

REPORT = {
    "organization": "Northwind",
    "period": {"from": "2026-01-01", "to": "2026-03-31"},
    "corpus": {"documents": 120, "by_kind": {"memo": 60, "promotion": 30, "postmortem": 30}},
    "memos_citing_any_tenet": 0.55,
    "tenet_usage": [
        {"tenet": "reliability-over-velocity", "explicit_documents": 14,
         "implicit_documents": 5, "against_documents": 6, "evidence": [EVIDENCE]}
    ],
    "values": [
        {"value": "customer-trust", "upheld_documents": 2, "violated_documents": 12,
         "by_kind": {"memo": {"upheld": 2, "violated": 8}},
         "by_team": {"growth": {"upheld": 0, "violated": 3}},
         "by_quarter": {"2026-Q1": {"upheld": 2, "violated": 12}}}
    ],
    "drift": [
        {"type": "say_do_gap", "value": "customer-trust", "score": 0.86,
         "summary": "Stated as a core value but violated in 12 of 14 documents that touch it.",
         "evidence": [EVIDENCE]}
    ],
    "conflicts": [
        {"values": ["customer-trust", "ship-to-learn"], "documents": 11,
         "resolved_for": {"customer-trust": 6, "ship-to-learn": 5},
         "tenet": "reliability-over-velocity", "against_tenet_documents": ["doc-017"],
         "evidence": [EVIDENCE]}
    ],
    "documents": [DOCUMENT_FINDINGS],
}  # fmt: skip

MEMO_REQUEST = {
    "framework_id": "fw_3f9c2a7b1d4e5f6a7b8c9d0e",
    "text": "We will skip the load test on billing to hit the launch date.",
    "store": False,
}

MEMO_RESULT = {
    **DOCUMENT_FINDINGS,
    "id": "draft",
    "score": 0.35,
    "suggestions": [
        "cites no tenet although it trades reliability for speed on billing; "
        "relevant tenet: reliability-over-velocity",
        "goes against tenet reliability-over-velocity",
    ],
}

HEALTH = {"status": "ok"}
READY = {"status": "ready", "checks": {"database": "ok", "models": "ok", "worker": "ok"}}


def error(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Malformed input", error("malformed_json", "the request body is not valid JSON")),
    401: ("Missing or unknown API key", error("invalid_api_key", "unknown or revoked API key")),
    404: ("Unknown id, or another organization's", error("not_found", "no such object")),
    409: ("Not ready yet", error("audit_not_done", "audit aud_... is running")),
    410: ("Removed", error("report_purged", "report removed: a document it quotes was deleted")),
    413: (
        "Too large",
        error("payload_too_large", "the request body exceeds 52428800 bytes",
              {"max_bytes": 52428800}),
    ),
    415: ("Unsupported content type", error("unsupported_media_type", "send application/json")),
    422: (
        "Invalid input",
        error("invalid_framework", "framework has 2 problem(s): ...", [
            {"path": "values[1].parent", "message": "unknown parent 'trust'"},
            {"path": "tenets[0].values[0]", "message": "unknown value 'speed'"},
        ]),
    ),
    503: ("Overloaded or not ready", error("overloaded", "the scorer is at capacity; retry shortly")),
}  # fmt: skip


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries with an example error body for each status code."""
    return {
        code: {
            "description": ERRORS[code][0],
            "content": {"application/json": {"example": ERRORS[code][1]}},
        }
        for code in codes
    }


FRAMEWORK_IN_USE: dict[str, Any] = {
    "description": "Audits use the framework (send `?cascade=true` to delete them with it)",
    "content": {
        "application/json": {
            "example": error(
                "framework_in_use",
                "framework fw_... is used by 2 audits; delete them first, or pass "
                "?cascade=true to delete them and their reports with it",
                {"audits": 2},
            )
        }
    },
}
