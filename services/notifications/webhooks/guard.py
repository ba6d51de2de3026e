"""SSRF guard for webhook targets: resolve once, check every address, connect only to a checked one.

A name is resolved exactly once per connection and the socket is opened to the IP that passed the
check (DNS rebinding cannot swap it afterwards); the peer address of the open socket is checked
again, so whatever path the connection took, traffic only flows to a public address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from shared.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Beyond what ipaddress flags as private/loopback/link-local/reserved: ranges that reach inside.
_EXTRA_FORBIDDEN = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "100.64.0.0/10",  # carrier-grade NAT
        "169.254.0.0/16",  # link-local, cloud metadata (169.254.169.254)
        "192.0.0.0/24",
        "198.18.0.0/15",  # benchmarking
        "64:ff9b::/96",  # NAT64: embeds an IPv4 address
        "64:ff9b:1::/48",
        "2002::/16",  # 6to4: embeds an IPv4 address
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
    )
]


class WebhookTargetForbidden(DomainError):
    def __init__(self, target: str, address: str, why: str) -> None:
        super().__init__(
            "webhook_target_forbidden",
            f"webhook target {target} resolves to {address}, {why}; webhooks may only reach public addresses",
            details={"target": target, "address": address, "reason": why},
        )


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why this address may not be a webhook target, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return forbidden_reason(ip.ipv4_mapped) and "an IPv4-mapped private address"
        if ip.sixtofour is not None and forbidden_reason(ip.sixtofour):
            return "a 6to4 address of a private network"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local (or cloud metadata) address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "the unspecified address"
    for network in _EXTRA_FORBIDDEN:
        if ip.version == network.version and ip in network:
            return f"in the non-public range {network}"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "a private or reserved address"
    return None


def check_address(target: str, address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    why = forbidden_reason(ip)
    if why:
        raise WebhookTargetForbidden(target, str(ip), why)
    return ip


async def resolve(host: str, port: int) -> list[str]:
    """Every address the name has (an IP literal resolves to itself, without a DNS query)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


async def checked_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Resolve once; refuse if any address is forbidden (a name with one bad address is refused whole)."""
    try:
        addresses = await resolve(host, port)
    except OSError as exc:
        raise DomainError(
            "invalid_webhook_url", f"cannot resolve {host}: {exc}", details={"host": host}
        ) from None
    if not allow_private:
        for address in addresses:
            check_address(host, address)
    return addresses


async def validate_url(url: str, *, allow_private: bool) -> str:
    """An endpoint's URL as registered: http(s), a host, and (unless allowed) only public addresses."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(
            "invalid_webhook_url", "a webhook URL is http:// or https:// with a host", details={"url": url}
        )
    if parts.username or parts.password:
        raise DomainError(
            "invalid_webhook_url", "credentials do not belong in a webhook URL", details={"url": url}
        )
    if len(url) > 2000:
        raise DomainError("invalid_webhook_url", "the URL is too long", details={"url": url[:100]})
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await checked_addresses(parts.hostname, port, allow_private=allow_private)
    return url.strip()
