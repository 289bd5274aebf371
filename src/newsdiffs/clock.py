"""Clocks. The tracker and the demo newsroom never call ``datetime.now`` directly.

``SystemClock`` is real time. ``FastClock`` runs simulated time ``speed`` times faster than
real time from a chosen start, so the demo can show days of edits in a minute and a half.
It counts from an *anchor*, a ``time.monotonic()`` reading: on Linux that is one clock for
every process on the machine (CLOCK_MONOTONIC), so processes handed the same (start, speed,
anchor) agree on simulated time to the microsecond. A run across processes (the
distributed test: newsroom, scheduler, three workers) takes one anchor in one process and
passes it down; a process that anchored its own clock would run behind by its start-up time
(at speed 200, a second of start-up is 200 simulated seconds).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current (possibly simulated) time, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Sleep for ``seconds`` of this clock's time."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FastClock:
    """Simulated time: ``start + (time.monotonic() - anchor) * speed``.

    ``anchor`` is the ``time.monotonic()`` reading at which simulated time was ``start``
    (default: now). Hand the same three values to every process of one run.
    """

    def __init__(self, start: datetime, speed: float, anchor: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("FastClock start must be timezone-aware")
        if speed <= 0:
            raise ValueError("FastClock speed must be positive")
        self.start = start
        self.speed = speed
        self.anchor = time.monotonic() if anchor is None else anchor

    def now(self) -> datetime:
        elapsed = time.monotonic() - self.anchor
        return self.start + timedelta(seconds=elapsed * self.speed)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class ManualClock:
    """A clock that only moves when told to (tests, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock start must be timezone-aware")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
