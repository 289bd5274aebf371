"""Per-host politeness: bounded concurrency and a minimum gap between requests as sent.

The gap is measured between the moments requests are *written to the connection*, not the
moments they pass the gate: between the two, a request may have to connect, and the event
loop may run other checks' CPU work (measured with the many-outlet newsroom, 20 concurrent
checks: the server saw starts up to 43 ms closer than ``delay_s`` when the gate counted
from its own pass). So a request holds the gate's start lock from its pass until it is
sent (:meth:`Slot.sent`), and the next request waits out ``delay_s`` from that moment.
The price: on a loop saturated with CPU work, a request's own way from its turn to the
wire adds to the gap (100 ms delay, back-to-back 20 ms bursts: gaps of 155-189 ms).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Slot:
    """One request's turn at a host; call :meth:`sent` once its request is on the wire."""

    __slots__ = ("_gate", "_holds_start_lock")

    def __init__(self, gate: HostGate, holds_start_lock: bool) -> None:
        self._gate = gate
        self._holds_start_lock = holds_start_lock

    def sent(self) -> None:
        """The request was written: the next request to this host waits from now."""
        if self._holds_start_lock:
            self._holds_start_lock = False
            self._gate._record_send()


class HostGate:
    """At most ``concurrency`` requests in flight to one host, sent ``delay_s`` apart.

    Why the bound holds as the server sees it: request B passes the gate only after
    request A was written (A holds the start lock until then) and ``delay_s`` after A's
    write finished; B is written after it passes. So the server sees A's bytes arrive no
    later than A's write returned and B's no earlier than ``delay_s`` after that; the gap
    can look shorter only by how late the server notes A's arrival compared with B's (its
    own scheduling: a few ms in the newsroom's thread, tests/test_fetching_hosts.py).
    """

    def __init__(self, concurrency: int, delay_s: float) -> None:
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._start_lock = asyncio.Lock()
        self._last_start = float("-inf")
        self.delay_s = max(0.0, delay_s)

    def raise_delay(self, floor_s: float) -> None:
        """Never start requests closer than ``floor_s`` (robots.txt Crawl-delay)."""
        self.delay_s = max(self.delay_s, floor_s)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """Hold a concurrency slot for one request, waiting out the gap to the last send.

        The caller calls ``slot.sent()`` when the request is written; until then (or until
        the block ends) the next request to this host waits.
        """
        async with self._semaphore:
            if self.delay_s <= 0:
                self._last_start = time.monotonic()  # a Crawl-delay learnt later counts
                yield Slot(self, holds_start_lock=False)
                return
            await self._start_lock.acquire()
            try:
                # Read delay_s after any wait: a Crawl-delay learnt meanwhile still counts.
                while (wait := self._last_start + self.delay_s - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
            except BaseException:
                self._start_lock.release()
                raise
            slot = Slot(self, holds_start_lock=True)
            try:
                yield slot
            finally:
                # A request never written (no connection, a timeout) counts as sent when
                # it gave up: conservative, and a host refusing us is no reason to hurry.
                slot.sent()

    def _record_send(self) -> None:
        self._last_start = time.monotonic()
        self._start_lock.release()


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
