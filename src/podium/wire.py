"""Shapes shared by every endpoint: dates in and out, pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer
from pydantic_core import PydanticCustomError
from starlette.responses import Response

DATE_HINT = "expected ISO 8601 UTC like 2017-12-13T05:00:00Z"
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE
)


def parse_utc(value: Any) -> datetime:
    """Parse an ISO 8601 date-time with `Z` or an offset (with or without a fraction)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise PydanticCustomError("datetime_format", DATE_HINT)
        return value.astimezone(UTC)
    text = value.strip() if isinstance(value, str) else ""
    shape = _ISO.match(text)
    if shape is None:
        raise PydanticCustomError("datetime_format", DATE_HINT)
    fraction = shape.group(2)
    if fraction and len(fraction) > 7:
        # Python's parser takes at most 6 fractional digits
        text = text.replace(fraction, fraction[:7], 1)
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise PydanticCustomError("datetime_format", DATE_HINT) from None
    if parsed.year < 1900:
        raise PydanticCustomError("datetime_format", DATE_HINT)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past the last representable moment
        raise PydanticCustomError("datetime_format", DATE_HINT) from None


def format_utc(value: datetime) -> str:
    """`2023-06-28T16:03:21.089Z`: UTC, milliseconds, Z (the year always has four digits)."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def format_naive_utc(value: datetime) -> str:
    """`format_utc` of a naive datetime that is already UTC (as the database stores times)."""
    return value.isoformat(timespec="milliseconds") + "Z"


UtcIn = Annotated[
    datetime,
    BeforeValidator(parse_utc),
    Field(json_schema_extra={"type": "string", "format": "date-time"}),
]
UtcOut = Annotated[
    datetime,
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    Field(json_schema_extra={"type": "string", "format": "date-time"}),
]


class Wire(BaseModel):
    """Request bodies: unknown fields are ignored, as real clients send extras."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results, as the reference's list endpoints return them."""

    startIndex: int
    totalResults: int
    itemsPerPage: int
    Resources: list[T]


def json_response(content: Any, status_code: int = 200) -> Response:
    """JSON built by the handler in its wire shape (dates already text), sent as it is.

    For the big reads: FastAPI would otherwise validate every item against the response model
    and encode it again, which costs more than reading the rows. The route keeps its
    `response_model`, so the OpenAPI spec still documents the shape.
    """
    return Response(orjson.dumps(content), status_code=status_code, media_type="application/json")
