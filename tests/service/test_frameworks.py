"""POST/GET /v1/frameworks: YAML and JSON, every problem listed, malformed input, tenancy."""

from __future__ import annotations

import json

import service_factories as factories
import yaml
from fastapi.testclient import TestClient


def test_frameworks_create_yaml_and_read_back(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post(
        "/v1/frameworks",
        content=factories.FRAMEWORK_YAML,
        headers={**alice, "Content-Type": "application/yaml"},
    )
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["id"].startswith("fw_")
    assert (created["organization"], created["values"], created["tenets"]) == ("Northwind", 3, 1)

    stored = client.get(f"/v1/frameworks/{created['id']}", headers=alice).json()
    assert stored["source"] == factories.FRAMEWORK_YAML
    assert stored["framework"]["values"][0]["id"] == "customer-trust"
    assert stored["framework"]["tenets"][0]["values"] == ["customer-trust"]

    listed = client.get("/v1/frameworks", headers=alice).json()
    assert [f["id"] for f in listed["frameworks"]] == [created["id"]]


def test_frameworks_create_json(client: TestClient, alice: dict[str, str]) -> None:
    data = yaml.safe_load(factories.FRAMEWORK_YAML)
    resp = client.post("/v1/frameworks", json=data, headers=alice)
    assert resp.status_code == 201, resp.text
    assert resp.json()["source_format"] == "json"


def test_frameworks_plain_text_is_detected(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post(
        "/v1/frameworks",
        content=factories.FRAMEWORK_YAML,
        headers={**alice, "Content-Type": "text/plain"},
    )
    assert resp.status_code == 201
    assert resp.json()["source_format"] == "yaml"


def test_frameworks_every_problem_is_listed(client: TestClient, alice: dict[str, str]) -> None:
    bad = {
        "organization": "Northwind",
        "values": [
            {"id": "trust", "name": "Trust", "definition": ""},
            {"id": "trust", "name": "Again", "definition": "dup", "parent": "nope"},
        ],
        "tenets": [{"id": "t1", "text": "x", "values": ["missing"]}],
    }
    resp = client.post("/v1/frameworks", json=bad, headers=alice)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "invalid_framework"
    paths = {d["path"] for d in error["details"]}
    assert {"values[0].definition", "values[1].id", "values[1].parent"} <= paths
    assert "tenets[0].values[0]" in paths
    assert all(d["message"] for d in error["details"])
    # Nothing half-written: the refused framework is not stored.
    assert client.get("/v1/frameworks", headers=alice).json()["frameworks"] == []


def test_frameworks_malformed_json(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post(
        "/v1/frameworks",
        content=b'{"organization": "x", "values": [',
        headers={**alice, "Content-Type": "application/json"},
    )
    assert resp.status_code == 422
    body = resp.json()["error"]
    assert body["code"] == "invalid_framework"
    assert "malformed JSON" in body["details"][0]["message"]


def test_frameworks_malformed_yaml(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post(
        "/v1/frameworks",
        content=b"organization: x\nvalues:\n  - id: [unclosed\n",
        headers={**alice, "Content-Type": "application/yaml"},
    )
    assert resp.status_code == 422
    assert "malformed YAML" in resp.json()["error"]["details"][0]["message"]


def test_frameworks_empty_binary_and_nul(client: TestClient, alice: dict[str, str]) -> None:
    for body in (b"", b"\xff\xfe\x00garbage", json.dumps({"organization": "a\u0000b"}).encode()):
        resp = client.post("/v1/frameworks", content=body, headers=alice)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["error"]["code"] == "invalid_framework"


def test_frameworks_nul_in_valid_framework_is_refused(
    client: TestClient, alice: dict[str, str]
) -> None:
    data = yaml.safe_load(factories.FRAMEWORK_YAML)
    data["north_star"] = "nul\u0000here"
    resp = client.post("/v1/frameworks", json=data, headers=alice)
    assert resp.status_code == 422


def test_frameworks_unsupported_media_type(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post(
        "/v1/frameworks", content=b"<xml/>", headers={**alice, "Content-Type": "application/xml"}
    )
    assert resp.status_code == 415
    assert "application/yaml" in resp.json()["error"]["details"]["valid"]


def test_frameworks_other_org_gets_404(
    client: TestClient, framework_id: str, mallory: dict[str, str]
) -> None:
    resp = client.get(f"/v1/frameworks/{framework_id}", headers=mallory)
    unknown = client.get("/v1/frameworks/fw_doesnotexist", headers=mallory)
    assert resp.status_code == unknown.status_code == 404
    # Same body apart from the id: no way to tell "exists elsewhere" from "never existed".
    assert resp.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert client.get("/v1/frameworks", headers=mallory).json()["frameworks"] == []
