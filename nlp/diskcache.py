"""The on-disk layout shared by saydo's content-hash caches (vectors, sentences, findings)."""

from __future__ import annotations

import os
from pathlib import Path


def entry_path(cache_dir: Path | None, key: str, suffix: str) -> Path | None:
    """Where ``key`` lives under ``cache_dir`` (two-character fan-out), or None without a dir."""
    return None if cache_dir is None else cache_dir / key[:2] / f"{key}{suffix}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
