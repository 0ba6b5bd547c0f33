"""Service configuration, read once from ``SAYDO_*`` environment variables.

pydantic-settings is not a dependency, so this is a small frozen dataclass; tests build their own
``Settings(...)`` and pass it to ``create_app`` instead of touching the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

EMBEDDERS = ("auto", "onnx", "torch", "hash")
SEGMENTERS = ("spacy", "regex")


class SettingsError(ValueError):
    """An environment variable holds a value the service cannot use."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".saydo")
    # Empty means "an SQLite file in data_dir" (contract §3); see ``database_url_resolved``.
    database_url: str = ""
    embedder: str = "auto"
    segmenter: str = "spacy"
    embedder_threads: int | None = None
    # Whole request body, counted in ASGI middleware (no Content-Length is trusted).
    max_request_bytes: int = 50 * 1024 * 1024
    max_file_bytes: int = 10 * 1024 * 1024
    max_files_per_request: int = 500
    max_document_chars: int = 2_000_000
    max_pdf_pages: int = 200
    parse_cpu_seconds: int = 10
    parse_wall_seconds: float = 20.0
    parse_memory_mb: int = 512
    max_memo_chars: int = 200_000
    # ~2 naive /score-memo per second on 2 cores: more in flight only adds latency.
    score_memo_concurrency: int = 2
    score_memo_wait_seconds: float = 0.05
    score_memo_retry_after: int = 1
    # An audit interrupted by a restart is re-run this many times in total, then marked failed.
    audit_max_attempts: int = 2
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        if self.embedder not in EMBEDDERS:
            raise SettingsError(
                f"SAYDO_EMBEDDER={self.embedder!r} is not valid; valid: {', '.join(EMBEDDERS)}"
            )
        if self.segmenter not in SEGMENTERS:
            raise SettingsError(
                f"SAYDO_SEGMENTER={self.segmenter!r} is not valid; valid: {', '.join(SEGMENTERS)}"
            )

    @property
    def database_url_resolved(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'saydo.db'}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``SAYDO_<FIELD>`` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"SAYDO_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, str(f.type), raw)
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, type_name: str, raw: str) -> object:
    try:
        if "Path" in type_name:
            return Path(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
    except ValueError as exc:
        raise SettingsError(f"SAYDO_{name.upper()}={raw!r} must be a {type_name}") from exc
    return raw


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests call ``get_settings.cache_clear()`` or pass their own)."""
    return Settings.from_env()
