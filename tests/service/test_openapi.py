"""The OpenAPI document: every contract endpoint, each with request and response examples."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

CONTRACT = {
    ("get", "/healthz"), ("get", "/readyz"),
    ("post", "/v1/frameworks"), ("get", "/v1/frameworks/{framework_id}"),
    ("post", "/v1/documents"), ("post", "/v1/audits"), ("get", "/v1/audits/{audit_id}"),
    ("get", "/v1/audits/{audit_id}/report"), ("post", "/v1/score-memo"),
    ("delete", "/v1/frameworks/{framework_id}"), ("delete", "/v1/audits/{audit_id}"),
}  # fmt: skip


def _has_example(content: dict[str, Any]) -> bool:
    return any("example" in media or "examples" in media for media in content.values())


def test_openapi_covers_the_contract_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operations = {(m, p): op for p, ops in spec["paths"].items() for m, op in ops.items()}
    assert set(operations) >= CONTRACT
    for (method, path), op in operations.items():
        if "requestBody" in op:
            assert _has_example(op["requestBody"]["content"]), f"{method} {path}: request"
        ok = [r for code, r in op["responses"].items() if code.startswith("2")]
        assert ok, f"{method} {path}: no success response"
        for response in ok:
            if "content" in response:
                assert _has_example(response["content"]), f"{method} {path}: response"
        for code, response in op["responses"].items():
            if code[0] in "45":
                assert _has_example(response.get("content", {})), f"{method} {path}: {code}"
    assert spec["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert client.get("/docs").status_code == 200


def test_openapi_health(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready == {"status": "ready", "checks": {"database": "ok", "models": "ok",
                                                   "worker": "ok"}}  # fmt: skip
