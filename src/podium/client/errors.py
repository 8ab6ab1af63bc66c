"""Exceptions raised by the client. Every one is a `PodiumClientError`.

An answer of the API with an error status raises an `APIError` subclass carrying `status`,
`message`, the per-parameter `errors` and the `request_id` when the server sent them:

| status | exception |
|---|---|
| 400, 422 | `ValidationError` (also before sending, `status` None, for an invalid request) |
| 401 | `AuthenticationError` |
| 403 | `PermissionDeniedError` |
| 404 | `NotFoundError` |
| 409 | `ConflictError` |
| 429 | `RateLimitError` (after the retries; `retry_after` in seconds when the server said) |
| 5xx | `ServerError` (after the retries, where retrying was safe) |
| other | `APIError` |

No answer at all (refused connection, timeout, dropped connection) raises `APIConnectionError`
(`APITimeoutError` for timeouts); `request_sent` tells whether the server may have seen it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "ConflictError",
    "ExportFailed",
    "ExportTimeout",
    "MissingTokenError",
    "NotFoundError",
    "ParamError",
    "PermissionDeniedError",
    "PodiumClientError",
    "RateLimitError",
    "ServerError",
    "UnexpectedResponseError",
    "ValidationError",
]


class PodiumClientError(Exception):
    """Base of every exception the client raises."""


class MissingTokenError(PodiumClientError, ValueError):
    """No API token was given and none is in the environment."""


@dataclass(frozen=True)
class ParamError:
    """One invalid parameter, as the server (or the client's own check) named it."""

    param: str
    message: str

    def __str__(self) -> str:
        return f"{self.param}: {self.message}"


class APIError(PodiumClientError):
    """The API answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        errors: list[ParamError] | None = None,
        request_id: str | None = None,
        body: Any = None,
        method: str | None = None,
        url: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or []
        self.request_id = request_id
        self.body = body
        self.method = method
        self.url = url

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method and self.url else ""
        status = f"{self.status} " if self.status is not None else ""
        return f"{status}{self.message}{where}"


class ValidationError(APIError):
    """422 or 400: invalid parameters (`errors` names each one), or a body that is not JSON.

    Also raised before anything is sent, with `status` None, when the request's own model
    refuses the values given."""


class AuthenticationError(APIError):
    """401: the token is missing, unknown, expired or deactivated."""


class PermissionDeniedError(APIError):
    """403: the object cannot be changed this way (a ticket synced from a helpdesk), or a
    presigned upload was refused."""


class NotFoundError(APIError):
    """404: no such object in the token's account."""


class ConflictError(APIError):
    """409: a value that must be unique is in use (the message names it)."""


class RateLimitError(APIError):
    """429, still, after the retries (or with a `Retry-After` longer than the policy waits)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx, after the retries where retrying was safe."""


class UnexpectedResponseError(PodiumClientError):
    """A success status whose body is not what the endpoint answers (not JSON, wrong shape)."""

    def __init__(self, message: str, *, status: int, body: str):
        super().__init__(message)
        self.status = status
        self.body = body


class APIConnectionError(PodiumClientError):
    """No answer: the connection failed, was dropped, or timed out (after the retries).

    `request_sent` is False when the request certainly never reached the server (the
    connection could not be made), so repeating it cannot duplicate anything."""

    def __init__(self, message: str, *, request_sent: bool, method: str, url: str):
        super().__init__(message)
        self.request_sent = request_sent
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The server did not answer within the timeout."""


class ExportFailed(PodiumClientError):
    """The export ended `errored`."""

    def __init__(self, export_id: str):
        super().__init__(f"export {export_id} ended with status errored")
        self.export_id = export_id


class ExportTimeout(PodiumClientError):
    """`wait(timeout=...)` ran out before the export was complete."""

    def __init__(self, export_id: str, status: str, waited: float):
        super().__init__(
            f"export {export_id} still {status} after {waited:.0f} s of waiting; "
            "wait on it again later, it goes on without you"
        )
        self.export_id = export_id
        self.status = status
        self.waited = waited


_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}

_XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)
_XML_CODE = re.compile(r"<Code>(.*?)</Code>", re.S)


def error_class(status: int) -> type[APIError]:
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, APIError)


def error_from_response(response: httpx.Response, *, retry_after: float | None = None) -> APIError:
    """The typed exception for an error answer: Podium's JSON error shape, FastAPI's
    `detail`, an S3 XML error (presigned uploads), or plain text."""
    status = response.status_code
    text = response.text
    body: Any = text
    message = ""
    errors: list[ParamError] = []
    request_id = response.headers.get("x-request-id")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = text
    if isinstance(body, dict):
        raw_message = body.get("message") or body.get("error") or body.get("detail")
        if isinstance(raw_message, str):
            message = raw_message
        elif raw_message is not None:
            message = json.dumps(raw_message)
        for item in body.get("errors") or []:
            if isinstance(item, dict) and "param" in item:
                errors.append(ParamError(str(item["param"]), str(item.get("message", ""))))
        request_id = body.get("requestId") or request_id
    elif isinstance(body, str) and body.lstrip().startswith("<"):
        found = _XML_MESSAGE.search(body)
        code = _XML_CODE.search(body)
        message = ": ".join(m.group(1).strip() for m in (code, found) if m)
    elif isinstance(body, str):
        message = body.strip()[:500]
    if not message:
        message = response.reason_phrase or f"HTTP {status}"
    cls = error_class(status)
    kwargs: dict[str, Any] = {
        "status": status,
        "errors": errors,
        "request_id": request_id,
        "body": body,
        "method": response.request.method,
        "url": str(response.request.url.copy_with(query=None)),
    }
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
