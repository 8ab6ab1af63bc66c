# Generated from podium/client/_async/transport.py: do not edit.
"""Sending one request: rate limiter, retries with back-off, typed errors.

Generated from its async twin in `_async/`: edit that one (`python -m podium.client._unasync`).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from podium.client._common import IDEMPOTENT_METHODS, USER_AGENT
from podium.client.errors import (
    APIConnectionError,
    APITimeoutError,
    RateLimitError,
    error_from_response,
)
from podium.client.limiter import Clock, RateLimiter
from podium.client.retry import RetryPolicy, parse_retry_after

log = logging.getLogger("podium.client")

# failures before the request left: repeating it cannot duplicate anything
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)

BodyFactory = Callable[[], Any]


class Transport:
    """One API (base URL + token) over one httpx client."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: httpx.Timeout,
        limiter: RateLimiter | None,
        retry: RetryPolicy,
        clock: Clock,
        rng: random.Random,
        http: httpx.Client | None = None,
    ):
        self.base_url = base_url
        self.limiter = limiter
        self.retry = retry
        self.clock = clock
        self.rng = rng
        self._token = token
        self._own_http = http is None
        self.http = http or httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False
        )

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Call the API (`path` under the base URL) with the token; the answer, read whole."""
        all_headers = {"apitoken": self._token, "Accept": "application/json"}
        all_headers.update(headers or {})
        return self._send(
            method,
            self.base_url + path,
            params=params,
            json=json,
            headers=all_headers,
            idempotent=method in IDEMPOTENT_METHODS if idempotent is None else idempotent,
            limited=True,
        )

    def external(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: BodyFactory | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """A request to a link the API handed out (download link, presigned upload): no token
        (it would leak to the storage service), no rate limit (the token is not used), retried
        as an idempotent request. `content` makes a fresh body for each attempt. With `stream`,
        the caller reads and closes the answer."""
        return self._send(
            method,
            url,
            headers=headers,
            content=content,
            idempotent=True,
            limited=False,
            stream=stream,
        )

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        content: BodyFactory | None = None,
        idempotent: bool,
        limited: bool,
        stream: bool = False,
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            limiter = self.limiter if limited else None
            slot = limiter.acquire() if limiter is not None else None
            request = self.http.build_request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                content=content() if content is not None else None,
            )
            try:
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                if attempt < self.retry.max_attempts and (idempotent or not sent):
                    delay = self.retry.delay(attempt, None, self.rng)
                    assert delay is not None
                    log.info(
                        "retrying %s %s in %.2fs after %s (attempt %d of %d)",
                        method,
                        request.url.path,
                        delay,
                        type(exc).__name__,
                        attempt + 1,
                        self.retry.max_attempts,
                    )
                    self.clock.sleep(delay)
                    continue
                cls = (
                    APITimeoutError
                    if isinstance(exc, httpx.TimeoutException)
                    else (APIConnectionError)
                )
                raise cls(
                    f"{method} {request.url.copy_with(query=None)} failed: "
                    f"{type(exc).__name__}: {exc or 'no answer'}",
                    request_sent=sent,
                    method=method,
                    url=str(request.url.copy_with(query=None)),
                ) from exc

            finally:
                if limiter is not None and slot is not None:
                    limiter.done(slot)
            status = response.status_code
            if status < 400:
                return response
            retry_after = None
            if status in self.retry.retry_statuses:
                retry_after = parse_retry_after(
                    response.headers.get("Retry-After"), self.clock.time()
                )
                if attempt < self.retry.max_attempts and (status == 429 or idempotent):
                    delay = self.retry.delay(attempt, retry_after, self.rng)
                    if delay is not None:
                        response.close()
                        log.info(
                            "retrying %s %s in %.2fs after %d (attempt %d of %d)",
                            method,
                            request.url.path,
                            delay,
                            status,
                            attempt + 1,
                            self.retry.max_attempts,
                        )
                        self.clock.sleep(delay)
                        continue
            response.read()
            error = error_from_response(response, retry_after=retry_after)
            if isinstance(error, RateLimitError) and attempt > 1:
                error.message += f" (after {attempt} attempts)"
            raise error
