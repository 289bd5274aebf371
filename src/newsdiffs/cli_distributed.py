"""``newsdiffs scheduler`` and ``newsdiffs worker``: the distributed mode's two commands.

Registered on the main command line by ``add_distributed_commands(cli)``. They need the
Redis broker (``broker_url``) and a database every process reaches: PostgreSQL
(``db = "postgresql+psycopg://..."``). See the README, "Outgrowing one machine".
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import TYPE_CHECKING

import click

from newsdiffs.clock import SystemClock
from newsdiffs.core.humanize import fmt_datetime
from newsdiffs.errors import InputError
from newsdiffs.usecases.alerts import sync_rules

# The scheduler's totals, at most this often (a busy scheduler claims many times a second).
PROGRESS_EVERY_S = 10.0

if TYPE_CHECKING:
    from newsdiffs.cli import Context
    from newsdiffs.distributed.scheduler import SchedulerStats


@click.command()
@click.pass_obj
def scheduler(ctx: Context) -> None:
    """Poll the sources and hand due articles to the workers (distributed mode).

    Run exactly one, beside any number of `newsdiffs worker`, all with the same `db`
    (PostgreSQL) and `broker_url` (Redis). Each due article is claimed for `claim_lease_s`
    and sent to the queue of its host; a worker that dies loses its claims to the next
    round after the lease.

    \b
    Example:
      NEWSDIFFS_DB=postgresql+psycopg://newsdiffs@db/newsdiffs \\
      NEWSDIFFS_BROKER_URL=redis://redis:6379/0  newsdiffs scheduler
    """
    from newsdiffs.distributed.app import make_app
    from newsdiffs.distributed.scheduler import Scheduler

    settings = ctx.settings
    store = ctx.store
    if not store.list_sources():
        raise InputError("no sources: run `newsdiffs init` or `newsdiffs sources add` first")
    sync_rules(store, settings)  # the config's [[alerts]], as `newsdiffs run` does at start
    clock = SystemClock()

    shown = [0.0]  # monotonic time of the last progress line

    def progress(stats: SchedulerStats) -> None:
        if time.monotonic() - shown[0] >= PROGRESS_EVERY_S:
            shown[0] = time.monotonic()
            click.echo(f"{fmt_datetime(clock.now())} {stats.summary()}")

    async def go() -> None:
        lease = timedelta(seconds=settings.claim_lease_s)
        planner = Scheduler(settings, store, clock, make_app(settings), lease)
        try:
            await planner.run(on_round=progress)
        finally:
            planner.close()

    click.echo(
        f"scheduling {len(store.list_sources())} sources of {settings.db} "
        f"onto {settings.host_queues} host queues at {settings.broker_url}; Ctrl-C stops"
    )
    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        click.echo("stopped")


@click.command()
@click.option(
    "--queue",
    type=click.IntRange(min=0),
    default=None,
    help="The host queue to take work from (0 to host_queues-1). Default: every queue, "
    "for a single worker.",
)
@click.option(
    "--alerts",
    is_flag=True,
    help="Deliver alerts only (the alert queue), so a slow target never holds up checks.",
)
@click.option("--loglevel", default="INFO", show_default=True, help="Celery's log level.")
@click.pass_obj
def worker(ctx: Context, queue: int | None, alerts: bool, loglevel: str) -> None:
    """A Celery worker: check the articles the scheduler claimed (distributed mode).

    Run one per host queue (`--queue 0` ... `--queue N-1`, N = host_queues): every host is
    fetched by the one worker of its queue, so per-host politeness holds across machines.
    A lone worker takes every queue, the alert queue too; with several, run one more as
    `newsdiffs worker --alerts` to deliver alerts.

    \b
    Example:
      NEWSDIFFS_HOST_QUEUES=3 newsdiffs worker --queue 0
    """
    from newsdiffs.distributed.worker import run_worker, worker_queues
    from newsdiffs.storage import open_store

    settings = ctx.settings
    worker_queues(settings, queue, alerts)  # a bad --queue is one line, before Celery starts
    open_store(settings.db).close()  # migrated and reachable, before any process forks
    run_worker(settings, queue, loglevel=loglevel, alerts=alerts)


def add_distributed_commands(cli: click.Group) -> None:
    cli.add_command(scheduler)
    cli.add_command(worker)
