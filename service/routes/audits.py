"""/v1/audits: queue an audit, watch its progress, fetch its report as JSON, HTML or Markdown,
delete it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, status
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from nlp.render import render_html, render_markdown
from service import audits, examples
from service.audits import AuditIn
from service.deps import OrgDep, SessionDep, WorkerDep
from service.schemas import AuditCreated, AuditList, AuditPublic

router = APIRouter(prefix="/v1/audits", tags=["audits"])

ReportFormat = Literal["json", "html", "markdown"]
MEDIA_TYPES: dict[str, ReportFormat] = {
    "application/json": "json",
    "text/html": "html",
    "text/markdown": "markdown",
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=AuditCreated,
    summary="Queue an audit of the organization's documents; it runs in the background",
    responses={
        202: {"content": {"application/json": {"example": examples.AUDIT_CREATED}}},
        **examples.responses(400, 401, 404, 422),
    },
)
def create_audit(
    org: OrgDep,
    session: SessionDep,
    worker: WorkerDep,
    audit_in: Annotated[
        AuditIn,
        Body(
            openapi_examples={
                "quarter": {"summary": "One quarter", "value": examples.AUDIT_REQUEST}
            }
        ),
    ],
) -> dict[str, Any]:
    row = audits.create(session=session, org=org, audit_in=audit_in)
    worker.submit(row.id)
    return {"id": row.id, "status": row.status}


@router.get(
    "",
    response_model=AuditList,
    summary="List the organization's audits (newest first)",
    responses={
        200: {"content": {"application/json": {"example": examples.AUDIT_LIST}}},
        **examples.responses(401, 422),
    },
)
def list_audits(
    org: OrgDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    rows = audits.list_(session=session, org=org, limit=limit, offset=offset)
    return {"audits": [audits.public(r) for r in rows], "limit": limit, "offset": offset}


@router.get(
    "/{audit_id}",
    response_model=AuditPublic,
    summary="Status and progress: queued, running (done/total), done, or failed with the reason",
    responses={
        200: {"content": {"application/json": {"example": examples.AUDIT_STATUS}}},
        **examples.responses(401, 404, 422),
    },
)
def get_audit(audit_id: str, org: OrgDep, session: SessionDep) -> dict[str, Any]:
    return audits.public(audits.get(session=session, org=org, audit_id=audit_id))


@router.get(
    "/{audit_id}/report",
    summary="The report (contract §4): JSON, or HTML with `Accept: text/html`",
    description="`Accept: text/markdown` (or `?format=markdown`) gives Markdown. "
    "409 while the audit is not done; 410 if a document it quotes was deleted since.",
    responses={
        200: {
            "description": "The report",
            "content": {
                "application/json": {"example": examples.REPORT},
                "text/html": {"example": "<!doctype html><html>...Northwind...</html>"},
                "text/markdown": {"example": "# Northwind: say/do audit\n..."},
            },
        },
        **examples.responses(401, 404, 409, 410, 422),
    },
)
def get_report(
    audit_id: str,
    org: OrgDep,
    session: SessionDep,
    accept: Annotated[str | None, Header()] = None,
    format: Annotated[ReportFormat | None, Query(description="overrides Accept")] = None,
) -> Response:
    report = audits.report(session=session, org=org, audit_id=audit_id)
    chosen = format or negotiate(accept)
    if chosen == "html":
        return HTMLResponse(render_html(report))
    if chosen == "markdown":
        return PlainTextResponse(render_markdown(report), media_type="text/markdown")
    return JSONResponse(report)


def negotiate(accept: str | None) -> ReportFormat:
    """The format the Accept header prefers (q-values honoured); JSON unless asked otherwise."""
    choices: list[tuple[float, int, ReportFormat]] = []
    for position, part in enumerate((accept or "").split(",")):
        media, _, params = part.strip().partition(";")
        fmt = MEDIA_TYPES.get(media.strip().lower())
        q = _quality(params)
        if fmt is not None and q > 0:
            # Highest q wins; on a tie the type listed first (browsers list text/html first).
            choices.append((-q, position, fmt))
    return min(choices)[2] if choices else "json"


def _quality(params: str) -> float:
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


@router.delete(
    "/{audit_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an audit and its report; a queued or running audit is cancelled",
    description="A running audit stops at its next progress step and writes nothing.",
    responses={204: {"description": "Deleted"}, **examples.responses(401, 404, 422)},
)
def delete_audit(audit_id: str, org: OrgDep, session: SessionDep) -> Response:
    audits.delete(session=session, org=org, audit_id=audit_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
