"""The FastAPI application: ``create_app(settings)`` wires storage, models, worker and routes.

Start-up order (lifespan): migrate the schema, load the models, recover audits a dead process
left running, start the audit worker. Nothing heavy happens at import time.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from service import audits, db
from service.errors import install_error_handlers
from service.logs import configure_logging
from service.memos import LoadShedder
from service.middleware import BodyLimitMiddleware, RequestContextMiddleware
from service.routes import audits as audit_routes
from service.routes import documents as document_routes
from service.routes import frameworks as framework_routes
from service.routes import health as health_routes
from service.routes import memos as memo_routes
from service.runtime import Runtime
from service.settings import Settings, get_settings

log = logging.getLogger("saydo.app")

DESCRIPTION = """\
saydo audits what an organization *says* it values against what its documents show it *does*.

Every `/v1` call carries an organization's API key (`Authorization: Bearer <key>`); a key sees
only its organization's objects (another organization's id answers 404, like an unknown one).
Errors always have the shape `{"error": {"code", "message", "details"}}`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; models and the worker start in the lifespan, not here."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    app = FastAPI(
        title="saydo",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = db.make_engine(settings.database_url_resolved)
    app.state.shedder = LoadShedder(
        capacity=settings.score_memo_concurrency,
        wait_seconds=settings.score_memo_wait_seconds,
        retry_after=settings.score_memo_retry_after,
    )
    install_error_handlers(app)
    # Added innermost first: the request-id middleware wraps everything, so 413s get ids and logs.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(RequestContextMiddleware)
    for module in (health_routes, framework_routes, document_routes, audit_routes, memo_routes):
        app.include_router(module.router)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = app.state.engine
    await run_in_threadpool(db.run_migrations, engine)
    app.state.runtime = await run_in_threadpool(Runtime.load, settings)
    pending = await run_in_threadpool(
        audits.recover, engine=engine, max_attempts=settings.audit_max_attempts
    )
    worker = audits.AuditWorker(engine=engine, runtime=app.state.runtime)
    worker.start(pending)
    app.state.worker = worker
    log.info("saydo ready", extra={"database": engine.dialect.name, "resumed_audits": len(pending)})
    try:
        yield
    finally:
        await run_in_threadpool(worker.stop)
        app.state.worker = None
        engine.dispose()
