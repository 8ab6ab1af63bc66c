"""The client-side rate limiter, on a fake clock (and, for threads, on the real one)."""

from __future__ import annotations

import asyncio
import bisect
import threading
import time

import pytest

from podium.client import Client, RateLimit, RateLimiter
from podium.client.limiter import parse_rate_limits, shared_limiter


def most_in_any_window(times: list[float], period: float) -> int:
    """The largest number of `times` inside one window of `period` seconds (wherever it
    starts): the count a server's moving window would see."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + period) - i for i, t in enumerate(times))


def test_a_burst_of_300_calls_keeps_under_10_per_second_and_100_per_minute(fake_clock):
    limiter = RateLimiter("10/second;100/minute", clock=fake_clock)
    sent = []
    for _ in range(300):
        limiter.acquire()
        sent.append(fake_clock.monotonic())

    assert len(sent) == 300
    assert most_in_any_window(sent, 1.0) == 10
    assert most_in_any_window(sent, 60.0) == 100
    # and it is not slower than it must be: the first 10 go at once, the 11th a second (plus
    # the margin) after the first, the 101st a minute after the first
    start = sent[0]
    assert sent[9] == start
    assert sent[10] == pytest.approx(start + 1.1)
    assert sent[100] == pytest.approx(start + 60.1)
    assert sent[200] == pytest.approx(start + 120.2)
    assert sent[-1] - start < 3 * 60.1
    assert sent == sorted(sent)


def test_the_waits_are_slept_on_the_clock(fake_clock):
    limiter = RateLimiter("2/second", clock=fake_clock, margin=0)
    slots = [limiter.acquire() for _ in range(5)]
    assert [s - slots[0] for s in slots] == pytest.approx([0, 0, 1.0, 1.0, 2.0])
    assert fake_clock.sleeps == pytest.approx([1.0, 1.0])


def test_time_passing_frees_slots(fake_clock):
    limiter = RateLimiter("3/second", clock=fake_clock, margin=0)
    for _ in range(3):
        limiter.acquire()
    fake_clock.now += 5
    limiter.acquire()
    assert fake_clock.sleeps == []


def test_a_slow_answer_moves_its_slot_to_when_it_came(fake_clock):
    # the server counts a request when it handles it: possibly just before answering
    limiter = RateLimiter("2/second", clock=fake_clock, margin=0)
    first = limiter.acquire()
    fake_clock.now += 0.8  # the first answer takes 0.8 s
    limiter.done(first)
    limiter.done(limiter.acquire())
    third = limiter.acquire()
    assert third == pytest.approx(first + 0.8 + 1.0)


def test_async_acquire_waits_on_the_clock_like_the_sync_one(fake_clock):
    limiter = RateLimiter("10/second;100/minute", clock=fake_clock)
    sent: list[float] = []

    async def burst() -> None:
        for _ in range(300):
            await limiter.aacquire()
            sent.append(fake_clock.monotonic())

    asyncio.run(burst())
    assert most_in_any_window(sent, 1.0) == 10
    assert most_in_any_window(sent, 60.0) == 100


def test_tasks_of_one_async_client_share_its_budget_on_the_real_clock():
    limiter = RateLimiter("10/second;20/2 seconds", margin=0.05)
    sent: list[float] = []

    async def worker() -> None:
        for _ in range(10):
            await limiter.aacquire()
            sent.append(time.monotonic())

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(4)))

    began = time.monotonic()
    asyncio.run(main())
    assert len(sent) == 40
    assert time.monotonic() - began >= 2.0  # 40 calls at 20 per 2 s
    assert most_in_any_window(sent, 1.0) <= 10
    assert most_in_any_window(sent, 2.0) <= 20


def test_threads_of_one_client_share_its_budget_on_the_real_clock():
    limiter = RateLimiter("20/second;40/2 seconds", margin=0.05)
    sent: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            limiter.acquire()
            with lock:
                sent.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(6)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 60
    # 60 calls at 40 per 2 s: the last 20 wait for the second window
    assert time.monotonic() - began >= 2.0
    # the thread scheduler adds its own delay, never less: each window stays within its limit
    assert most_in_any_window(sent, 1.0) <= 20
    assert most_in_any_window(sent, 2.0) <= 40


def test_clients_of_one_token_share_one_limiter():
    a = Client(base_url="http://127.0.0.1:9", token="pdm_same")
    b = Client(base_url="http://127.0.0.1:9", token="pdm_same")
    c = Client(base_url="http://127.0.0.1:9", token="pdm_other")
    try:
        assert a.rate_limiter is b.rate_limiter
        assert a.rate_limiter is not c.rate_limiter
        assert a.rate_limiter is shared_limiter(
            "pdm_same", parse_rate_limits("10/second;100/minute")
        )
    finally:
        for client in (a, b, c):
            client.close()


def test_rate_limits_can_be_configured_or_turned_off():
    with Client(base_url="http://x.invalid", token="t", rate_limits="5/second;50/minute") as c:
        assert c.rate_limiter is not None
        assert c.rate_limiter.limits == (RateLimit(5, 1.0), RateLimit(50, 60.0))
    with Client(base_url="http://x.invalid", token="t", rate_limits=None) as c:
        assert c.rate_limiter is None
    own = RateLimiter([RateLimit(1, 1.0)])
    with Client(base_url="http://x.invalid", token="t", rate_limits=own) as c:
        assert c.rate_limiter is own


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("10/second;100/minute", (RateLimit(10, 1), RateLimit(100, 60))),
        ("30 per 5 seconds", (RateLimit(30, 5),)),
        ("1/hour, 2/day", (RateLimit(1, 3600), RateLimit(2, 86400))),
        ("off", ()),
        (None, ()),
    ],
)
def test_limits_are_written_as_the_server_writes_them(spec, expected):
    assert parse_rate_limits(spec) == expected


@pytest.mark.parametrize("spec", ["ten/second", "10/fortnight", "0/second", "10"])
def test_a_limit_that_cannot_be_read_is_refused(spec):
    with pytest.raises(ValueError):
        parse_rate_limits(spec)
