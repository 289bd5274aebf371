"""Alerts delivery benchmark (issue 11): the outbox's throughput, and what alerts cost checks.

The ``outbox`` section of ``benchmarks/bench_alerts.py`` (results in its JSON file)::

    python benchmarks/bench_alerts.py --section outbox           # 2,000 alerts; 300 articles
    python benchmarks/bench_alerts.py --section outbox --quick   # 500 alerts; 100 articles

1. **Outbox to a local webhook**: N pending alerts in a SQLite outbox, delivered by the
   sender (claim, compose, POST with the key header, mark sent) to a loopback receiver
   (the demo's). Composing is a stub here (its cost is the compose/card benchmarks'), so
   this measures the outbox and the delivery path. Alerts per second (wall) and CPU ms per
   alert (``time.process_time``: the sender's process, every thread; the receiver runs in
   a process of its own, as a real one is elsewhere).
2. **Checks per second, alerts on vs off**: the demo newsroom (its own process) with every
   article edited; the runner checks all of them (concurrency 8) with (a) no rule and no
   sender, (b) a rule matching every edit to the local webhook and the sender running as
   its task beside the checks, as ``newsdiffs run`` does (its passes wait for a round of
   checks to end, at most ``max_defer_s``: the time from the end of the checks to the last
   alert delivered is reported). Each run starts from a fresh database at the same
   simulated time (after one discarded warm-up run), modes alternate, each mode keeps its
   best run. Target: alerts on within 5 % of off, judged on checks per
   CPU second of the tracker's process (``time.process_time``, the sender's threads
   included): checks per wall second are printed too, but on the shared 2-core host the
   same mode measured from 39 to 105 checks/s minutes apart.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench_tracker import START, SharedClock, _serve_newsroom
from sqlalchemy import insert

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.sender import AlertSender, DeliverySettings, store_cards, store_composer
from newsdiffs.alerts.targets import target_for
from newsdiffs.clock import SystemClock
from newsdiffs.core.alert_rules import AlertRule, TargetSpec
from newsdiffs.demo.alert_receiver import AlertReceiver
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.models import Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.storage.base import OutboxAlert
from newsdiffs.storage.outbox import target_json
from newsdiffs.storage.schema import alerts as alerts_table
from newsdiffs.storage.sql import SqlStore

FETCH = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, per_host_concurrency=16, retries=0
)
TARGET_OVERHEAD = 0.05


# --- the receiver, in a process of its own (as a real one is elsewhere) ---------------------


def _serve_receiver(pipe: Connection) -> None:
    with AlertReceiver() as receiver:
        pipe.send(receiver.url)
        while pipe.recv() == "count":
            pipe.send(receiver.inbox.count)


class RemoteReceiver:
    """The demo's alert receiver in another process: its CPU is not the tracker's."""

    def __enter__(self) -> RemoteReceiver:
        self._pipe, theirs = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve_receiver, args=(theirs,), daemon=True)
        self._process.start()
        self.url: str = self._pipe.recv()
        return self

    def count(self) -> int:
        self._pipe.send("count")
        count: int = self._pipe.recv()
        return count

    def __exit__(self, *exc: object) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=10)


# --- 1. the outbox's throughput -------------------------------------------------------------


def stub_message(alert: OutboxAlert) -> AlertMessage:
    return AlertMessage(
        key=alert.key,
        title="Headline changed · The Daily Demo",
        text="Headline changed: 'Harbour bridge to close' → 'Harbour bridge to close for a year'",
        html="<p>Headline changed</p>",
        short_text="Headline changed",
        link=f"http://127.0.0.1:8080/articles/{alert.article_id}/diff/1/2",
        outlet="The Daily Demo",
        article_url="http://127.0.0.1/news/1",
        kinds=("headline",),
    )


def seed_outbox(store: SqlStore, target: TargetSpec, count: int, now: datetime) -> None:
    store.upsert_source(Source(name="bench", home_url="http://127.0.0.1/", endpoints=()))
    article, _ = store.add_article("bench", "http://127.0.0.1/news/1", now)
    rows = [
        {
            "key": f"bench-{n:08d}",
            "rule": "bench",
            "target_index": 0,
            "target": target_json(target),
            "target_url": target.url,
            "article_id": article.id,
            "created_at": now,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
            "event_detail": "",
        }
        for n in range(count)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(alerts_table), rows)


async def outbox_throughput(store: SqlStore, count: int) -> dict[str, Any]:
    with RemoteReceiver() as receiver:
        seed_outbox(store, TargetSpec(receiver.url), count, SystemClock().now())
        sender = AlertSender(
            store, target_for, stub_message, None, SystemClock(), DeliverySettings(batch=100)
        )
        cpu, wall = time.process_time(), time.perf_counter()
        sent = 0
        while sent < count:
            stats = await sender.deliver_due()
            if stats.alerts_sent == 0:
                break
            sent += stats.alerts_sent
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert receiver.count() == sent == count, (receiver.count(), sent, count)
    return {
        "alerts": count,
        "seconds": wall,
        "alerts_per_second": count / wall,
        "cpu_ms_per_alert": cpu * 1000.0 / count,
    }


# --- 2. checks per second with alerts on and off --------------------------------------------


async def checks_per_second(
    db: Path, source: Any, urls: list[str], clock: SharedClock, alerts_on: bool
) -> dict[str, Any]:
    store = open_store(str(db))
    try:
        store.upsert_source(source)
        clock.offset.value = timedelta(hours=25).total_seconds()  # everything published
        for url in urls:
            store.add_article(source.name, url, clock.now())
        with RemoteReceiver() as receiver:
            async with Fetcher(FETCH) as fetcher:
                runner = Runner(store, fetcher, clock, concurrency=8, batch_size=100_000)
                await runner.check_due()  # first versions: not measured
                sender = None
                if alerts_on:
                    rule = AlertRule(name="edits", targets=(TargetSpec(receiver.url),))
                    store.save_alert_rule(rule)
                    sender = AlertSender(
                        store,
                        target_for,
                        store_composer(store, "http://127.0.0.1:8080"),
                        store_cards(store),
                        clock,
                        DeliverySettings(interval_s=0.05),
                    )
                clock.advance(timedelta(days=2).total_seconds())  # every article due, edited
                stop = asyncio.Event()
                sending = asyncio.create_task(sender.run(stop, runner.checking)) if sender else None
                started, cpu = time.perf_counter(), time.process_time()
                stats = await runner.check_due()
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
                # How long after the burst of checks its alerts were all delivered.
                while sending is not None and receiver.count() < stats.new_versions:
                    if time.perf_counter() - started > seconds + 120:
                        break
                    await asyncio.sleep(0.01)
                delivered_after = time.perf_counter() - started - seconds
                stop.set()
                if sending is not None:
                    await sending
            delivered = receiver.count()
        compose_ms = compose_cpu_ms(store) if alerts_on else None
        return {
            "checks": stats.checks,
            "new_versions": stats.new_versions,
            "seconds": seconds,
            "checks_per_second": stats.checks / seconds,
            "cpu_ms_per_check": cpu * 1000.0 / stats.checks,
            "compose_cpu_ms_per_alert": compose_ms,
            "alerts_delivered": delivered,
            "all_delivered_s_after_checks": delivered_after if alerts_on else None,
            "alerts_pending_after": store.alert_counts().get("pending", 0),
        }
    finally:
        store.close()


def compose_cpu_ms(store: SqlStore) -> float:
    """CPU ms to compose one of the run's alerts (its message: versions read, change text)."""
    sent = store.list_alerts(status="sent", limit=10_000)
    compose = store_composer(store, "http://127.0.0.1:8080")
    cpu = time.process_time()
    for alert in sent:
        compose(alert)
    return (time.process_time() - cpu) * 1000.0 / max(1, len(sent))


def bench_outbox(args: argparse.Namespace) -> dict[str, Any]:
    """The outbox section (``bench_alerts.py --section outbox``): both measurements."""
    quick = bool(getattr(args, "quick", False))
    n_alerts = getattr(args, "alerts", None) or (500 if quick else 2000)
    n_articles = getattr(args, "articles", None) or (100 if quick else 300)
    runs = getattr(args, "runs", None) or (2 if quick else 3)

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "outbox.db"))
        try:
            outbox = asyncio.run(outbox_throughput(store, n_alerts))
        finally:
            store.close()
    print(
        f"outbox -> local webhook: {outbox['alerts']} alerts in {outbox['seconds']:.2f} s = "
        f"{outbox['alerts_per_second']:.0f} alerts/s, {outbox['cpu_ms_per_alert']:.2f} ms CPU "
        "per alert (compose stubbed)"
    )

    offset = multiprocessing.Value("d", 0.0)
    clock = SharedClock(START, offset)
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=_serve_newsroom, args=(offset, n_articles, theirs), daemon=True
    )
    server.start()
    source, urls = ours.recv()
    measured: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
    try:
        # Discarded warm-up: without it the first run measured 38 checks/s against 92 for
        # the same mode later (imports, caches, the newsroom process's first pages).
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(checks_per_second(Path(tmp) / "w.db", source, urls, clock, True))
        for run in range(runs):
            for mode in ("off", "on") if run % 2 == 0 else ("on", "off"):
                with tempfile.TemporaryDirectory() as tmp:
                    result = asyncio.run(
                        checks_per_second(Path(tmp) / "c.db", source, urls, clock, mode == "on")
                    )
                measured[mode].append(result)
                print(
                    f"  run {run + 1} alerts {mode:<3}: {result['checks']} checks "
                    f"({result['new_versions']} new versions) in {result['seconds']:.2f} s = "
                    f"{result['checks_per_second']:.1f} checks/s, "
                    f"{result['cpu_ms_per_check']:.1f} ms CPU/check; "
                    f"{result['alerts_delivered']} alerts delivered"
                    + (
                        f", all {result['all_delivered_s_after_checks']:.2f} s after the checks"
                        if mode == "on"
                        else ""
                    ),
                    file=sys.stderr,
                )
    finally:
        ours.send("stop")
        server.join(timeout=10)
    best = {mode: max(r["checks_per_second"] for r in rows) for mode, rows in measured.items()}
    best_cpu = {mode: min(r["cpu_ms_per_check"] for r in rows) for mode, rows in measured.items()}
    ratio = best["on"] / best["off"]
    cpu_ratio = best_cpu["off"] / best_cpu["on"]  # checks per CPU second, on over off
    print(f"\n{'alerts':<8}{'best checks/s':>15}{'best CPU ms/check':>19}{'runs (checks/s)':>30}")
    for mode in ("off", "on"):
        listed = ", ".join(f"{r['checks_per_second']:.1f}" for r in measured[mode])
        print(f"{mode:<8}{best[mode]:>15.1f}{best_cpu[mode]:>19.2f}{listed:>30}")
    verdict = "within" if cpu_ratio >= 1 - TARGET_OVERHEAD else "NOT within"
    print(
        f"alerts on / off: checks per CPU second {cpu_ratio:.3f} ({verdict} the 5 % target); "
        f"checks per wall second {ratio:.3f} (best of {runs}; the shared host's load moves "
        "this by up to 2x between runs of the same mode)"
    )
    return {
        "outbox": outbox,
        "articles": n_articles,
        "runs": measured,
        "best_checks_per_second": best,
        "best_cpu_ms_per_check": best_cpu,
        "on_over_off_wall": ratio,
        "on_over_off_cpu": cpu_ratio,
        "target_overhead": TARGET_OVERHEAD,
        "meets_target": cpu_ratio >= 1 - TARGET_OVERHEAD,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
