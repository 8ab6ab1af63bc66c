"""Against a Podium server that enforces rate limits: the client's limiter keeps it from ever
seeing a 429, and without the limiter, the 429s it gets are waited out and retried."""

from __future__ import annotations

import time

from podium.client import Client
from tests.client.conftest import base_url
from tests.helpers import Api

LIMITS = "4/second;12/3 seconds"


def test_the_limiter_keeps_the_client_under_the_servers_limits(start_server, make_api, retry_log):
    live = start_server(rate_limits=LIMITS)
    api: Api = make_api(live.url)
    began = time.monotonic()
    with Client(
        base_url=base_url(api), token=api.token, rate_limits=LIMITS, max_retries=0
    ) as client:
        for _ in range(30):
            client.todos.list()  # no retry allowed: a single 429 would raise
    elapsed = time.monotonic() - began
    assert elapsed >= 6.0  # 30 calls at 12 per 3 s
    assert not [m for m in retry_log.messages if "retrying" in m]


def test_without_the_limiter_429s_are_retried_after_retry_after(start_server, make_api, retry_log):
    live = start_server(rate_limits="3/second")
    api: Api = make_api(live.url)
    with Client(base_url=base_url(api), token=api.token, rate_limits=None) as client:
        results = [client.todos.list().total_results for _ in range(8)]
    assert results == [0] * 8
    retried = [m for m in retry_log.messages if "retrying" in m]
    assert retried and all("after 429" in m for m in retried)
