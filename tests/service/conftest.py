"""Fixtures for the service tests: one fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL tests run against the real server at 127.0.0.1:5432 (trust auth, user postgres) in
databases these fixtures create and drop. They are never skipped silently: an unreachable server
fails them, unless SAYDO_SKIP_POSTGRES=1 says to skip on purpose.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
import service_factories as factories
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import SQLModel

from service import auth, db
from service.app import create_app
from service.settings import Settings

PG_HOST = os.environ.get("SAYDO_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("SAYDO_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("SAYDO_TEST_PG_USER", "postgres")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_admin() -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
        connect_timeout=3,
    )  # fmt: skip


def pg_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


class PostgresDatabase:
    """One uniquely named database for the session, migrated once and emptied before each test.

    Emptying (TRUNCATE) takes milliseconds where cloning a database per test took ~0.7 s.
    """

    def __init__(self) -> None:
        self.name = f"saydo_test_{secrets.token_hex(4)}"
        self.url = pg_url(self.name)
        with _pg_admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.engine = db.make_engine(self.url)
        db.run_migrations(self.engine)

    def empty(self) -> None:
        tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {tables} CASCADE")

    def drop(self) -> None:
        self.engine.dispose()
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    try:
        database = PostgresDatabase()
    except psycopg.OperationalError as exc:
        if os.environ.get("SAYDO_SKIP_POSTGRES") == "1":
            pytest.skip("PostgreSQL skipped on purpose (SAYDO_SKIP_POSTGRES=1)")
        pytest.fail(
            f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable ({exc}). Start it, or set "
            "SAYDO_SKIP_POSTGRES=1 to skip the PostgreSQL tests on purpose.",
            pytrace=False,
        )
    yield database
    database.drop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database for one test, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'saydo.db'}"
        return
    database: PostgresDatabase = request.getfixturevalue("postgres")
    database.empty()
    yield database.url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        embedder="hash",
        segmenter="regex",
        log_level="WARNING",
    )


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """Start apps (lifespan included) with these settings, optionally changed; all are closed."""
    opened: list[TestClient] = []

    def start(**changes: Any) -> TestClient:
        client = TestClient(create_app(replace(settings, **changes)), raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield start
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def app(client: TestClient) -> FastAPI:
    return client.app  # type: ignore[return-value]


@pytest.fixture
def new_key(app: FastAPI) -> Callable[[str | None], dict[str, str]]:
    """Auth headers for a new key of organization ``name`` (a fresh organization by default)."""

    def make(name: str | None = None) -> dict[str, str]:
        with db.session_scope(app.state.engine) as session:
            _, key = auth.create_key(session=session, org_name=name or factories.org_name())
        return {"Authorization": f"Bearer {key}"}

    return make


@pytest.fixture
def alice(new_key: Callable[[str | None], dict[str, str]]) -> dict[str, str]:
    return new_key("alice-org")


@pytest.fixture
def mallory(new_key: Callable[[str | None], dict[str, str]]) -> dict[str, str]:
    return new_key("mallory-org")


@pytest.fixture
def framework_id(client: TestClient, alice: dict[str, str]) -> str:
    return factories.create_framework(client, alice)
