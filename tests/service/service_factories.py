"""Test data: a small framework, memo texts and hand-built PDF files."""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi.testclient import TestClient

FRAMEWORK_YAML = """\
organization: Northwind
north_star: Ship tools people trust.
values:
  - id: customer-trust
    name: Customer trust over growth metrics
    definition: We protect customers' data and time before we chase a metric.
    anti_patterns: [skipping load tests to hit a date]
  - id: ship-to-learn
    name: Ship to learn
    definition: We release small changes early to learn from real use.
  - id: sustainable-pace
    name: Sustainable pace
    definition: We plan work so nobody needs nights or weekends to deliver it.
tenets:
  - id: reliability-over-velocity
    text: When feature velocity and reliability conflict, reliability wins for core workflows.
    prefer: reliability
    over: feature velocity
    values: [customer-trust]
"""

MEMOS = {
    "m-billing": (
        "memo",
        "growth",
        "2026-02-10",
        "# Billing launch\n\nWe skipped the load test on billing to hit the launch date. "
        "Speed won over reliability this time because the quarter target mattered more.",
    ),
    "m-outage": (
        "postmortem",
        "platform",
        "2026-03-02",
        "# Outage review\n\nThe team worked nights and weekends to restore service. "
        "Per reliability-over-velocity we paused feature work until the fix shipped.",
    ),
    "m-promo": (
        "promotion",
        "growth",
        "2025-11-20",
        "# Promotion case\n\nShe shipped small experiments every week and learned from users. "
        "She protected customer data when a partner asked for a shortcut.",
    ),
}


def org_name() -> str:
    return f"org-{secrets.token_hex(4)}"


def json_docs() -> list[dict[str, Any]]:
    return [
        {"external_id": k, "kind": kind, "team": team, "date": date, "text": text}
        for k, (kind, team, date, text) in MEMOS.items()
    ]


def make_pdf(pages: list[str]) -> bytes:
    """A small, valid PDF with one line of Helvetica text per page (xref offsets computed)."""
    n = len(pages)
    font = 3 + 2 * n
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{3 + 2 * i} 0 R" for i in range(n)), n
        ),
    ]
    for i, text in enumerate(pages):
        safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def create_framework(client: TestClient, headers: dict[str, str]) -> str:
    """POST the sample framework as YAML; returns its id."""
    resp = client.post(
        "/v1/frameworks",
        content=FRAMEWORK_YAML,
        headers={**headers, "Content-Type": "application/yaml"},
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


def upload_json(client: TestClient, headers: dict[str, str], docs: Any) -> Any:
    resp = client.post("/v1/documents", json=docs, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def wait_for_audit(
    client: TestClient, headers: dict[str, str], audit_id: str, timeout: float = 30.0
) -> dict[str, Any]:
    """Poll an audit until it is done or failed; returns its last status."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/v1/audits/{audit_id}", headers=headers).json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)
