"""Two `newsdiffs run` on one database (issue 10): the runners take work through
``Store.claim_due``, so no article is checked by both at once, and both keep working."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from newsdiffs.clock import FastClock
from newsdiffs.demo import DemoNewsroom
from newsdiffs.demo_runner import demo_start, recorded_versions
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.models import Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.storage.schema import checks
from newsdiffs.tracker import CheckReport

RUNNERS = 2
REAL_SECONDS = 8.0
SPEED = 3000.0  # 8 real seconds: 6.7 simulated hours, about 13 rounds of re-checks
LEASE = timedelta(hours=1)  # 1.2 real seconds: no batch here comes near it
# The schedule never re-checks an article sooner than 30 minutes (newssniffer's base); two
# recorded checks or two page fetches of one article closer than this are two runners
# checking one due article.
TOO_CLOSE = timedelta(minutes=10)


def closest_pairs(times_by_key: dict[str, list[datetime]]) -> list[tuple[str, timedelta]]:
    """(key, gap) for every key whose consecutive times come closer than TOO_CLOSE."""
    found = []
    for key, times in times_by_key.items():
        ordered = sorted(times)
        for earlier, later in itertools.pairwise(ordered):
            if later - earlier < TOO_CLOSE:
                found.append((key, later - earlier))
    return found


def run_in_thread(db: str, source: Source, clock: FastClock, until: datetime) -> list[CheckReport]:
    """One runner on its own store, fetcher and event loop, as a second process would."""
    reports: list[CheckReport] = []
    settings = FetchSettings(
        allow_private_addresses=True,
        per_host_delay_s=0.0,
        per_host_concurrency=8,
        timeout_s=10.0,
        retries=1,
        backoff_base_s=0.01,
    )

    async def main() -> None:
        with open_store(db) as store:
            async with Fetcher(settings) as fetcher:
                runner = Runner(
                    store,
                    fetcher,
                    clock,
                    concurrency=8,
                    on_report=reports.append,
                    claim_lease=LEASE,
                )
                await runner.run(lambda: [source], until=until)

    asyncio.run(main())
    return reports


def test_two_runners_on_one_database_never_check_one_article_at_once(tmp_path: Path) -> None:
    start = demo_start(REAL_SECONDS, SPEED)
    clock = FastClock(start, SPEED)
    newsroom = DemoNewsroom(clock, n_articles=30, seed=7)
    newsroom.start()
    db = str(tmp_path / "shared.db")
    try:
        source = newsroom.source()
        with open_store(db) as store:
            store.upsert_source(source)
        until = start + timedelta(seconds=REAL_SECONDS * SPEED)
        per_runner: list[list[CheckReport]] = [[] for _ in range(RUNNERS)]

        def work(i: int) -> None:
            per_runner[i] = run_in_thread(db, source, clock, until)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(RUNNERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        newsroom.stop()

    with open_store(db) as store:
        with store.engine.connect() as connection:
            rows = connection.execute(select(checks.c.article_id, checks.c.checked_at)).all()
        score = newsroom.score(recorded_versions(store))
    checked: dict[str, list[datetime]] = defaultdict(list)
    for article_id, checked_at in rows:
        checked[str(article_id)].append(checked_at)
    fetched: dict[str, list[datetime]] = defaultdict(list)
    for entry in newsroom.log:
        fetched[entry.url].append(entry.at)

    assert closest_pairs(checked) == []
    assert closest_pairs(fetched) == []
    recorded = [sum(not r.lost_race for r in reports) for reports in per_runner]
    assert all(n >= 20 for n in recorded), recorded  # both kept working
    assert sum(recorded) == len(rows)
    assert not any(r.lost_race for reports in per_runner for r in reports)  # lease ample
    assert score.precision == 1.0
