"""Every /v1 endpoint needs a live key; keys are stored hashed; ids never leak across orgs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import service_factories as factories
from fastapi.testclient import TestClient
from sqlmodel import select

from service import auth, db
from service.models import ApiKey


def _v1_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every /v1 operation the app publishes, with placeholder ids filled in."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path.replace("{", "x_").replace("}", ""))
        for path, operations in paths.items()
        if path.startswith("/v1")
        for method in operations
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sdk_wrong"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "wrong", "basic", "empty"],
)
def test_auth_every_v1_endpoint_needs_a_key(client: TestClient, headers: dict[str, str]) -> None:
    routes = _v1_routes(client)
    assert len(routes) >= 11
    for method, path in routes:
        resp = client.request(method, path, headers=headers, json={})
        assert resp.status_code == 401, (method, path, resp.text)
        assert resp.json()["error"]["code"] in ("missing_api_key", "invalid_api_key")
        assert resp.headers["www-authenticate"] == "Bearer"


def test_auth_keys_are_stored_hashed(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.session_scope(engine) as session:
        _, key = auth.create_key(session=session, org_name="hashed-org")
        rows = session.exec(select(ApiKey)).all()
    assert key.startswith("sdk_") and len(key) > 40
    assert all(key not in (r.key_hash, r.prefix) for r in rows)
    assert any(r.key_hash == auth.hash_key(key) and key.startswith(r.prefix) for r in rows)


def test_auth_revoked_key_is_refused(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.session_scope(engine) as session:
        _, key = auth.create_key(session=session, org_name="revoking-org")
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/documents", headers=headers).status_code == 200
    with db.session_scope(engine) as session:
        assert auth.revoke_key(session=session, org_name="revoking-org", prefix=key[:10]) == 1
    assert client.get("/v1/documents", headers=headers).status_code == 401


def test_auth_two_keys_of_one_org_share_objects(
    client: TestClient, new_key: Callable[..., dict[str, str]]
) -> None:
    first, second = new_key("shared-org"), new_key("shared-org")
    doc = factories.upload_json(client, first, factories.json_docs()[0])["documents"][0]
    assert client.get(f"/v1/documents/{doc['id']}", headers=second).status_code == 200


def test_auth_another_orgs_ids_get_404_everywhere(
    client: TestClient, alice: dict[str, str], mallory: dict[str, str], framework_id: str
) -> None:
    doc = factories.upload_json(client, alice, factories.json_docs()[0])["documents"][0]
    audit = client.post("/v1/audits", json={"framework_id": framework_id}, headers=alice).json()
    factories.wait_for_audit(client, alice, audit["id"])
    attempts = [
        ("GET", f"/v1/frameworks/{framework_id}", None),
        ("GET", f"/v1/documents/{doc['id']}", None),
        ("DELETE", f"/v1/documents/{doc['id']}", None),
        ("GET", f"/v1/audits/{audit['id']}", None),
        ("GET", f"/v1/audits/{audit['id']}/report", None),
        ("POST", "/v1/audits", {"framework_id": framework_id}),
        ("POST", "/v1/score-memo", {"framework_id": framework_id, "text": "A memo."}),
        ("DELETE", f"/v1/audits/{audit['id']}", None),
        ("DELETE", f"/v1/frameworks/{framework_id}?cascade=true", None),
    ]
    for method, path, body in attempts:
        theirs = client.request(method, path, headers=mallory, json=body)
        assert theirs.status_code == 404, (method, path, theirs.text)
    # And alice still has everything.
    assert client.get(f"/v1/documents/{doc['id']}", headers=alice).status_code == 200
    assert client.get(f"/v1/audits/{audit['id']}/report", headers=alice).status_code == 200
