"""The runner: discovery from every endpoint kind, one article per story, due checks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdiffs.clock import FastClock, ManualClock
from newsdiffs.demo import DemoNewsroom
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store

SETTINGS = FetchSettings(allow_private_addresses=True, per_host_delay_s=0.0, retries=0)


def test_same_story_from_every_endpoint_is_one_article(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 1, 5, 6, 0, tzinfo=UTC))
    store = open_store(str(tmp_path / "r.db"))
    with DemoNewsroom(clock, n_articles=12) as room:
        room.start()
        clock.advance(30 * 3600)  # every story published
        source = room.source()
        store.upsert_source(source)

        async def go() -> int:
            async with Fetcher(SETTINGS) as fetcher:
                runner = Runner(store, fetcher, clock)
                stats = await runner.poll_sources([source], force=True)
                again = await runner.poll_sources([source], force=True)
                assert again.new_articles == 0
                checked = await runner.check_due()
                assert checked.checks == stats.new_articles
                return stats.new_articles

        found = asyncio.run(go())
        # RSS links carry utm_* parameters, Atom and the sitemap do not: still one each.
        tracked = {a.url for a in store.list_articles(limit=100)}
        assert found == len(tracked)
        assert tracked <= {room.canonical_url(u) for u in room.article_urls()}
        assert len(tracked) >= 10
        assert all("utm_" not in url for url in tracked)
    store.close()


def test_run_delivers_alerts_beside_the_checks_and_stops_the_sender(tmp_path: Path) -> None:
    """`newsdiffs run`'s loop runs the alert sender as its own task, and ends it cleanly."""
    from alert_doubles import MemoryOutbox, Targets, compose

    from newsdiffs.alerts.sender import AlertSender, DeliverySettings
    from newsdiffs.core.alert_rules import TargetSpec

    clock = FastClock(datetime(2026, 1, 5, 6, 0, tzinfo=UTC), speed=600.0)
    store = open_store(str(tmp_path / "r.db"))
    outbox, targets = MemoryOutbox(), Targets(clock.now)
    hook = TargetSpec("webhook://hooks.test/run")
    outbox.add(hook, clock.now())
    sender = AlertSender(outbox, targets, compose, None, clock, DeliverySettings(interval_s=0.01))

    async def go() -> None:
        async with Fetcher(SETTINGS) as fetcher:
            runner = Runner(store, fetcher, clock, alerts=sender)
            await runner.run(lambda: [], until=clock.now() + timedelta(minutes=5))  # 0.5 s

    asyncio.run(asyncio.wait_for(go(), timeout=30))
    assert [m.key for m in targets(hook.url).received] == ["key-1"]
    assert outbox.rows[1].status == "sent"
    assert outbox.claims >= 1
    store.close()
