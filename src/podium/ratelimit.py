"""Per-token rate limits: plain ASGI middleware on the `limits` library (moving window).

Requests are keyed by an HMAC of the presented token (or by client address when there is none),
so limits apply before authentication and no token appears in the store. In memory by default;
shared by every process through Redis when PODIUM_REDIS_URL is set.
"""

from __future__ import annotations

import math
import time
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.auth.tokens import hash_token
from podium.errors import error_response

DISABLED = {"", "off", "none", "disabled", "0"}


def parse_limits(spec: str) -> list[RateLimitItem]:
    """`10/second;100/minute` -> limit items; `off` -> none. Raises ValueError when malformed."""
    if spec.strip().lower() in DISABLED:
        return []
    return list(parse_many(spec.replace(",", ";")))


def make_storage(redis_url: str | None) -> Storage:
    if not redis_url:
        return MemoryStorage()
    url = redis_url
    for scheme in ("redis://", "rediss://", "redis+unix://"):
        if url.startswith(scheme):
            url = "async+" + url
            break
    return storage_from_string(url, implementation="redispy", key_prefix="podium-rl")


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: list[RateLimitItem],
        storage: Storage,
        secret: bytes,
        prefixes: tuple[str, ...] = ("/api/",),
        on_reject: Any = None,
    ) -> None:
        self.app = app
        self.limits = limits
        self.limiter = MovingWindowRateLimiter(storage)
        self.secret = secret
        self.prefixes = prefixes
        self.on_reject = on_reject

    def _key(self, scope: Scope) -> str:
        headers = Headers(scope=scope)
        token = headers.get("apitoken")
        if token:
            return "t:" + hash_token(token, self.secret)[:32]
        client = scope.get("client") or ("unknown", 0)
        return f"ip:{client[0]}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.limits
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        key = self._key(scope)
        allowed = True
        for item in self.limits:
            if not await self.limiter.hit(item, key):
                allowed = False
                break
        # report the tightest limit: the one with the fewest requests left
        tightest: tuple[int, float, RateLimitItem] | None = None
        for item in self.limits:
            stats = await self.limiter.get_window_stats(item, key)
            if tightest is None or stats.remaining < tightest[0]:
                tightest = (stats.remaining, stats.reset_time, item)
        assert tightest is not None
        remaining, reset_time, item = tightest
        rl_headers = {
            "X-RateLimit-Limit": str(item.amount),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": str(math.ceil(reset_time)),
        }
        if not allowed:
            retry_after = max(1, math.ceil(reset_time - time.time()))
            rl_headers["Retry-After"] = str(retry_after)
            if self.on_reject is not None:
                self.on_reject(scope)
            state = scope.get("state", {})
            response = error_response(
                429,
                f"rate limit exceeded ({item.amount} per {item.get_expiry()} seconds); "
                f"retry after {retry_after} s",
                None,
                state.get("request_id"),
                rl_headers,
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend((k.lower().encode(), v.encode()) for k, v in rl_headers.items())
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
