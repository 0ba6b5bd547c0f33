"""Frameworks: validated by the engine, stored with their source, scoped to one organization."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlmodel import Session, col, func, select

from nlp.errors import FrameworkError, Problem
from nlp.framework import framework_to_dict, load_framework
from service.db import checkpoint
from service.errors import Conflict, NotFound, UnsupportedMediaType
from service.models import Audit, Framework, Organization, iso

# Content types a framework may be posted as; "text/plain" means "work it out from the text".
FORMATS_BY_MEDIA_TYPE = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/plain": None,
    "": None,
}


MAX_ORGANIZATION = 200


def format_for(content_type: str | None) -> str | None:
    """The ``load_framework`` format for a Content-Type header, or 415 naming the valid ones."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in FORMATS_BY_MEDIA_TYPE:
        valid = ", ".join(m for m in FORMATS_BY_MEDIA_TYPE if m)
        raise UnsupportedMediaType(
            f"cannot read a framework sent as {media!r}; send one of: {valid}",
            details={"valid": [m for m in FORMATS_BY_MEDIA_TYPE if m]},
        )
    return FORMATS_BY_MEDIA_TYPE[media]


def create(*, session: Session, org: Organization, source: bytes, fmt: str | None) -> Framework:
    """Validate and store a framework; raises FrameworkError listing every offending field."""
    framework = load_framework(source, fmt)
    text = source.decode("utf-8-sig")
    parsed = framework_to_dict(framework)
    if "\x00" in text or "\\u0000" in json.dumps(parsed):
        # PostgreSQL text and JSONB cannot hold NUL; no framework needs one.
        raise FrameworkError([Problem("$", "contains a NUL character")])
    detected = fmt or ("json" if text.lstrip().startswith(("{", "[")) else "yaml")
    row = Framework(
        org_id=org.id,
        organization=framework.organization[:MAX_ORGANIZATION],  # in full in ``parsed``
        source=text,
        source_format=detected,
        parsed=parsed,
    )
    session.add(row)
    session.commit()
    return row


def get(*, session: Session, org: Organization, framework_id: str) -> Framework:
    """The organization's framework; 404 alike for unknown ids and other organizations' ids."""
    row = session.exec(
        select(Framework).where(Framework.id == framework_id, Framework.org_id == org.id)
    ).first()
    if row is None:
        raise NotFound(f"no framework {framework_id!r}", code="framework_not_found")
    return row


def delete(
    *,
    session: Session,
    org: Organization,
    framework_id: str,
    cascade: bool,
    forget: Callable[[str], None],
) -> None:
    """Delete a framework; 409 while audits use it, unless ``cascade`` deletes them too.

    ``forget`` drops what the process keeps in memory for it (its Auditor, cached vectors).
    """
    # Locked (PostgreSQL) so that no audit can be created against it between count and delete.
    row = session.exec(
        select(Framework)
        .where(Framework.id == framework_id, Framework.org_id == org.id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound(f"no framework {framework_id!r}", code="framework_not_found")
    uses = col(Audit.framework_id) == row.id, col(Audit.org_id) == org.id
    count = session.exec(select(func.count()).select_from(Audit).where(*uses)).one()
    if count and not cascade:
        session.rollback()  # releases the lock now, not when the request ends
        raise Conflict(
            f"framework {row.id} is used by {count} audit{'s' if count != 1 else ''}; delete "
            "them first, or pass ?cascade=true to delete them and their reports with it",
            code="framework_in_use",
            details={"audits": count},
        )
    session.execute(sql_delete(Audit).where(*uses))
    session.execute(sql_delete(Framework).where(col(Framework.id) == row.id))
    session.commit()
    forget(row.id)
    checkpoint(session.get_bind())  # type: ignore[arg-type]


def list_(*, session: Session, org: Organization, limit: int, offset: int) -> list[Framework]:
    return list(
        session.exec(
            select(Framework)
            .where(Framework.org_id == org.id)
            .order_by(col(Framework.created_at).desc(), col(Framework.id))
            .offset(offset)
            .limit(limit)
        ).all()
    )


def public(row: Framework, *, with_source: bool = True) -> dict[str, Any]:
    """The API view of a stored framework."""
    out: dict[str, Any] = {
        "id": row.id,
        "organization": row.organization,
        "created_at": iso(row.created_at),
        "source_format": row.source_format,
        "values": len(row.parsed.get("values", [])),
        "tenets": len(row.parsed.get("tenets", [])),
    }
    if with_source:
        out["framework"] = row.parsed
        out["source"] = row.source
    return out
