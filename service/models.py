"""Database tables (SQLModel) and the public API schemas built around them.

Every row but ``Organization`` carries ``org_id`` and every query filters on it: tenancy is enforced
in the service functions, never left to the caller. Ids are random strings with a type prefix so
that they reveal neither volume nor order.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

AUDIT_STATUSES = ("queued", "running", "done", "failed")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime | None) -> str | None:
    """ISO-8601 UTC; SQLite hands datetimes back naive, so naive means UTC here."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), **kw)


class Organization(SQLModel, table=True):
    __tablename__ = "organization"

    id: str = Field(default_factory=lambda: new_id("org"), primary_key=True, max_length=40)
    name: str = Field(max_length=200, unique=True)
    created_at: datetime = _ts()


class ApiKey(SQLModel, table=True):
    """Only the SHA-256 of a key is stored; ``prefix`` lets people tell their keys apart."""

    __tablename__ = "api_key"

    id: str = Field(default_factory=lambda: new_id("key"), primary_key=True, max_length=40)
    org_id: str = Field(
        foreign_key="organization.id", index=True, max_length=40, ondelete="CASCADE"
    )
    prefix: str = Field(max_length=16)
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts()
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class Framework(SQLModel, table=True):
    __tablename__ = "framework"

    id: str = Field(default_factory=lambda: new_id("fw"), primary_key=True, max_length=40)
    org_id: str = Field(
        foreign_key="organization.id", index=True, max_length=40, ondelete="CASCADE"
    )
    organization: str = Field(max_length=200)
    source: str = Field(sa_type=sa.Text)
    source_format: str = Field(max_length=8)
    parsed: dict[str, Any] = Field(sa_type=JSONType)
    created_at: datetime = _ts()


class Document(SQLModel, table=True):
    """A stored document. (org_id, sha256) is unique: the same bytes are stored once per org."""

    __tablename__ = "document"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "sha256", name="uq_document_org_sha256"),
        sa.UniqueConstraint("org_id", "external_id", name="uq_document_org_external_id"),
        sa.Index("ix_document_org_date", "org_id", "date"),
    )

    id: str = Field(default_factory=lambda: new_id("doc"), primary_key=True, max_length=40)
    org_id: str = Field(foreign_key="organization.id", max_length=40, ondelete="CASCADE")
    external_id: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    text: str = Field(sa_type=sa.Text)
    kind: str = Field(max_length=20)
    kind_inferred: bool = False
    team: str | None = Field(default=None, max_length=200)
    date: str | None = Field(default=None, max_length=10)  # ISO yyyy-mm-dd sorts as text
    title: str | None = Field(default=None, max_length=500)
    author: str | None = Field(default=None, max_length=200)
    filename: str | None = Field(default=None, max_length=500)
    chars: int = 0
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Audit(SQLModel, table=True):
    __tablename__ = "audit"

    id: str = Field(default_factory=lambda: new_id("aud"), primary_key=True, max_length=40)
    org_id: str = Field(
        foreign_key="organization.id", index=True, max_length=40, ondelete="CASCADE"
    )
    framework_id: str = Field(foreign_key="framework.id", max_length=40, ondelete="CASCADE")
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    status: str = Field(default="queued", max_length=10, index=True)
    done: int = 0
    total: int = 0
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=sa.Text)
    # The stored document ids the report quotes, so deleting a document can purge its reports.
    document_ids: list[str] | None = Field(default=None, sa_type=JSONType)
    report: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    worker: str | None = Field(default=None, max_length=200)
    created_at: datetime = _ts()
    started_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
