"""Fetcher CPU per fetch as the number of hosts grows: 20, 100, 500 outlets.

Serves the many-outlet newsroom (:mod:`newsdiffs.demo.multi`, one loopback address per
outlet, ``--latency-ms`` server latency, in a thread of this process) and has one Fetcher
keep every host busy: ``per_host_concurrency`` workers per host, no politeness delay, each
fetching its host's live article pages in turn. Two kinds of fetch per host count:

- ``304``: conditional requests with the page's ETag (the tracker's common case);
- ``full``: unconditional GETs of the whole page (the demo's article pages, ~5 KB).

A warm-up round (one fetch per article, unmeasured) opens the connections and learns the
ETags. CPU is the fetching thread's own (``time.thread_time``): the newsroom answers from
another thread, so its CPU is not counted.

    python benchmarks/bench_fetch_hosts.py [--hosts 20 100 500] [--fetches 1000]
        [--latency-ms 100] [--label after] [--out FILE]

Prints a table and writes ``benchmarks/results/fetch_hosts.json`` (or ``--out``). To
compare with another version of the code, run the same script with that version's ``src``
first on ``PYTHONPATH`` (``--label before --out ...``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import platform
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsdiffs.clock import ManualClock
from newsdiffs.demo.multi import MultiNewsroom
from newsdiffs.fetching import Fetcher, FetchOutcome, FetchSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "fetch_hosts.json"
EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ARTICLES_PER_OUTLET = 6
PER_HOST_CONCURRENCY = 2


def live_urls(room: MultiNewsroom, at: datetime) -> list[list[str]]:
    """Per outlet, the article URLs live at ``at``."""
    return [
        [f"{room.base_url(outlet)}{article.path}" for article in outlet.timeline.live_at(at)]
        for outlet in room.outlets
    ]


async def run_kind(
    fetcher: Fetcher, per_host: list[list[str]], etags: dict[str, str] | None, fetches: int
) -> tuple[float, float, int, int]:
    """(cpu s, wall s, fetches, failures) for about ``fetches`` fetches spread over hosts."""
    per_worker = max(1, fetches // (len(per_host) * PER_HOST_CONCURRENCY))
    failures = 0
    done = 0
    expected = FetchOutcome.NOT_MODIFIED if etags is not None else FetchOutcome.OK

    async def worker(urls: list[str], offset: int) -> None:
        nonlocal failures, done
        cycle = itertools.islice(itertools.cycle(urls), offset, None)
        for url in itertools.islice(cycle, per_worker):
            etag = etags.get(url) if etags is not None else None
            result = await fetcher.fetch(url, etag=etag)
            done += 1
            if result.outcome is not expected:
                failures += 1

    cpu = time.thread_time()
    wall = time.perf_counter()
    await asyncio.gather(
        *(
            worker(urls, offset)
            for urls in per_host
            if urls
            for offset in range(PER_HOST_CONCURRENCY)
        )
    )
    return time.thread_time() - cpu, time.perf_counter() - wall, done, failures


async def measure(room: MultiNewsroom, fetches: int) -> list[dict[str, Any]]:
    settings = FetchSettings(
        allow_private_addresses=True,
        per_host_delay_s=0.0,
        per_host_concurrency=PER_HOST_CONCURRENCY,
        retries=0,
        respect_robots=False,
        timeout_s=60.0,
    )
    now = room.clock.now()
    per_host = live_urls(room, now)
    rows = []
    async with Fetcher(settings) as fetcher:
        warm = await asyncio.gather(*(fetcher.fetch(u) for urls in per_host for u in urls))
        etags = {r.requested_url: r.etag for r in warm if r.etag}
        sizes = [len(r.body) for r in warm if r.ok]
        for kind, kind_etags in (("304", etags), ("full", None)):
            cpu, wall, done, failures = await run_kind(fetcher, per_host, kind_etags, fetches)
            rows.append(
                {
                    "hosts": len(room.outlets),
                    "kind": kind,
                    "fetches": done,
                    "failures": failures,
                    "cpu_ms_per_fetch": round(1000 * cpu / done, 3),
                    "fetches_per_s": round(done / wall, 1),
                    "page_bytes": round(sum(sizes) / len(sizes)) if kind == "full" else 0,
                }
            )
    return rows


def run_hosts(hosts: int, fetches: int, latency_s: float) -> list[dict[str, Any]]:
    clock = ManualClock(EPOCH + timedelta(hours=6))
    room = MultiNewsroom(
        clock,
        outlets=hosts,
        articles_per_outlet=ARTICLES_PER_OUTLET,
        latency_s=latency_s,
        keep_requests=False,
    )
    with room:
        rows = asyncio.run(measure(room, fetches))
        time.sleep(0.2)  # let the newsroom see the closed connections before it stops
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, nargs="+", default=[20, 100, 500])
    parser.add_argument("--fetches", type=int, default=1000, help="per host count and kind")
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    rows: list[dict[str, Any]] = []
    print(f"{'hosts':>6} {'kind':>5} {'fetches':>8} {'fail':>5} {'CPU ms/fetch':>13} "
          f"{'fetches/s':>10} {'page B':>7}")  # fmt: skip
    for hosts in args.hosts:
        for row in run_hosts(hosts, args.fetches, args.latency_ms / 1000.0):
            rows.append(row)
            print(
                f"{row['hosts']:>6} {row['kind']:>5} {row['fetches']:>8} {row['failures']:>5} "
                f"{row['cpu_ms_per_fetch']:>13.3f} {row['fetches_per_s']:>10.1f} "
                f"{row['page_bytes']:>7}",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "label": args.label,
        "latency_ms": args.latency_ms,
        "per_host_concurrency": PER_HOST_CONCURRENCY,
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "rows": rows,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
