"""Liveness and readiness probes (no API key: orchestrators call them)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service import db, examples
from service.errors import Unavailable
from service.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=Health,
    summary="Liveness: the process answers",
    responses={200: {"content": {"application/json": {"example": examples.HEALTH}}}},
)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Ready,
    summary="Readiness: models loaded, database reachable, audit worker running",
    responses={
        200: {"content": {"application/json": {"example": examples.READY}}},
        **examples.responses(503),
    },
)
def readyz(request: Request) -> dict[str, object]:
    state = request.app.state
    worker = getattr(state, "worker", None)
    checks = {
        "database": "ok" if db.ping(state.engine) else "unreachable",
        "models": "ok" if getattr(state, "runtime", None) is not None else "loading",
        "worker": "ok" if worker is not None and worker.alive() else "stopped",
    }
    if any(v != "ok" for v in checks.values()):
        raise Unavailable("not ready", code="not_ready", details=checks)
    return {"status": "ready", "checks": checks}
