"""Fetching from many hosts: one connection pool per origin, bounded, reused; and the
per-host delay holding as the server sees it, with other checks' CPU work in between."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdiffs.clock import ManualClock
from newsdiffs.demo.multi import MultiNewsroom
from newsdiffs.demo.multiserver import loopback_hosts
from newsdiffs.demo.requestlog import min_gap_per_host
from newsdiffs.fetching import Fetcher, FetchOutcome, FetchSettings
from newsdiffs.fetching.client import shared_ssl_context
from newsdiffs.fetching.network import asyncio_transport
from newsdiffs.fetching.pools import OriginPools

EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)


class _PortRecorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    ports: list[tuple[str, int]]  # (host, client port), set per server class
    delay_s = 0.0

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.ports.append((self.server.server_address[0], self.client_address[1]))  # type: ignore[index]
        if self.delay_s:
            time.sleep(self.delay_s)
        body = b"<p>ok</p>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hosts() -> Iterator[tuple[list[str], list[tuple[str, int]]]]:
    """Three servers on three loopback hosts (one port each); the (host, client port) log."""
    ports: list[tuple[str, int]] = []
    handler = type("Recorder", (_PortRecorder,), {"ports": ports, "delay_s": 0.0})
    servers = [ThreadingHTTPServer((host, 0), handler) for host in loopback_hosts(3, first=20)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://{s.server_address[0]}:{s.server_address[1]}" for s in servers], ports
    for server in servers:
        server.shutdown()
        server.server_close()


def _pools(fetcher: Fetcher) -> OriginPools:
    pools = fetcher._http._pool  # type: ignore[union-attr]
    assert isinstance(pools, OriginPools)
    return pools


def test_each_host_gets_its_own_pool_and_keeps_its_connection(
    hosts: tuple[list[str], list[tuple[str, int]]],
) -> None:
    bases, ports = hosts

    async def go() -> tuple[list[FetchOutcome], int, list[int]]:
        async with Fetcher(SETTINGS) as fetcher:
            outcomes = []
            for round_ in range(3):
                for base in bases:
                    outcomes.append((await fetcher.fetch(f"{base}/r{round_}")).outcome)
            pools = _pools(fetcher)
            sizes = [len(e.pool.connections) for e in pools._pools.values()]
            return outcomes, pools.origins, sizes

    outcomes, origins, sizes = asyncio.run(go())
    assert outcomes == [FetchOutcome.OK] * 9
    assert origins == 3
    assert sizes == [1, 1, 1]  # each pool walks only its own host's connections
    for host in {h for h, _ in ports}:
        assert len({port for h, port in ports if h == host}) == 1  # kept alive, reused


def test_least_recently_used_idle_pool_is_closed_past_the_bound(
    hosts: tuple[list[str], list[tuple[str, int]]],
) -> None:
    bases, ports = hosts

    async def go() -> tuple[int, list[FetchOutcome]]:
        transport = asyncio_transport(shared_ssl_context(), 2, max_origins=2)
        async with Fetcher(SETTINGS, transport) as fetcher:
            outcomes = [(await fetcher.fetch(f"{base}/a")).outcome for base in bases]
            origins = _pools(fetcher).origins
            # The first host's pool was closed to make room: asking it again reconnects.
            outcomes.append((await fetcher.fetch(f"{bases[0]}/b")).outcome)
            return origins, outcomes

    origins, outcomes = asyncio.run(go())
    assert origins == 2
    assert outcomes == [FetchOutcome.OK] * 4
    first_host = ports[0][0]
    assert len({port for h, port in ports if h == first_host}) == 2


def test_pools_idle_past_the_keepalive_expiry_are_closed(
    hosts: tuple[list[str], list[tuple[str, int]]],
) -> None:
    bases, _ports = hosts

    async def go() -> tuple[int, int, int]:
        transport = asyncio_transport(shared_ssl_context(), 2, keepalive_expiry=0.2)
        async with Fetcher(SETTINGS, transport) as fetcher:
            pools = _pools(fetcher)
            await fetcher.fetch(f"{bases[0]}/a")
            await fetcher.fetch(f"{bases[1]}/a")
            before = pools.origins
            await asyncio.sleep(0.3)
            await fetcher.fetch(f"{bases[2]}/a")
            return before, pools.origins, pools.idle_connections()

    before, after, idle = asyncio.run(go())
    assert before == 2
    assert after == 1  # only the host just asked
    assert idle == 1


def test_a_pool_with_a_request_in_flight_is_never_closed() -> None:
    ports: list[tuple[str, int]] = []
    slow = type("Slow", (_PortRecorder,), {"ports": ports, "delay_s": 0.3})
    fast = type("Fast", (_PortRecorder,), {"ports": ports, "delay_s": 0.0})
    first, second = loopback_hosts(2, first=30)
    servers = [ThreadingHTTPServer((first, 0), slow), ThreadingHTTPServer((second, 0), fast)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    slow_url, fast_url = (f"http://{s.server_address[0]}:{s.server_address[1]}/x" for s in servers)

    async def go() -> list[FetchOutcome]:
        transport = asyncio_transport(shared_ssl_context(), 2, max_origins=1)
        async with Fetcher(SETTINGS, transport) as fetcher:
            slow_fetch = asyncio.create_task(fetcher.fetch(slow_url))
            await asyncio.sleep(0.1)  # the slow request is on the wire
            fast_result = await fetcher.fetch(fast_url)
            return [(await slow_fetch).outcome, fast_result.outcome]

    try:
        outcomes = asyncio.run(go())
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert outcomes == [FetchOutcome.OK, FetchOutcome.OK]


async def _other_checks_cpu_work(stop: asyncio.Event, burst_s: float) -> None:
    """Other checks extracting and diffing pages: the event loop busy in bursts of CPU."""
    while not stop.is_set():
        end = time.perf_counter() + burst_s
        while time.perf_counter() < end:
            pass
        await asyncio.sleep(0)


DELAY_S = 0.1
BURST_S = 0.02
# The newsroom notes arrivals from its own thread, which waits for the GIL while the
# checks' CPU work holds it: up to the switch interval (5 ms by default), set to 1 ms here
# so the log is accurate to about that. The delay is then kept to within the tolerance.
# Measured, smallest gap over the 6 hosts: 155-189 ms in 5 runs (the loop saturated by the
# bursts delays each send after its turn too); before the fix 69-89 ms in 3 runs.
TOLERANCE_S = 0.005


def test_per_host_delay_holds_as_the_server_sees_it_under_concurrent_cpu_work() -> None:
    clock = ManualClock(EPOCH + timedelta(hours=6))
    room = MultiNewsroom(clock, outlets=6, articles_per_outlet=3, latency_s=0.01)
    settings = FetchSettings(
        allow_private_addresses=True,
        per_host_delay_s=DELAY_S,
        per_host_concurrency=2,
        retries=0,
        respect_robots=False,
    )

    async def go(per_host: list[list[str]]) -> list[FetchOutcome]:
        stop = asyncio.Event()
        load = asyncio.create_task(_other_checks_cpu_work(stop, BURST_S))
        async with Fetcher(settings) as fetcher:

            async def worker(urls: list[str]) -> list[FetchOutcome]:
                return [(await fetcher.fetch(url)).outcome for url in urls]

            results = await asyncio.gather(
                *(worker(urls * 2) for urls in per_host for _ in range(2))
            )
        stop.set()
        await load
        return [outcome for outcomes in results for outcome in outcomes]

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:
        with room:
            now = clock.now()
            per_host = [
                [f"{room.base_url(o)}{article.path}" for article in o.timeline.live_at(now)]
                for o in room.outlets
            ]
            outcomes = asyncio.run(go(per_host))
            time.sleep(0.1)  # let the newsroom see the connections close before it stops
    finally:
        sys.setswitchinterval(switch_interval)
    assert set(outcomes) == {FetchOutcome.OK}
    gaps = min_gap_per_host(room.requests())
    assert len(gaps) == 6
    assert min(gaps.values()) >= DELAY_S - TOLERANCE_S, gaps
