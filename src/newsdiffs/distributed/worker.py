"""``newsdiffs worker``: a Celery worker whose process keeps one event loop for its life.

The worker runs ONE pool process (``worker_concurrency=1``: per-host politeness lives in
that process's fetcher, see :mod:`.routing`). When the pool process starts
(``worker_process_init``) it creates an event loop, a :class:`Fetcher` (its connection
pool, per-host gates and robots cache), the store (its connection pool) and a
:class:`Tracker`; each task runs its checks as coroutines on that loop
(``loop.run_until_complete``), so keep-alive connections and robots.txt answers carry over
from task to task. ``asyncio.run`` per task would close the loop, and with it every pooled
connection, after every batch. At shutdown (``worker_process_shutdown``) all of it is closed.

A task is a batch of claim tickets for hosts of one queue. Its checks run concurrently
(``concurrency`` at once; the fetcher keeps the per-host delay between them). A ticket whose
claim has lapsed (a message delivered again after its worker died) is skipped without a
fetch (so is one whose claim would lapse before the batch deadline): its article was or
will be claimed again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from newsdiffs.clock import Clock, SystemClock
from newsdiffs.distributed.alert_task import (
    ALERT_QUEUE,
    close_alert_runtime,
    register_alert_task,
)
from newsdiffs.distributed.app import (
    BATCH_DEADLINE_SHARE,
    CHECK_TASK,
    POLL_TASK,
    Timings,
    make_app,
)
from newsdiffs.distributed.routing import all_queues, queue_name
from newsdiffs.distributed.tickets import Ticket
from newsdiffs.errors import ConfigError, NotFoundError
from newsdiffs.fetching import Fetcher
from newsdiffs.runner import Runner
from newsdiffs.settings import Settings, fetch_settings
from newsdiffs.storage import SqlStore, open_store
from newsdiffs.storage.base import Claim

log = logging.getLogger("newsdiffs.worker")


@dataclass
class BatchReport:
    """What one task did: checks recorded, claims lost to another claimer, lapsed tickets."""

    recorded: int = 0
    lost_race: int = 0
    lapsed: int = 0  # claims lapsed, or lapsing before the batch deadline: not started
    gone: int = 0  # articles deleted or merged away since the claim
    unfinished: int = 0  # still running at the batch deadline: cancelled, their claims lapse
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "recorded": self.recorded,
            "lost_race": self.lost_race,
            "lapsed": self.lapsed,
            "gone": self.gone,
            "unfinished": self.unfinished,
            "outcomes": dict(self.outcomes),
        }


class WorkerRuntime:
    """One pool process's long-lived loop, fetcher, store and tracker."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.timings = Timings(settings.claim_lease_s)
        self.loop = asyncio.new_event_loop()
        self.store: SqlStore = open_store(settings.db)
        self.fetcher = Fetcher(fetch_settings(settings))
        self.loop.run_until_complete(self.fetcher.__aenter__())
        # The runner for its polling code; its tracker checks the claimed articles.
        self.runner = Runner(
            self.store,
            self.fetcher,
            clock,
            schedule_policy=settings.schedule_policy,
            max_new_per_poll=settings.max_new_articles_per_poll,
        )
        self.tracker = self.runner.tracker

    def poll(self, endpoints: Sequence[tuple[str, str]]) -> int:
        """Poll endpoints ((source name, endpoint URL) pairs) with the embedded runner's
        polling code, ``concurrency`` at once; the number of new articles."""
        return self.loop.run_until_complete(self._polls(endpoints))

    async def _polls(self, endpoints: Sequence[tuple[str, str]]) -> int:
        gate = asyncio.Semaphore(self.settings.concurrency)
        sources = {source.name: source for source in self.store.list_sources()}
        new_articles = 0

        async def one(source_name: str, endpoint_url: str) -> None:
            nonlocal new_articles
            source = sources.get(source_name)
            found = [] if source is None else [e for e in source.endpoints if e.url == endpoint_url]
            if source is None or not found:
                log.info("endpoint %s of %s is gone: not polled", endpoint_url, source_name)
                return
            async with gate:
                stats = await self.runner.poll_sources([replace(source, endpoints=(found[0],))])
            new_articles += stats.new_articles

        await self._within_deadline([one(name, url) for name, url in endpoints])
        return new_articles

    def run_batch(self, tickets: Sequence[Ticket]) -> BatchReport:
        return self.loop.run_until_complete(self._batch(tickets))

    def close(self) -> None:
        try:
            self.loop.run_until_complete(self.fetcher.__aexit__(None, None, None))
        finally:
            self.store.close()
            self.loop.close()

    async def _batch(self, tickets: Sequence[Ticket]) -> BatchReport:
        report = BatchReport()
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(ticket: Ticket) -> None:
            async with gate:
                await self._check(ticket, report)

        report.unfinished = await self._within_deadline([one(ticket) for ticket in tickets])
        return report

    async def _within_deadline(self, work: Sequence[Coroutine[Any, Any, None]]) -> int:
        """Run ``work`` concurrently; cancel what is left at the batch deadline (its claims
        lapse, its endpoints are sent again). The number cancelled."""
        tasks = [asyncio.ensure_future(item) for item in work]
        if not tasks:
            return 0
        _, pending = await asyncio.wait(tasks, timeout=self.timings.batch_deadline_s)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            log.warning("%d unfinished at the batch deadline: cancelled", len(pending))
        for task in tasks:
            if not task.cancelled() and task.exception() is not None:
                log.error("failed outside the tracker's fault barrier", exc_info=task.exception())
        return len(pending)

    async def _check(self, ticket: Ticket, report: BatchReport) -> None:
        # A check runs until the batch deadline at most, and it is recorded only if its
        # claim still holds when the page arrives (Tracker.check): one started with less
        # than that left could fetch the page, be refused, and see the next claimer fetch
        # it again within a lease. Measured in tests/test_distributed.py before this rule:
        # the replacement of a killed worker took a batch queued while it was down, all 4
        # claims lapsed during their fetches, and each page was fetched again 13 sim
        # minutes later (lease: 20). Skipped, the claim lapses and is claimed afresh.
        if ticket.lapses_within(self.clock.now(), BATCH_DEADLINE_SHARE):
            report.lapsed += 1
            return
        try:
            article = self.store.get_article(ticket.article_id)
        except NotFoundError:
            report.gone += 1
            return
        claim = Claim(article, ticket.token, ticket.expires_at)
        checked = await self.tracker.check(article, claim=claim)
        if checked.lost_race:
            report.lost_race += 1
            return
        report.recorded += 1
        key = str(checked.outcome)
        report.outcomes[key] = report.outcomes.get(key, 0) + 1


# --- the process-wide runtime (one per pool process) -----------------------------------------


@dataclass
class _Process:
    settings: Settings | None = None
    clock: Clock | None = None
    runtime: WorkerRuntime | None = None


_process = _Process()


def _start_runtime(**_: Any) -> None:
    settings, clock = _process.settings, _process.clock
    if settings is None or clock is None:
        raise ConfigError("the worker was not configured (use newsdiffs worker)")
    _process.runtime = WorkerRuntime(settings, clock)


def _stop_runtime(**_: Any) -> None:
    runtime, _process.runtime = _process.runtime, None
    if runtime is not None:
        runtime.close()


def _runtime() -> WorkerRuntime:
    if _process.runtime is None:  # a pool without worker_process_init: start on first use
        _start_runtime()
    assert _process.runtime is not None
    return _process.runtime


def poll_endpoints(endpoints: list[list[str]]) -> int:
    """The task: poll discovery endpoints ([source name, endpoint URL] pairs); new articles."""
    return _runtime().poll([(name, url) for name, url in endpoints])


def check_claims(tickets: list[Any]) -> dict[str, Any]:
    """The task: check each claimed article of ``tickets`` (JSON claim tickets)."""
    report = _runtime().run_batch([Ticket.from_json(ticket) for ticket in tickets])
    log.info("batch of %d: %s", len(tickets), report.as_dict())
    return report.as_dict()


def worker_app(settings: Settings, clock: Clock | None = None) -> Celery:
    """The Celery app of a worker process: the check task, and the runtime's lifecycle."""
    _process.settings = settings
    _process.clock = clock if clock is not None else SystemClock()
    app = make_app(settings)
    app.task(name=CHECK_TASK)(check_claims)
    app.task(name=POLL_TASK)(poll_endpoints)
    register_alert_task(app, settings, _process.clock)
    worker_process_init.connect(_start_runtime, weak=False)
    worker_process_shutdown.connect(_stop_runtime, weak=False)
    worker_process_shutdown.connect(lambda **_: close_alert_runtime(), weak=False)
    return app


def worker_queues(settings: Settings, queue: int | None, alerts: bool = False) -> list[str]:
    """The queue names a worker consumes: one (``--queue N``), the alert queue only
    (``--alerts``: delivery never holds up a host's checks), or, for a lone worker, all."""
    if alerts:
        if queue is not None:
            raise ConfigError("--alerts and --queue: an alert worker takes no host queue")
        return [ALERT_QUEUE]
    if queue is None:
        return [*all_queues(settings.host_queues), ALERT_QUEUE]
    if not 0 <= queue < settings.host_queues:
        raise ConfigError(
            f"--queue must be from 0 to {settings.host_queues - 1} (host_queues), not {queue}"
        )
    return [queue_name(queue)]


def run_worker(
    settings: Settings,
    queue: int | None,
    clock: Clock | None = None,
    name: str | None = None,
    loglevel: str = "INFO",
    alerts: bool = False,
) -> None:
    """Run a Celery worker (blocks until it is stopped)."""
    queues = worker_queues(settings, queue, alerts)
    app = worker_app(settings, clock)
    label = "alerts" if alerts else "all" if queue is None else str(queue)
    argv = [
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        f"--queues={','.join(queues)}",
        f"--hostname={name or f'newsdiffs-q{label}'}@%h",
        f"--loglevel={loglevel}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    app.worker_main(argv)
