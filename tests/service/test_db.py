"""Storage: migrations match the models, SQLite pragmas, idempotent start-up."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from service import db


def test_db_migrations_match_models_and_are_idempotent(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        db.run_migrations(engine)
        db.run_migrations(engine)  # a second start changes nothing
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    finally:
        engine.dispose()


def test_db_sqlite_pragmas(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sub' / 'saydo.db'}")  # creates the folder
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "secure_delete")
            }
        assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1,
                          "secure_delete": 1}  # fmt: skip
        assert db.ping(engine)
        db.checkpoint(engine)
    finally:
        engine.dispose()
