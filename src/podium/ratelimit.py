"""Per-token rate limits: plain ASGI middleware on the `limits` library (moving window).

Requests are keyed by an HMAC of the presented token (or by client address when there is none),
so limits apply before authentication, an unknown token is limited like a known one, and no token
appears in the store. In memory by default (per process); shared by every process through Redis
when PODIUM_REDIS_URL is set.

Rate-limit windows are the one measure of time that does not come from `podium.clock`: `limits`
timestamps its entries with the system clock (and Redis with its own), so freezing or advancing
`podium.clock` does not move them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.auth.tokens import hash_token
from podium.errors import error_response

log = logging.getLogger("podium.ratelimit")

DISABLED = {"", "off", "none", "disabled", "0"}
KEY_PREFIX = "podium-rl"


def parse_limits(spec: str) -> list[RateLimitItem]:
    """`10/second;100/minute` -> limit items, shortest window first; `off` -> none.

    Raises ValueError when the text is not a list of limits.
    """
    if spec.strip().lower() in DISABLED:
        return []
    try:
        items = list(parse_many(spec.replace(",", ";")))
    except Exception as exc:  # limits raises its own ValueError subclass; keep one type
        raise ValueError(
            f"invalid rate limits {spec!r}: expected e.g. '10/second;100/minute' or 'off'"
        ) from exc
    if not items or any(item.amount < 1 for item in items):
        raise ValueError(f"invalid rate limits {spec!r}: each limit allows at least 1 request")
    # hit the shortest window first: a burst refused by the per-second limit then does not use
    # up the per-minute budget
    return sorted(items, key=lambda item: item.get_expiry())


def make_storage(redis_url: str | None) -> Storage:
    if not redis_url:
        return MemoryStorage()
    url = redis_url
    for scheme in ("redis://", "rediss://", "redis+unix://"):
        if url.startswith(scheme):
            url = "async+" + url
            break
    storage = storage_from_string(url, implementation="redispy", key_prefix=KEY_PREFIX)
    assert isinstance(storage, Storage)
    return storage


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]
    limit: RateLimitItem


def describe(item: RateLimitItem) -> str:
    """`10 per second`, `2 per 5 seconds`, as a person reads it."""
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return f"{item.amount} per {unit}"
    return f"{item.amount} per {item.multiples} {unit}s"


class RateLimitMiddleware:
    """429 with Retry-After past a limit; X-RateLimit-* headers on every limited response.

    `X-RateLimit-Limit` and `-Remaining` describe the limit with the fewest requests left;
    `X-RateLimit-Reset` is when a request of that window is freed, in seconds since the epoch.
    If the store cannot be reached (Redis down), requests are let through and a warning is
    logged: rate limiting protects the service, it should not take it down.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: list[RateLimitItem],
        storage: Storage,
        secret: bytes,
        prefixes: tuple[str, ...] = ("/api/",),
        on_reject: Callable[[Scope], None] | None = None,
    ) -> None:
        self.app = app
        self.limits = limits
        self.limiter = MovingWindowRateLimiter(storage)
        self.secret = secret
        self.prefixes = prefixes
        self.on_reject = on_reject

    def key(self, scope: Scope) -> str:
        token = Headers(scope=scope).get("apitoken")
        if token:
            return "t:" + hash_token(token, self.secret)[:32]
        client = scope.get("client") or ("unknown", 0)
        return f"ip:{client[0]}"

    async def decide(self, key: str) -> Decision:
        blocked: RateLimitItem | None = None
        for item in self.limits:
            if not await self.limiter.hit(item, key):
                blocked = item
                break
        now = time.time()
        stats = [(item, await self.limiter.get_window_stats(item, key)) for item in self.limits]
        if blocked is None:
            # fewest left wins; on a tie the longer window says more
            item, window = min(stats, key=lambda s: (s[1].remaining, -s[0].get_expiry()))
            return Decision(
                True,
                {
                    "X-RateLimit-Limit": str(item.amount),
                    "X-RateLimit-Remaining": str(max(window.remaining, 0)),
                    "X-RateLimit-Reset": str(math.ceil(window.reset_time)),
                },
                item,
            )
        # a retry must wait until every exhausted window has room again
        exhausted = [(item, window) for item, window in stats if window.remaining <= 0]
        if not exhausted:  # freed between the hit and the look (another process, or time)
            exhausted = [(blocked, dict(stats)[blocked])]
        item, window = max(exhausted, key=lambda s: s[1].reset_time)
        retry_after = max(1, math.ceil(window.reset_time - now))
        return Decision(
            False,
            {
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": str(item.amount),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(math.ceil(now + retry_after)),
            },
            item,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.limits
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        try:
            decision = await self.decide(self.key(scope))
        except Exception as exc:
            log.warning("rate limit store unavailable, request let through: %r", exc)
            await self.app(scope, receive, send)
            return

        if not decision.allowed:
            if self.on_reject is not None:
                self.on_reject(scope)
            retry_after = decision.headers["Retry-After"]
            response = error_response(
                429,
                f"rate limit exceeded: {describe(decision.limit)} per token; "
                f"retry after {retry_after} s",
                None,
                scope.get("state", {}).get("request_id"),
                decision.headers,
            )
            await response(scope, receive, send)
            return

        extra = [(k.lower().encode(), v.encode()) for k, v in decision.headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
