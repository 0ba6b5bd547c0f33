"""Shared fixtures: the network is blocked (only loopback), real models are session-scoped."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
        return _real_connect(self, address)  # type: ignore[arg-type]
    raise RuntimeError(f"test tried to reach the network: {address!r}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing at run time may download: only loopback (PostgreSQL) is allowed."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    from nlp.embed import load_embedder

    return load_embedder("auto")


@pytest.fixture(scope="session")
def real_segmenter():  # type: ignore[no-untyped-def]
    from nlp.segment import Segmenter

    return Segmenter()


@pytest.fixture()
def sample_framework_text() -> str:
    return (CORPORA / "northwind" / "framework.yaml").read_text(encoding="utf-8")
