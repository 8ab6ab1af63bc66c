"""Per-token rate limits: 429 with Retry-After and X-RateLimit-* past the budget, in memory and
shared through Redis by separate server processes.

Windows are measured on the system clock (see podium.ratelimit), so these tests use real time:
budgets small enough to exhaust in a burst, and one short sleep.
"""

from __future__ import annotations

import os
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from podium import ids
from podium.config import DEFAULT_RATE_LIMITS, Settings
from podium.ratelimit import parse_limits
from tests.cli.process import ServerProcess, podium_env
from tests.helpers import Api

TODOS = "/api/v1/todos"


def rejections(base_url: str, route: str = TODOS) -> float:
    text = httpx.get(base_url + "/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "podium_rate_limit_rejections":
            return sum(s.value for s in family.samples if s.labels.get("route") == route)
    return 0.0


def assert_rate_limited(r: httpx.Response, *, limit: int, max_wait: int) -> None:
    assert r.status_code == 429, r.text
    body = r.json()
    assert body["status"] == 429 and body["error"] == "rate_limited"
    assert f"{limit} per" in body["message"] and "retry after" in body["message"]
    assert body["requestId"] == r.headers["x-request-id"]
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= max_wait
    assert r.headers["x-ratelimit-limit"] == str(limit)
    assert r.headers["x-ratelimit-remaining"] == "0"
    reset = int(r.headers["x-ratelimit-reset"])
    assert time.time() - 1 <= reset <= time.time() + max_wait + 1


def test_default_limits_are_the_references():
    assert Settings.model_fields["rate_limits"].default == DEFAULT_RATE_LIMITS
    assert DEFAULT_RATE_LIMITS == "10/second;100/minute"
    assert [(i.amount, i.get_expiry()) for i in parse_limits(DEFAULT_RATE_LIMITS)] == [
        (10, 1),
        (100, 60),
    ]
    assert parse_limits("off") == []


def test_burst_past_the_per_second_limit_is_429(start_server, make_api):
    srv = start_server(rate_limits="5/second;8/minute")
    api = make_api(base_url=srv.url)
    before = rejections(srv.url)

    answers = [api.get(TODOS) for _ in range(6)]
    assert [r.status_code for r in answers[:5]] == [200] * 5, answers[-2].text
    # the limit with the fewest requests left is the one reported
    assert [r.headers["x-ratelimit-remaining"] for r in answers[:5]] == ["4", "3", "2", "1", "0"]
    assert {r.headers["x-ratelimit-limit"] for r in answers[:5]} == {"5"}
    assert all("retry-after" not in r.headers for r in answers[:5])
    assert_rate_limited(answers[5], limit=5, max_wait=1)
    assert rejections(srv.url) == before + 1

    # a refused request does not use the per-minute budget: 3 more fit in it after a second
    time.sleep(1.1)
    later = [api.get(TODOS) for _ in range(4)]
    assert [r.status_code for r in later[:3]] == [200] * 3, later[2].text
    assert later[2].headers["x-ratelimit-limit"] == "8"
    assert later[2].headers["x-ratelimit-remaining"] == "0"
    assert_rate_limited(later[3], limit=8, max_wait=60)
    assert int(later[3].headers["retry-after"]) > 50


def test_each_token_has_its_own_budget(start_server, make_api):
    srv = start_server(rate_limits="3/minute")
    first, second = make_api(base_url=srv.url), make_api(base_url=srv.url)
    assert [first.get(TODOS).status_code for _ in range(4)] == [200, 200, 200, 429]
    # another token is not held back by the first one's spent budget
    assert second.get(TODOS).status_code == 200
    assert second.get(TODOS).headers["x-ratelimit-remaining"] == "1"


def test_unknown_tokens_are_limited_without_touching_real_budgets(start_server, make_api, anon):
    srv = start_server(rate_limits="3/minute")
    api = make_api(base_url=srv.url)
    bogus = ids.new_token()
    with httpx.Client(base_url=srv.url, headers={"apitoken": bogus}) as client:
        answers = [client.get(TODOS) for _ in range(4)]
    assert [r.status_code for r in answers] == [401, 401, 401, 429]
    assert bogus not in answers[3].text
    # neither the real token nor a request without any token shares that budget
    assert api.get(TODOS).headers["x-ratelimit-remaining"] == "2"
    with httpx.Client(base_url=srv.url) as client:
        r = client.get(TODOS)
    assert r.status_code == 401 and r.headers["x-ratelimit-remaining"] == "2"


def test_only_the_api_is_limited(start_server, make_api):
    srv = start_server(rate_limits="2/minute")
    api = make_api(base_url=srv.url)
    for _ in range(5):
        r = api.get("/healthz")
        assert r.status_code == 200
        assert "x-ratelimit-limit" not in r.headers
    assert api.get(TODOS).status_code == 200


def test_limits_off_means_no_429_and_no_headers(api):
    # the session server runs with PODIUM_RATE_LIMITS=off
    answers = [api.get(TODOS) for _ in range(15)]
    assert {r.status_code for r in answers} == {200}
    assert all("x-ratelimit-limit" not in r.headers for r in answers)


def test_an_unreachable_store_lets_requests_through(start_server, make_api):
    srv = start_server(rate_limits="1/minute", redis_url="redis://127.0.0.1:1/0")
    api = make_api(base_url=srv.url)
    assert [api.get(TODOS).status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.redis
def test_redis_shares_one_budget_between_server_processes(settings, server, make_api, tmp_path):
    redis_url = os.environ.get("PODIUM_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("PODIUM_TEST_REDIS_URL is not set (CI sets it)")
    import redis

    env = podium_env(
        tmp_path,
        settings.effective_database_url,
        PODIUM_REDIS_URL=redis_url,
        PODIUM_RATE_LIMITS="6/minute",
        PODIUM_AUTO_MIGRATE="false",
    )
    servers = [ServerProcess(env, "--no-migrate", log_dir=tmp_path) for _ in range(2)]
    try:
        for srv in servers:
            srv.wait_healthy()
        api = make_api()
        clients = [Api(srv.url, api.token, api.account_id) for srv in servers]
        answers = []
        for _ in range(3):
            for client in clients:
                answers.append(client.get(TODOS))
        assert [r.status_code for r in answers] == [200] * 6, answers[-1].text
        assert [r.headers["x-ratelimit-remaining"] for r in answers] == [
            "5", "4", "3", "2", "1", "0"
        ]
        for client, srv in zip(clients, servers, strict=True):
            before = rejections(srv.url)
            assert_rate_limited(client.get(TODOS), limit=6, max_wait=60)
            assert rejections(srv.url) == before + 1
        # the store holds hashes, never a token
        keys = redis.Redis.from_url(redis_url).keys("podium-rl*")
        assert keys
        assert not [k for k in keys if api.token.encode() in k]
    finally:
        for srv in servers:
            srv.stop()
        for client in locals().get("clients", []):
            client.close()
