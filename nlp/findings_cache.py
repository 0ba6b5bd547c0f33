"""Per-document findings remembered by everything they depend on, so a re-audit of unchanged
documents does no matching work at all.

The key covers the document (text hash and metadata), the framework, the encoder, the batch
calibration and the engine version; change any of them and the entry is simply not found.
Entries on disk are pickles in saydo's own data directory: nothing else writes there.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from pathlib import Path
from typing import Any

from nlp.diskcache import entry_path, write_atomically
from nlp.records import Document


def _engine_version() -> str:
    """A hash of the engine's own source: any change to matching logic invalidates old entries,
    with no version number for a developer to forget to bump."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"findings.{digest.hexdigest()[:16]}"


ENGINE_VERSION = _engine_version()


def document_key(doc: Document, context_key: str) -> str:
    """A stable key for one document's findings under one (framework, encoder, calibration)."""
    text_hash = doc.sha256 or hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
    meta = "\0".join(
        str(x)
        for x in (doc.id, doc.kind, doc.kind_inferred, doc.team, doc.date, doc.title, text_hash)
    )
    return hashlib.sha256(f"{ENGINE_VERSION}\0{context_key}\0{meta}".encode()).hexdigest()


class FindingsCache:
    """A bounded in-memory map with an optional directory behind it."""

    def __init__(self, cache_dir: Path | None = None, max_items: int = 50_000) -> None:
        self.cache_dir = cache_dir
        self.max_items = max_items
        self._mem: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            if key in self._mem:
                return self._mem[key]
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            value = pickle.loads(path.read_bytes())  # noqa: S301 - our own cache directory
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        with self._lock:
            self._mem[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._mem) >= self.max_items:
                self._mem.clear()
            self._mem[key] = value
        path = self._path(key)
        if path is not None:
            write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def clear(self) -> None:
        with self._lock:
            self._mem.clear()
        if self.cache_dir is not None and self.cache_dir.exists():
            for path in self.cache_dir.glob("*/*.pkl"):
                path.unlink(missing_ok=True)

    def _path(self, key: str) -> Path | None:
        return entry_path(self.cache_dir, key, ".pkl")
