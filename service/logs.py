"""Structured logs: one JSON object per line, so they can be shipped and queried as-is.

Log calls never carry document or memo text; the access log records only method, path, status,
duration, request id and organization.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# LogRecord attributes that are plumbing, not payload.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send the ``saydo`` loggers to stderr as JSON lines (idempotent)."""
    logger = logging.getLogger("saydo")
    logger.setLevel(level.upper())
    if not any(getattr(h, "_saydo", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler._saydo = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    # The access line below replaces uvicorn's, which would log without request ids.
    logger.propagate = False
