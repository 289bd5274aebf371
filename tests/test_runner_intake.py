"""Feed intake in the runner: crash-safe, bounded per poll, parsed off the loop, fault-isolated."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from article_server import ArticleServer
from feed_server import FeedServer, rss_feed

from newsdiffs import runner as runner_module
from newsdiffs.clock import ManualClock
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.storage.sql import SqlStore

SETTINGS = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)
DRIVER = Path(__file__).with_name("intake_crash_driver.py")
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def story_urls(n: int) -> list[str]:
    return [f"https://news.example.com/2026/03/01/story-number-{i}" for i in range(n)]


def feed_source(feed_url: str, name: str = "loopback") -> Source:
    endpoint = Endpoint(feed_url, DiscoveryKind.FEED, timedelta(minutes=10))
    return Source(name=name, home_url="https://news.example.com/", endpoints=(endpoint,))


def tracked(store: SqlStore) -> set[str]:
    return {article.url for article in store.list_articles(limit=100_000)}


def run_driver(db: Path, feed_url: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), str(db), feed_url, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_tracker_killed_mid_poll_tracks_every_item_after_restart(tmp_path: Path) -> None:
    # Before the fix the feed's ETag was committed first, then its links one by one: killed
    # in between, the restarted poll got a 304 and those items were never tracked.
    urls = story_urls(3_000)
    db = tmp_path / "crash.db"
    marker = tmp_path / "stalled"
    with FeedServer(rss_feed(urls)) as server:
        doomed = run_driver(db, server.url, "--stall-at-first-article", str(marker))
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert doomed.poll() is None, doomed.communicate()[1]
            assert time.monotonic() < deadline, "the poll never reached its first insert"
            time.sleep(0.05)
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate()
        assert doomed.returncode == -signal.SIGKILL

        restarted = run_driver(db, server.url)
        out, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err
        assert server.polls == 2

    store = open_store(str(db))
    try:
        assert tracked(store) == set(urls)
        assert int(out.strip()) == 3_000
    finally:
        store.close()


def test_a_big_listing_is_taken_over_several_polls(tmp_path: Path) -> None:
    urls = story_urls(2_500)
    clock = ManualClock(T0)
    store = open_store(str(tmp_path / "cap.db"))
    with FeedServer(rss_feed(urls)) as server:
        source = feed_source(server.url)
        store.upsert_source(source)

        async def polls() -> list[int]:
            async with Fetcher(SETTINGS) as fetcher:
                runner = Runner(store, fetcher, clock, max_new_per_poll=1_000)
                found = []
                for _ in range(4):
                    found.append((await runner.poll_sources([source], force=True)).new_articles)
                return found

        assert asyncio.run(polls()) == [1_000, 1_000, 500, 0]
        # Validators are kept only once every link is stored: the first three polls read the
        # whole feed, the fourth may ask conditionally (and gets its 304).
        assert server.polls == 4 and server.conditional_requests == 1
    assert tracked(store) == set(urls)
    state = store.endpoint_state(server.url)
    assert state.etag == '"feed-v1"'
    store.close()


def test_listings_are_parsed_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    read_listing = runner_module.read_listing

    def spying(*args: object) -> runner_module.Listing:
        threads.append(threading.current_thread())
        return read_listing(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "read_listing", spying)
    store = open_store(str(tmp_path / "thread.db"))
    with FeedServer(rss_feed(story_urls(3))) as server:
        source = feed_source(server.url)

        async def poll() -> threading.Thread:
            async with Fetcher(SETTINGS) as fetcher:
                await Runner(store, fetcher, ManualClock(T0)).poll_sources([source], force=True)
            return threading.current_thread()

        loop_thread = asyncio.run(poll())
    assert len(threads) == 1 and threads[0] is not loop_thread
    assert len(tracked(store)) == 3
    store.close()


def test_one_failing_endpoint_poll_does_not_end_the_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_listing = runner_module.read_listing

    def failing_for_one(source: Source, endpoint: Endpoint, fetched: object) -> object:
        if source.name == "broken":
            raise RuntimeError("parser bug")
        return read_listing(source, endpoint, fetched)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "read_listing", failing_for_one)
    clock = ManualClock(T0)
    store = open_store(str(tmp_path / "barrier.db"))
    with FeedServer(rss_feed(story_urls(2))) as bad, FeedServer(rss_feed(story_urls(5))) as good:
        broken, fine = feed_source(bad.url, "broken"), feed_source(good.url, "fine")

        async def poll() -> runner_module.RoundStats:
            async with Fetcher(SETTINGS) as fetcher:
                return await Runner(store, fetcher, clock).poll_sources([broken, fine])

        stats = asyncio.run(poll())
    assert stats.endpoints_polled == 2 and stats.endpoint_errors == 1
    assert stats.new_articles == 5 and len(tracked(store)) == 5
    # The failed poll is recorded without validators: the endpoint waits for its interval
    # (not polled again at once), then reads the whole listing.
    failed = store.endpoint_state(bad.url)
    assert failed.last_polled_at == T0 and failed.etag is None
    assert store.endpoint_state(good.url).etag == '"feed-v1"'
    store.close()


def _sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f"<urlset>{entries}</urlset>".encode()


def test_a_sitemap_index_is_read_whole_before_its_validators_are_kept(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "index.db"))
    with ArticleServer() as site:
        children = [site.url(f"/s{i}.xml") for i in range(7)]
        index = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in children)
        site.put("/index.xml", f"<sitemapindex>{index}</sitemapindex>".encode(), ETag='"i1"')
        for i in range(7):
            site.put(f"/s{i}.xml", _sitemap(story_urls(20)[2 * i : 2 * i + 2]))
        endpoint = Endpoint(site.url("/index.xml"), DiscoveryKind.SITEMAP)
        source = Source("maps", "https://news.example.com/", (endpoint,))

        async def poll() -> runner_module.RoundStats:
            async with Fetcher(SETTINGS) as fetcher:
                return await Runner(store, fetcher, ManualClock(T0)).poll_sources(
                    [source], force=True
                )

        assert asyncio.run(poll()).new_articles == 2 * runner_module.MAX_CHILD_SITEMAPS
        assert [site.hits(f"/s{i}.xml") for i in range(7)] == [1, 1, 1, 1, 1, 0, 0]
        assert store.endpoint_state(endpoint.url).etag == '"i1"'

        site.put("/s1.xml", b"down", status=503)
        stats = asyncio.run(poll())
        assert stats.endpoint_errors == 1
        # One child went unread: the index's validators must not vouch for it.
        assert store.endpoint_state(endpoint.url).etag is None
    store.close()


def test_a_redirected_feed_keeps_no_validators_for_its_old_url(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "moved.db"))
    with ArticleServer() as site, FeedServer(rss_feed(story_urls(3))) as feed:
        site.put("/old.xml", b"", status=301, Location=feed.url)
        source = feed_source(site.url("/old.xml"))

        async def poll() -> None:
            async with Fetcher(SETTINGS) as fetcher:
                await Runner(store, fetcher, ManualClock(T0)).poll_sources([source], force=True)

        asyncio.run(poll())
    assert len(tracked(store)) == 3
    # The ETag is the new URL's: sent to the old one it would be answered for the wrong page.
    assert store.endpoint_state(site.url("/old.xml")).etag is None
    store.close()
