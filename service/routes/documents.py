"""/v1/documents: upload (multipart files or JSON), list, read, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from service import documents, examples
from service.deps import OrgDep, RuntimeDep, SessionDep, SettingsDep
from service.documents import FilePart
from service.errors import (
    ApiError,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
    error_response,
)
from service.runtime import ingest_limits
from service.schemas import DocumentDetail, DocumentList, UploadResult
from service.settings import Settings

router = APIRouter(prefix="/v1/documents", tags=["documents"])

FORM_FIELDS = ("files", "external_id", *documents.META_FIELDS)
MAX_FORM_FIELD_BYTES = 64 * 1024


@dataclass
class Upload:
    """A parsed upload request: either files with shared metadata, or JSON items."""

    files: list[FilePart] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    items: list[Any] | None = None


async def read_upload(request: Request, settings: SettingsDep) -> Upload:
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return await _read_multipart(request, settings)
    if media == "application/json":
        return Upload(items=_json_items(await request.body(), settings.max_files_per_request))
    raise UnsupportedMediaType(
        f"cannot read documents sent as {media or 'no content type'!r}; "
        "send multipart/form-data (field `files`) or application/json",
        details={"valid": ["multipart/form-data", "application/json"]},
    )


async def _read_multipart(request: Request, settings: Settings) -> Upload:
    try:
        form = await request.form(
            max_files=settings.max_files_per_request,
            max_fields=len(FORM_FIELDS) * 2,
            max_part_size=MAX_FORM_FIELD_BYTES,
        )
    except StarletteHTTPException as exc:
        detail = str(exc.detail)
        if "Too many files" in detail:
            raise PayloadTooLarge(detail, code="too_many_files") from exc
        raise ApiError(f"malformed multipart body: {detail}", code="malformed_multipart") from exc
    try:
        return await _upload_from_form(form, settings.max_file_bytes)
    finally:
        await form.close()


async def _upload_from_form(form: FormData, max_file_bytes: int) -> Upload:
    upload = Upload()
    problems = []
    for name, value in form.multi_items():
        if name not in FORM_FIELDS:
            problems.append(
                {"path": name, "message": f"unknown field; valid: {', '.join(FORM_FIELDS)}"}
            )
        elif isinstance(value, UploadFile) != (name == "files"):
            problems.append({"path": name, "message": "`files` takes files; the others take text"})
        elif isinstance(value, UploadFile):
            upload.files.append(await _file_part(value, max_file_bytes))
        else:
            upload.fields[name] = value
    if not upload.files and not problems:
        problems.append({"path": "files", "message": "no files; send one or more `files` parts"})
    if problems:
        raise Unprocessable("invalid multipart upload", code="invalid_upload", details=problems)
    return upload


async def _file_part(upload: UploadFile, max_file_bytes: int) -> FilePart:
    name = documents.printable((upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = name or "upload"
    size = upload.size if upload.size is not None else 0
    if size > max_file_bytes:
        return FilePart(filename=name, size=size, data=None)  # never read into memory
    data = await upload.read()
    return FilePart(filename=name, size=len(data), data=data)


def _json_items(body: bytes, max_items: int) -> list[Any]:
    try:
        payload = json.loads(body)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise ApiError(f"malformed JSON at {where}: {exc.msg}", code="malformed_json") from exc
    except UnicodeDecodeError as exc:
        raise ApiError(f"the JSON body is not UTF-8: {exc}", code="malformed_json") from exc
    if isinstance(payload, dict) and "documents" in payload:
        extra = sorted(set(payload) - {"documents"})
        if extra or not isinstance(payload["documents"], list):
            raise Unprocessable(
                'expected {"documents": [...]} and nothing else',
                details=[{"path": k, "message": "unknown field"} for k in extra],
            )
        items: list[Any] = payload["documents"]
    elif isinstance(payload, dict):
        items = [payload]
    else:
        raise Unprocessable('expected one document object or {"documents": [...]}')
    if not items:
        raise Unprocessable("no documents in the request", code="invalid_upload")
    if len(items) > max_items:
        raise PayloadTooLarge(
            f"{len(items)} documents in one request; the limit is {max_items}",
            code="too_many_files",
        )
    return items


UploadDep = Annotated[Upload, Depends(read_upload)]

UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "external_id": {"type": "string", "description": "only with a single file"},
                    **{k: {"type": "string"} for k in documents.META_FIELDS},
                },
                "required": ["files"],
            },
            "examples": {
                "files": {
                    "summary": "Two files sharing metadata",
                    "value": {"files": ["doc-017.md", "doc-018.pdf"], "team": "growth"},
                }
            },
        },
        "application/json": {
            "schema": {"type": "object"},
            "examples": {
                "one": {"summary": "One document", "value": examples.DOCUMENT_JSON},
                "many": {
                    "summary": "Several documents",
                    "value": {"documents": [examples.DOCUMENT_JSON]},
                },
            },
        },
    },
}


@router.post(
    "",
    response_model=UploadResult,
    response_model_exclude_unset=True,
    summary="Upload documents: multipart files or JSON",
    description="Each item is stored, unchanged (same text already stored) or rejected with a "
    "reason; one bad item never loses the others. When every item is rejected the response "
    "is a 413 or 422 error whose `details` holds the same per-item list.",
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses={
        200: {"content": {"application/json": {"example": examples.UPLOAD_RESULT}}},
        **examples.responses(400, 401, 413, 415, 422),
    },
)
def upload_documents(
    org: OrgDep,
    session: SessionDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
    upload: UploadDep,
) -> Any:
    limits = ingest_limits(settings)
    if upload.items is not None:
        results = documents.ingest_json(
            session=session,
            org=org,
            items=upload.items,
            limits=limits,
            forget_vectors=runtime.forget_vectors,
        )
    else:
        external_id = upload.fields.get("external_id")
        results = documents.ingest_files(
            session=session,
            org=org,
            files=upload.files,
            meta=documents.form_meta(upload.fields),
            external_id=documents.check_external_id(external_id) if external_id else None,
            limits=limits,
            forget_vectors=runtime.forget_vectors,
        )
    return _upload_response(documents.summary(results))


def _upload_response(summary: dict[str, Any]) -> Any:
    items = summary["documents"]
    if any(r["status"] != "rejected" for r in items):
        return summary
    codes = {r["error"]["status"] for r in items}
    code = codes.pop() if len(codes) == 1 else status.HTTP_422_UNPROCESSABLE_CONTENT
    reasons = "; ".join(f"{r['external_id']}: {r['error']['message']}" for r in items[:3])
    return error_response(
        code, "documents_rejected", f"every item was rejected ({reasons})", summary
    )


@router.get(
    "",
    response_model=DocumentList,
    summary="List the organization's documents (metadata only, newest first)",
    responses={
        200: {"content": {"application/json": {"example": examples.DOCUMENT_LIST}}},
        **examples.responses(401, 422),
    },
)
def list_documents(
    org: OrgDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    kind: str | None = None,
    team: str | None = None,
) -> dict[str, Any]:
    rows, total = documents.list_(
        session=session, org=org, limit=limit, offset=offset, kind=kind, team=team
    )
    items = [documents.public(r) for r in rows]
    return {"documents": items, "total": total, "limit": limit, "offset": offset}


@router.get(
    "/{document_id}",
    response_model=DocumentDetail,
    summary="One document with its extracted text (evidence offsets index this text)",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {**examples.DOCUMENT_PUBLIC, "text": examples.DOCUMENT_JSON["text"]}
                }
            }
        },
        **examples.responses(401, 404, 422),
    },
)
def get_document(document_id: str, org: OrgDep, session: SessionDep) -> dict[str, Any]:
    row = documents.get(session=session, org=org, document_id=document_id)
    return documents.public(row, with_text=True)


@router.delete(
    "/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a document, the reports quoting it and its cached vectors",
    responses={204: {"description": "Deleted"}, **examples.responses(401, 404, 422)},
)
def delete_document(
    document_id: str, org: OrgDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    documents.delete(
        session=session, org=org, document_id=document_id, forget_vectors=runtime.forget_vectors
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
