"""/v1/audits: background runs with progress, reports (JSON/HTML/Markdown), restarts, tenancy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import service_factories as factories
from fastapi.testclient import TestClient

from nlp.embed import load_embedder
from nlp.framework import load_framework
from nlp.ingest import make_document
from nlp.pipeline import Auditor
from nlp.segment import RegexSegmenter
from service import db
from service.audits import INTERRUPTED
from service.models import Audit, Framework
from service.routes.audits import negotiate

REPORT_KEYS = {"organization", "period", "corpus", "memos_citing_any_tenet", "tenet_usage",
               "values", "drift", "conflicts", "documents"}  # fmt: skip


def _audit(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    resp = client.post("/v1/audits", json=body, headers=headers)
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "queued"
    return factories.wait_for_audit(client, headers, resp.json()["id"])


def test_audits_run_in_background_and_report(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    status = _audit(client, alice, framework_id=framework_id)
    assert status["status"] == "done", status
    assert (status["done"], status["total"], status["error"]) == (3, 3, None)
    assert status["report_available"] and status["finished_at"]

    resp = client.get(f"/v1/audits/{status['id']}/report", headers=alice)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    report = resp.json()
    assert set(report) >= REPORT_KEYS
    assert report["organization"] == "Northwind"
    assert report["corpus"]["documents"] == 3
    assert {d["id"] for d in report["documents"]} == set(factories.MEMOS)

    html = client.get(f"/v1/audits/{status['id']}/report", headers={**alice, "Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "Northwind" in html.text
    md = client.get(f"/v1/audits/{status['id']}/report?format=markdown", headers=alice)
    assert md.headers["content-type"].startswith("text/markdown")
    listed = client.get("/v1/audits", headers=alice).json()["audits"]
    assert [a["id"] for a in listed] == [status["id"]]


def test_audits_report_matches_the_engine(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    """The API report is the CLI's report: the same Auditor.audit over the same documents."""
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    status = _audit(client, alice, framework_id=framework_id, **{"from": "2026-01-01"})
    api_report = client.get(f"/v1/audits/{status['id']}/report", headers=alice).json()

    auditor = Auditor(
        load_framework(factories.FRAMEWORK_YAML),
        embedder=load_embedder("hash"),
        segmenter=RegexSegmenter(),
    )
    docs = [
        make_document(k, text, {"kind": kind, "team": team, "date": date})
        for k, (kind, team, date, text) in sorted(factories.MEMOS.items())
    ]
    assert api_report == auditor.audit(docs, period_from="2026-01-01")
    assert api_report["corpus"]["documents"] == 2


def test_audits_filters(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    by_kind = _audit(client, alice, framework_id=framework_id, kinds=["memo", "promotion"])
    assert by_kind["total"] == 2
    by_team = _audit(client, alice, framework_id=framework_id, teams=["platform"])
    assert by_team["total"] == 1
    period = _audit(client, alice, framework_id=framework_id, to="2025-12-31")
    assert period["total"] == 1
    nothing = _audit(client, alice, framework_id=framework_id, teams=["nobody"])
    assert (nothing["status"], nothing["total"]) == ("done", 0)


def test_audits_bad_requests(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    cases = [
        ({"framework_id": framework_id, "from": "2026-05-01", "to": "2026-01-01"}, 422),
        ({"framework_id": framework_id, "from": "yesterday"}, 422),
        ({"framework_id": framework_id, "kinds": ["novel"]}, 422),
        ({"framework_id": framework_id, "extra": 1}, 422),
        ({}, 422),
        ({"framework_id": "fw_unknown"}, 404),
    ]
    for body, status in cases:
        resp = client.post("/v1/audits", json=body, headers=alice)
        assert resp.status_code == status, (body, resp.text)
        assert set(resp.json()["error"]) == {"code", "message", "details"}
    resp = client.post(
        "/v1/audits", content=b"{nope", headers={**alice, "Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "malformed_json"
    assert client.get("/v1/audits/aud_unknown", headers=alice).status_code == 404


def test_audits_report_before_done_is_409(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    audit_id = _insert_audit(client, "alice-org", framework_id, status="queued", start=False)
    resp = client.get(f"/v1/audits/{audit_id}/report", headers=alice)
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "audit_not_done"


def test_audits_other_org_gets_404(
    client: TestClient, alice: dict[str, str], mallory: dict[str, str], framework_id: str
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    status = _audit(client, alice, framework_id=framework_id)
    for path in (f"/v1/audits/{status['id']}", f"/v1/audits/{status['id']}/report"):
        resp = client.get(path, headers=mallory)
        assert resp.status_code == 404, path
        assert resp.json()["error"]["code"] == "audit_not_found"
    # Nor can another org audit with someone else's framework.
    resp = client.post("/v1/audits", json={"framework_id": framework_id}, headers=mallory)
    assert resp.status_code == 404
    assert client.get("/v1/audits", headers=mallory).json()["audits"] == []


def test_audits_deleting_a_quoted_document_purges_the_report(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    uploaded = factories.upload_json(client, alice, {"documents": factories.json_docs()})
    status = _audit(client, alice, framework_id=framework_id)
    doc_id = uploaded["documents"][0]["id"]
    assert client.delete(f"/v1/documents/{doc_id}", headers=alice).status_code == 204
    resp = client.get(f"/v1/audits/{status['id']}/report", headers=alice)
    assert resp.status_code == 410
    assert resp.json()["error"]["code"] == "report_purged"
    after = client.get(f"/v1/audits/{status['id']}", headers=alice).json()
    assert after["report_available"] is False and "deleted" in after["error"]


def _insert_audit(
    client: TestClient, org_name: str, framework_id: str, *, status: str, attempts: int = 0,
    start: bool = True,
) -> str:  # fmt: skip
    """Write an audit row directly, as a process that then died would have left it."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.session_scope(engine) as session:
        fw = session.get_one(Framework, framework_id)
        row = Audit(org_id=fw.org_id, framework_id=fw.id, status=status, attempts=attempts,
                    done=1, total=3, params={"from": None, "to": None, "kinds": None,
                                             "teams": None})  # fmt: skip
        session.add(row)
        session.commit()
        return row.id


@pytest.mark.parametrize(("attempts", "expected"), [(1, "done"), (2, "failed")])
def test_audits_interrupted_by_restart_are_resumed_or_failed(
    make_client: Callable[..., TestClient],
    client: TestClient,
    alice: dict[str, str],
    framework_id: str,
    attempts: int,
    expected: str,
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    audit_id = _insert_audit(client, "alice-org", framework_id, status="running", attempts=attempts)
    restarted = make_client()  # a new process over the same database
    status = factories.wait_for_audit(restarted, alice, audit_id)
    assert status["status"] == expected, status
    if expected == "done":
        assert status["attempts"] == attempts + 1
        assert restarted.get(f"/v1/audits/{audit_id}/report", headers=alice).status_code == 200
    else:
        assert status["error"] == INTERRUPTED


def test_audits_queued_audits_run_after_restart(
    make_client: Callable[..., TestClient],
    client: TestClient,
    alice: dict[str, str],
    framework_id: str,
) -> None:
    audit_id = _insert_audit(client, "alice-org", framework_id, status="queued")
    status = factories.wait_for_audit(make_client(), alice, audit_id)
    assert status["status"] == "done"


def test_audits_shutdown_requeues_the_running_audit(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    worker = client.app.state.worker  # type: ignore[attr-defined]
    audit_id = _insert_audit(client, "alice-org", framework_id, status="queued")
    worker._stopping.set()  # as at shutdown: the audit stops at its first progress step
    worker.run_one(audit_id)
    status = client.get(f"/v1/audits/{audit_id}", headers=alice).json()
    assert (status["status"], status["attempts"]) == ("queued", 0)


def test_audits_negotiate_accept() -> None:
    assert negotiate(None) == "json"
    assert negotiate("*/*") == "json"
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8") == "html"
    assert negotiate("application/json, text/html") == "json"
    assert negotiate("text/html;q=0.5, application/json;q=0.9") == "json"
    assert negotiate("text/markdown") == "markdown"
    assert negotiate("text/html;q=0") == "json"
