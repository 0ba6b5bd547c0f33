"""initial schema: organizations, API keys, frameworks, documents, audits

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _id() -> sa.Column:
    return sa.Column("id", sa.String(length=40), nullable=False, primary_key=True)


def _org_fk() -> sa.Column:
    return sa.Column(
        "org_id",
        sa.String(length=40),
        sa.ForeignKey("organization.id", ondelete="CASCADE"),
        nullable=False,
    )


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "organization",
        _id(),
        sa.Column("name", sa.String(length=200), nullable=False, unique=True),
        _ts("created_at"),
    )
    op.create_table(
        "api_key",
        _id(),
        _org_fk(),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False, unique=True),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
    )
    op.create_index("ix_api_key_org_id", "api_key", ["org_id"])
    op.create_table(
        "framework",
        _id(),
        _org_fk(),
        sa.Column("organization", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("parsed", _json(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_framework_org_id", "framework", ["org_id"])
    op.create_table(
        "document",
        _id(),
        _org_fk(),
        sa.Column("external_id", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("kind_inferred", sa.Boolean(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=True),
        sa.Column("filename", sa.String(length=500), nullable=True),
        sa.Column("chars", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        # These two constraints are what make concurrent uploads idempotent (ON CONFLICT DO NOTHING).
        sa.UniqueConstraint("org_id", "sha256", name="uq_document_org_sha256"),
        sa.UniqueConstraint("org_id", "external_id", name="uq_document_org_external_id"),
    )
    op.create_index("ix_document_org_date", "document", ["org_id", "date"])
    op.create_table(
        "audit",
        _id(),
        _org_fk(),
        sa.Column(
            "framework_id",
            sa.String(length=40),
            sa.ForeignKey("framework.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("params", _json(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("document_ids", _json(), nullable=True),
        sa.Column("report", _json(), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        _ts("created_at"),
        _ts("started_at", nullable=True),
        _ts("finished_at", nullable=True),
    )
    op.create_index("ix_audit_org_id", "audit", ["org_id"])
    op.create_index("ix_audit_status", "audit", ["status"])


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("document")
    op.drop_table("framework")
    op.drop_table("api_key")
    op.drop_table("organization")
