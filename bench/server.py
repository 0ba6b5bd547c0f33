"""A real ``saydo serve`` process for the /v1/score-memo measurement, driven over HTTP.

Only the public contract is used (CLI ``keys create`` and ``serve``, ``/readyz``,
``POST /v1/frameworks``, ``POST /v1/score-memo``), so the benchmark measures what a client sees.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAYDO = [sys.executable, "-c", "from service.cli import main; main()"]


class ServerError(RuntimeError):
    """The service could not be started or answered with an error."""


# uvicorn closes idle kept-alive connections after 5 s; reconnect (untimed) before that.
IDLE_RECONNECT_SECONDS = 3.0


@dataclass
class Server:
    port: int
    key: str
    framework_id: str
    conn: http.client.HTTPConnection
    last_used: float = 0.0

    def score_memo(self, text: str) -> tuple[float, dict[str, Any]]:
        """Seconds for one POST /v1/score-memo (on a kept-alive connection) and the answer."""
        body = {"framework_id": self.framework_id, "text": text}
        if time.monotonic() - self.last_used > IDLE_RECONNECT_SECONDS:
            self._reconnect()
        start = time.perf_counter()
        status, answer = self.request(
            "POST", "/v1/score-memo", json.dumps(body).encode(), "application/json"
        )
        elapsed = time.perf_counter() - start
        if status != 200:
            raise ServerError(f"/v1/score-memo answered {status}: {answer}")
        return elapsed, answer

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.key}"}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            self._reconnect()  # the server dropped the idle connection: retry once
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        raw = response.read()
        self.last_used = time.monotonic()
        try:
            return response.status, json.loads(raw or b"null")
        except ValueError:
            return response.status, raw.decode(errors="replace")[:500]

    def _reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        self.conn.connect()


@contextlib.contextmanager
def saydo_server(
    framework: Path, *, threads: int, embedder: str = "onnx", ready_timeout: float = 180.0
) -> Iterator[Server]:
    """Start ``saydo serve`` on a free port with a throw-away data dir; stop it afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="saydo-bench-server-"))
    env = _env(data_dir, threads, embedder)
    log_path = data_dir / "server.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        key = _create_key(env)
        port = _free_port()
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [*SAYDO, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_ready(proc, port, ready_timeout, log_path)
        server = Server(port, key, "", http.client.HTTPConnection("127.0.0.1", port, timeout=120))
        server.framework_id = _upload_framework(server, framework)
        yield server
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


def _env(data_dir: Path, threads: int, embedder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAYDO_")}
    env.update(
        {
            "SAYDO_DATA_DIR": str(data_dir),
            "SAYDO_EMBEDDER": embedder,
            "SAYDO_EMBEDDER_THREADS": str(threads),
            "SAYDO_LOG_LEVEL": "WARNING",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }
    )
    if "SAYDO_MODELS_DIR" in os.environ:
        env["SAYDO_MODELS_DIR"] = os.environ["SAYDO_MODELS_DIR"]
    return env


def _create_key(env: dict[str, str]) -> str:
    done = subprocess.run(
        [*SAYDO, "keys", "create", "--org", "bench"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise ServerError(f"`saydo keys create` failed ({done.returncode}): {done.stderr[-800:]}")
    return lines[-1].strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(proc: subprocess.Popen[bytes], port: int, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerError(f"`saydo serve` exited with {proc.returncode}: {_tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        time.sleep(0.25)
    raise ServerError(f"`saydo serve` not ready after {timeout:.0f}s: {_tail(log)}")


def _upload_framework(server: Server, framework: Path) -> str:
    fmt = "application/json" if framework.suffix == ".json" else "application/yaml"
    status, answer = server.request("POST", "/v1/frameworks", framework.read_bytes(), fmt)
    if status not in (200, 201) or not isinstance(answer, dict) or "id" not in answer:
        raise ServerError(f"POST /v1/frameworks answered {status}: {answer}")
    return str(answer["id"])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _tail(path: Path, chars: int = 1500) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"
