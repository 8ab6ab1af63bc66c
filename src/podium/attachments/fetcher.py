"""Fetching a client's URL into the blob store, guarded against server-side request forgery.

The guard sits where the socket is opened: every connection (the first request and each
redirect, which this module follows itself) resolves its host once, refuses the connection if
any address it resolves to is loopback, private, link-local, a metadata service or otherwise not
public (unless PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS lists it), and connects to the very address
it checked. A name that resolves differently a moment later (DNS rebinding) cannot swap in
another address, and nothing reaches the network without passing the check: proxies from the
environment are ignored, and TLS still verifies the certificate against the URL's host name.

The body is streamed into the store, counted as it comes, and refused past the size limit; the
whole fetch, redirects included, has one deadline.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from podium import __version__
from podium.attachments.addresses import IPAddress, Network, literal_ip, refusal

MAX_REDIRECTS = 5
# a single read, write or connect may take this long (within the fetch's overall deadline)
STEP_TIMEOUT = 30.0
USER_AGENT = f"Podium/{__version__} (attachment fetcher)"
# statuses worth another attempt later; any other error status is final
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
Sink = Callable[[AsyncIterator[bytes]], Awaitable[int]]


class FetchError(Exception):
    """The file could not be had. `transient`: another attempt later may succeed."""

    def __init__(self, reason: str, *, transient: bool):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class BlockedAddress(Exception):
    """A connection to an address the guard refuses (raised through httpx unchanged)."""


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host`, in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    out: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = literal_ip(str(sockaddr[0]).split("%", 1)[0])  # drop an IPv6 zone id
        if ip is not None and ip not in out:
            out.append(ip)
    return out


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address check in `connect_tcp`."""

    def __init__(self, allow: tuple[Network, ...], resolver: Resolver):
        self._allow = allow
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        literal = literal_ip(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                async with asyncio.timeout(timeout):
                    addresses = await self._resolver(host, port)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
            if not addresses:
                raise httpcore.ConnectError(f"{host} has no address")
        # every address is checked, not only the one used: a name that mixes a public and a
        # private address is refused outright
        for address in addresses:
            reason = refusal(address, self._allow)
            if reason is not None:
                shown = reason if literal is not None else f"{host} resolves to {reason}"
                raise BlockedAddress(shown)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address),  # the checked address, never the name again
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on the guarded backend. httpx takes no backend argument, so the
    connection pool it builds is replaced by one that uses ours (same TLS settings)."""

    def __init__(self, allow: tuple[Network, ...], resolver: Resolver):
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=4,
            max_keepalive_connections=0,
            network_backend=GuardedBackend(allow, resolver),
        )


@dataclass(frozen=True, slots=True)
class FetchLimits:
    max_bytes: int
    timeout: float
    allow: tuple[Network, ...] = ()


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("the URL is not valid", transient=False) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(
            f"only http and https URLs are fetched, not {parts.scheme or 'none'!r}",
            transient=False,
        )
    if not parts.hostname:
        raise FetchError("the URL has no host", transient=False)


def _too_large(size: int | str, limit: int) -> FetchError:
    return FetchError(
        f"the file is larger than the limit of {limit} bytes (PODIUM_ATTACHMENT_FETCH_MAX_BYTES)"
        + (f": {size} bytes" if isinstance(size, int) else ""),
        transient=False,
    )


def _status_error(status: int) -> FetchError:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return FetchError(
        f"the server answered {status} {phrase}".rstrip(), transient=status in TRANSIENT_STATUSES
    )


async def _bounded(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise _too_large("more", limit)
        yield chunk


async def fetch(
    url: str, sink: Sink, *, limits: FetchLimits, resolver: Resolver = system_resolver
) -> int:
    """GET `url` (following up to 5 redirects) and hand the body to `sink` (which stores it and
    returns its size). Raises FetchError, saying whether trying again later may help."""
    step = min(STEP_TIMEOUT, limits.timeout)
    client = httpx.AsyncClient(
        transport=GuardedTransport(limits.allow, resolver),
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(step),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
    )
    try:
        async with client, asyncio.timeout(limits.timeout):
            return await _fetch(client, url, sink, limits)
    except TimeoutError:
        raise FetchError(
            f"the fetch took longer than {limits.timeout:g} s "
            "(PODIUM_ATTACHMENT_FETCH_TIMEOUT_SECONDS)",
            transient=True,
        ) from None
    except BlockedAddress as exc:
        raise FetchError(
            f"refused to connect: {exc} (PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS can allow it)",
            transient=False,
        ) from None
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out: {_describe(exc)}", transient=True) from None
    except httpx.TransportError as exc:
        transient = not isinstance(exc, httpx.UnsupportedProtocol)
        raise FetchError(f"network error: {_describe(exc)}", transient=transient) from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text or type(exc).__name__


async def _fetch(client: httpx.AsyncClient, url: str, sink: Sink, limits: FetchLimits) -> int:
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        _check_url(current)
        async with client.stream("GET", current) as response:
            if response.status_code in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"the server answered {response.status_code} without a Location",
                        transient=False,
                    )
                # resolved against the URL that answered; checked again at the top of the loop
                # and, at connection time, by the guard
                current = str(response.url.join(location))
                continue
            if response.status_code >= 400:
                raise _status_error(response.status_code)
            if response.status_code not in (200, 203):
                raise FetchError(
                    f"the server answered {response.status_code} instead of the file",
                    transient=False,
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_bytes:
                raise _too_large(int(declared), limits.max_bytes)
            return await sink(_bounded(response.aiter_bytes(), limits.max_bytes))
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", transient=False)
