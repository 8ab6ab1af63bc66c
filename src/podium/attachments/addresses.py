"""Which addresses a fetch from a client's URL may connect to.

Podium fetches URLs that API clients give it; without a guard, a client could make it read its
own admin ports, a database on the private network or the cloud's metadata service (credentials)
and store the answer as an attachment. Only publicly routable addresses are allowed, unless the
operator lists networks in PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS (a helpdesk file server on the
company network, a test server on loopback).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

# cloud instance metadata services: all in non-public ranges anyway, named so the failure says so
METADATA_ADDRESSES = frozenset(
    ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
_NAT64 = ip_network("64:ff9b::/96")


def parse_networks(value: str) -> tuple[Network, ...]:
    """Comma-separated CIDRs (a bare address is a /32 or /128); ValueError names a bad one."""
    networks: list[Network] = []
    for entry in (e.strip() for e in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"PODIUM_ATTACHMENT_FETCH_ALLOW_NETWORKS: {entry!r} is not a network like "
                "10.0.0.0/8 or an address like 127.0.0.1"
            ) from None
    return tuple(networks)


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why a fetch must not connect to `ip` (ignoring the allow-list), or None if it may."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            reason = blocked_reason(embedded)
            if reason is not None:
                return f"{reason} (inside {ip})"
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata service address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "an address that is not publicly routable"
    return None


def is_allowed(ip: IPAddress, allow: tuple[Network, ...]) -> bool:
    """Whether `ip` is in one of the operator's networks."""
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(c.version == n.version and c in n for c in candidates for n in allow)


def refusal(ip: IPAddress, allow: tuple[Network, ...]) -> str | None:
    """Why the fetch may not connect to `ip` with this allow-list, or None if it may."""
    reason = blocked_reason(ip)
    if reason is None or is_allowed(ip, allow):
        return None
    return f"{ip} is {reason}"


def literal_ip(host: str) -> IPAddress | None:
    """The address if `host` is an IP literal (`127.0.0.1`, `[::1]`), else None."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None
