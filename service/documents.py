"""Documents: per-item ingestion (never all-or-nothing), idempotent storage, listing, deletion.

Storage idempotency rests on the database, not on check-then-insert: ``UNIQUE(org_id, sha256)``
and ``UNIQUE(org_id, external_id)`` plus ``INSERT ... ON CONFLICT DO NOTHING`` give 0 duplicates
and 0 "database is locked" errors with concurrent writers (measured: check-then-insert did not).
Each item is committed on its own, so a bad item never loses the good ones before or after it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete as sql_delete
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from nlp.errors import DocumentError
from nlp.ingest import Limits, ingest_bytes, make_document, normalise_date
from nlp.records import KINDS
from nlp.records import Document as NlpDocument
from service import audits
from service.db import checkpoint
from service.errors import NotFound, Unprocessable, item_error, validation_details
from service.models import Document, Organization, iso, new_id, utcnow

log = logging.getLogger("saydo.documents")

META_FIELDS = ("kind", "team", "date", "title", "author")
MAX_EXTERNAL_ID = 300
# A concurrent delete or replace can make an upsert miss twice in a row; more means a bug.
UPSERT_ATTEMPTS = 4

ForgetVectors = Callable[[], None]


@dataclass(frozen=True)
class FilePart:
    """One uploaded file; ``data`` is None when it was too large to read at all."""

    filename: str
    size: int
    data: bytes | None


class DocumentMeta(BaseModel):
    """The optional metadata any stored document may carry (contract §2)."""

    # No whitespace stripping: evidence offsets must index the text exactly as stored.
    model_config = ConfigDict(extra="forbid")

    kind: str | None = Field(default=None, examples=["memo"])
    team: str | None = Field(default=None, max_length=200)
    date: str | None = Field(default=None, description="yyyy-mm-dd")
    title: str | None = Field(default=None, max_length=500)
    author: str | None = Field(default=None, max_length=200)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str | None) -> str | None:
        return check_kind(value)

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return check_date(value)

    def meta(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in META_FIELDS}


class DocumentIn(DocumentMeta):
    """One JSON document (contract §5)."""

    external_id: str = Field(min_length=1, max_length=MAX_EXTERNAL_ID)
    text: str

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str) -> str:
        return check_external_id(value)


def check_external_id(value: str) -> str:
    value = value.strip()
    if not value or any(ord(c) < 32 for c in value):
        raise ValueError("external_id must be non-empty printable text")
    return value


def check_kind(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if value.lower() not in KINDS:
        raise ValueError(f"kind {value!r} is not one of {', '.join(KINDS)}")
    return value.lower()


def check_date(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return normalise_date(value)  # ValueError says "use yyyy-mm-dd"


def form_meta(fields: Mapping[str, str]) -> dict[str, str | None]:
    """Validate the multipart metadata fields that apply to every file of the request."""
    try:
        meta = DocumentMeta.model_validate(
            {k: fields[k] or None for k in META_FIELDS if k in fields}
        )
    except ValidationError as exc:
        raise Unprocessable(
            "invalid metadata fields",
            code="invalid_metadata",
            details=validation_details(exc.errors()),
        ) from exc
    return meta.meta()


# --------------------------------------------------------------------------------------------
# Ingestion
# --------------------------------------------------------------------------------------------


def ingest_files(
    *,
    session: Session,
    org: Organization,
    files: Sequence[FilePart],
    meta: Mapping[str, str | None],
    external_id: str | None,
    limits: Limits,
    forget_vectors: ForgetVectors,
) -> list[dict[str, Any]]:
    """Extract and store each file; one result per file, in order."""
    if external_id is not None and len(files) != 1:
        raise Unprocessable(
            "external_id names one document; send exactly one file with it, or none",
            code="invalid_metadata",
        )
    results = []
    seen: dict[str, str] = {}
    for part in files:
        doc_id = external_id or _stem(part.filename)
        if part.data is None:
            message = f"file is {part.size:,} bytes; the limit is {limits.max_bytes:,}"
            results.append(_rejected(doc_id, "too_large", message, part.filename))
            continue
        res = ingest_bytes(part.filename, part.data, meta=meta, doc_id=doc_id, limits=limits)
        if res.document is None:
            status, error = res.status, res.error or res.status
            results.append(_rejected(doc_id, status, error, part.filename))
            continue
        results.append(_store_once(session, org, res.document, part.filename, seen, forget_vectors))
    return results


def ingest_json(
    *,
    session: Session,
    org: Organization,
    items: Sequence[Any],
    limits: Limits,
    forget_vectors: ForgetVectors,
) -> list[dict[str, Any]]:
    """Validate and store each JSON document; one result per item, in order."""
    results = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(items):
        guess = raw.get("external_id") if isinstance(raw, dict) else None
        guess = guess if isinstance(guess, str) else None  # echoed back: must be a string
        try:
            item = DocumentIn.model_validate(raw)
            document = _json_document(item, limits)
        except ValidationError as exc:
            details = validation_details(exc.errors())
            message = "; ".join(f"{d['path']}: {d['message']}" for d in details)
            results.append(_rejected(guess, "invalid", f"documents[{i}]: {message}"))
            continue
        except DocumentError as exc:
            results.append(_rejected(item.external_id, exc.status, exc.message))
            continue
        results.append(_store_once(session, org, document, None, seen, forget_vectors))
    return results


def _json_document(item: DocumentIn, limits: Limits) -> NlpDocument:
    text = item.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError("empty", "document text is empty")
    if len(text) > limits.max_chars:
        raise DocumentError(
            "too_large", f"text is {len(text):,} characters; the limit is {limits.max_chars:,}"
        )
    return make_document(item.external_id, text, item.meta())


def _stem(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return printable(stem)[:MAX_EXTERNAL_ID] or "document"


def printable(text: str) -> str:
    """``text`` without control characters (file names end up in ids, headers and logs)."""
    return "".join(c for c in text if c.isprintable()).strip()


def _rejected(
    external_id: str | None, status: str, message: str, filename: str | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"external_id": external_id, "id": None, "status": "rejected"}
    if filename is not None:
        out["filename"] = filename
    out["error"] = item_error(status, message)
    return out


def _store_once(
    session: Session,
    org: Organization,
    document: NlpDocument,
    filename: str | None,
    seen: dict[str, str],
    forget_vectors: ForgetVectors,
) -> dict[str, Any]:
    """Store unless this request already gave the same external_id to other content."""
    earlier = seen.get(document.id)
    if earlier is not None and earlier != document.sha256:
        message = f"external_id {document.id!r} appears twice in this request with different text"
        return _rejected(document.id, "duplicate", message, filename)
    seen[document.id] = document.sha256
    result = store(session=session, org=org, document=document, filename=filename)
    if result.get("replaced"):
        forget_vectors()
    if filename is not None:
        result["filename"] = filename
    return result


def store(
    *, session: Session, org: Organization, document: NlpDocument, filename: str | None = None
) -> dict[str, Any]:
    """Insert a document idempotently; returns ``{external_id, id, status, kind}``.

    Same text as a stored document -> ``unchanged``; an external_id already used for other text
    -> that document's text is replaced (``stored`` with ``replaced: true``).
    """
    document = _without_nul(document)
    for _ in range(UPSERT_ATTEMPTS):
        outcome = _try_store(session, org, document, filename)
        if outcome is not None:
            return outcome
    raise RuntimeError(f"could not store document {document.id!r}: conflicting writers")


def _try_store(
    session: Session, org: Organization, document: NlpDocument, filename: str | None
) -> dict[str, Any] | None:
    base = {"external_id": document.id, "kind": document.kind}
    # A read first spares re-uploads a write lock; the INSERT below stays the arbiter of races.
    same = _find(session, org.id, Document.sha256 == document.sha256)
    if same is None:
        doc_row_id = _insert_ignore(session, _row_values(org, document, filename))
        if doc_row_id is not None:
            return {**base, "id": doc_row_id, "status": "stored"}
        same = _find(session, org.id, Document.sha256 == document.sha256)
    if same is not None:
        # Same text under another name is still the same document: not stored twice.
        return {**base, "id": same.id, "status": "unchanged"}
    taken = _find(session, org.id, Document.external_id == document.id)
    if taken is None:
        return None  # deleted between our insert and lookup: try again
    try:
        _replace(session, taken.id, org, document, filename)
    except IntegrityError:
        session.rollback()
        return None  # someone stored this exact text meanwhile: the retry reports unchanged
    return {**base, "id": taken.id, "status": "stored", "replaced": True}


def _insert_ignore(session: Session, values: dict[str, Any]) -> str | None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(Document).values(**values).on_conflict_do_nothing().returning(col(Document.id))
    doc_row_id = session.execute(stmt).scalar_one_or_none()
    session.commit()
    return doc_row_id


def _replace(
    session: Session, doc_row_id: str, org: Organization, document: NlpDocument, fn: str | None
) -> None:
    values = _row_values(org, document, fn)
    for key in ("id", "org_id", "external_id", "created_at"):
        values.pop(key)
    session.execute(update(Document).where(col(Document.id) == doc_row_id).values(**values))
    audits.purge_reports(session=session, org_id=org.id, document_ids=[doc_row_id])
    session.commit()
    checkpoint(session.get_bind())  # type: ignore[arg-type]


def _row_values(org: Organization, document: NlpDocument, filename: str | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": new_id("doc"),
        "org_id": org.id,
        "external_id": document.id,
        "sha256": document.sha256,
        "text": document.text,
        "kind": document.kind,
        "kind_inferred": document.kind_inferred,
        # Front matter and file properties are free text: cut to the column sizes, not refused.
        "team": _fit(document.team, 200),
        "date": document.date,
        "title": _fit(document.title, 500),
        "author": _fit(document.author, 200),
        "filename": _fit(filename, 500),
        "chars": len(document.text),
        "created_at": now,
        "updated_at": now,
    }


def _fit(value: str | None, size: int) -> str | None:
    return value[:size] if value else value


def _without_nul(document: NlpDocument) -> NlpDocument:
    # PostgreSQL text columns cannot hold NUL; extracted PDF text occasionally has one.
    changes: dict[str, Any] = {
        f.name: value.replace("\x00", "")
        for f in dataclasses.fields(document)
        if isinstance(value := getattr(document, f.name), str) and "\x00" in value
    }
    return dataclasses.replace(document, **changes) if changes else document


def _find(session: Session, org_id: str, where: Any) -> Document | None:
    return session.exec(select(Document).where(Document.org_id == org_id, where)).first()


# --------------------------------------------------------------------------------------------
# Reading and deleting
# --------------------------------------------------------------------------------------------


def get(*, session: Session, org: Organization, document_id: str) -> Document:
    """The organization's document; 404 alike for unknown ids and other organizations' ids."""
    row = _find(session, org.id, Document.id == document_id)
    if row is None:
        raise NotFound(f"no document {document_id!r}", code="document_not_found")
    return row


def list_(
    *,
    session: Session,
    org: Organization,
    limit: int,
    offset: int,
    kind: str | None = None,
    team: str | None = None,
) -> tuple[list[Document], int]:
    """A page of the organization's documents (newest first) and the total that match."""
    where = [Document.org_id == org.id]
    if kind:
        where.append(Document.kind == kind)
    if team:
        where.append(Document.team == team)
    total = session.exec(select(func.count()).select_from(Document).where(*where)).one()
    rows = session.exec(
        select(Document)
        .where(*where)
        .order_by(col(Document.created_at).desc(), col(Document.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def delete(
    *, session: Session, org: Organization, document_id: str, forget_vectors: ForgetVectors
) -> None:
    """Delete a document and everything derived from its text: report passages and vectors.

    With SQLite ``secure_delete`` on, the WAL checkpoint afterwards is what takes the text off
    the disk.
    """
    row = get(session=session, org=org, document_id=document_id)
    session.execute(
        sql_delete(Document).where(col(Document.id) == row.id, col(Document.org_id) == org.id)
    )
    audits.purge_reports(session=session, org_id=org.id, document_ids=[row.id])
    session.commit()
    forget_vectors()
    checkpoint(session.get_bind())  # type: ignore[arg-type]


def public(row: Document, *, with_text: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "external_id": row.external_id,
        "kind": row.kind,
        "kind_inferred": row.kind_inferred,
        "team": row.team,
        "date": row.date,
        "title": row.title,
        "author": row.author,
        "filename": row.filename,
        "sha256": row.sha256,
        "chars": row.chars,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }
    if with_text:
        out["text"] = row.text
    return out


def summary(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The upload response: the per-item results plus counts by status."""
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("stored", "unchanged")}
    counts["rejected"] = sum(1 for r in results if r["status"] == "rejected")
    return {"documents": list(results), **counts}
