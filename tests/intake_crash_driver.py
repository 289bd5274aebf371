"""Run by test_runner_intake.py in a subprocess: one forced poll of one feed, into a store.

    python intake_crash_driver.py DB FEED_URL [--stall-at-first-article MARKER]

With ``--stall-at-first-article`` the process writes MARKER and then stalls just before the
database executes its first INSERT into ``articles``: in the middle of the feed poll, after
the feed was fetched and parsed, before any of its links is committed. The test kills it
there with SIGKILL. Hooked at the SQL level, so it stalls at the same point whatever the
runner's code looks like (per-link inserts or one batch).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event

from newsdiffs.clock import SystemClock
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store

SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)


def stall_before_first_article(engine: Any, marker: Path) -> None:
    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ARTICLES"):
            marker.write_text("stalled")
            time.sleep(600)  # until SIGKILL

    event.listen(engine, "before_cursor_execute", before)


async def poll(db: str, feed_url: str, marker: Path | None) -> int:
    store = open_store(db)
    source = Source(
        name="loopback",
        home_url=feed_url.rsplit("/", 1)[0] + "/",
        endpoints=(Endpoint(feed_url, DiscoveryKind.FEED, timedelta(minutes=1)),),
    )
    store.upsert_source(source)
    if marker is not None:
        stall_before_first_article(store.engine, marker)
    async with Fetcher(SETTINGS) as fetcher:
        stats = await Runner(store, fetcher, SystemClock()).poll_sources([source], force=True)
    store.close()
    return stats.new_articles


def main(argv: list[str]) -> None:
    db, feed_url = argv[1], argv[2]
    marker = Path(argv[4]) if len(argv) > 4 and argv[3] == "--stall-at-first-article" else None
    print(asyncio.run(poll(db, feed_url, marker)))


if __name__ == "__main__":
    main(sys.argv)
