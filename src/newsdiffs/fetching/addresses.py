"""SSRF guard: refuse hosts that are, or resolve to, non-public addresses.

Limitation: the check resolves the name, then httpx resolves it again to connect, so a
DNS-rebinding server could answer differently the second time. Closing that gap needs a
transport that connects to the checked address; for a news watcher the first check, run on
every redirect hop, stops the realistic cases (a feed or redirect pointing at 127.0.0.1,
10.x, 169.254.169.254, ...).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True)
class AddressVerdict:
    allowed: bool
    resolved: bool  # False when the name could not be resolved at all
    detail: str


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def parse_ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, via the event loop's getaddrinfo."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def check_host(host: str, port: int, resolver: Resolver) -> AddressVerdict:
    """Allow ``host`` only when it and every address it resolves to are public."""
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses: list[str] = [str(literal)]
    else:
        try:
            addresses = await resolver(host, port)
        except OSError as exc:
            return AddressVerdict(False, False, f"cannot resolve {host}: {exc}")
        if not addresses:
            return AddressVerdict(False, False, f"cannot resolve {host}: no addresses")
    for text in addresses:
        address = parse_ip_literal(text.split("%")[0])  # drop an IPv6 zone id
        if address is None or not is_public_address(address):
            return AddressVerdict(False, True, f"{host} is or resolves to non-public {text}")
    return AddressVerdict(True, True, "")
