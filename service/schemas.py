"""Public response schemas (the ``XPublic`` side of each entity), each with an OpenAPI example."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from service import examples


def _example(example: dict[str, Any], *, extra: str = "ignore") -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]}, extra=extra)  # type: ignore[typeddict-item]


class Health(BaseModel):
    model_config = _example(examples.HEALTH)
    status: str


class Ready(BaseModel):
    model_config = _example(examples.READY)
    status: str
    checks: dict[str, str]


class FrameworkSummary(BaseModel):
    model_config = _example(examples.FRAMEWORK_CREATED)
    id: str
    organization: str
    created_at: str | None
    source_format: str
    values: int
    tenets: int


class FrameworkPublic(FrameworkSummary):
    model_config = _example(examples.FRAMEWORK_STORED)
    framework: dict[str, Any]
    source: str


class FrameworkList(BaseModel):
    model_config = _example({"frameworks": [examples.FRAMEWORK_CREATED], "limit": 50, "offset": 0})
    frameworks: list[FrameworkSummary]
    limit: int
    offset: int


class ItemError(BaseModel):
    code: str
    message: str
    status: int


class UploadItem(BaseModel):
    external_id: str | None
    id: str | None
    status: str
    kind: str | None = None
    filename: str | None = None
    replaced: bool | None = None
    error: ItemError | None = None


class UploadResult(BaseModel):
    model_config = _example(examples.UPLOAD_RESULT)
    documents: list[UploadItem]
    stored: int
    unchanged: int
    rejected: int


class DocumentPublic(BaseModel):
    model_config = _example(examples.DOCUMENT_PUBLIC)
    id: str
    external_id: str
    kind: str
    kind_inferred: bool
    team: str | None
    date: str | None
    title: str | None
    author: str | None
    filename: str | None
    sha256: str
    chars: int
    created_at: str | None
    updated_at: str | None


class DocumentDetail(DocumentPublic):
    model_config = _example({**examples.DOCUMENT_PUBLIC, "text": examples.DOCUMENT_JSON["text"]})
    text: str


class DocumentList(BaseModel):
    model_config = _example(examples.DOCUMENT_LIST)
    documents: list[DocumentPublic]
    total: int
    limit: int
    offset: int


class AuditCreated(BaseModel):
    model_config = _example(examples.AUDIT_CREATED)
    id: str
    status: str


class AuditPublic(BaseModel):
    model_config = _example(examples.AUDIT_STATUS)
    id: str
    status: str
    framework_id: str
    params: dict[str, Any]
    done: int
    total: int
    attempts: int
    error: str | None
    report_available: bool
    created_at: str | None
    started_at: str | None
    finished_at: str | None


class AuditList(BaseModel):
    model_config = _example(examples.AUDIT_LIST)
    audits: list[AuditPublic]
    limit: int
    offset: int


class MemoScore(BaseModel):
    """The per-document findings shape (contract §4) plus ``score`` and ``suggestions``."""

    model_config = _example(examples.MEMO_RESULT, extra="allow")
    id: str
    score: float
    suggestions: list[str]
    tenets: list[dict[str, Any]]
    values: list[dict[str, Any]]
    tradeoffs: list[dict[str, Any]]
    themes: list[str]
