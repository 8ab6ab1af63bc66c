"""Domain errors and the one JSON error shape.

Every error Podium answers, from a missing token to a rate limit, has this body:

    {"status": 422, "error": "invalid_parameters",
     "message": "startDate: expected ISO 8601 UTC like 2017-12-13T05:00:00Z",
     "errors": [{"param": "startDate", "message": "expected ISO 8601 UTC like ..."}],
     "requestId": "..."}
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameters",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ParamError(BaseModel):
    param: str = Field(description="The parameter (body field, query or path parameter)")
    message: str = Field(description="Why it is wrong")


class ErrorBody(BaseModel):
    """The body of every error response."""

    status: int = Field(description="The HTTP status code", examples=[422])
    error: str = Field(description="A stable name for the status", examples=["invalid_parameters"])
    message: str = Field(
        description="What went wrong, for a person",
        examples=["startDate: expected ISO 8601 UTC like 2017-12-13T05:00:00Z"],
    )
    errors: list[ParamError] = Field(
        default=[], description="One entry per invalid parameter (4xx caused by input)"
    )
    requestId: str | None = Field(
        default=None, description="The request's id, also in the X-Request-ID response header"
    )


class PodiumError(Exception):
    """A domain error: services raise these, the app maps them to HTTP."""

    status_code = 500

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class BadRequest(PodiumError):
    status_code = 400


class Unauthorized(PodiumError):
    status_code = 401


class Forbidden(PodiumError):
    status_code = 403


class NotFound(PodiumError):
    status_code = 404


class Conflict(PodiumError):
    status_code = 409


class Invalid(PodiumError):
    """Invalid parameters (422). `errors` names each parameter and why."""

    status_code = 422

    @classmethod
    def param(cls, param: str, message: str) -> Invalid:
        return cls(f"{param}: {message}", [(param, message)])

    @classmethod
    def params(cls, errors: list[tuple[str, str]]) -> Invalid:
        return cls("; ".join(f"{p}: {m}" for p, m in errors), errors)


class PayloadTooLarge(PodiumError):
    status_code = 413


def error_response(
    status: int,
    message: str,
    errors: list[tuple[str, str]] | None = None,
    request_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "status": status,
        "error": STATUS_CODES.get(status, "error"),
        "message": message,
        "errors": [{"param": p, "message": m} for p, m in (errors or [])],
        "requestId": request_id,
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_id(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def loc_to_param(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if part.isdigit():
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "body"


def _pydantic_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "is required"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "must be a JSON object"
    msg = str(err.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    return msg[:1].lower() + msg[1:] if msg else "is invalid"


def validation_errors(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Turn pydantic errors into (param, reason) pairs, one per parameter."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for err in errors:
        param = loc_to_param(tuple(err.get("loc", ())))
        if param in seen:
            continue
        seen.add(param)
        out.append((param, _pydantic_message(err)))
    return out


def _unlabelled_body(request: Request, exc: RequestValidationError) -> str | None:
    """Why a body was not read as JSON (its Content-Type), or None when that is not the cause.

    FastAPI parses a body as JSON only when it is labelled `application/json`; any other body
    reaches validation as bytes and would fail with a puzzling "must be an object".
    """
    if not isinstance(exc.body, bytes | bytearray) or not exc.body:
        return None
    if not any(tuple(e.get("loc", ())) == ("body",) for e in exc.errors()):
        return None
    content_type = request.headers.get("content-type")
    if not content_type:
        return "the request has a body but no Content-Type: send Content-Type: application/json"
    return (
        f"the body is sent as {content_type.split(';')[0].strip()!r}: "
        "send JSON with Content-Type: application/json"
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PodiumError)
    async def _domain(request: Request, exc: PodiumError) -> JSONResponse:
        return error_response(exc.status_code, exc.message, exc.errors, _request_id(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in errs):
            where = next(
                (e.get("ctx", {}).get("error") for e in errs if e.get("type") == "json_invalid"),
                None,
            )
            return error_response(
                400,
                "request body is not valid JSON" + (f" ({where})" if where else ""),
                [("body", "not valid JSON")],
                _request_id(request),
            )
        unlabelled = _unlabelled_body(request, exc)
        if unlabelled is not None:
            return error_response(
                415, unlabelled, [("Content-Type", "must be application/json")],
                _request_id(request),
            )
        pairs = validation_errors(errs)
        if ("body", "is required") in pairs:
            pairs[pairs.index(("body", "is required"))] = (
                "body",
                "is required: send a JSON object with Content-Type: application/json",
            )
        return error_response(
            422, "; ".join(f"{p}: {m}" for p, m in pairs), pairs, _request_id(request)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        if isinstance(exc.detail, str) and exc.detail != _phrase(exc.status_code):
            message = exc.detail
        elif exc.status_code == 404:
            message = f"no such endpoint: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            allowed = (headers or {}).get("Allow") or (headers or {}).get("allow")
            message = f"method {request.method} not allowed on {request.url.path}" + (
                f" (allowed: {allowed})" if allowed else ""
            )
        else:
            message = STATUS_CODES.get(exc.status_code, "error").replace("_", " ")
        return error_response(exc.status_code, message, None, _request_id(request), headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("podium.errors").error(
            "unhandled error on %s %s", request.method, request.url.path, exc_info=exc
        )
        return error_response(500, "internal error", None, _request_id(request))


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": desc}
    for code, desc in (
        (400, "The body is not JSON"),
        (401, "Missing, unknown, expired or deactivated API token"),
        (404, "No such object in this account"),
        (409, "A value that must be unique is in use"),
        (413, "The body is too large"),
        (415, "The body is not sent as Content-Type: application/json"),
        (422, "Invalid parameters; the message names each one and why"),
        (429, "Rate limit exceeded; see Retry-After"),
    )
}
