# Generated from podium/client/_async/client.py: do not edit.
"""The async client.

Generated from its async twin in `_async/`: edit that one (`python -m podium.client._unasync`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

import httpx

from podium.client._common import make_timeout as _make_timeout
from podium.client._common import (
    resolve_base_url,
    resolve_limiter,
    resolve_token,
)
from podium.client._sync.exports import Exports
from podium.client._sync.resources import (
    ActivityLog,
    AgentGroups,
    Agents,
    Attachments,
    Calibrations,
    CoachingPoints,
    CoachingSessions,
    Comments,
    Grades,
    Rubrics,
    TicketAttributes,
    Tickets,
    Todos,
    Users,
)
from podium.client._sync.transport import Transport
from podium.client.limiter import DEFAULT_RATE_LIMITS, SYSTEM_CLOCK, Clock, RateLimit, RateLimiter
from podium.client.retry import RetryPolicy


class Client:
    """A client of the MaestroQA API and of Podium (async).

    ```python
    async with AsyncClient(base_url="http://127.0.0.1:8000") as client:
        async for session in client.coaching_sessions.iter(agent_id="72999"):
            ...
    ```

    - `base_url`: default `PODIUM_BASE_URL`, else `MAESTROQA_BASE_URL`, else
      `https://app.maestroqa.com`.
    - `token`: default `PODIUM_API_TOKEN`, else `MAESTROQA_API_TOKEN`.
    - `rate_limits`: `"10/second;100/minute"` by default (the service's limits), a list of
      `RateLimit`, a `RateLimiter` to share explicitly, or None for none. Clients of one token
      in one process share one budget.
    - `retry`: a `RetryPolicy` (5 attempts by default; `RetryPolicy.none()` for one);
      `max_retries=N` is a shortcut for `RetryPolicy(max_attempts=N + 1)`.
    - `timeout`: seconds (or an `httpx.Timeout`); 30 s, 10 s to connect, by default.
    - `http_client`: an `httpx.AsyncClient` of yours (proxies, certificates); you close it.
    - `clock`, `seed`: for tests (a fake clock, a fixed jitter).
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        rate_limits: str | Iterable[RateLimit] | RateLimiter | None = DEFAULT_RATE_LIMITS,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        timeout: float | httpx.Timeout | None = None,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
    ):
        if retry is not None and max_retries is not None:
            raise ValueError("give retry= or max_retries=, not both")
        if max_retries is not None:
            retry = RetryPolicy(max_attempts=max_retries + 1)
        token = resolve_token(token)
        clock = clock or SYSTEM_CLOCK
        self.base_url = resolve_base_url(base_url)
        self._transport = Transport(
            base_url=self.base_url,
            token=token,
            timeout=_make_timeout(timeout),
            limiter=resolve_limiter(rate_limits, token, clock),
            retry=retry or RetryPolicy(),
            clock=clock,
            rng=random.Random(seed),
            http=http_client,
        )
        t = self._transport
        self.tickets = Tickets(t)
        self.comments = Comments(t)
        self.attachments = Attachments(t)
        self.agents = Agents(t)
        self.coaching_sessions = CoachingSessions(t)
        self.coaching_points = CoachingPoints(t)
        self.todos = Todos(t)
        self.exports = Exports(t)
        # Podium's extension API (/api/podium/v1): not on MaestroQA itself
        self.users = Users(t)
        self.agent_groups = AgentGroups(t)
        self.ticket_attributes = TicketAttributes(t)
        self.activity_log = ActivityLog(t)
        self.rubrics = Rubrics(t)
        self.grades = Grades(t)
        self.calibrations = Calibrations(t)

    @property
    def rate_limiter(self) -> RateLimiter | None:
        return self._transport.limiter

    @property
    def retry(self) -> RetryPolicy:
        return self._transport.retry

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Any endpoint, with the client's token, limiter, retries and errors; the answer's
        JSON (None for an empty body). `path` is under the base URL (`/api/v1/...`)."""
        response = self._transport.request(
            method.upper(), path, params=params, json=json, idempotent=idempotent
        )
        return response.json() if response.content.strip() else None

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
