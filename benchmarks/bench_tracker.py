"""Tracker cost per check against the demo newsroom (issue 2's benchmark).

    python benchmarks/bench_tracker.py            # 1,000 articles
    python benchmarks/bench_tracker.py --quick    # 100 articles

Timing on a shared machine drifts (the same code has measured 1.5x slower minutes later):
``--runs`` repeats the measurement (3 by default) and each outcome reports its best run,
with every run's median printed beside it.

The newsroom serves from a separate process (as a real site would), on a simulated clock
both processes share; CPU is measured with ``time.process_time`` in the tracker's process
(every thread: extraction and the check decision run in a worker thread), around each whole
check (fetch + extract + normalise + compare + store), with checks run one at a time so
nothing else is counted in. A second pass measures throughput with the tracker's normal
concurrency.

Outcomes are measured separately:
- ``unchanged (304)``: a conditional request the newsroom answers 304 Not Modified.
- ``unchanged (same bytes)``: the same page fetched in full again at the same sim time:
  the newsroom runs with steady noise (like a page behind a cache), so the bytes repeat
  and the remembered body hash settles the check without extraction.
- ``unchanged (full page)``: the same page fetched in full (no validators) hours later;
  its noise ("Updated N minutes ago", rotating links) differs, so extraction runs and
  finds no change.
- ``changed``: a real edit: extraction, a new version, the raw page compressed and stored.
- ``first``: the first capture of an article.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from newsdiffs.demo import DemoNewsroom
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.models import CheckOutcome
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.storage.sql import SqlStore
from newsdiffs.tracker import Tracker

RESULTS = Path(__file__).resolve().parent / "results"
START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
FETCH = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, per_host_concurrency=16, retries=0
)


class SharedClock:
    """Simulated time both processes read: ``start`` plus a shared offset in seconds."""

    def __init__(self, start: datetime, offset: Any) -> None:
        self.start = start
        self.offset = offset

    def now(self) -> datetime:
        return self.start + timedelta(seconds=float(self.offset.value))

    def advance(self, seconds: float) -> None:
        with self.offset.get_lock():
            self.offset.value += seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)


def _serve_newsroom(offset: Any, n_articles: int, pipe: Connection) -> None:
    clock = SharedClock(START, offset)
    with DemoNewsroom(clock, n_articles=n_articles, steady_noise=True) as room:
        room.start()
        pipe.send((room.source(), room.article_urls()))
        pipe.recv()  # until told to stop


def _bucket(outcome: CheckOutcome) -> str:
    if outcome is CheckOutcome.NOT_MODIFIED:
        return "unchanged (304)"
    if outcome is CheckOutcome.UNCHANGED:
        return "unchanged (full page)"
    if outcome is CheckOutcome.FIRST_VERSION:
        return "first"
    if outcome is CheckOutcome.NEW_VERSION:
        return "changed"
    return str(outcome)


class _Split:
    """CPU spent inside the fetch and inside the store write of the check being measured."""

    def __init__(self, fetcher: Fetcher, store: SqlStore) -> None:
        self.fetch_ms = 0.0
        self.store_ms = 0.0
        fetch, record = fetcher.fetch, store.record_check

        async def timed_fetch(*args: Any, **kwargs: Any) -> Any:
            before = time.thread_time()
            try:
                return await fetch(*args, **kwargs)
            finally:
                self.fetch_ms = (time.thread_time() - before) * 1000.0

        def timed_record(*args: Any, **kwargs: Any) -> Any:
            before = time.thread_time()
            try:
                return record(*args, **kwargs)
            finally:
                self.store_ms = (time.thread_time() - before) * 1000.0

        fetcher.fetch = timed_fetch  # type: ignore[method-assign]
        store.record_check = timed_record  # type: ignore[method-assign]


async def measure(
    store: SqlStore, clock: SharedClock, steps: int
) -> tuple[dict[str, list[float]], dict[str, list[tuple[float, float]]]]:
    """Check every article at several sim times; CPU ms per check, by outcome.

    Also, per outcome, (fetch ms, store-write ms) of each check: where the CPU went.
    """
    cpu: dict[str, list[float]] = {}
    parts: dict[str, list[tuple[float, float]]] = {}
    async with Fetcher(FETCH) as fetcher:
        tracker = Tracker(store, fetcher, clock)
        split = _Split(fetcher, store)
        for step in range(steps):
            conditional = step % 2 == 1
            # Full-page steps run twice at the same sim time: the second fetch gets the
            # same bytes (steady noise) and shows what a byte-identical page costs.
            for repeat in (False, True) if not conditional else (False,):
                for article in store.list_articles(limit=100_000):
                    if not conditional:
                        article = replace(article, etag=None, last_modified=None)
                    before = time.process_time()
                    report = await tracker.check(article)
                    spent = (time.process_time() - before) * 1000.0
                    bucket = _bucket(report.outcome)
                    if repeat and _same_bytes(store, article.id):
                        bucket = "unchanged (same bytes)"
                    cpu.setdefault(bucket, []).append(spent)
                    parts.setdefault(bucket, []).append((split.fetch_ms, split.store_ms))
            if conditional:
                clock.advance(timedelta(hours=3).total_seconds())
    return cpu, parts


def _same_bytes(store: SqlStore, article_id: int) -> bool:
    """Was the article's last check settled by the remembered hash of an identical body?"""
    last = store.checks(article_id, limit=1)
    return (
        bool(last)
        and last[0].outcome is CheckOutcome.UNCHANGED
        and last[0].detail == ("same bytes")
    )


async def throughput(store: SqlStore, clock: SharedClock) -> tuple[int, float]:
    """All articles due at once, checked with the runner's concurrency: checks per second."""
    async with Fetcher(FETCH) as fetcher:
        runner = Runner(store, fetcher, clock, concurrency=8, batch_size=100_000)
        clock.advance(timedelta(days=2).total_seconds())  # every article due again
        started = time.perf_counter()
        stats = await runner.check_due()
        return stats.checks, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 articles, fewer steps")
    parser.add_argument("--articles", type=int, default=None)
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="measurement runs (sim time goes on between them); each outcome reports the "
        "run with the lowest median, every run's median is printed too (default 3)",
    )
    args = parser.parse_args()
    n_articles = args.articles or (100 if args.quick else 1000)
    steps = 6 if args.quick else 8

    offset = multiprocessing.Value("d", 0.0)
    clock = SharedClock(START, offset)
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve_newsroom, args=(offset, n_articles, theirs), daemon=True
    )
    server.start()
    source, article_urls = ours.recv()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        store.upsert_source(source)
        clock.advance(timedelta(hours=25).total_seconds())  # everything published
        for url in article_urls:
            store.add_article(source.name, url, clock.now())
        store.close()
        print(
            f"tracker benchmark: {n_articles} demo articles, {args.runs} runs of {steps} rounds",
            file=sys.stderr,
        )
        runs: list[tuple[dict[str, list[float]], dict[str, list[tuple[float, float]]]]] = []
        for run in range(max(1, args.runs)):
            store = open_store(str(Path(tmp) / "bench.db"))  # unwrapped for each run
            runs.append(asyncio.run(measure(store, clock, steps)))
            store.close()
            if run == 0:  # while intervals are still short enough for 2 days to cover
                store = open_store(str(Path(tmp) / "bench.db"))
                checks, seconds = asyncio.run(throughput(store, clock))
                store.close()
    ours.send("stop")
    server.join(timeout=10)

    rows: list[dict[str, Any]] = []
    outcomes = (
        "first",
        "unchanged (304)",
        "unchanged (same bytes)",
        "unchanged (full page)",
        "changed",
    )
    for name in outcomes:
        measured = [(cpu[name], parts[name]) for cpu, parts in runs if cpu.get(name)]
        if not measured:
            continue
        run_medians = [statistics.median(values) for values, _ in measured]
        values, split = measured[run_medians.index(min(run_medians))]
        values = sorted(values)
        rows.append(
            {
                "outcome": name,
                "checks": len(values),
                "cpu_ms_mean": statistics.fmean(values),
                "cpu_ms_median": statistics.median(values),
                "cpu_ms_p95": values[int(0.95 * (len(values) - 1))],
                "fetch_cpu_ms_median": statistics.median(fetch for fetch, _ in split),
                "store_write_cpu_ms_median": statistics.median(write for _, write in split),
                "run_medians": run_medians,
            }
        )
    others: dict[str, int] = {}
    for cpu, _ in runs:
        for key, values in cpu.items():
            if key not in outcomes:
                others[key] = others.get(key, 0) + len(values)
    print(
        f"\n{'outcome':<24}{'checks':>8}{'CPU ms mean':>14}{'median':>10}{'p95':>10}"
        f"{'| fetch':>10}{'store':>8}"
    )
    for row in rows:
        print(
            f"{row['outcome']:<24}{row['checks']:>8}{row['cpu_ms_mean']:>14.2f}"
            f"{row['cpu_ms_median']:>10.2f}{row['cpu_ms_p95']:>10.2f}"
            f"{row['fetch_cpu_ms_median']:>10.2f}{row['store_write_cpu_ms_median']:>8.2f}"
        )
    print("(fetch, store: medians of the CPU inside the fetch and the store write of each check)")
    print(f"each outcome from its best of {len(runs)} runs; the medians of every run:")
    for row in rows:
        listed = ", ".join(f"{median:.2f}" for median in row["run_medians"])
        print(f"  {row['outcome']:<24}{listed}")
    if others:
        print(f"other outcomes: {others}")
    rate = checks / seconds if seconds else 0.0
    print(f"\nthroughput: {checks} checks in {seconds:.1f} s = {rate:.0f} checks/s (concurrency 8)")
    print("targets: unchanged < 2 ms CPU, changed < 30 ms CPU")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "tracker.json"
    out.write_text(
        json.dumps(
            {
                "articles": n_articles,
                "runs": len(runs),
                "rows": rows,
                "other_outcomes": others,
                "throughput_checks": checks,
                "throughput_seconds": seconds,
                "checks_per_second": rate,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
