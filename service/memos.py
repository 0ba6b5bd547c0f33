"""/score-memo: one draft's findings, a 0..1 score and suggestions, with load shedding.

One 2-core process scores about two naive memos a second. Past that, queueing only turns every
answer slow, so requests beyond ``score_memo_concurrency`` get a fast 503 with Retry-After.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import Field, field_validator
from sqlmodel import Session

from nlp.ingest import make_document
from service import audits, documents, frameworks
from service.documents import DocumentMeta, check_external_id
from service.errors import PayloadTooLarge, Unavailable, Unprocessable
from service.models import Organization
from service.runtime import Runtime


class MemoIn(DocumentMeta):
    """A draft to score against a stored framework; stored only when ``store`` is true."""

    framework_id: str = Field(min_length=1, max_length=40)
    text: str
    store: bool = False
    external_id: str | None = Field(default=None, max_length=300)

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        return check_external_id(value) if value is not None else None


class LoadShedder:
    """A bounded slot count: ``slot()`` waits briefly, then refuses with 503 + Retry-After."""

    def __init__(self, *, capacity: int, wait_seconds: float, retry_after: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, capacity))
        self.wait_seconds = wait_seconds
        self.retry_after = retry_after

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise Unavailable(
                "the scorer is at capacity; retry shortly",
                code="overloaded",
                headers={"Retry-After": str(self.retry_after)},
            )
        try:
            yield
        finally:
            self._slots.release()


def score(
    *,
    session: Session,
    org: Organization,
    memo: MemoIn,
    runtime: Runtime,
    shedder: LoadShedder,
    max_chars: int,
) -> dict[str, Any]:
    """The memo's per-document findings + ``score`` + ``suggestions`` (+ ``stored`` if asked)."""
    if not memo.text.strip():
        raise Unprocessable("the memo text is empty", code="empty_document")
    if len(memo.text) > max_chars:
        raise PayloadTooLarge(
            f"the memo is {len(memo.text):,} characters; the limit is {max_chars:,}",
            code="too_large",
            details={"max_chars": max_chars},
        )
    framework = frameworks.get(session=session, org=org, framework_id=memo.framework_id)
    doc_id = memo.external_id or "draft"
    with shedder.slot():
        auditor = runtime.auditor(framework.id, framework.parsed)
        result = audits.jsonable(
            auditor.score_memo(
                memo.text,
                doc_id=doc_id,
                kind=memo.kind or "memo",
                team=memo.team,
                date=memo.date,
                title=memo.title,
            )
        )
    if memo.store:
        result["stored"] = _store(session=session, org=org, memo=memo, doc_id=doc_id)
    return dict(result)


def _store(*, session: Session, org: Organization, memo: MemoIn, doc_id: str) -> dict[str, Any]:
    meta = {
        "kind": memo.kind or "memo",
        "team": memo.team,
        "date": memo.date,
        "title": memo.title,
        "author": memo.author,
    }
    document = make_document(doc_id, memo.text, meta)
    return documents.store(session=session, org=org, document=document)
