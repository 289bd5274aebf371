"""The statistics report, kept between requests and refreshed without making readers wait.

Computing the report reads every version's stored classification: 1.3 s of CPU for
100,000 versions and 14 s for 1,000,000 (``benchmarks/bench_stats_web.py``).
A page must answer in milliseconds, so the report is computed once and kept:

- while it is younger than :data:`SPACING` times what it cost to compute, it is served as
  it is (a report that took 10 s is recomputed at most every 200 s: the statistics use at
  most about 5 % of one core however often they are asked for);
- after that, it is served as long as no version or article was added since (two index
  lookups, :func:`~newsdiffs.storage.stats_reads.stats_fingerprint`) and it is younger
  than :data:`MAX_AGE_S` (which also picks up re-extracted classifications);
- otherwise it is recomputed in a background thread while readers get the previous report.

Only the first request of a process waits for the computation, unless
:meth:`StatsCache.warm` started it when the server started. Hidden articles are left out of
the most-edited lists when the report is computed and again when a page is drawn
(``stats_pages``), so hiding takes effect at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from newsdiffs.core.stats import StatsReport

log = logging.getLogger(__name__)
SPACING = 20.0
MAX_AGE_S = 600.0


@dataclass(frozen=True)
class _Snapshot:
    report: StatsReport
    fingerprint: Hashable
    at: float
    cost: float


class StatsCache:
    def __init__(
        self,
        compute: Callable[[], StatsReport],
        fingerprint: Callable[[], Hashable],
        *,
        spacing: float = SPACING,
        max_age: float = MAX_AGE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._compute = compute
        self._fingerprint = fingerprint
        self._spacing = spacing
        self._max_age = max_age
        self._monotonic = monotonic
        self._snapshot: _Snapshot | None = None
        self._computing = threading.Lock()  # one computation at a time

    def get(self) -> StatsReport:
        snapshot = self._snapshot
        if snapshot is None:
            with self._computing:
                if self._snapshot is None:
                    self._refresh()
                assert self._snapshot is not None
                return self._snapshot.report
        if not self._current(snapshot):
            self._refresh_in_background()
        return snapshot.report

    def warm(self) -> None:
        """Start computing the report in the background (when the server starts)."""
        if self._snapshot is None:
            self._refresh_in_background()

    def _current(self, snapshot: _Snapshot) -> bool:
        age = self._monotonic() - snapshot.at
        if age < snapshot.cost * self._spacing:
            return True
        return age < self._max_age and self._fingerprint() == snapshot.fingerprint

    def _refresh(self) -> None:
        fingerprint = self._fingerprint()  # before reading: later writes make it stale
        started = self._monotonic()
        report = self._compute()
        finished = self._monotonic()
        self._snapshot = _Snapshot(report, fingerprint, finished, finished - started)

    def _refresh_in_background(self) -> None:
        if not self._computing.acquire(blocking=False):
            return  # already being computed

        def run() -> None:
            try:
                self._refresh()
            except Exception:  # the previous report stays; the next request tries again
                log.exception("cannot refresh the statistics")
            finally:
                self._computing.release()

        threading.Thread(target=run, name="stats-refresh", daemon=True).start()
