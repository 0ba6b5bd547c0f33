"""Concurrent writers: the same 300 documents from 8 threads give 0 duplicates and 0 errors."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from nlp.ingest import make_document
from service import db, documents
from service.auth import get_or_create_org
from service.models import Document

THREADS = 8
DOCS = 300


def _docs() -> list[dict[str, Any]]:
    return [
        {"external_id": f"doc-{i:03d}", "kind": "memo", "text": f"Memo {i}: reliability first."}
        for i in range(DOCS)
    ]


def _run_threads(target: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(n: int) -> None:
        try:
            barrier.wait()
            target(n)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _count(client: TestClient) -> tuple[int, int]:
    with db.session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = session.exec(select(func.count()).select_from(Document)).one()
        distinct = session.exec(select(func.count(func.distinct(Document.sha256)))).one()
    return int(rows), int(distinct)


def test_concurrency_store_from_eight_threads(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.session_scope(engine) as session:
        org = get_or_create_org(session=session, name="concurrent-org")
    docs = [make_document(d["external_id"], d["text"], {"kind": "memo"}) for d in _docs()]
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def upload(_n: int) -> None:
        # Every thread walks the same list in the same order: each insert races 7 others.
        with db.session_scope(engine) as session:
            for doc in docs:
                result = documents.store(session=session, org=org, document=doc)
                with lock:
                    statuses[result["status"]] += 1

    assert _run_threads(upload) == []
    assert statuses == {"stored": DOCS, "unchanged": DOCS * (THREADS - 1)}
    assert _count(client) == (DOCS, DOCS)


def test_concurrency_http_uploads_from_eight_threads(
    client: TestClient, alice: dict[str, str]
) -> None:
    batches = [_docs()[i : i + 50] for i in range(0, DOCS, 50)]
    statuses: Counter[str] = Counter()
    codes: Counter[int] = Counter()
    lock = threading.Lock()

    def upload(n: int) -> None:
        for batch in batches[n % len(batches) :] + batches[: n % len(batches)]:
            resp = client.post("/v1/documents", json={"documents": batch}, headers=alice)
            with lock:
                codes[resp.status_code] += 1
                if resp.status_code == 200:
                    statuses.update(d["status"] for d in resp.json()["documents"])

    assert _run_threads(upload) == []
    assert codes == {200: THREADS * len(batches)}
    assert statuses == {"stored": DOCS, "unchanged": DOCS * (THREADS - 1)}
    assert _count(client) == (DOCS, DOCS)
