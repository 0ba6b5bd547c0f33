"""Audits: created by requests, run by one in-process worker thread, recorded in the database.

The database row is the source of truth for an audit's state, so a restart can tell what was
interrupted: at start-up every ``running`` audit (its process is gone) is re-queued, or marked
``failed`` with the reason once it has used its attempts. An audit is never left ``running``.
Claiming is a conditional UPDATE (``queued`` -> ``running``), so no audit runs twice.
Deleting an audit deletes its row whatever its state; a running audit notices at its next
progress step (the progress UPDATE finds no row), stops, and writes nothing.

This assumes one serving process per database (``saydo serve`` runs one worker): a second
process starting up would take the first one's running audits for interrupted ones.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import delete as sql_delete
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from nlp.errors import SaydoError
from nlp.ingest import normalise_date
from nlp.records import Document as NlpDocument
from service import frameworks
from service.db import checkpoint, session_scope
from service.errors import Conflict, Gone, NotFound
from service.models import Audit, Document, Framework, Organization, iso, utcnow
from service.runtime import Runtime

log = logging.getLogger("saydo.audits")

INTERRUPTED = "interrupted by server restart"
PROGRESS_EVERY_SECONDS = 0.25
KindName = Literal["memo", "promotion", "postmortem", "other"]


class AuditIn(BaseModel):
    """What to audit: a framework and, optionally, a period and document kinds/teams."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    framework_id: str = Field(min_length=1, max_length=40)
    from_: str | None = Field(default=None, alias="from", description="yyyy-mm-dd, inclusive")
    to: str | None = Field(default=None, description="yyyy-mm-dd, inclusive")
    kinds: list[KindName] | None = Field(default=None, max_length=4)
    teams: list[str] | None = Field(default=None, max_length=200)

    @field_validator("from_", "to")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return normalise_date(value) if value else None

    @model_validator(mode="after")
    def _order(self) -> AuditIn:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError(f"'from' ({self.from_}) is after 'to' ({self.to})")
        return self

    def params(self) -> dict[str, Any]:
        return {"from": self.from_, "to": self.to, "kinds": self.kinds, "teams": self.teams}


class AuditInterrupted(Exception):
    """Raised inside a running audit when the server shuts down; the audit is re-queued."""


class AuditDeleted(Exception):
    """Raised inside a running audit whose row was deleted; the run stops, nothing is written."""


# --------------------------------------------------------------------------------------------
# Request-side service functions
# --------------------------------------------------------------------------------------------


def create(*, session: Session, org: Organization, audit_in: AuditIn) -> Audit:
    """Queue an audit of the organization's documents; the caller hands its id to the worker."""
    frameworks.get(session=session, org=org, framework_id=audit_in.framework_id)
    row = Audit(org_id=org.id, framework_id=audit_in.framework_id, params=audit_in.params())
    session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:  # the framework was deleted since it was read
        session.rollback()
        raise NotFound(
            f"no framework {audit_in.framework_id!r}", code="framework_not_found"
        ) from exc
    return row


def get(*, session: Session, org: Organization, audit_id: str) -> Audit:
    """The organization's audit; 404 alike for unknown ids and other organizations' ids."""
    row = session.exec(select(Audit).where(Audit.id == audit_id, Audit.org_id == org.id)).first()
    if row is None:
        raise NotFound(f"no audit {audit_id!r}", code="audit_not_found")
    return row


def list_(*, session: Session, org: Organization, limit: int, offset: int) -> list[Audit]:
    return list(
        session.exec(
            select(Audit)
            .where(Audit.org_id == org.id)
            .order_by(col(Audit.created_at).desc(), col(Audit.id))
            .offset(offset)
            .limit(limit)
        ).all()
    )


def report(*, session: Session, org: Organization, audit_id: str) -> dict[str, Any]:
    """The finished audit's report; 409 while it is not done, 410 once purged by a deletion."""
    row = get(session=session, org=org, audit_id=audit_id)
    if row.status != "done":
        reason = f": {row.error}" if row.error else ""
        raise Conflict(
            f"audit {row.id} is {row.status}{reason}; the report exists once it is done",
            code="audit_not_done",
            details=public(row),
        )
    if row.report is None:
        raise Gone(row.error or "the report was removed", code="report_purged")
    return row.report


def delete(*, session: Session, org: Organization, audit_id: str) -> None:
    """Delete an audit and its stored report, whatever its state (a running one stops)."""
    row = get(session=session, org=org, audit_id=audit_id)
    session.execute(sql_delete(Audit).where(col(Audit.id) == row.id, col(Audit.org_id) == org.id))
    session.commit()
    checkpoint(session.get_bind())  # type: ignore[arg-type]


def public(row: Audit) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "framework_id": row.framework_id,
        "params": row.params,
        "done": row.done,
        "total": row.total,
        "attempts": row.attempts,
        "error": row.error,
        "report_available": row.status == "done" and row.report is not None,
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
    }


def purge_reports(*, session: Session, org_id: str, document_ids: Sequence[str]) -> int:
    """Drop stored reports that quote any of these documents (report passages are their text).

    Runs inside the caller's transaction; returns how many reports were dropped.
    """
    gone = set(document_ids)
    rows = session.exec(
        select(Audit).where(Audit.org_id == org_id, col(Audit.report).is_not(None))
    ).all()
    purged = 0
    for row in rows:
        if gone & set(row.document_ids or ()):
            row.report = None
            row.error = "report removed: a document it quotes was deleted or replaced"
            session.add(row)
            purged += 1
    return purged


# --------------------------------------------------------------------------------------------
# Start-up recovery
# --------------------------------------------------------------------------------------------


def recover(*, engine: Engine, max_attempts: int) -> list[str]:
    """Re-queue or fail the audits a dead process left ``running``; returns the ids to run."""
    with session_scope(engine) as session:
        for row in session.exec(select(Audit).where(Audit.status == "running")).all():
            if row.attempts < max_attempts:
                row.status, row.done, row.error = "queued", 0, None
                log.warning("audit re-queued after restart", extra={"audit": row.id})
            else:
                row.status, row.error, row.finished_at = "failed", INTERRUPTED, utcnow()
                log.warning("audit failed after restart", extra={"audit": row.id})
            session.add(row)
        session.commit()
        queued = session.exec(
            select(Audit.id).where(Audit.status == "queued").order_by(col(Audit.created_at))
        ).all()
    return list(queued)


# --------------------------------------------------------------------------------------------
# The worker
# --------------------------------------------------------------------------------------------


class AuditWorker:
    """One background thread that runs queued audits one at a time (2 cores: more would thrash)."""

    def __init__(self, *, engine: Engine, runtime: Runtime) -> None:
        self.engine = engine
        self.runtime = runtime
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="saydo-audits", daemon=True)

    def start(self, pending: Sequence[str] = ()) -> None:
        for audit_id in pending:
            self.submit(audit_id)
        self._thread.start()

    def submit(self, audit_id: str) -> None:
        self._queue.put(audit_id)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the running audit to stop at its next progress step (it is re-queued) and join."""
        self._stopping.set()
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            audit_id = self._queue.get()
            if audit_id is None or self._stopping.is_set():
                break  # left queued in the database: the next start runs it
            try:
                self.run_one(audit_id)
            except Exception:  # the worker must outlive any one audit
                log.exception("audit worker error", extra={"audit": audit_id})

    def run_one(self, audit_id: str) -> None:
        """Claim and run one audit, recording the outcome (done, failed or re-queued)."""
        if not self._claim(audit_id):
            return
        started = time.perf_counter()
        try:
            report, doc_ids = self._run(audit_id)
        except AuditInterrupted:
            self._finish(audit_id, status="queued", error=None, requeue=True)
            return
        except AuditDeleted:
            log.info("audit deleted while running; stopped", extra={"audit": audit_id})
            return
        except SaydoError as exc:
            self._finish(audit_id, status="failed", error=exc.message)
            return
        except Exception as exc:
            log.exception("audit crashed", extra={"audit": audit_id})
            self._finish(audit_id, status="failed", error=f"internal error: {type(exc).__name__}")
            return
        self._finish(audit_id, status="done", error=None, report=report, document_ids=doc_ids)
        log.info(
            "audit done",
            extra={"audit": audit_id, "documents": len(doc_ids), "seconds": _since(started)},
        )

    def _claim(self, audit_id: str) -> bool:
        with session_scope(self.engine) as session:
            result = session.execute(
                update(Audit)
                .where(col(Audit.id) == audit_id, col(Audit.status) == "queued")
                .values(
                    status="running",
                    attempts=Audit.attempts + 1,
                    started_at=utcnow(),
                    worker=self.name,
                    done=0,
                    total=0,
                    error=None,
                )
            )
            session.commit()
            return bool(getattr(result, "rowcount", 0) == 1)

    def _run(self, audit_id: str) -> tuple[dict[str, Any], list[str]]:
        with session_scope(self.engine) as session:
            audit = session.get(Audit, audit_id)
            framework = session.get(Framework, audit.framework_id) if audit else None
            if audit is None or framework is None:
                raise AuditDeleted
            rows = _documents(session, audit)
            params, fw_id, fw_parsed = dict(audit.params), framework.id, framework.parsed
        self._progress_callback(audit_id)(0, len(rows))
        auditor = self.runtime.auditor(fw_id, fw_parsed)
        report = auditor.audit(
            [_nlp_document(r) for r in rows],
            period_from=params.get("from"),
            period_to=params.get("to"),
            progress=self._progress_callback(audit_id),
        )
        return jsonable(report), [r.id for r in rows]

    def _progress_callback(self, audit_id: str) -> Any:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if self._stopping.is_set():
                raise AuditInterrupted
            now = time.monotonic()
            if done >= total or now - last >= PROGRESS_EVERY_SECONDS:
                last = now
                self._progress(audit_id, done, total)

        return progress

    def _progress(self, audit_id: str, done: int, total: int) -> None:
        with session_scope(self.engine) as session:
            result = session.execute(
                update(Audit).where(col(Audit.id) == audit_id).values(done=done, total=total)
            )
            session.commit()
        if getattr(result, "rowcount", 1) == 0:
            raise AuditDeleted

    def _finish(
        self,
        audit_id: str,
        *,
        status: str,
        error: str | None,
        report: dict[str, Any] | None = None,
        document_ids: list[str] | None = None,
        requeue: bool = False,
    ) -> None:
        values: dict[str, Any] = {"status": status, "error": error}
        if requeue:
            # Shutting down is not the audit's fault: the attempt does not count.
            values.update(attempts=Audit.attempts - 1, done=0)
        else:
            values.update(finished_at=utcnow(), report=report, document_ids=document_ids)
            if status == "done":
                values["done"] = Audit.total
        with session_scope(self.engine) as session:
            session.execute(update(Audit).where(col(Audit.id) == audit_id).values(**values))
            session.commit()


def _documents(session: Session, audit: Audit) -> list[Document]:
    """The organization's documents the audit's filters select (dates compare as ISO text)."""
    params = audit.params
    query = select(Document).where(Document.org_id == audit.org_id)
    if params.get("kinds"):
        query = query.where(col(Document.kind).in_(params["kinds"]))
    if params.get("teams"):
        query = query.where(col(Document.team).in_(params["teams"]))
    if params.get("from"):
        query = query.where(col(Document.date) >= params["from"])
    if params.get("to"):
        query = query.where(col(Document.date) <= params["to"])
    return list(session.exec(query.order_by(col(Document.external_id))).all())


def _nlp_document(row: Document) -> NlpDocument:
    return NlpDocument(
        id=row.external_id,
        text=row.text,
        kind=row.kind,
        team=row.team,
        date=row.date,
        title=row.title,
        author=row.author,
        sha256=row.sha256,
        kind_inferred=row.kind_inferred,
    )


def jsonable(obj: Any) -> Any:
    """Plain JSON values: numpy scalars unwrapped, tuples listed, NaN/inf as null (JSONB refuses)."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)
