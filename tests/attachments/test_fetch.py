"""The URL flow: the fetch job, its SSRF guard, its bounds, its retries and its failure states.

File servers run on loopback. With the allow-list off (the default) the guard must refuse them;
`podium` servers allow 127.0.0.0/8 (PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS), as an operator
would allow a helpdesk's file server on the company network.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from ipaddress import ip_address, ip_network
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from podium import clock
from podium.attachments.addresses import blocked_reason, refusal
from podium.attachments.fetcher import FetchError, FetchLimits, fetch
from podium.attachments.tasks import MAX_ATTEMPTS, RETRY_BACKOFF, RETRY_BACKOFF_MAX
from podium.config import Settings
from tests.attachments.conftest import (
    FETCH_MAX_BYTES,
    FETCH_TIMEOUT,
    FileServer,
    Podium,
    attachment,
    unique_path,
    wait_for_status,
    wait_until,
)
from tests.conftest import free_port
from tests.factories import create_agent, create_ticket
from tests.helpers import Api

# time for the worker to schedule a retry after an attempt has noted its failure
SETTLE = 0.5
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def create(api: Api, ticket_id: str, url: str, **fields: Any) -> str:
    payload = {"ticket_id": ticket_id, "content_type": "image/png", "url": url, **fields}
    r = api.post(api.v1 + "/attachments", json=payload)
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id"}
    return r.json()["id"]


def stored_bytes(podium: Podium, api: Api, ticket_id: str, attachment_id: str) -> httpx.Response:
    found = attachment(api, ticket_id, attachment_id)
    assert found["status"] == "stored", found
    response = httpx.get(found["downloadUrl"])
    assert response.status_code == 200
    return response


def blob_count(podium: Podium, api: Api) -> int:
    """Objects stored for the account (both stores)."""
    prefix = f"attachments/{api.account_id}/"
    if podium.s3 is not None:
        listed = podium.s3.client.list_objects_v2(Bucket=podium.s3.bucket, Prefix=prefix)
        return len(listed.get("Contents", []))
    folder = podium.settings.data_dir / "files" / prefix
    return len([p for p in folder.rglob("*") if p.is_file()]) if folder.exists() else 0


def delete_ticket(api: Api, ticket_id: str) -> None:
    """Ends a test whose fetch would go on retrying in the background."""
    assert api.delete(f"{api.v1}/tickets/{ticket_id}").status_code == 200


# --- which addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("100.64.0.1", "not publicly routable"),  # carrier-grade NAT
        ("192.0.2.1", "private"),  # documentation (Python's ipaddress counts it private)
        ("240.0.0.1", "private"),  # reserved
        ("255.255.255.255", "private"),  # broadcast
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str):
    found = blocked_reason(ip_address(address))
    assert found is not None and reason in found, found


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str):
    assert blocked_reason(ip_address(address)) is None


def test_the_allow_list_lets_its_networks_through_and_no_others():
    allow = (ip_network("127.0.0.1/32"), ip_network("10.20.0.0/16"))
    assert refusal(ip_address("127.0.0.1"), allow) is None
    assert refusal(ip_address("::ffff:127.0.0.1"), allow) is None
    assert refusal(ip_address("10.20.3.4"), allow) is None
    assert "loopback" in (refusal(ip_address("127.0.0.2"), allow) or "")
    assert "private" in (refusal(ip_address("10.21.0.1"), allow) or "")
    assert "metadata" in (refusal(ip_address("169.254.169.254"), allow) or "")


def test_the_allow_list_setting_is_checked():
    settings = Settings(attachment_fetch_allow_networks=" 127.0.0.1 , 10.0.0.0/8,fd00::/8 ")
    assert [str(n) for n in settings.attachment_fetch_allowed] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "fd00::/8",
    ]
    with pytest.raises(ValidationError, match=r"'10\.0\.0\.0/33' is not a network"):
        Settings(attachment_fetch_allow_networks="127.0.0.1,10.0.0.0/33")
    assert Settings().attachment_fetch_allowed == ()


# --- the fetcher itself, against a loopback server ------------------------------------------------


class Sink:
    def __init__(self) -> None:
        self.data = b""

    async def __call__(self, chunks: AsyncIterator[bytes]) -> int:
        async for chunk in chunks:
            self.data += chunk
        return len(self.data)


LOOPBACK_ONLY = (ip_network("127.0.0.1/32"),)


def run_fetch(url: str, resolver: Any = None, allow: tuple = LOOPBACK_ONLY, **limits: Any) -> Sink:
    sink = Sink()
    kwargs = {"resolver": resolver} if resolver else {}
    values = {"max_bytes": FETCH_MAX_BYTES, "timeout": FETCH_TIMEOUT, "allow": allow, **limits}
    asyncio.run(fetch(url, sink, limits=FetchLimits(**values), **kwargs))
    return sink


def test_the_connection_goes_to_the_address_that_was_checked(files: FileServer):
    """A name only the guard's resolver knows: reaching the server proves the connection used
    the checked address, not a second look-up; the server still sees the name as the host."""
    route = files.add(path := unique_path(), body=PNG)
    looked_up: list[str] = []

    async def resolver(host: str, port: int) -> list:
        looked_up.append(host)
        return [ip_address("127.0.0.1")]

    sink = run_fetch(f"http://files.test:{files.port}{path}", resolver)
    assert sink.data == PNG
    assert looked_up == ["files.test"]
    assert route.hosts == [f"files.test:{files.port}"]


def test_a_name_with_any_refused_address_is_refused_before_connecting(files: FileServer):
    route = files.add(path := unique_path(), body=PNG)

    async def resolver(host: str, port: int) -> list:
        return [ip_address("127.0.0.1"), ip_address("10.0.0.7")]

    with pytest.raises(FetchError) as caught:
        run_fetch(f"http://mixed.test:{files.port}{path}", resolver)
    assert not caught.value.transient
    assert "mixed.test resolves to 10.0.0.7 is a private address" in caught.value.reason
    assert route.hits == 0


def test_a_name_rebinding_to_a_refused_address_is_caught_at_the_next_connection(
    files: FileServer,
):
    """DNS rebinding: the first look-up answers an allowed address, the next one a refused
    address. Each connection (here: the redirect's) is checked on its own look-up."""
    final = files.add(final_path := unique_path(), body=PNG)
    files.add(first_path := unique_path(), location=f"http://rebind.test:{files.port}{final_path}")
    answers = iter([ip_address("127.0.0.1"), ip_address("127.0.0.2")])

    async def resolver(host: str, port: int) -> list:
        return [next(answers)]

    with pytest.raises(FetchError) as caught:
        run_fetch(f"http://rebind.test:{files.port}{first_path}", resolver)
    assert "rebind.test resolves to 127.0.0.2 is a loopback address" in caught.value.reason
    assert final.hits == 0


def test_the_fetcher_ignores_proxy_settings(files: FileServer, monkeypatch: pytest.MonkeyPatch):
    """A proxy from the environment would connect for the guard: it is not used."""
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: a fetch through it would fail
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    files.add(path := unique_path(), body=PNG)
    assert run_fetch(f"http://127.0.0.1:{files.port}{path}").data == PNG


# --- end to end: through a server and its job -----------------------------------------------------


def test_allow_list_off_a_loopback_name_fails_without_a_connection(
    strict_podium: Podium, files: FileServer
):
    api = strict_podium.api()
    ticket = create_ticket(api, [create_agent(api)["agentId"]])
    route = files.add(path := unique_path(), body=PNG)
    attachment_id = create(api, ticket["ticket_id"], f"http://localhost:{files.port}{path}")
    found = wait_for_status(api, ticket["ticket_id"], attachment_id)
    assert found["status"] == "failed"
    assert "refused to connect" in found["error"]
    assert "localhost resolves to 127.0.0.1 is a loopback address" in found["error"]
    assert found["downloadUrl"] is None
    assert found["attempts"] == 1  # refused for good, not retried
    assert route.hits == 0
    assert blob_count(strict_podium, api) == 0


def test_allow_list_on_the_file_is_fetched(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    route = files.add(path := unique_path("shot.png"), body=PNG, content_type="text/html")
    attachment_id = create(
        api, ticket["ticket_id"], f"http://localhost:{files.port}{path}", id="shot"
    )
    found = wait_for_status(api, ticket["ticket_id"], attachment_id)
    assert found["status"] == "stored", found
    assert found["sizeBytes"] == len(PNG)
    assert found["attempts"] == 1
    assert found["error"] is None
    assert found["source"] == "url"
    assert found["url"] == f"http://localhost:{files.port}{path}"
    got = stored_bytes(podium, api, ticket["ticket_id"], "shot")
    assert got.content == PNG
    # the type given at creation, not the one the file server claimed
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-disposition"] == 'attachment; filename="shot.png"'
    assert route.hits == 1


def test_redirects_are_followed_and_each_hop_is_checked(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    tid = ticket["ticket_id"]
    files.add(final := unique_path(), body=PNG)
    files.add(middle := unique_path(), location=final, status=307)  # relative Location
    files.add(first := unique_path(), location=f"http://127.0.0.1:{files.port}{middle}", status=301)
    ok = create(api, tid, f"http://localhost:{files.port}{first}")
    assert wait_for_status(api, tid, ok)["status"] == "stored"
    assert stored_bytes(podium, api, tid, ok).content == PNG

    # a hop to an address the allow-list does not cover is refused before connecting
    files.add(to_metadata := unique_path(), location="http://169.254.169.254/latest/meta-data/")
    refused = create(api, tid, f"http://127.0.0.1:{files.port}{to_metadata}")
    found = wait_for_status(api, tid, refused)
    assert found["status"] == "failed"
    assert "169.254.169.254 is a cloud metadata service address" in found["error"]

    files.add(to_ftp := unique_path(), location="ftp://127.0.0.1/file")
    found = wait_for_status(api, tid, create(api, tid, f"http://127.0.0.1:{files.port}{to_ftp}"))
    assert "only http and https" in found["error"]

    files.add(loop := unique_path(), location=loop)
    found = wait_for_status(api, tid, create(api, tid, f"http://127.0.0.1:{files.port}{loop}"))
    assert found["status"] == "failed"
    assert "more than 5 redirects" in found["error"]
    assert blob_count(podium, api) == 1


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ({"status": 404, "body": b"gone"}, "404 Not Found"),
        ({"status": 403, "body": b"no"}, "403 Forbidden"),
        ({"status": 204}, "204 instead of the file"),
    ],
)
def test_a_final_answer_fails_at_once(
    podium: Podium, api: Api, ticket: dict, files: FileServer, route: dict, words: str
):
    served = files.add(path := unique_path(), **route)
    found = wait_for_status(
        api,
        ticket["ticket_id"],
        create(api, ticket["ticket_id"], f"http://127.0.0.1:{files.port}{path}"),
    )
    assert found["status"] == "failed"
    assert words in found["error"]
    assert found["attempts"] == 1
    assert served.hits == 1


def test_size_is_bounded_by_header_and_while_streaming(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    tid = ticket["ticket_id"]
    big = b"z" * (FETCH_MAX_BYTES + 1)
    files.add(declared := unique_path(), body=big)
    files.add(chunked := unique_path(), body=big, chunked=True)
    files.add(exact := unique_path(), body=big[:-1], chunked=True)
    for path in (declared, chunked):
        found = wait_for_status(api, tid, create(api, tid, f"http://127.0.0.1:{files.port}{path}"))
        assert found["status"] == "failed", found
        assert f"larger than the limit of {FETCH_MAX_BYTES} bytes" in found["error"]
        assert found["attempts"] == 1
    assert blob_count(podium, api) == 0
    found = wait_for_status(api, tid, create(api, tid, f"http://127.0.0.1:{files.port}{exact}"))
    assert found["status"] == "stored"
    assert found["sizeBytes"] == FETCH_MAX_BYTES


def test_a_slow_server_times_out_and_is_retried_later(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    tid = ticket["ticket_id"]
    route = files.add(path := unique_path(), body=PNG, pause=FETCH_TIMEOUT + 2)
    attachment_id = create(api, tid, f"http://127.0.0.1:{files.port}{path}")

    def noted() -> bool:
        return attachment(api, tid, attachment_id)["error"] is not None

    wait_until(noted, timeout=FETCH_TIMEOUT + 20)
    found = attachment(api, tid, attachment_id)
    assert found["status"] == "pending"  # to be tried again
    assert found["error"].startswith(f"attempt 1 of {MAX_ATTEMPTS}:")
    assert "timed out" in found["error"] or f"{FETCH_TIMEOUT:g} s" in found["error"]
    assert route.hits == 1
    delete_ticket(api, tid)


@pytest.mark.usefixtures("frozen_clock")
def test_transient_failures_are_retried_with_back_off(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    tid = ticket["ticket_id"]
    route = files.add(path := unique_path(), body=PNG, failures=2, failure_status=503)
    attachment_id = create(api, tid, f"http://127.0.0.1:{files.port}{path}")
    wait_until(lambda: route.hits == 1)
    wait_until(lambda: attachment(api, tid, attachment_id)["error"] is not None)
    found = attachment(api, tid, attachment_id)
    assert found["status"] == "pending"
    assert (
        found["error"]
        == f"attempt 1 of {MAX_ATTEMPTS}: the server answered 503 Service Unavailable"
    )

    time.sleep(SETTLE)
    clock.advance(timedelta(seconds=RETRY_BACKOFF - 1))
    time.sleep(1.0)  # several polls of the worker: nothing is due yet
    assert route.hits == 1
    clock.advance(timedelta(seconds=1))
    wait_until(lambda: route.hits == 2)
    wait_until(lambda: "attempt 2 of" in (attachment(api, tid, attachment_id)["error"] or ""))
    time.sleep(SETTLE)
    clock.advance(timedelta(seconds=2 * RETRY_BACKOFF - 1))
    time.sleep(1.0)
    assert route.hits == 2  # the back-off doubled
    clock.advance(timedelta(seconds=1))
    found = wait_for_status(api, tid, attachment_id)
    assert found["status"] == "stored"
    assert found["attempts"] == 3
    assert found["error"] is None
    assert route.hits == 3
    assert stored_bytes(podium, api, tid, attachment_id).content == PNG


@pytest.mark.usefixtures("frozen_clock")
def test_after_the_last_attempt_the_failure_is_recorded(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    tid = ticket["ticket_id"]
    route = files.add(path := unique_path(), failures=1000, failure_status=502)
    attachment_id = create(api, tid, f"http://127.0.0.1:{files.port}{path}")
    for attempt in range(1, MAX_ATTEMPTS):
        # move time on until the next attempt runs (however long the worker takes to schedule it)
        deadline = time.monotonic() + 30
        while route.hits < attempt + 1:
            assert time.monotonic() < deadline, f"attempt {attempt + 1} did not come"
            clock.advance(timedelta(seconds=RETRY_BACKOFF_MAX))
            time.sleep(0.3)
    found = wait_for_status(api, tid, attachment_id)
    assert found["status"] == "failed"
    assert (
        found["error"]
        == f"gave up after {MAX_ATTEMPTS} attempts: the server answered 502 Bad Gateway"
    )
    assert found["attempts"] == MAX_ATTEMPTS
    assert route.hits == MAX_ATTEMPTS
    r = api.get(f"{api.ext}/tickets/{tid}/attachments/{attachment_id}/download")
    assert r.status_code == 404
    assert "could not be had" in r.json()["message"]


def test_an_unreachable_port_is_a_transient_failure(podium: Podium, api: Api, ticket: dict):

    tid = ticket["ticket_id"]
    attachment_id = create(api, tid, f"http://127.0.0.1:{free_port()}/nothing-listens")
    wait_until(lambda: attachment(api, tid, attachment_id)["error"] is not None)
    found = attachment(api, tid, attachment_id)
    assert found["status"] == "pending"
    assert "network error" in found["error"]
    delete_ticket(api, tid)


def test_a_password_in_the_url_is_not_shown(
    podium: Podium, api: Api, ticket: dict, files: FileServer
):
    files.add(path := unique_path(), body=PNG)
    url = f"http://user:s3cret@127.0.0.1:{files.port}{path}"
    attachment_id = create(api, ticket["ticket_id"], url)
    found = wait_for_status(api, ticket["ticket_id"], attachment_id)
    assert found["status"] == "stored"
    assert found["url"] == f"http://user:***@127.0.0.1:{files.port}{path}"
