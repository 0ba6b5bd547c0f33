"""Domain errors, raised low and mapped to HTTP codes / exit codes at the edges.

Every error carries a stable ``code`` and ``details`` that say what is wrong and what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located by a field path such as ``values[2].parent``."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class SaydoError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "saydo_error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class FrameworkError(SaydoError):
    """A values framework broke the contract; ``problems`` lists every offending field."""

    code = "invalid_framework"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        summary = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(
            f"framework has {len(problems)} problem(s): {summary}{more}",
            details=[p.as_dict() for p in problems],
        )


class DocumentError(SaydoError):
    """A document could not be read (empty, unreadable, too large, unsupported)."""

    code = "invalid_document"

    def __init__(self, status: str, message: str) -> None:
        self.status = status
        super().__init__(message, details={"status": status})


class ModelUnavailableError(SaydoError):
    """Model weights are not installed locally (we never download at run time)."""

    code = "model_unavailable"


@dataclass
class ProblemList:
    """Collects problems while validating so that *every* one is reported, not just the first."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.items.append(Problem(path, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise FrameworkError(self.items)
