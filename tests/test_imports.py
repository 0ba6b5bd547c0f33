"""The engine is a library: nothing in nlp/ may import the web, database or service layers."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {
    "service",
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "uvicorn",
    "alembic",
    "psycopg",
}


def test_imports_nlp_does_not_depend_on_service_or_storage() -> None:
    root = Path(__file__).resolve().parent.parent / "nlp"
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
