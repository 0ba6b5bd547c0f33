"""Request-size limit: counted in ASGI middleware, so chunked bodies without Content-Length
get a 413 too (a FastAPI dependency would run only after the whole body was spooled)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings

LIMIT = 64 * 1024


def _chunks(total: int, size: int = 8 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


@pytest.mark.parametrize("path", ["/v1/documents", "/v1/frameworks", "/v1/audits"])
def test_limits_chunked_body_over_limit_is_413(
    make_client: Callable[..., TestClient], alice: dict[str, str], path: str
) -> None:
    client = make_client(max_request_bytes=LIMIT)
    resp = client.post(
        path,
        content=_chunks(4 * LIMIT),  # a generator: sent chunked, without Content-Length
        headers={**alice, "Content-Type": "application/json"},
    )
    assert resp.status_code == 413, resp.text
    assert resp.json()["error"]["code"] == "payload_too_large"
    assert resp.json()["error"]["details"] == {"max_bytes": LIMIT}
    assert resp.headers["x-request-id"]


def test_limits_declared_length_over_limit_is_413_before_reading(
    make_client: Callable[..., TestClient], alice: dict[str, str]
) -> None:
    client = make_client(max_request_bytes=LIMIT)
    files = [("files", ("big.md", b"y" * (2 * LIMIT), "text/markdown"))]
    resp = client.post("/v1/documents", files=files, headers=alice)
    assert resp.status_code == 413
    # Just under the limit is fine.
    small = [("files", ("ok.md", b"A memo about reliability.", "text/markdown"))]
    assert client.post("/v1/documents", files=small, headers=alice).status_code == 200


def test_limits_too_many_files_is_413(
    make_client: Callable[..., TestClient], alice: dict[str, str]
) -> None:
    client = make_client(max_files_per_request=2)
    files = [("files", (f"{i}.md", b"text", "text/markdown")) for i in range(3)]
    resp = client.post("/v1/documents", files=files, headers=alice)
    assert resp.status_code == 413
    docs = [{"external_id": str(i), "text": "t"} for i in range(3)]
    resp = client.post("/v1/documents", json={"documents": docs}, headers=alice)
    assert resp.status_code == 413


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """The app served by a real uvicorn on a loopback port (real sockets, real chunking)."""
    port = _free_port()
    app = create_app(replace(settings, max_request_bytes=LIMIT))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_limits_real_server_chunked_upload_is_413(live_url: str, alice: dict[str, str]) -> None:
    assert httpx.get(f"{live_url}/healthz").json() == {"status": "ok"}
    resp = httpx.post(
        f"{live_url}/v1/documents",
        content=_chunks(3 * LIMIT),
        headers={**alice, "Content-Type": "application/json"},
    )
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"
    assert "content-length" not in {k.lower() for k in resp.request.headers}
