"""/v1/frameworks: create from YAML or JSON, read back, list, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from service import examples, frameworks
from service.deps import OrgDep, RuntimeDep, SessionDep
from service.schemas import FrameworkList, FrameworkPublic, FrameworkSummary

router = APIRouter(prefix="/v1/frameworks", tags=["frameworks"])


async def framework_source(request: Request) -> tuple[bytes, str | None]:
    """The raw body and the format its Content-Type names (checked before reading the body)."""
    fmt = frameworks.format_for(request.headers.get("content-type"))
    return await request.body(), fmt


SourceDep = Annotated[tuple[bytes, str | None], Depends(framework_source)]

CREATE_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/yaml": {
            "schema": {"type": "string"},
            "examples": {
                "yaml": {"summary": "A framework in YAML", "value": examples.FRAMEWORK_YAML}
            },
        },
        "application/json": {
            "schema": {"type": "object"},
            "examples": {"json": {"summary": "The same in JSON", "value": examples.FRAMEWORK_JSON}},
        },
    },
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=FrameworkSummary,
    summary="Create a framework from YAML or JSON (contract §1)",
    description="A framework that breaks the contract is refused whole with 422; "
    "`error.details` lists every offending field as `{path, message}`.",
    openapi_extra={"requestBody": CREATE_BODY},
    responses={
        201: {"content": {"application/json": {"example": examples.FRAMEWORK_CREATED}}},
        **examples.responses(400, 401, 413, 415, 422),
    },
)
async def create_framework(org: OrgDep, session: SessionDep, source: SourceDep) -> dict[str, Any]:
    body, fmt = source
    row = await run_in_threadpool(frameworks.create, session=session, org=org, source=body, fmt=fmt)
    return frameworks.public(row, with_source=False)


@router.get(
    "",
    response_model=FrameworkList,
    summary="List the organization's frameworks (newest first)",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "frameworks": [examples.FRAMEWORK_CREATED],
                        "limit": 50,
                        "offset": 0,
                    }
                }
            }
        },
        **examples.responses(401, 422),
    },
)
def list_frameworks(
    org: OrgDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    rows = frameworks.list_(session=session, org=org, limit=limit, offset=offset)
    items = [frameworks.public(r, with_source=False) for r in rows]
    return {"frameworks": items, "limit": limit, "offset": offset}


@router.get(
    "/{framework_id}",
    response_model=FrameworkPublic,
    summary="The framework as stored: its parsed form and its source",
    responses={
        200: {"content": {"application/json": {"example": examples.FRAMEWORK_STORED}}},
        **examples.responses(401, 404, 422),
    },
)
def get_framework(framework_id: str, org: OrgDep, session: SessionDep) -> dict[str, Any]:
    return frameworks.public(frameworks.get(session=session, org=org, framework_id=framework_id))


@router.delete(
    "/{framework_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a framework (with `?cascade=true`, the audits that use it and their reports)",
    description="409 `framework_in_use` while audits use the framework, naming how many, "
    "unless `cascade=true`; running audits deleted that way stop. The framework's cached "
    "Auditor and vectors are dropped from memory.",
    responses={
        204: {"description": "Deleted"},
        **examples.responses(401, 404, 422),
        409: examples.FRAMEWORK_IN_USE,
    },
)
def delete_framework(
    framework_id: str,
    org: OrgDep,
    session: SessionDep,
    runtime: RuntimeDep,
    cascade: Annotated[bool, Query(description="also delete the audits that use it")] = False,
) -> Response:
    frameworks.delete(
        session=session,
        org=org,
        framework_id=framework_id,
        cascade=cascade,
        forget=runtime.forget_framework,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
