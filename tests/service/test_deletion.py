"""DELETE /v1/frameworks/{id} (409 while audits use it, or cascade) and DELETE /v1/audits/{id}:
what is deleted goes from the database and from memory; nothing else is touched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import service_factories as factories
import yaml
from fastapi.testclient import TestClient

from nlp.embed import load_embedder
from nlp.segment import RegexSegmenter
from service import db
from service.models import Audit, Framework
from service.runtime import Runtime


def _audit(client: TestClient, headers: dict[str, str], framework_id: str) -> str:
    resp = client.post("/v1/audits", json={"framework_id": framework_id}, headers=headers)
    assert resp.status_code == 202, resp.text
    status = factories.wait_for_audit(client, headers, resp.json()["id"])
    assert status["status"] == "done", status
    return str(status["id"])


def _insert_audit(client: TestClient, framework_id: str, status: str) -> str:
    """An audit row as the worker would hold it, without handing it to the worker."""
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        fw = session.get_one(Framework, framework_id)
        row = Audit(org_id=fw.org_id, framework_id=fw.id, status=status, params={})
        session.add(row)
        session.commit()
        return row.id


def _runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def _assert_error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    error: dict[str, Any] = resp.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    return error


def test_delete_framework_without_audits(client: TestClient, alice: dict[str, str]) -> None:
    gone, kept = (
        factories.create_framework(client, alice),
        factories.create_framework(client, alice),
    )
    assert client.delete(f"/v1/frameworks/{gone}", headers=alice).status_code == 204
    _assert_error(client.get(f"/v1/frameworks/{gone}", headers=alice), 404, "framework_not_found")
    again = client.delete(f"/v1/frameworks/{gone}", headers=alice)
    _assert_error(again, 404, "framework_not_found")
    unknown = client.delete("/v1/frameworks/fw_doesnotexist?cascade=true", headers=alice)
    _assert_error(unknown, 404, "framework_not_found")
    listed = client.get("/v1/frameworks", headers=alice).json()["frameworks"]
    assert [f["id"] for f in listed] == [kept]
    resp = client.post("/v1/audits", json={"framework_id": gone}, headers=alice)
    _assert_error(resp, 404, "framework_not_found")


def test_delete_framework_removes_its_text_from_disk(
    client: TestClient, alice: dict[str, str]
) -> None:
    data = yaml.safe_load(factories.FRAMEWORK_YAML)
    data["north_star"] = "Codename KINGFISHER stays internal."
    framework_id = client.post("/v1/frameworks", json=data, headers=alice).json()["id"]
    assert client.delete(f"/v1/frameworks/{framework_id}", headers=alice).status_code == 204
    engine = client.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name == "sqlite":
        db_file = Path(engine.url.database)
        for path in (db_file, db_file.with_name(db_file.name + "-wal")):
            if path.exists():
                assert b"KINGFISHER" not in path.read_bytes(), f"deleted text still in {path}"


def test_delete_framework_in_use_is_409_unless_cascade(
    client: TestClient, alice: dict[str, str]
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    used, other = (
        factories.create_framework(client, alice),
        factories.create_framework(client, alice),
    )
    used_audits = [_audit(client, alice, used), _audit(client, alice, used)]
    other_audit = _audit(client, alice, other)

    error = _assert_error(
        client.delete(f"/v1/frameworks/{used}", headers=alice), 409, "framework_in_use"
    )
    assert "used by 2 audits" in error["message"] and "cascade=true" in error["message"]
    assert error["details"] == {"audits": 2}
    # Refused whole: the framework and its audits are all still there.
    assert client.get(f"/v1/frameworks/{used}", headers=alice).status_code == 200
    for audit_id in used_audits:
        assert client.get(f"/v1/audits/{audit_id}/report", headers=alice).status_code == 200
    falsy = client.delete(f"/v1/frameworks/{used}?cascade=false", headers=alice)
    assert falsy.status_code == 409

    # A queued audit counts too, and cascade takes it with the others.
    used_audits.append(_insert_audit(client, used, "queued"))
    resp = client.delete(f"/v1/frameworks/{used}?cascade=true", headers=alice)
    assert resp.status_code == 204, resp.text
    _assert_error(client.get(f"/v1/frameworks/{used}", headers=alice), 404, "framework_not_found")
    for audit_id in used_audits:
        for path in (f"/v1/audits/{audit_id}", f"/v1/audits/{audit_id}/report"):
            _assert_error(client.get(path, headers=alice), 404, "audit_not_found")
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert all(session.get(Audit, a) is None for a in used_audits)

    # Nothing else is lost.
    assert client.get(f"/v1/frameworks/{other}", headers=alice).status_code == 200
    assert client.get(f"/v1/audits/{other_audit}/report", headers=alice).status_code == 200
    listed = client.get("/v1/audits", headers=alice).json()["audits"]
    assert [a["id"] for a in listed] == [other_audit]
    assert client.get("/v1/documents", headers=alice).json()["total"] == len(factories.MEMOS)


def test_delete_framework_drops_its_auditor_from_memory(
    client: TestClient, alice: dict[str, str]
) -> None:
    gone, kept = (
        factories.create_framework(client, alice),
        factories.create_framework(client, alice),
    )
    for framework_id in (gone, kept):
        memo = {"framework_id": framework_id, "text": "We chose reliability over velocity."}
        assert client.post("/v1/score-memo", json=memo, headers=alice).status_code == 200
    runtime = _runtime(client)
    assert {gone, kept} <= set(runtime._auditors)
    assert client.delete(f"/v1/frameworks/{gone}", headers=alice).status_code == 204
    assert gone not in runtime._auditors
    assert kept in runtime._auditors
    assert runtime.embedder._mem == {}  # type: ignore[attr-defined]  # its texts' vectors
    memo = {"framework_id": kept, "text": "We chose reliability over velocity."}
    assert client.post("/v1/score-memo", json=memo, headers=alice).status_code == 200


def test_runtime_never_caches_an_auditor_of_a_deleted_framework() -> None:
    """A request that read the framework just before its deletion may still build an Auditor
    for it; that one serves the request and is not kept."""
    runtime = Runtime(embedder=load_embedder("hash"), segmenter=RegexSegmenter())
    parsed = yaml.safe_load(factories.FRAMEWORK_YAML)
    runtime.forget_framework("fw_gone")
    auditor = runtime.auditor("fw_gone", parsed)
    assert "fw_gone" not in runtime._auditors
    assert runtime.embedder._mem == {}  # type: ignore[attr-defined]  # its texts' vectors
    assert auditor.score_memo("We chose reliability over velocity.", doc_id="d")
    runtime.auditor("fw_kept", parsed)
    assert "fw_kept" in runtime._auditors


def test_delete_audit(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    gone, kept = _audit(client, alice, framework_id), _audit(client, alice, framework_id)
    assert client.delete(f"/v1/audits/{gone}", headers=alice).status_code == 204
    for path in (f"/v1/audits/{gone}", f"/v1/audits/{gone}/report"):
        _assert_error(client.get(path, headers=alice), 404, "audit_not_found")
    _assert_error(client.delete(f"/v1/audits/{gone}", headers=alice), 404, "audit_not_found")
    _assert_error(client.delete("/v1/audits/aud_unknown", headers=alice), 404, "audit_not_found")
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(Audit, gone) is None  # the stored report went with the row
    # Nothing else is lost.
    assert [a["id"] for a in client.get("/v1/audits", headers=alice).json()["audits"]] == [kept]
    assert client.get(f"/v1/audits/{kept}/report", headers=alice).status_code == 200
    assert client.get(f"/v1/frameworks/{framework_id}", headers=alice).status_code == 200
    assert client.get("/v1/documents", headers=alice).json()["total"] == len(factories.MEMOS)
    # Once its last audit is gone, the framework deletes without cascade.
    assert client.delete(f"/v1/audits/{kept}", headers=alice).status_code == 204
    assert client.delete(f"/v1/frameworks/{framework_id}", headers=alice).status_code == 204


@pytest.mark.parametrize("status", ["queued", "running", "failed"])
def test_delete_audit_in_any_state(
    client: TestClient, alice: dict[str, str], framework_id: str, status: str
) -> None:
    audit_id = _insert_audit(client, framework_id, status)
    assert client.delete(f"/v1/audits/{audit_id}", headers=alice).status_code == 204
    _assert_error(client.get(f"/v1/audits/{audit_id}", headers=alice), 404, "audit_not_found")
    # The worker, handed the deleted id anyway, finds nothing to claim.
    client.app.state.worker.run_one(audit_id)  # type: ignore[attr-defined]
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(Audit, audit_id) is None


@pytest.mark.parametrize("via", ["audit", "framework"])
def test_deleting_a_running_audit_stops_it(
    client: TestClient,
    alice: dict[str, str],
    framework_id: str,
    monkeypatch: pytest.MonkeyPatch,
    via: str,
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    worker = client.app.state.worker  # type: ignore[attr-defined]
    audit_id = _insert_audit(client, framework_id, "queued")
    if via == "audit":
        path = f"/v1/audits/{audit_id}"
    else:
        path = f"/v1/frameworks/{framework_id}?cascade=true"
    reached: list[str] = []

    class DeletedMidway:
        def audit(self, docs: list[Any], progress: Callable[[int, int], None], **_: Any) -> None:
            status = client.get(f"/v1/audits/{audit_id}", headers=alice).json()["status"]
            reached.append(status)
            assert client.delete(path, headers=alice).status_code == 204
            progress(len(docs), len(docs))  # the next progress step notices and stops the run
            reached.append("after progress")

    monkeypatch.setattr(worker.runtime, "auditor", lambda *_: DeletedMidway())
    worker.run_one(audit_id)
    assert reached == ["running"]
    _assert_error(client.get(f"/v1/audits/{audit_id}", headers=alice), 404, "audit_not_found")
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.get(Audit, audit_id) is None  # not written back by the finished run


def test_delete_needs_a_key_and_the_owner(
    client: TestClient,
    alice: dict[str, str],
    mallory: dict[str, str],
    framework_id: str,
) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    audit_id = _audit(client, alice, framework_id)
    paths = [f"/v1/audits/{audit_id}", f"/v1/frameworks/{framework_id}?cascade=true"]
    for path in paths:
        for headers in ({}, {"Authorization": "Bearer sdk_wrong"}):
            resp = client.delete(path, headers=headers)
            assert resp.status_code == 401, (path, resp.text)
            assert resp.json()["error"]["code"] in ("missing_api_key", "invalid_api_key")
        theirs = client.delete(path, headers=mallory)
        assert theirs.status_code == 404, (path, theirs.text)
    # Mallory's own framework and audit are not alice's to delete either.
    mallory_fw = factories.create_framework(client, mallory)
    resp = client.delete(f"/v1/frameworks/{mallory_fw}", headers=alice)
    _assert_error(resp, 404, "framework_not_found")
    # Alice still has everything.
    assert client.get(f"/v1/frameworks/{framework_id}", headers=alice).status_code == 200
    assert client.get(f"/v1/audits/{audit_id}/report", headers=alice).status_code == 200
    assert client.get(f"/v1/frameworks/{mallory_fw}", headers=mallory).status_code == 200
