"""SSRF guard: refuse hosts that are, or resolve to, non-public addresses.

Limitation: the check resolves the name, then httpx resolves it again to connect, so a
DNS-rebinding server could answer differently the second time. Closing that gap needs a
transport that connects to the checked address; for a news watcher the first check, run on
every redirect hop, stops the realistic cases (a feed or redirect pointing at 127.0.0.1,
10.x, 169.254.169.254, ...). Verdicts are remembered for a minute per host and port
(:class:`HostVerdicts`), about as long as a typical DNS TTL would keep the answer anyway.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True)
class AddressVerdict:
    allowed: bool
    resolved: bool  # False when the name could not be resolved at all
    detail: str


# IPv6 forms that carry an IPv4 address in their low 32 bits (6to4 and mapped are decoded by
# the ipaddress module itself). The NAT64 well-known prefix is how IPv6-only networks reach
# IPv4 sites (DNS64 answers with it), so it is judged by the IPv4 address it carries.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated (RFC 4291); includes :: and ::1
# Never public: the local-use NAT64 prefix (RFC 8215) translates to whatever the local
# network chooses; Teredo (2001::/32) tunnels to any IPv4 address, private ones included.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: mapped, 6to4, NAT64 or compatible."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    An IPv6 address that embeds an IPv4 one is judged by the IPv4 address, so
    ``64:ff9b::10.0.0.1``, ``2002:0a00:0001::`` and ``::10.0.0.1`` are private. Site-local
    (``fec0::/10``), Teredo and local-use NAT64 addresses are never public.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local or address.teredo is not None or address in _LOCAL_NAT64:
            return False
        embedded = embedded_ipv4(address)
        if embedded is not None:
            address = embedded
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


VERDICT_TTL_S = 60.0


class HostVerdicts:
    """:func:`check_host` answers, remembered for ``ttl_s`` per (host, port).

    Without it every request of a tracker, most of them 304s to a few hosts, paid a
    getaddrinfo (a worker thread, and a DNS query unless the system caches) just to learn
    again that the host is public. Resolution failures are not remembered: they are worth
    asking again at once.
    """

    def __init__(self, resolver: Resolver, ttl_s: float = VERDICT_TTL_S) -> None:
        self._resolver = resolver
        self._ttl_s = ttl_s
        self._known: dict[tuple[str, int], tuple[float, AddressVerdict]] = {}

    async def check(self, host: str, port: int) -> AddressVerdict:
        key = (host, port)
        known = self._known.get(key)
        now = time.monotonic()
        if known is not None and known[0] > now:
            return known[1]
        verdict = await check_host(host, port, self._resolver)
        if verdict.resolved:
            self._known[key] = (now + self._ttl_s, verdict)
        return verdict
