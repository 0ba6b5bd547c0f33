"""FastAPI dependencies, exposed as ``Annotated`` aliases so routes stay one-liners."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from service.audits import AuditWorker
from service.auth import org_for_key
from service.errors import Unauthorized, Unavailable
from service.memos import LoadShedder
from service.models import Organization
from service.runtime import Runtime
from service.settings import Settings


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def db_session(request: Request) -> Iterator[Session]:
    # expire_on_commit=False: routes return rows after committing them.
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def app_runtime(request: Request) -> Runtime:
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise Unavailable("models are not loaded yet; retry shortly", code="not_ready")
    return runtime


def app_worker(request: Request) -> AuditWorker:
    worker: AuditWorker | None = getattr(request.app.state, "worker", None)
    if worker is None:
        raise Unavailable("the audit worker is not running yet; retry shortly", code="not_ready")
    return worker


def app_shedder(request: Request) -> LoadShedder:
    shedder: LoadShedder = request.app.state.shedder
    return shedder


SettingsDep = Annotated[Settings, Depends(app_settings)]
SessionDep = Annotated[Session, Depends(db_session)]
RuntimeDep = Annotated[Runtime, Depends(app_runtime)]
WorkerDep = Annotated[AuditWorker, Depends(app_worker)]
ShedderDep = Annotated[LoadShedder, Depends(app_shedder)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An organization's API key: `Authorization: Bearer sdk_...` "
    "(create one with `saydo keys create --org NAME`).",
)


def current_org(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Organization:
    """The organization whose key signed the request; 401 for a missing, unknown or revoked key."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or not credentials.credentials:
        raise Unauthorized(
            "missing API key; send `Authorization: Bearer <key>`",
            code="missing_api_key",
            headers=challenge,
        )
    org = org_for_key(session=session, key=credentials.credentials)
    if org is None:
        raise Unauthorized("unknown or revoked API key", code="invalid_api_key", headers=challenge)
    request.state.org_id = org.id  # picked up by the access log
    return org


OrgDep = Annotated[Organization, Depends(current_org)]
