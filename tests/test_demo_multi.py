"""The many-outlet newsroom: hosts, latency, the 429 rule, the request log, heavy pages, and
the real runner against 20 outlets scored by the newsroom's truth."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from newsdiffs.clock import FastClock, ManualClock
from newsdiffs.core.normalize import normalize_paragraphs, normalize_text
from newsdiffs.demo.heavy import (
    MAX_CHROME_BYTES,
    MIN_CHROME_BYTES,
    ChromeLibrary,
    corpus_path,
    extracts_to_the_story,
)
from newsdiffs.demo.multi import MultiNewsroom
from newsdiffs.demo.multiserver import loopback_hosts
from newsdiffs.demo.ratelimit import IN_FLIGHT, INTERVAL, HostLimiter, RateLimit
from newsdiffs.demo.requestlog import (
    RequestRecord,
    min_gap_per_host,
    read_jsonl,
    refetched_within,
    served_entries,
    violations,
)
from newsdiffs.demo_runner import recorded_versions
from newsdiffs.errors import ConfigError
from newsdiffs.extraction import extract
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store

EPOCH = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(EPOCH)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def live_article_url(room: MultiNewsroom, outlet_index: int, at: datetime) -> str:
    outlet = room.outlets[outlet_index]
    article = outlet.timeline.live_at(at)[0]
    return f"{room.base_url(outlet)}{article.path}"


# --- hosts ----------------------------------------------------------------------------------


def test_loopback_hosts_skip_network_and_broadcast_octets() -> None:
    hosts = loopback_hosts(300)
    assert hosts[0] == "127.0.0.2"
    assert len(set(hosts)) == 300
    assert not any(host.endswith((".0", ".255")) for host in hosts)
    assert "127.0.1.1" in hosts


def test_fifty_hosts_start_and_answer_each_as_its_own_outlet(
    clock: ManualClock, client: httpx.Client
) -> None:
    with MultiNewsroom(clock, outlets=50, articles_per_outlet=5) as room:
        sources = room.sources()
        assert len({source.name for source in sources}) == 50
        for outlet, source in zip(room.outlets, sources, strict=True):
            feed = client.get(source.endpoints[0].url)
            assert feed.status_code == 200
            assert f"http://{outlet.host}:{room.port}/news/" in feed.text
            first_story = outlet.timeline.live_at(clock.now())[0].spans[0].state.title
            assert first_story.split()[0] in feed.text
        records = room.requests()
    assert [r.host for r in records] == [o.host for o in room.outlets]
    assert {r.status for r in records} == {200}
    assert {r.sim_time for r in records} == {EPOCH}
    # Outlets tell different stories.
    assert len({tuple(a.slug for a in o.timeline.articles) for o in room.outlets}) == 50


def test_latency_is_waited_without_holding_other_hosts_up(clock: ManualClock) -> None:
    async def fetch_all(urls: list[str]) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=5.0) as http:
            return await asyncio.gather(*(http.get(url) for url in urls))

    with MultiNewsroom(clock, outlets=20, articles_per_outlet=4, latency_s=0.3) as room:
        urls = [source.endpoints[0].url for source in room.sources()]
        started = time.perf_counter()
        responses = asyncio.run(fetch_all(urls))
        elapsed = time.perf_counter() - started
    assert {r.status_code for r in responses} == {200}
    assert elapsed >= 0.3
    assert elapsed < 3.0  # 20 sleeps at once: one after another would take 6 s


# --- the 429 rule ----------------------------------------------------------------------------


def test_limiter_refuses_starts_closer_than_the_interval_and_counts_them_too() -> None:
    limiter = HostLimiter(RateLimit(min_interval_s=1.5))
    assert limiter.admit(100.0).admitted
    limiter.release()
    refused = limiter.admit(100.4)
    assert refused.violation == INTERVAL
    assert refused.retry_after_s == 2  # 1.1 s to go, in whole seconds
    assert limiter.admit(101.6).violation == INTERVAL  # 1.2 s after the refused start
    assert limiter.admit(103.2).admitted


def test_limiter_refuses_beyond_the_in_flight_bound_until_a_release() -> None:
    limiter = HostLimiter(RateLimit(max_in_flight=2))
    assert limiter.admit(1.0).admitted
    assert limiter.admit(1.0).admitted
    refused = limiter.admit(1.0)
    assert refused.violation == IN_FLIGHT
    assert refused.retry_after_s == 1
    limiter.release()
    assert limiter.admit(1.0).admitted


def test_host_hit_too_fast_answers_429_with_retry_after_and_logs_it(
    clock: ManualClock, client: httpx.Client
) -> None:
    limit = RateLimit(min_interval_s=1.0)
    with MultiNewsroom(clock, outlets=2, articles_per_outlet=4, rate_limit=limit) as room:
        first, second = (source.endpoints[0].url for source in room.sources())
        assert client.get(first).status_code == 200
        refused = client.get(first)
        assert client.get(second).status_code == 200  # another host: its own limit
        time.sleep(1.05)
        assert client.get(first).status_code == 200
        records = room.requests()
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert [(r.status, r.violation) for r in violations(records)] == [(429, INTERVAL)]
    assert [r.status for r in records] == [200, 429, 200, 200]


def test_too_many_in_flight_answers_429(clock: ManualClock) -> None:
    async def three_at_once(url: str) -> list[int]:
        async with httpx.AsyncClient(timeout=5.0) as http:
            return [r.status_code for r in await asyncio.gather(*(http.get(url) for _ in "abc"))]

    limit = RateLimit(max_in_flight=2)
    with MultiNewsroom(
        clock, outlets=1, articles_per_outlet=4, latency_s=0.3, rate_limit=limit
    ) as room:
        statuses = asyncio.run(three_at_once(room.sources()[0].endpoints[0].url))
        records = room.requests()
    assert sorted(statuses) == [200, 200, 429]
    assert [r.violation for r in violations(records)] == [IN_FLIGHT]


# --- holding requests, stopping ------------------------------------------------------------


def test_a_hold_parks_article_requests_to_its_hosts_until_released_then_refuses_them(
    clock: ManualClock, client: httpx.Client, tmp_path: Path
) -> None:
    streamed = tmp_path / "requests.jsonl"
    with MultiNewsroom(clock, outlets=2, articles_per_outlet=4, request_log=streamed) as room:
        held_url = live_article_url(room, 0, clock.now())
        hold = room.hold([room.outlets[0].host])
        waiting = ThreadPoolExecutor(1).submit(client.get, held_url)
        assert hold.wait_for_request(timeout_s=5.0)
        # Meanwhile: the host's listings, and articles of other hosts, are answered.
        assert client.get(room.sources()[0].endpoints[0].url).status_code == 200
        assert client.get(live_article_url(room, 1, clock.now())).status_code == 200
        assert not waiting.done()
        hold.release()
        assert waiting.result(timeout=5.0).status_code == 503
        assert client.get(held_url).status_code == 200  # after the release: as usual
        records = room.requests()
        log = room.log
    [parked] = hold.parked
    assert (parked.host, parked.held, parked.status) == (room.outlets[0].host, True, 503)
    assert [r for r in records if r.held] == [parked]
    assert read_jsonl(streamed) == list(records)
    # It served nothing: the truth has only the two answered article requests.
    assert [entry.url for entry in log] == [live_article_url(room, 1, EPOCH), held_url]
    with pytest.raises(ConfigError):
        room.hold(["10.0.0.1"])


def test_stopping_with_connections_open_logs_nothing(
    clock: ManualClock, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    room = MultiNewsroom(clock, outlets=2, articles_per_outlet=4)
    with room:
        # One keep-alive connection idle, one request parked mid-answer.
        assert client.get(room.sources()[0].endpoints[0].url).status_code == 200
        hold = room.hold([room.outlets[1].host])
        pending = ThreadPoolExecutor(1).submit(client.get, live_article_url(room, 1, EPOCH))
        assert hold.wait_for_request(timeout_s=5.0)
    with pytest.raises(httpx.HTTPError):
        pending.result(timeout=5.0)  # the server went away before answering
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


# --- the request log and its helpers ---------------------------------------------------------


def record(
    host: str, path: str, started: float, minutes: float, status: int = 200
) -> RequestRecord:
    violation = INTERVAL if status == 429 else None
    return RequestRecord(host, path, started, EPOCH + timedelta(minutes=minutes), status, violation)


ARTICLE = "/news/2026/03/02/a-story"


def test_refetches_are_found_per_article_within_the_window_ignoring_refusals_and_holds() -> None:
    records = [
        record("127.0.0.2", ARTICLE, 1.0, 0),
        record("127.0.0.2", ARTICLE, 1.1, 3, status=429),  # refused: not a fetch
        replace(record("127.0.0.2", ARTICLE, 1.15, 4, status=503), held=True),  # nor held
        record("127.0.0.3", ARTICLE, 1.2, 5),  # same path, other host: other article
        record("127.0.0.2", "/feeds/rss.xml", 1.3, 6),  # not an article
        record("127.0.0.2", "/feeds/rss.xml", 1.4, 7),
        record("127.0.0.2", ARTICLE, 2.0, 20),
        record("127.0.0.2", ARTICLE, 9.0, 90),
    ]
    found = refetched_within(records, timedelta(minutes=30))
    assert [(r.host, r.first.started, r.second.started) for r in found] == [("127.0.0.2", 1.0, 2.0)]
    assert refetched_within(records, timedelta(minutes=20)) == []
    in_real_time = refetched_within(records, timedelta(seconds=1.5), real_time=True)
    assert [(r.first.started, r.second.started) for r in in_real_time] == [(1.0, 2.0)]


def test_min_gap_per_host_counts_every_start_and_violations_lists_refusals() -> None:
    records = [
        record("127.0.0.2", "/", 10.0, 0),
        record("127.0.0.2", "/", 10.5, 0, status=429),
        record("127.0.0.2", "/", 12.0, 0),
        record("127.0.0.3", "/", 10.1, 0),
        record("127.0.0.3", "/", 10.4, 0),
        record("127.0.0.4", "/", 10.2, 0),
    ]
    gaps = min_gap_per_host(records)
    assert gaps.keys() == {"127.0.0.2", "127.0.0.3"}
    assert gaps["127.0.0.2"] == pytest.approx(0.5)
    assert gaps["127.0.0.3"] == pytest.approx(0.3)
    assert violations(records) == [records[1]]


def test_request_log_streams_to_jsonl_and_reads_back(
    clock: ManualClock, client: httpx.Client, tmp_path: Path
) -> None:
    streamed = tmp_path / "requests.jsonl"
    limit = RateLimit(min_interval_s=5.0)
    with MultiNewsroom(
        clock, outlets=4, articles_per_outlet=4, rate_limit=limit, request_log=streamed
    ) as room:
        for source in room.sources()[:3]:
            client.get(source.endpoints[0].url)
        clock.advance(600)
        client.get(live_article_url(room, 0, clock.now()))  # refused: 5 s have not passed
        client.get(live_article_url(room, 3, clock.now()))  # served
        room.write_requests(tmp_path / "written.jsonl")
        in_memory = list(room.requests())
    assert read_jsonl(streamed) == in_memory
    assert read_jsonl(tmp_path / "written.jsonl") == in_memory
    assert len(in_memory) == 5
    refused, served = in_memory[-2:]
    assert refused.sim_time == EPOCH + timedelta(minutes=10)
    assert refused.is_article and refused.violation == INTERVAL and refused.served is None
    # The truth travels with the log: another process can score from the file alone.
    assert served.served is not None and served.served.state.endswith("s0")
    assert served_entries(read_jsonl(streamed)) == list(room.log) == [served.served]


def test_processes_given_one_anchor_read_one_sim_time() -> None:
    anchor = time.monotonic() - 10.0
    here = FastClock(EPOCH, 60.0, anchor)
    code = (
        "from datetime import datetime; from newsdiffs.clock import FastClock;"
        f"print(FastClock(datetime.fromisoformat({EPOCH.isoformat()!r}), 60.0, {anchor!r})"
        ".now().isoformat())"
    )
    before = here.now()
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    after = here.now()
    # The other process read its clock between our two readings: the same clock, not one
    # started at its own birth (which would read EPOCH + a second or so, 10 sim min early).
    assert before <= datetime.fromisoformat(there.strip()) <= after
    assert before - EPOCH >= timedelta(minutes=10)


# --- heavy pages -----------------------------------------------------------------------------


def assert_extracts_to_truth(room: MultiNewsroom, client: httpx.Client, at: datetime) -> None:
    for outlet in room.outlets:
        for article in outlet.timeline.live_at(at)[:3]:
            url = f"{room.base_url(outlet)}{article.path}"
            body = client.get(url).content
            assert MIN_CHROME_BYTES < len(body) < MAX_CHROME_BYTES + 20_000
            page = extract(body, url)
            state = article.span_at(at).state
            assert normalize_text(page.title) == state.title
            assert normalize_paragraphs(page.paragraphs) == state.paragraphs
            assert page.canonical_url == url


def test_heavy_pages_built_on_the_real_corpus_extract_to_the_truth(
    clock: ManualClock, client: httpx.Client
) -> None:
    if not (corpus_path() / "extraction").exists():
        pytest.skip(f"real-world corpus not found at {corpus_path()} (set NEWSDIFFS_CORPUS)")
    with MultiNewsroom(clock, outlets=6, articles_per_outlet=8, heavy=True) as room:
        clock.advance(timedelta(hours=25).total_seconds())
        assert_extracts_to_truth(room, client, clock.now())
        clock.advance(timedelta(hours=6).total_seconds())  # the redesigned template
        assert_extracts_to_truth(room, client, clock.now())


def test_heavy_pages_without_a_corpus_use_generated_chrome_of_the_same_weight(
    tmp_path: Path, client: httpx.Client, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDIFFS_CORPUS", str(tmp_path / "absent"))
    library = ChromeLibrary(distinct=4)
    chromes = [library.for_outlet(n) for n in range(4)]
    assert not library.from_corpus
    assert {chrome.origin for chrome in chromes} == {"generated"}
    assert all(MIN_CHROME_BYTES <= chrome.size <= MAX_CHROME_BYTES for chrome in chromes)
    assert all(extracts_to_the_story(chrome) for chrome in chromes)
    with MultiNewsroom(clock, outlets=2, articles_per_outlet=6, heavy=True) as room:
        clock.advance(timedelta(hours=25).total_seconds())
        assert_extracts_to_truth(room, client, clock.now())


# --- the real runner against many outlets ----------------------------------------------------

CLIENT_DELAY_S = 0.1
# The server can see two starts closer than the client's gate let them go: the client's
# loop may extract another page between a gate and its send (measured: 25 ms closer with
# demo pages, 43 ms with heavy ones). 40 ms leaves room for that with demo pages and still
# catches a client without a delay (measured: starts 0.0 s apart, half of them refused).
SERVER_LIMIT = RateLimit(min_interval_s=0.04, max_in_flight=2)


async def track(room: MultiNewsroom, clock: FastClock, seconds: float, db: Path) -> int:
    store = open_store(str(db))
    try:
        sources = room.sources()
        for source in sources:
            store.upsert_source(source)
        settings = FetchSettings(
            allow_private_addresses=True,
            per_host_delay_s=CLIENT_DELAY_S,
            per_host_concurrency=2,
            timeout_s=10.0,
            retries=1,
            backoff_base_s=0.01,
        )
        async with Fetcher(settings) as fetcher:
            runner = Runner(store, fetcher, clock, concurrency=16)
            until = clock.now() + timedelta(seconds=seconds * clock.speed)
            stats = await runner.run(lambda: sources, until=until)
        score = room.score(recorded_versions(store))
        assert score.precision == 1.0
        assert score.recall == 1.0
        assert score.multi_version_articles >= 10
        return stats.checks
    finally:
        store.close()


@pytest.mark.slow  # ~14 s
def test_runner_over_twenty_outlets_keeps_every_version_without_a_politeness_violation() -> None:
    clock = FastClock(EPOCH, speed=3000)
    with (
        MultiNewsroom(
            clock, outlets=20, articles_per_outlet=6, latency_s=0.01, rate_limit=SERVER_LIMIT
        ) as room,
        tempfile.TemporaryDirectory() as tmp,
    ):
        checks = asyncio.run(track(room, clock, 12.0, Path(tmp) / "multi.db"))
        records = room.requests()
    assert checks >= 100
    assert {r.host for r in records} == {o.host for o in room.outlets}
    assert violations(records) == []
    assert min(min_gap_per_host(records).values()) >= SERVER_LIMIT.min_interval_s
    assert served_entries(records) == list(room.log)
