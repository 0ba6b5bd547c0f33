"""Database engine, connection settings, migrations and sessions.

SQLite (the default) is made safe for concurrent requests: WAL so readers never block the writer,
a long busy timeout so writers queue instead of failing with "database is locked", and
``secure_delete`` so deleted text is overwritten rather than left in free pages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

log = logging.getLogger("saydo.db")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for ``sqlite:///...`` or ``postgresql+psycopg://...`` with the pragmas above."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    if parsed.database and parsed.database != ":memory:":
        # Owner-only: the database holds documents' full text.
        Path(parsed.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
        pool_size=10,
        max_overflow=20,
    )
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    try:
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")
        # NORMAL is durable across application crashes in WAL mode; FULL only adds power-loss safety.
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        cur.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config(engine: Engine) -> Config:
    """Alembic configured in code, so no alembic.ini is needed in the working directory."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def run_migrations(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; safe to run at every start)."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for background work; the caller commits, anything uncommitted is rolled back."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        log.warning("database ping failed", exc_info=True)
        return False
    return True


def checkpoint(engine: Engine) -> None:
    """Flush the SQLite WAL into the main file and truncate it, so deleted text leaves the disk."""
    if not is_sqlite(engine):
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
