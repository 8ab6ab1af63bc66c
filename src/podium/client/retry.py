"""When the client retries, and how long it waits.

What is retried (each attempt first takes a rate-limiter slot):

| failure | idempotent | other |
|---|---|---|
| 429 rate limited | retried | retried: refused before anything was done |
| no connection (refused, DNS, connect or pool timeout) | retried | retried: it never left |
| 500, 502, 503, 504 | retried | **not retried**: the server may have acted on it |
| read/write timeout, connection dropped mid-request | retried | **not retried**, as above |

Idempotent: every GET, PUT, PATCH and DELETE (a PATCH of this API sets the fields it sends, so
sending it twice leaves the same state; a DELETE repeated after a lost answer may then answer
404), and the POSTs that set a state rather than add something: `agents/add-id-to-agent`,
`update-agent-availability`, `grades/{id}/submit`, `agent-groups/{id}/members`, and the three
export requests (a repeat leaves at most an unused export behind). Not idempotent: the POSTs
that create (`tickets`, `comments`, `comments-batch`, `attachments`, `agents`, extension
creates). `tickets.upsert` is safe to retry as a whole: a repeated create answers 409 and is
turned into a PATCH.

The wait before retry `n` (1-based) is `d/2 + uniform(0, d/2)` with `d = min(backoff_max,
backoff_base * 2**(n-1))`: exponential, with jitter so that clients failing together do not
retry together. When the answer carries `Retry-After` (seconds or an HTTP date), the wait is at
least that; a `Retry-After` longer than `max_retry_after` is not waited for (`RateLimitError`
at once).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

__all__ = ["RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a request gets and how long to wait between them."""

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 300.0
    retry_statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1 (1 means no retry)")
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError("back-off times must be >= 0")

    @classmethod
    def none(cls) -> RetryPolicy:
        """One attempt, no retry."""
        return cls(max_attempts=1)

    def backoff(self, retry: int, rng: random.Random) -> float:
        """The jittered exponential wait before retry number `retry` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retry - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float | None:
        """How long to wait before retry `retry`, or None when `Retry-After` asks for longer
        than `max_retry_after`."""
        wait = self.backoff(retry, rng)
        if retry_after is None:
            return wait
        if retry_after > self.max_retry_after:
            return None
        return max(retry_after, wait)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds from `now` (epoch seconds): delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)
