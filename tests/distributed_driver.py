"""Runs a distributed-mode process on the demo's shared fast clock (for test_distributed).

    python tests/distributed_driver.py worker --queue N --start ISO --speed S --anchor A
    python tests/distributed_driver.py scheduler --for SECONDS --start ... --anchor ...

Settings come from NEWSDIFFS_* in the environment, as for ``newsdiffs``. The only difference
from ``newsdiffs worker`` / ``newsdiffs scheduler`` is the clock: a FastClock on the test's
own anchor (never one of its own), which every process given the same (start, speed,
anchor) reads identically.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime, timedelta

from newsdiffs.clock import FastClock
from newsdiffs.distributed.app import make_app
from newsdiffs.distributed.scheduler import Scheduler
from newsdiffs.distributed.worker import run_worker
from newsdiffs.settings import load_settings
from newsdiffs.storage import open_store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["worker", "scheduler"])
    parser.add_argument("--queue", type=int, default=None)
    parser.add_argument("--start", required=True)
    parser.add_argument("--speed", type=float, required=True)
    parser.add_argument("--anchor", type=float, required=True)
    parser.add_argument("--for", dest="seconds", type=float, default=60.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(process)d %(name)s: %(message)s")
    # Each batch's report (recorded, lost races, lapsed, unfinished) into the worker's log.
    logging.getLogger("newsdiffs.worker").setLevel(logging.INFO)
    settings = load_settings()
    clock = FastClock(datetime.fromisoformat(args.start), args.speed, args.anchor)
    if args.role == "worker":
        run_worker(settings, args.queue, clock, loglevel="WARNING")
        return
    store = open_store(settings.db)
    lease = timedelta(seconds=settings.claim_lease_s * args.speed)  # real lease, in sim time
    planner = Scheduler(settings, store, clock, make_app(settings), lease)
    until = clock.now() + timedelta(seconds=args.seconds * args.speed)
    stats = asyncio.run(planner.run(until=until))
    planner.close()
    store.close()
    print(stats.summary(), flush=True)


if __name__ == "__main__":
    main()
