"""Refuse text no database can store before any route sees it.

PostgreSQL text cannot hold NUL (U+0000), and an unpaired surrogate (what a JSON escape like
`"\\ud800"` decodes to) cannot be encoded as UTF-8 at all. Such text in a path names no object
(404); in a query parameter or a JSON body field it is invalid (422 naming the parameter).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from podium.body_limit import BufferedBody
from podium.errors import Invalid, NotFound, PodiumError, error_response, loc_to_param

UNSTORABLE = "must not contain NUL characters or unpaired surrogates"

# Bytes that may decode to unstorable text: a percent-escaped NUL or non-ASCII byte in a query;
# a \u0000 or surrogate escape in JSON (every other way to write them is not valid JSON text).
# Requests without them are passed on after this scan alone.
_SUSPECT_QUERY = re.compile(rb"%(?:00|[89a-fA-F])|[\x00\x80-\xff]")
_SUSPECT_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def storable(value: str) -> bool:
    """Whether both databases can store and compare `value`: no NUL, encodable as UTF-8."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    # a name that is itself unstorable is named with JSON escapes, so the error body can be sent
    return name if storable(name) else json.dumps(name)[1:-1]


def unstorable_query_param(query: bytes) -> str | None:
    """The first query parameter whose name or value is unstorable text, or None.

    Bytes that are not UTF-8 count as unpaired surrogates (Python decodes them to those), so a
    percent-escaped surrogate is refused like its JSON escape instead of turning into U+FFFD.
    """
    if not _SUSPECT_QUERY.search(query):
        return None
    pairs = parse_qsl(
        query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="surrogateescape"
    )
    for name, value in pairs:
        if not (storable(name) and storable(value)):
            return _shown(name)
    return None


def unstorable_body_field(body: bytes) -> str | None:
    """The first field of a JSON body holding unstorable text (`batch[3].body`), or None.

    A body that is not JSON is the app's to refuse (400), so it is None here too.
    """
    if not _SUSPECT_JSON.search(body):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    # depth first in document order, without recursion: nesting is bounded only by the body size
    stack: list[tuple[tuple[Any, ...], Any]] = [((), document)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            if not storable(value):
                return loc_to_param(("body", *loc))
        elif isinstance(value, dict):
            for key in value:
                if not storable(key):
                    return loc_to_param(("body", *loc, _shown(key)))
            stack.extend(((*loc, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
    return None


def _is_json(scope: Scope) -> bool:
    # the bodies FastAPI parses as JSON: application/json and application/*+json
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or (
                media.startswith(b"application/") and media.endswith(b"+json")
            )
    return False


class StorableTextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if not storable(scope["path"]):
            error = NotFound("no such object: no id contains NUL characters or unpaired surrogates")
            await self._refuse(error, scope, receive, send)
            return
        param = unstorable_query_param(scope.get("query_string", b""))
        if param is not None:
            await self._refuse(Invalid.param(param, UNSTORABLE), scope, receive, send)
            return
        if _is_json(scope):
            buffered = BufferedBody(receive)
            await buffered.read()  # the body limit outside has bounded it
            param = unstorable_body_field(buffered.body)
            if param is not None:
                await self._refuse(Invalid.param(param, UNSTORABLE), scope, receive, send)
                return
            receive = buffered.receive
        await self.app(scope, receive, send)

    async def _refuse(self, error: PodiumError, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            error.status_code, error.message, error.errors, scope.get("state", {}).get("request_id")
        )
        await response(scope, receive, send)
