"""Per-host politeness: bounded concurrency and a minimum gap between request starts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """At most ``concurrency`` requests in flight to one host, starts ``delay_s`` apart."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._start_lock = asyncio.Lock()
        self._last_start = float("-inf")
        self.delay_s = max(0.0, delay_s)

    def raise_delay(self, floor_s: float) -> None:
        """Never start requests closer than ``floor_s`` (robots.txt Crawl-delay)."""
        self.delay_s = max(self.delay_s, floor_s)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a concurrency slot for one request, waiting out the gap to the last start."""
        async with self._semaphore:
            async with self._start_lock:
                # Read delay_s after any wait: a Crawl-delay learnt meanwhile still counts.
                while (wait := self._last_start + self.delay_s - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                self._last_start = time.monotonic()
            yield


class HostGates:
    """One :class:`HostGate` per host name, created on first use."""

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self._concurrency = concurrency
        self._delay_s = delay_s
        self._gates: dict[str, HostGate] = {}

    def for_host(self, host: str) -> HostGate:
        key = host.lower()
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = HostGate(self._concurrency, self._delay_s)
        return gate
