"""POST/GET/DELETE /v1/documents: per-item results, idempotency, limits, tenancy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import service_factories as factories
from fastapi.testclient import TestClient
from sqlalchemy import text

GOOD_MD = b"---\ntitle: Launch\nkind: memo\n---\nWe skipped the load test to hit the date.\n"


def test_documents_multipart_batch_keeps_good_files_next_to_a_truncated_pdf(
    client: TestClient, alice: dict[str, str]
) -> None:
    pdf = factories.make_pdf(["Reliability wins over velocity for billing."])
    files = [
        ("files", ("launch.md", GOOD_MD, "text/markdown")),
        ("files", ("broken.pdf", pdf[: len(pdf) // 2], "application/pdf")),
        ("files", ("notes.txt", b"Plain notes about the outage review.", "text/plain")),
        ("files", ("report.pdf", pdf, "application/pdf")),
    ]
    resp = client.post("/v1/documents", files=files, data={"team": "growth"}, headers=alice)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    by_name = {d["filename"]: d for d in body["documents"]}
    assert [d["filename"] for d in body["documents"]] == ["launch.md", "broken.pdf", "notes.txt",
                                                          "report.pdf"]  # fmt: skip
    assert by_name["broken.pdf"]["status"] == "rejected"
    assert by_name["broken.pdf"]["error"]["code"] == "unreadable"
    assert by_name["broken.pdf"]["error"]["status"] == 422
    assert {by_name[n]["status"] for n in ("launch.md", "notes.txt", "report.pdf")} == {"stored"}
    assert (body["stored"], body["unchanged"], body["rejected"]) == (3, 0, 1)

    stored = client.get(f"/v1/documents/{by_name['launch.md']['id']}", headers=alice).json()
    assert stored["external_id"] == "launch"
    assert (stored["kind"], stored["title"], stored["team"]) == ("memo", "Launch", "growth")
    assert stored["text"].startswith("We skipped")  # front matter removed; offsets index this
    assert client.get("/v1/documents", headers=alice).json()["total"] == 3


def test_documents_reupload_is_unchanged(client: TestClient, alice: dict[str, str]) -> None:
    files = [("files", ("launch.md", GOOD_MD, "text/markdown"))]
    first = client.post("/v1/documents", files=files, headers=alice).json()["documents"][0]
    again = client.post("/v1/documents", files=files, headers=alice).json()["documents"][0]
    assert first["status"] == "stored"
    assert again["status"] == "unchanged"
    assert again["id"] == first["id"]
    docs = factories.json_docs()
    assert {d["status"] for d in factories.upload_json(client, alice, {"documents": docs})[
        "documents"]} == {"stored"}  # fmt: skip
    again_json = factories.upload_json(client, alice, {"documents": docs})
    assert {d["status"] for d in again_json["documents"]} == {"unchanged"}
    assert client.get("/v1/documents", headers=alice).json()["total"] == 4


def test_documents_json_single_and_replace(client: TestClient, alice: dict[str, str]) -> None:
    one = {"external_id": "d1", "text": "First version of the memo.", "kind": "memo"}
    first = factories.upload_json(client, alice, one)["documents"][0]
    assert (first["external_id"], first["status"]) == ("d1", "stored")
    edited = {**one, "text": "Second version of the memo."}
    second = factories.upload_json(client, alice, edited)["documents"][0]
    assert (second["status"], second["replaced"], second["id"]) == ("stored", True, first["id"])
    doc = client.get(f"/v1/documents/{first['id']}", headers=alice).json()
    assert doc["text"] == "Second version of the memo."


def test_documents_json_items_rejected_one_by_one(
    client: TestClient, alice: dict[str, str]
) -> None:
    items = [
        {"external_id": "ok", "text": "A fine memo about reliability."},
        {"external_id": "empty", "text": "   "},
        {"external_id": "badkind", "text": "x", "kind": "novel"},
        {"external_id": "baddate", "text": "x", "date": "03/05/2026"},
        {"text": "no id"},
        "not an object",
        {"external_id": "ok2", "text": "Another fine memo.", "unknown": 1},
        {"external_id": 5, "text": "numeric id"},
        {"external_id": {"a": 1}, "text": "object id"},
    ]
    body = factories.upload_json(client, alice, {"documents": items})
    statuses = [(d["external_id"], d["status"]) for d in body["documents"]]
    assert statuses[0] == ("ok", "stored")
    assert all(s == "rejected" for _, s in statuses[1:])
    errors = [d["error"] for d in body["documents"][1:]]
    assert errors[0]["code"] == "empty"
    assert "memo, promotion, postmortem, other" in errors[1]["message"]
    assert "yyyy-mm-dd" in errors[2]["message"]
    assert "external_id" in errors[3]["message"]


def test_documents_duplicate_id_in_one_request(client: TestClient, alice: dict[str, str]) -> None:
    items = [
        {"external_id": "same", "text": "one text"},
        {"external_id": "same", "text": "another text"},
    ]
    body = factories.upload_json(client, alice, {"documents": items})
    assert [d["status"] for d in body["documents"]] == ["stored", "rejected"]
    assert body["documents"][1]["error"]["code"] == "duplicate"


def test_documents_per_file_limits(
    make_client: Callable[..., TestClient], new_key: Callable[..., dict[str, str]]
) -> None:
    client = make_client(max_file_bytes=1500, max_pdf_pages=2)
    headers = new_key()
    pdf = factories.make_pdf(["one", "two", "three"])
    files = [
        ("files", ("big.txt", b"x " * 1000, "text/plain")),
        ("files", ("long.pdf", pdf, "application/pdf")),
        ("files", ("fine.txt", b"A short memo.", "text/plain")),
    ]
    body = client.post("/v1/documents", files=files, headers=headers).json()
    big, long_pdf, fine = body["documents"]
    assert (big["status"], big["error"]["code"], big["error"]["status"]) == (
        "rejected", "too_large", 413)  # fmt: skip
    assert long_pdf["error"]["code"] == "too_large"
    assert "pages" in long_pdf["error"]["message"]
    assert fine["status"] == "stored"


def test_documents_all_rejected_is_an_error(
    make_client: Callable[..., TestClient], new_key: Callable[..., dict[str, str]]
) -> None:
    client = make_client(max_file_bytes=10)
    headers = new_key()
    files = [("files", ("big.txt", b"x" * 100, "text/plain"))]
    resp = client.post("/v1/documents", files=files, headers=headers)
    assert resp.status_code == 413
    error = resp.json()["error"]
    assert error["code"] == "documents_rejected"
    assert error["details"]["documents"][0]["error"]["code"] == "too_large"

    resp = client.post("/v1/documents", files=[("files", ("a.exe", b"MZ", "x/y"))], headers=headers)
    assert resp.status_code == 415


def test_documents_bad_requests(client: TestClient, alice: dict[str, str]) -> None:
    cases = [
        (
            {
                "content": b'{"external_id": "x", "text": ',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "malformed_json",
        ),  # fmt: skip
        ({"content": b"[1, 2]", "headers": {"Content-Type": "application/json"}}, 422, None),
        ({"json": {"documents": []}}, 422, "invalid_upload"),
        ({"json": {"documents": "nope"}}, 422, None),
        ({"content": b"hello", "headers": {"Content-Type": "text/plain"}}, 415, None),
        ({"files": [("file", ("a.md", b"x", "text/markdown"))]}, 422, "invalid_upload"),
        (
            {"files": [("files", ("a.md", b"text", "text/markdown"))], "data": {"kind": "novel"}},
            422,
            "invalid_metadata",
        ),  # fmt: skip
        (
            {
                "content": b"--x\r\nbroken",
                "headers": {"Content-Type": "multipart/form-data; boundary=x"},
            },
            422,
            "invalid_upload",
        ),  # fmt: skip
        (
            {"content": b"no boundary", "headers": {"Content-Type": "multipart/form-data"}},
            400,
            "malformed_multipart",
        ),  # fmt: skip
    ]
    for kwargs, status, code in cases:
        headers = {**alice, **kwargs.pop("headers", {})}
        resp = client.post("/v1/documents", headers=headers, **kwargs)
        assert resp.status_code == status, (kwargs, resp.text)
        assert set(resp.json()) == {"error"}
        if code:
            assert resp.json()["error"]["code"] == code


def test_documents_external_id_field_needs_one_file(
    client: TestClient, alice: dict[str, str]
) -> None:
    one = [("files", ("a.md", b"Some memo text.", "text/markdown"))]
    resp = client.post("/v1/documents", files=one, data={"external_id": "memo-7"}, headers=alice)
    assert resp.json()["documents"][0]["external_id"] == "memo-7"
    two = one + [("files", ("b.md", b"Other text.", "text/markdown"))]
    resp = client.post("/v1/documents", files=two, data={"external_id": "memo-8"}, headers=alice)
    assert resp.status_code == 422


def test_documents_list_filters_and_pages(client: TestClient, alice: dict[str, str]) -> None:
    factories.upload_json(client, alice, {"documents": factories.json_docs()})
    page = client.get("/v1/documents?limit=2", headers=alice).json()
    assert (page["total"], len(page["documents"])) == (3, 2)
    assert "text" not in page["documents"][0]
    memos = client.get("/v1/documents?kind=memo", headers=alice).json()
    assert [d["external_id"] for d in memos["documents"]] == ["m-billing"]
    growth = client.get("/v1/documents?team=growth", headers=alice).json()
    assert growth["total"] == 2
    assert client.get("/v1/documents?limit=0", headers=alice).status_code == 422


def test_documents_delete_removes_text(client: TestClient, alice: dict[str, str]) -> None:
    secret = "The acquisition code name is BLUEHERON and nobody outside may know."
    item = factories.upload_json(client, alice, {"external_id": "s", "text": secret})
    doc_id = item["documents"][0]["id"]
    assert client.delete(f"/v1/documents/{doc_id}", headers=alice).status_code == 204
    assert client.get(f"/v1/documents/{doc_id}", headers=alice).status_code == 404
    assert client.delete(f"/v1/documents/{doc_id}", headers=alice).status_code == 404
    engine = client.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA secure_delete")).scalar() == 1
        db_file = Path(engine.url.database)
        for path in (db_file, db_file.with_name(db_file.name + "-wal")):
            if path.exists():
                assert b"BLUEHERON" not in path.read_bytes(), f"deleted text still in {path}"
    # The same text can be stored again afterwards.
    again = factories.upload_json(client, alice, {"external_id": "s", "text": secret})
    assert again["documents"][0]["status"] == "stored"


def test_documents_other_org_gets_404(
    client: TestClient, alice: dict[str, str], mallory: dict[str, str]
) -> None:
    doc_id = factories.upload_json(client, alice, factories.json_docs()[0])["documents"][0]["id"]
    for method in ("get", "delete"):
        resp = client.request(method, f"/v1/documents/{doc_id}", headers=mallory)
        assert resp.status_code == 404
        assert resp.json()["error"]["code"] == "document_not_found"
    assert client.get("/v1/documents", headers=mallory).json()["total"] == 0
    # The same text uploaded by another org is its own document, not "unchanged".
    theirs = factories.upload_json(client, mallory, factories.json_docs()[0])["documents"][0]
    assert theirs["status"] == "stored" and theirs["id"] != doc_id
    assert client.get(f"/v1/documents/{doc_id}", headers=alice).status_code == 200
