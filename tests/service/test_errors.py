"""One error shape everywhere, request ids in and out, one JSON log line per request."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.errors import install_error_handlers
from service.middleware import RequestContextMiddleware


def test_errors_one_shape_for_framework_errors(client: TestClient) -> None:
    for method, path in [("GET", "/nope"), ("DELETE", "/healthz"), ("GET", "/v1/nope")]:
        resp = client.request(method, path)
        assert resp.status_code in (404, 405)
        assert set(resp.json()) == {"error"}
        assert set(resp.json()["error"]) == {"code", "message", "details"}


def test_errors_validation_lists_paths(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    resp = client.get("/v1/documents?limit=abc&offset=-1", headers=alice)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["code"] == "invalid_request"
    assert {d["path"] for d in error["details"]} == {"query.limit", "query.offset"}


def test_errors_unexpected_exception_is_a_clean_500() -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    resp = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert resp.status_code == 500
    assert resp.json()["error"]["code"] == "internal_error"
    assert "secret" not in resp.text


def test_errors_request_id_is_echoed_or_minted(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers[
        "x-request-id"] == "abc-123"  # fmt: skip
    minted = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert minted.headers["x-request-id"] != "bad id\twith spaces"
    assert len(minted.headers["x-request-id"]) == 32


def test_errors_access_log_is_json_without_text(
    client: TestClient, alice: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("saydo.access")
    logger.addHandler(caplog.handler)  # the saydo logger does not propagate to root
    try:
        with caplog.at_level(logging.INFO, logger="saydo.access"):
            client.post(
                "/v1/documents",
                json={"external_id": "secret", "text": "TOPSECRET plans for the merger"},
                headers={**alice, "X-Request-ID": "req-42"},
            )
    finally:
        logger.removeHandler(caplog.handler)
    record = next(r for r in caplog.records if getattr(r, "request_id", None) == "req-42")
    from service.logs import JsonFormatter

    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert {"method", "path", "status", "ms", "request_id", "org"} <= set(data)
    assert (data["method"], data["path"], data["status"]) == ("POST", "/v1/documents", 200)
    assert data["org"] and data["org"].startswith("org_")
    assert "TOPSECRET" not in line


def test_errors_hostile_input_is_never_a_500(
    client: TestClient, alice: dict[str, str], framework_id: str
) -> None:
    """Odd but possible inputs, on both backends (PostgreSQL enforces column sizes and no NUL)."""
    as_json = {**alice, "Content-Type": "application/json"}
    deep = b"[" * 200_000
    attempts = [
        ("/v1/frameworks", {"content": deep, "headers": as_json}),
        ("/v1/frameworks", {"content": b"a: " + b"[" * 100_000, "headers": alice}),
        ("/v1/documents", {"content": deep, "headers": as_json}),
        ("/v1/audits", {"content": deep, "headers": as_json}),
        ("/v1/score-memo", {"content": deep, "headers": as_json}),
        ("/v1/frameworks", {"headers": alice, "json": {
            "organization": "x" * 300,
            "values": [{"id": "a", "name": "n", "definition": "d"}]}}),
        ("/v1/documents", {"headers": alice, "files": [("files", (
            "x" * 600 + "\x00\x1b.md",
            b"---\ntitle: " + b"t" * 700 + b'\nteam: "a\\0b"\n---\nbody text here',
            "text/markdown"))]}),
        ("/v1/documents", {"headers": alice, "json": {"external_id": "n", "text": "a\u0000b"}}),
        ("/v1/documents", {"headers": alice, "json": {"external_id": "e\u0000", "text": "ab"}}),
        ("/v1/score-memo", {"headers": alice, "json": {
            "framework_id": framework_id, "text": "nul \u0000 inside", "store": True}}),
    ]  # fmt: skip
    for path, kwargs in attempts:
        resp = client.post(path, **kwargs)
        assert resp.status_code < 500, (path, resp.text[:300])
        assert "error" in resp.json() or resp.status_code in (200, 201)
