"""POST /v1/score-memo: findings + score + suggestions, storing nothing unless asked."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.memos import LoadShedder

MEMO = (
    "We will skip the load test on billing to hit the launch date. "
    "Speed wins over reliability this quarter."
)


def test_memos_score(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    resp = client.post(
        "/v1/score-memo", json={"framework_id": framework_id, "text": MEMO}, headers=alice
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert {"id", "tenets", "values", "tradeoffs", "themes", "score", "suggestions"} <= set(body)
    assert body["id"] == "draft"
    assert 0.0 <= body["score"] <= 1.0
    assert all(isinstance(s, str) for s in body["suggestions"])
    for finding in body["tenets"] + body["values"]:
        for ev in finding["evidence"]:
            assert MEMO[ev["start"] : ev["end"]] == ev["text"]
    # Nothing stored.
    assert client.get("/v1/documents", headers=alice).json()["total"] == 0


def test_memos_store_when_asked(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    body = {"framework_id": framework_id, "text": MEMO, "store": True, "external_id": "memo-9",
            "team": "growth", "date": "2026-04-01"}  # fmt: skip
    first = client.post("/v1/score-memo", json=body, headers=alice).json()
    assert first["id"] == "memo-9"
    assert first["stored"]["status"] == "stored"
    again = client.post("/v1/score-memo", json=body, headers=alice).json()
    assert again["stored"]["status"] == "unchanged"
    doc = client.get(f"/v1/documents/{first['stored']['id']}", headers=alice).json()
    assert (doc["kind"], doc["team"], doc["date"], doc["text"]) == (
        "memo", "growth", "2026-04-01", MEMO)  # fmt: skip


def test_memos_empty_memo(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    for text in ("", "   \n\t "):
        resp = client.post(
            "/v1/score-memo", json={"framework_id": framework_id, "text": text}, headers=alice
        )
        assert resp.status_code == 422
        assert resp.json()["error"]["code"] == "empty_document"


def test_memos_bad_requests(client: TestClient, alice: dict[str, str], framework_id: str) -> None:
    cases = [
        ({"text": MEMO}, 422),
        ({"framework_id": framework_id}, 422),
        ({"framework_id": framework_id, "text": 5}, 422),
        ({"framework_id": framework_id, "text": MEMO, "kind": "novel"}, 422),
        ({"framework_id": "fw_unknown", "text": MEMO}, 404),
    ]
    for body, status in cases:
        resp = client.post("/v1/score-memo", json=body, headers=alice)
        assert resp.status_code == status, (body, resp.text)
    resp = client.post(
        "/v1/score-memo", content=b"not json", headers={**alice, "Content-Type": "application/json"}
    )
    assert resp.status_code == 400


def test_memos_too_long(
    make_client: Callable[..., TestClient], alice: dict[str, str], framework_id: str
) -> None:
    client = make_client(max_memo_chars=100)
    resp = client.post(
        "/v1/score-memo", json={"framework_id": framework_id, "text": "word " * 50}, headers=alice
    )
    assert resp.status_code == 413


def test_memos_other_org_framework_is_404(
    client: TestClient, mallory: dict[str, str], framework_id: str
) -> None:
    resp = client.post(
        "/v1/score-memo", json={"framework_id": framework_id, "text": MEMO}, headers=mallory
    )
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "framework_not_found"


def test_memos_load_is_shed_fast(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    shedder: LoadShedder = client.app.state.shedder  # type: ignore[attr-defined]
    held = threading.Event()
    release = threading.Event()

    def hold_all_slots() -> None:
        with shedder.slot(), shedder.slot():
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_all_slots)
    holder.start()
    try:
        assert held.wait(5)
        resp = client.post(
            "/v1/score-memo", json={"framework_id": framework_id, "text": MEMO}, headers=alice
        )
        assert resp.status_code == 503
        assert resp.json()["error"]["code"] == "overloaded"
        assert resp.headers["Retry-After"] == "1"
    finally:
        release.set()
        holder.join()
    ok = client.post(
        "/v1/score-memo", json={"framework_id": framework_id, "text": MEMO}, headers=alice
    )
    assert ok.status_code == 200
