"""The client-side rate limiter, and the clock the client reads time from.

MaestroQA allows each token 10 requests a second and 100 a minute; Podium does the same by
default. The limiter keeps a client under both, so a script never meets a 429 because of its own
pace: every request (each retry too) first takes a slot, and waits until taking it keeps every
limit.

It is a sliding log, not a token bucket: a new request gets the earliest time `t` at which,
for each limit of `count` requests per `period`, the `count`-th most recent slot is at least
`period + margin` before `t`. So no window of `period` seconds, wherever it starts, ever holds
more than `count` requests: the same rule as the server's moving window. `margin` (0.1 s by
default) absorbs the difference between when a request leaves and when the server counts it.

Slots are *reserved* under a lock, then waited for outside it, so one limiter is shared by every
thread of a `Client` and every task of an `AsyncClient` (and by every client of the process that
uses the same token and limits), and a caller that gives up keeps its slot: the limiter can
only be slower than necessary, never faster.

A server counts a request when it handles it, which may be well after it was sent (a busy
server, a slow first request). So when the answer comes, its slot is moved to that moment
(`done`): the server counted it at some time between sending and answering, and the next
requests are spaced from the latest of those.

Time comes from a `Clock`, so tests run the limiter on a fake clock instead of sleeping.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "Clock",
    "RateLimit",
    "RateLimiter",
    "SystemClock",
    "parse_rate_limits",
]

DEFAULT_RATE_LIMITS = "10/second;100/minute"


class Clock(Protocol):
    """Where the client reads time and how it waits."""

    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Wall-clock seconds since the epoch (to read `Retry-After` dates)."""
        ...

    def sleep(self, seconds: float) -> None: ...

    async def asleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


SYSTEM_CLOCK = SystemClock()

_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_SPEC = re.compile(
    r"^\s*(\d+)\s*(?:/|per)\s*(?:(\d+(?:\.\d+)?)\s*)?(second|minute|hour|day)s?\s*$", re.I
)


@dataclass(frozen=True)
class RateLimit:
    """At most `count` requests in any `period` seconds."""

    count: int
    period: float

    def __post_init__(self) -> None:
        if self.count < 1 or self.period <= 0:
            raise ValueError(f"a rate limit needs count >= 1 and period > 0, not {self!r}")

    def __str__(self) -> str:
        for unit, seconds in _UNITS.items():
            if self.period == seconds:
                return f"{self.count}/{unit}"
        return f"{self.count}/{self.period:g} seconds"


def parse_rate_limits(spec: str | Sequence[RateLimit] | None) -> tuple[RateLimit, ...]:
    """`"10/second;100/minute"` (the server's `PODIUM_RATE_LIMITS` syntax; also `"30 per 5
    seconds"`), a list of `RateLimit`, or None / `"off"` for no limit."""
    if spec is None:
        return ()
    if not isinstance(spec, str):
        return tuple(spec)
    if spec.strip().lower() in {"", "off", "none", "0"}:
        return ()
    limits = []
    for part in re.split(r"[;,]", spec):
        if not part.strip():
            continue
        match = _SPEC.match(part)
        if not match:
            raise ValueError(
                f"invalid rate limit {part.strip()!r}: expected e.g. '10/second;100/minute'"
            )
        count, multiple, unit = match.groups()
        period = float(multiple or 1) * _UNITS[unit.lower()]
        limits.append(RateLimit(int(count), period))
    return tuple(limits)


class RateLimiter:
    """Keeps requests under every one of `limits`. Thread-safe; usable from sync and async code."""

    def __init__(
        self,
        limits: str | Sequence[RateLimit] = DEFAULT_RATE_LIMITS,
        *,
        margin: float = 0.1,
        clock: Clock | None = None,
    ):
        self.limits = parse_rate_limits(limits)
        if not self.limits:
            raise ValueError("a RateLimiter needs at least one limit (use rate_limits=None)")
        if margin < 0:
            raise ValueError("margin must be >= 0")
        self.margin = margin
        self.clock: Clock = clock or SYSTEM_CLOCK
        self._size = max(limit.count for limit in self.limits)
        self._slots: list[float] = []  # the most recent slots, in order
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take the next free slot and return its time (on the clock's `monotonic`)."""
        with self._lock:
            slots = self._slots
            at = self.clock.monotonic()
            if slots:
                at = max(at, slots[-1])
            for limit in self.limits:
                if len(slots) >= limit.count:
                    at = max(at, slots[-limit.count] + limit.period + self.margin)
            slots.append(at)
            if len(slots) > self._size:
                del slots[: len(slots) - self._size]
            return at

    def done(self, slot: float) -> None:
        """The answer of the request sent in `slot` came: move the slot to now."""
        with self._lock:
            now = self.clock.monotonic()
            if now <= slot:
                return
            slots = self._slots
            for i in range(len(slots) - 1, -1, -1):
                if slots[i] == slot:
                    del slots[i]
                    bisect.insort(slots, now)
                    return

    def acquire(self) -> float:
        """Wait for a slot (blocking the thread); return the slot, for `done`."""
        slot = self.reserve()
        delay = slot - self.clock.monotonic()
        if delay > 0:
            self.clock.sleep(delay)
        return slot

    async def aacquire(self) -> float:
        """Wait for a slot (suspending the task); return the slot, for `done`."""
        slot = self.reserve()
        delay = slot - self.clock.monotonic()
        if delay > 0:
            await self.clock.asleep(delay)
        return slot


_shared: dict[tuple[str, tuple[RateLimit, ...], float], RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(token: str, limits: tuple[RateLimit, ...], margin: float = 0.1) -> RateLimiter:
    """The process-wide limiter of a token: clients of the same token share one budget, as the
    server counts it. Keyed by a hash of the token (the token itself is not kept here)."""
    key = (hashlib.sha256(token.encode()).hexdigest(), limits, margin)
    with _shared_lock:
        limiter = _shared.get(key)
        if limiter is None:
            limiter = _shared[key] = RateLimiter(limits, margin=margin)
        return limiter
