"""Back-off, Retry-After and what is retried, on a fake clock. The remote side is a scripted
server on loopback (a stand-in for a failing service: Podium itself does not fail on cue)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from podium.client import (
    APIConnectionError,
    APITimeoutError,
    Client,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from podium.client.retry import parse_retry_after
from tests.conftest import free_port


def make(scripted, fake_clock, **options) -> Client:
    options.setdefault("rate_limits", None)
    return Client(base_url=scripted.url, token="pdm_test", clock=fake_clock, seed=7, **options)


def test_back_off_doubles_with_jitter_up_to_its_ceiling():
    policy = RetryPolicy(backoff_base=0.5, backoff_max=30)
    rng = random.Random(1)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (8, 30.0), (20, 30.0)]:
        waits = [policy.backoff(retry, rng) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > ceiling / 4  # jittered, not fixed


def test_retry_after_is_a_floor_and_too_long_a_wait_is_not_taken():
    policy = RetryPolicy(max_retry_after=120)
    rng = random.Random(1)
    assert policy.delay(1, 7.0, rng) == 7.0
    assert 2.0 <= policy.delay(4, 1.0, rng) <= 4.0  # the back-off is longer: it wins
    assert policy.delay(1, 121.0, rng) is None


def test_retry_after_is_read_in_seconds_or_as_an_http_date():
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("0.5", now) == 0.5
    later = format_datetime(datetime(2024, 1, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert parse_retry_after(later, now) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_a_read_is_retried_after_5xx_with_growing_waits(scripted, fake_clock):
    scripted.script(
        "/api/v1/todos/x",
        (503, {}, {"message": "busy"}),
        (502, {}, b"bad gateway"),
        (200, {}, {"id": "x"}),
    )
    with make(scripted, fake_clock) as client:
        assert client.todos.get("x").id == "x"
    assert len(scripted.hits("/api/v1/todos/x")) == 3
    first, second = fake_clock.sleeps
    assert 0.25 <= first <= 0.5
    assert 0.5 <= second <= 1.0


def test_a_create_is_not_retried_after_5xx(scripted, fake_clock):
    scripted.script("/api/v1/comments", (500, {}, {"message": "boom", "status": 500}))
    with make(scripted, fake_clock) as client, pytest.raises(ServerError) as caught:
        client.comments.create(ticket_id="t", body="hello")
    assert caught.value.status == 500
    assert caught.value.message == "boom"
    assert len(scripted.hits("/api/v1/comments")) == 1
    assert fake_clock.sleeps == []


def test_a_request_marked_idempotent_is_retried_after_5xx(scripted, fake_clock):
    scripted.script("/api/v1/request-groups-export", (503, {}, {}), (200, {}, {"exportId": "id_1"}))
    with make(scripted, fake_clock) as client:
        assert client.exports.groups().id == "id_1"
    assert len(scripted.hits("/api/v1/request-groups-export")) == 2


def test_429_is_retried_for_any_request_after_its_retry_after(scripted, fake_clock):
    scripted.script(
        "/api/v1/comments",
        (429, {"Retry-After": "7"}, {"message": "rate limit exceeded"}),
        (200, {}, {"id": "c1", "body": "hello", "ticket_id": "t"}),
    )
    with make(scripted, fake_clock) as client:
        assert client.comments.create(ticket_id="t", body="hello").id == "c1"
    assert len(scripted.hits("/api/v1/comments")) == 2
    assert fake_clock.sleeps == [7.0]


def test_429_with_an_http_date_retry_after_waits_until_then(scripted, fake_clock):
    when = datetime.fromtimestamp(fake_clock.time() + 12, UTC)
    scripted.script(
        "/api/v1/todos/x",
        (429, {"Retry-After": format_datetime(when, usegmt=True)}, {}),
        (200, {}, {"id": "x"}),
    )
    with make(scripted, fake_clock) as client:
        client.todos.get("x")
    assert 11.0 <= fake_clock.sleeps[0] <= 12.0


def test_429_after_every_attempt_raises_rate_limit_error(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", *[(429, {"Retry-After": "1"}, {"message": "slow down"})] * 5)
    client = make(scripted, fake_clock, retry=RetryPolicy(max_attempts=3))
    with client, pytest.raises(RateLimitError) as caught:
        client.todos.get("x")
    assert caught.value.status == 429
    assert caught.value.retry_after == 1.0
    assert len(scripted.hits("/api/v1/todos/x")) == 3
    assert len(fake_clock.sleeps) == 2


def test_a_retry_after_longer_than_the_policy_allows_is_raised_at_once(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", (429, {"Retry-After": "3600"}, {}))
    with make(scripted, fake_clock) as client, pytest.raises(RateLimitError) as caught:
        client.todos.get("x")
    assert caught.value.retry_after == 3600
    assert len(scripted.hits("/api/v1/todos/x")) == 1
    assert fake_clock.sleeps == []


def test_a_refused_connection_is_retried_even_for_a_create(fake_clock):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    client = Client(base_url=url, token="t", rate_limits=None, clock=fake_clock)
    with client, pytest.raises(APIConnectionError) as caught:
        client.comments.create(ticket_id="t", body="hello")
    assert caught.value.request_sent is False
    assert len(fake_clock.sleeps) == 4  # 5 attempts


def test_a_dropped_connection_is_retried_for_a_read_only(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", ("drop",), (200, {}, {"id": "x"}))
    scripted.script("/api/v1/comments", ("drop",), (200, {}, {"id": "c"}))
    with make(scripted, fake_clock) as client:
        assert client.todos.get("x").id == "x"
        with pytest.raises(APIConnectionError) as caught:
            client.comments.create(ticket_id="t", body="hello")
    assert caught.value.request_sent is True
    assert len(scripted.hits("/api/v1/todos/x")) == 2
    assert len(scripted.hits("/api/v1/comments")) == 1


def test_timeouts_raise_a_timeout_error_after_the_retries_of_a_read(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", *[("sleep", 1.0, 200)] * 2)
    scripted.script("/api/v1/comments", ("sleep", 1.0, 200))
    with make(scripted, fake_clock, timeout=0.2, retry=RetryPolicy(max_attempts=2)) as client:
        with pytest.raises(APITimeoutError):
            client.todos.get("x")
        with pytest.raises(APITimeoutError):
            client.comments.create(ticket_id="t", body="hello")
    assert len(scripted.hits("/api/v1/todos/x")) == 2
    assert len(scripted.hits("/api/v1/comments")) == 1


def test_no_retry_policy_makes_one_attempt(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", (503, {}, {}), (200, {}, {"id": "x"}))
    with make(scripted, fake_clock, max_retries=0) as client, pytest.raises(ServerError):
        client.todos.get("x")
    assert len(scripted.hits("/api/v1/todos/x")) == 1


def test_each_attempt_takes_a_rate_limiter_slot(scripted, fake_clock):
    scripted.script("/api/v1/todos/x", *[(503, {}, {})] * 2, (200, {}, {"id": "x"}))
    with make(scripted, fake_clock, rate_limits="1/second") as client:
        client.todos.get("x")
    # the back-offs (under 1 s) are stretched to the limiter's pace of one per 1.1 s
    assert sum(fake_clock.sleeps) >= 2 * 1.1 - 1e-9


def test_the_presigned_upload_sends_the_signed_headers_and_never_the_token(scripted, fake_clock):
    scripted.script(
        "/api/v1/attachments",
        (200, {}, {"id": "a1", "presigned_url": scripted.url + "/bucket/a1?sig=x"}),
    )
    scripted.script("/bucket/a1", (503, {}, b""), (200, {}, b""))
    with make(scripted, fake_clock) as client:
        created = client.attachments.upload("t1", b"RIFF....", content_type="audio/wav")
    assert created.id == "a1"
    api_call = scripted.hits("/api/v1/attachments")[0]
    assert api_call["headers"]["apitoken"] == "pdm_test"
    puts = scripted.hits("/bucket/a1")
    assert len(puts) == 2  # the PUT is retried: the last one wins
    for put in puts:
        assert put["method"] == "PUT"
        assert put["body"] == b"RIFF...."
        assert put["headers"]["Content-Type"] == "audio/wav"
        assert put["headers"]["x-amz-server-side-encryption"] == "AES256"
        assert "apitoken" not in {k.lower() for k in put["headers"]}


def test_an_error_body_of_any_shape_gives_its_message(scripted, fake_clock):
    scripted.script("/api/v1/todos/json", (404, {}, {"detail": "Not Found"}))
    scripted.script(
        "/bucket/x",
        (
            403,
            {"Content-Type": "application/xml"},
            b"<Error><Code>SignatureDoesNotMatch</Code><Message>bad header</Message></Error>",
        ),
    )
    scripted.script("/api/v1/todos/text", (418, {"Content-Type": "text/plain"}, b"short and stout"))
    with make(scripted, fake_clock) as client:
        with pytest.raises(Exception) as caught:
            client.todos.get("json")
        assert caught.value.message == "Not Found"
        with pytest.raises(Exception) as caught:
            client.todos.get("text")
        assert caught.value.status == 418 and caught.value.message == "short and stout"
        transport = client._transport
        with pytest.raises(Exception) as caught:
            transport.external("PUT", scripted.url + "/bucket/x", content=lambda: b"x")
        assert type(caught.value).__name__ == "PermissionDeniedError"
        assert caught.value.message == "SignatureDoesNotMatch: bad header"


def test_httpx_is_the_transport():
    assert isinstance(Client(base_url="http://x.invalid", token="t")._transport.http, httpx.Client)
