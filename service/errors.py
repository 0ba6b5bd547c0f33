"""The one place where errors become HTTP responses.

Every error body has the same shape, ``{"error": {"code", "message", "details"}}``: domain errors
from ``nlp.errors``, the service's own ``ApiError``s, FastAPI validation errors (malformed JSON
included) and Starlette's HTTP errors. Anything else is a bug: logged with its traceback and
answered with a 500 that carries no internals.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nlp.errors import DocumentError, FrameworkError, ModelUnavailableError, SaydoError

log = logging.getLogger("saydo.errors")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}

# Per-file ingestion statuses (nlp.ingest) -> the HTTP status that best names each.
DOCUMENT_STATUS_HTTP = {"too_large": 413, "unsupported": 415, "empty": 422, "unreadable": 422}


class ApiError(Exception):
    """An error the service raises on purpose; ``code`` is stable, ``message`` is for people."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        code: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.headers = headers


class NotFound(ApiError):
    status_code, code = 404, "not_found"


class Unauthorized(ApiError):
    status_code, code = 401, "unauthorized"


class Conflict(ApiError):
    status_code, code = 409, "conflict"


class Gone(ApiError):
    status_code, code = 410, "gone"


class PayloadTooLarge(ApiError):
    status_code, code = 413, "payload_too_large"


class UnsupportedMediaType(ApiError):
    status_code, code = 415, "unsupported_media_type"


class Unprocessable(ApiError):
    status_code, code = 422, "invalid_request"


class Unavailable(ApiError):
    status_code, code = 503, "unavailable"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, details), status_code=status_code, headers=headers
    )


def domain_status(exc: SaydoError) -> int:
    """The HTTP status for an engine error."""
    if isinstance(exc, DocumentError):
        return DOCUMENT_STATUS_HTTP.get(exc.status, 422)
    if isinstance(exc, FrameworkError):
        return 422
    if isinstance(exc, ModelUnavailableError):
        return 503
    return 400


def item_error(status: str, message: str) -> dict[str, Any]:
    """The ``error`` of one rejected upload item: same code/message pair plus its HTTP status."""
    return {"code": status, "message": message, "status": DOCUMENT_STATUS_HTTP.get(status, 422)}


def validation_details(errors: Any) -> list[dict[str, str]]:
    """FastAPI's error list as ``[{path, message, type}]``, without echoing the input back."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {
                "path": ".".join(loc) or "$",
                "message": str(err.get("msg", "")),
                "type": err.get("type"),
            }
        )
    return out


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def _saydo_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SaydoError)
    return error_response(domain_status(exc), exc.code, exc.message, exc.details)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = validation_details(exc.errors())
    if any(d["type"] == "json_invalid" for d in details):
        return error_response(400, "malformed_json", "the request body is not valid JSON", details)
    return error_response(422, "invalid_request", "the request does not match the schema", details)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, None, dict(exc.headers or {}) or None)


async def _too_deep(_request: Request, _exc: Exception) -> JSONResponse:
    # Parsers recurse per nesting level; "[[[[..." a few MB long is bad input, not a server bug.
    return error_response(400, "too_deeply_nested", "the input is nested too deeply to parse")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={"request_id": getattr(request.state, "request_id", None)},
    )
    return error_response(
        500, "internal_error", "internal error; quote the X-Request-ID header when reporting it"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(SaydoError, _saydo_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RecursionError, _too_deep)
    app.add_exception_handler(Exception, _unexpected)
