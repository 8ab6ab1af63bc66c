"""What the sync and async clients share: configuration from the environment, URLs, query
parameters, request bodies and parsing answers into models."""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import pydantic

from podium import __version__
from podium.client.errors import MissingTokenError, ParamError, UnexpectedResponseError
from podium.client.errors import ValidationError as ApiValidationError
from podium.client.limiter import (
    SYSTEM_CLOCK,
    Clock,
    RateLimit,
    RateLimiter,
    parse_rate_limits,
    shared_limiter,
)
from podium.client.models import ApiModel, Page, format_timestamp, to_utc

DEFAULT_BASE_URL = "https://app.maestroqa.com"
TOKEN_ENV = ("PODIUM_API_TOKEN", "MAESTROQA_API_TOKEN")
BASE_URL_ENV = ("PODIUM_BASE_URL", "MAESTROQA_BASE_URL")
V1 = "/api/v1"
EXT = "/api/podium/v1"
USER_AGENT = f"podium-client/{__version__} httpx/{httpx.__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

M = TypeVar("M", bound=pydantic.BaseModel)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})


def resolve_token(token: str | None) -> str:
    """The token given, else `PODIUM_API_TOKEN`, else `MAESTROQA_API_TOKEN`."""
    if token:
        return token
    for name in TOKEN_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    raise MissingTokenError(
        "no API token: pass token=... or set PODIUM_API_TOKEN or MAESTROQA_API_TOKEN"
    )


def resolve_base_url(base_url: str | None) -> str:
    """The base URL given, else `PODIUM_BASE_URL` / `MAESTROQA_BASE_URL`, else MaestroQA's.
    A trailing `/api/v1` (a common slip) is dropped: paths are added by the client."""
    url = base_url
    if not url:
        url = next((os.environ[n] for n in BASE_URL_ENV if os.environ.get(n, "").strip()), None)
    url = (url or DEFAULT_BASE_URL).strip().rstrip("/")
    for suffix in (V1, EXT):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, not {url!r}")
    return url


def resolve_limiter(
    rate_limits: str | Iterable[RateLimit] | RateLimiter | None, token: str, clock: Clock
) -> RateLimiter | None:
    if isinstance(rate_limits, RateLimiter):
        return rate_limits
    limits = parse_rate_limits(
        rate_limits if isinstance(rate_limits, str) or rate_limits is None else list(rate_limits)
    )
    if not limits:
        return None
    if clock is not SYSTEM_CLOCK:
        return RateLimiter(limits, clock=clock)
    return shared_limiter(token, limits)


def make_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout, connect=min(timeout, 10.0))


def seg(value: str) -> str:
    """One path segment: ids may hold any character."""
    return quote(str(value), safe="")


DATES = ("startDate", "endDate")


def query(**params: Any) -> dict[str, str]:
    """Query parameters: None left out, dates as ISO UTC, booleans as true/false."""
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, datetime | date) or (isinstance(value, str) and name in DATES):
            out[name] = format_timestamp(to_utc(value))
        else:
            out[name] = str(value)
    return out


def local_errors(
    exc: pydantic.ValidationError, model: type[pydantic.BaseModel] | None = None
) -> list[ParamError]:
    """Pydantic's errors as the API names parameters: wire names, `batch[3].body`."""
    found = []
    for err in exc.errors():
        loc = ""
        parts = list(err["loc"])
        if model is not None and parts and isinstance(parts[0], str):
            info = model.model_fields.get(parts[0])
            if info is not None and info.alias:
                parts[0] = info.alias
        for part in parts:
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        found.append(ParamError(loc or "body", str(err["msg"]).removeprefix("Value error, ")))
    return found


def build(model: type[M], data: Any = None, fields: Mapping[str, Any] | None = None) -> M:
    """A request model from a model, a mapping and/or keyword fields; invalid values raise the
    client's `ValidationError` (status None) naming each field, before anything is sent."""
    if isinstance(data, model) and not fields:
        return data
    merged: dict[str, Any] = {}
    if isinstance(data, ApiModel):
        merged.update(data.model_dump(exclude_unset=True))  # extra fields included
    elif isinstance(data, Mapping):
        merged.update(data)
    elif data is not None:
        raise TypeError(f"expected a {model.__name__} or a mapping, not {type(data).__name__}")
    merged.update(fields or {})
    try:
        return model.model_validate(merged)
    except pydantic.ValidationError as exc:
        errors = local_errors(exc, model)
        raise ApiValidationError(
            "invalid request: " + "; ".join(str(e) for e in errors), status=None, errors=errors
        ) from None


def body(model: type[ApiModel], data: Any = None, fields: Mapping[str, Any] | None = None) -> Any:
    return build(model, data, fields).payload()


def parse(model: type[M], response: httpx.Response) -> M:
    """The answer's JSON as `model`."""
    try:
        data = response.json()
    except ValueError:
        raise UnexpectedResponseError(
            f"{response.request.method} {response.request.url.path} answered "
            f"{response.status_code} with a body that is not JSON",
            status=response.status_code,
            body=response.text[:500],
        ) from None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise UnexpectedResponseError(
            f"{response.request.method} {response.request.url.path}: unexpected answer "
            f"({'; '.join(str(e) for e in local_errors(exc))})",
            status=response.status_code,
            body=response.text[:500],
        ) from None


def parse_page(model: type[M], response: httpx.Response) -> Page[M]:
    return parse(Page[model], response)  # type: ignore[valid-type]


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def new_rng(seed: int | None = None) -> random.Random:
    return random.Random(seed)
