"""The tracker end to end against loopback pages: versions, noise, schedule, bad input."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from article_server import ArticleServer, Reply, page

from newsdiffs.clock import ManualClock
from newsdiffs.fetching import Fetcher, FetchResult, FetchSettings
from newsdiffs.models import ArticleStatus, CheckOutcome, Source
from newsdiffs.storage import open_store
from newsdiffs.storage.base import Claim
from newsdiffs.storage.sql import SqlStore
from newsdiffs.tracker import CheckReport, Tracker

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STORY = [
    "The council voted on Tuesday to close the old bridge for repairs.",
    "Engineers said the work would take at least six months.",
    "Residents asked for a ferry service in the meantime.",
]


@pytest.fixture
def site() -> Iterator[ArticleServer]:
    with ArticleServer() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "t.db"))
    opened.upsert_source(Source(name="loop", home_url="http://127.0.0.1/"))
    yield opened
    opened.close()


SETTINGS = FetchSettings(
    allow_private_addresses=True,
    per_host_delay_s=0.0,
    retries=0,
    timeout_s=1.0,
    max_bytes=200_000,
)


class Harness:
    def __init__(self, store: SqlStore, site: ArticleServer) -> None:
        self.store = store
        self.site = site
        self.clock = ManualClock(START)

    def track(self, path: str) -> int:
        article, _ = self.store.add_article("loop", self.site.url(path), self.clock.now())
        return article.id

    def check(self, article_id: int) -> CheckReport:
        async def go() -> CheckReport:
            async with Fetcher(SETTINGS) as fetcher:
                tracker = Tracker(self.store, fetcher, self.clock)
                return await tracker.check(self.store.get_article(article_id))

        return asyncio.run(go())

    def advance_to_next_check(self, article_id: int) -> None:
        due = self.store.get_article(article_id).next_check_at
        assert due is not None
        self.clock.advance((due - self.clock.now()).total_seconds())


@pytest.fixture
def h(store: SqlStore, site: ArticleServer) -> Harness:
    return Harness(store, site)


def test_first_check_records_a_version_and_schedules_30_minutes(h: Harness) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")
    report = h.check(aid)
    assert report.outcome is CheckOutcome.FIRST_VERSION
    versions = h.store.versions(aid)
    assert len(versions) == 1
    assert versions[0].title == "Bridge to close"
    assert versions[0].paragraphs[0] == STORY[0]
    assert b"Bridge to close" in h.store.raw_html(versions[0].id)
    assert report.next_check_at == START + timedelta(minutes=30)


class WaitingFetcher:
    """A real fetcher behind a wait for the host's turn that takes ``wait_s`` of the clock."""

    def __init__(self, inner: Fetcher, clock: ManualClock, wait_s: float) -> None:
        self.inner, self.clock, self.wait_s = inner, clock, wait_s

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.clock.advance(self.wait_s)
        return await self.inner.fetch(url, etag=etag, last_modified=last_modified)


def check_after_a_wait(
    h: Harness, article_id: int, wait_s: float, claim: Claim | None = None
) -> CheckReport:
    async def go() -> CheckReport:
        async with Fetcher(SETTINGS) as fetcher:
            waiting = WaitingFetcher(fetcher, h.clock, wait_s)
            tracker = Tracker(h.store, waiting, h.clock)  # type: ignore[arg-type]
            return await tracker.check(h.store.get_article(article_id), claim)

    return asyncio.run(go())


def test_a_version_is_dated_when_its_page_arrived_not_when_the_check_began(h: Harness) -> None:
    # Waiting for the host's turn (per-host delay, robots.txt, a retry's back-off) is not
    # part of what the page said: the newsroom served it after the wait.
    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")
    report = check_after_a_wait(h, aid, wait_s=40.0)
    answered = START + timedelta(seconds=40)
    assert [v.captured_at for v in h.store.versions(aid)] == [answered]
    assert [c.checked_at for c in h.store.checks(aid)] == [answered]
    assert report.next_check_at == answered + timedelta(minutes=30)


def test_a_claim_that_lapsed_while_the_page_was_on_its_way_records_nothing(
    h: Harness,
) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")
    [claim] = h.store.claim_due(h.clock.now(), 1, timedelta(seconds=30))
    report = check_after_a_wait(h, aid, wait_s=40.0, claim=claim)
    assert report.lost_race
    assert h.store.versions(aid) == [] and h.store.checks(aid) == []


def test_noise_is_not_a_version_and_interval_grows(h: Harness) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY, noise="Updated 3 minutes ago"))
    aid = h.track("/news/1")
    h.check(aid)
    for n in range(3):
        messy = [p.replace(" ", "  ") + "\n" for p in STORY]
        h.site.put("/news/1", page("Bridge to close", messy, noise=f"Rotating link {n}"))
        h.advance_to_next_check(aid)
        report = h.check(aid)
        assert report.outcome is CheckOutcome.UNCHANGED
    assert len(h.store.versions(aid)) == 1
    article = h.store.get_article(aid)
    assert article.check_interval == timedelta(minutes=30) * 1.2**3


def test_real_edit_is_a_new_version_and_resets_interval(h: Harness) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")
    h.check(aid)
    h.advance_to_next_check(aid)
    h.check(aid)  # unchanged: interval 36 min
    h.site.put("/news/1", page("Bridge to close for a year", [*STORY, "A ferry starts Monday."]))
    h.advance_to_next_check(aid)
    report = h.check(aid)
    assert report.outcome is CheckOutcome.NEW_VERSION
    assert h.store.get_article(aid).check_interval == timedelta(minutes=30)
    versions = h.store.versions(aid)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].classification is None
    assert {"headline", "appended"} <= set(versions[1].change_kinds)
    assert versions[1].significance is not None and versions[1].significance > 0
    assert [v.number for _, v in h.store.latest_changes(kind="headline")] == [2]


def test_flip_flop_headline_is_recorded_at_most_twice_per_text(h: Harness) -> None:
    aid = h.track("/news/1")
    outcomes = []
    for n in range(6):
        title = "Headline A" if n % 2 == 0 else "Headline B"
        h.site.put("/news/1", page(title, STORY))
        outcomes.append(h.check(aid).outcome)
        h.advance_to_next_check(aid)
    assert len(h.store.versions(aid)) == 4
    # A again is refused (A already stored twice); B again equals the latest stored version.
    assert outcomes[4:] == [CheckOutcome.FLIPFLOP, CheckOutcome.UNCHANGED]


def test_vanished_page_is_an_event_and_backs_off(h: Harness) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")
    h.check(aid)
    h.site.put("/news/1", b"<h1>Not found</h1>", status=404)
    h.advance_to_next_check(aid)
    report = h.check(aid)
    assert report.outcome is CheckOutcome.GONE
    article = h.store.get_article(aid)
    assert article.status is ArticleStatus.GONE
    assert article.check_interval > timedelta(minutes=30)
    assert [e.kind for e in h.store.events(aid)] == ["gone"]
    h.site.put("/news/1", page("Bridge to close", STORY))
    h.advance_to_next_check(aid)
    assert h.check(aid).outcome is CheckOutcome.UNCHANGED
    assert h.store.get_article(aid).status is ArticleStatus.ACTIVE
    assert [e.kind for e in h.store.events(aid)] == ["gone", "returned"]


def test_redirect_to_another_article_is_an_event(h: Harness) -> None:
    h.site.put("/news/1", page("Bridge to close", STORY))
    h.site.put("/news/2", page("Another story entirely", ["Different text here."]))
    aid = h.track("/news/1")
    other = h.track("/news/2")
    h.check(aid)
    h.check(other)
    h.site.put("/news/1", b"", status=301, Location=h.site.url("/news/2"))
    h.advance_to_next_check(aid)
    report = h.check(aid)
    assert report.outcome is CheckOutcome.REDIRECTED_AWAY
    assert h.store.get_article(aid).status is ArticleStatus.REDIRECTED
    events = h.store.events(aid)
    assert events[-1].kind == "redirected"
    assert events[-1].detail.endswith("/news/2")
    assert len(h.store.versions(aid)) == 1


BAD_INPUT = [
    ("garbage bytes", Reply(200, bytes(range(256)) * 20), CheckOutcome.NOT_AN_ARTICLE),
    ("empty body", Reply(200, b""), CheckOutcome.NOT_AN_ARTICLE),
    ("truncated html", Reply(200, b"<html><body><p>Half a par"), None),
    ("server error", Reply(500, b"oops"), CheckOutcome.HTTP_ERROR),
    ("forbidden", Reply(403, b"no"), CheckOutcome.HTTP_ERROR),
    ("gone", Reply(410, b"gone"), CheckOutcome.GONE),
    ("too large", Reply(200, b"<p>" + b"x" * 300_000 + b"</p>"), CheckOutcome.TOO_LARGE),
    ("timeout", Reply(200, page("Slow", STORY), delay_s=2.5), CheckOutcome.TIMEOUT),
    (
        "wrong charset",
        Reply(
            200,
            page("Café crème", ["Le café était fermé ce matin."]).decode().encode("cp1252"),
            {"Content-Type": "text/html; charset=utf-8"},
        ),
        CheckOutcome.FIRST_VERSION,
    ),
]


@pytest.mark.parametrize(("name", "reply", "expected"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_an_outcome_not_a_crash(
    h: Harness, name: str, reply: Reply, expected: CheckOutcome | None
) -> None:
    h.site.reply("/news/bad", reply)
    aid = h.track("/news/bad")
    report = h.check(aid)
    if expected is not None:
        assert report.outcome is expected, name
    checks = h.store.checks(aid)
    assert len(checks) == 1
    assert checks[0].outcome is report.outcome
    article = h.store.get_article(aid)
    assert article.next_check_at is not None and article.next_check_at > START
    if report.outcome.is_error:
        assert article.check_interval >= timedelta(minutes=30)


def test_redirect_loop_is_recorded(h: Harness) -> None:
    h.site.put("/loop/a", b"", status=302, Location="/loop/b")
    h.site.put("/loop/b", b"", status=302, Location="/loop/a")
    aid = h.track("/loop/a")
    report = h.check(aid)
    assert report.outcome is CheckOutcome.NETWORK_ERROR
    assert "loop" in h.store.checks(aid)[0].detail.lower()


def test_first_fetch_through_a_redirector_keeps_the_target_as_alias(h: Harness) -> None:
    h.site.put("/r/abc", b"", status=301, Location="/news/9")
    h.site.put("/news/9", page("Story nine", STORY))
    aid = h.track("/r/abc")
    assert h.check(aid).outcome is CheckOutcome.FIRST_VERSION
    found = h.store.find_article(h.site.url("/news/9"))
    assert found is not None and found.id == aid


def test_connection_refused_is_recorded(h: Harness, store: SqlStore) -> None:
    article, _ = store.add_article("loop", "http://127.0.0.1:9/news/x", h.clock.now())
    report = h.check(article.id)
    assert report.outcome is CheckOutcome.NETWORK_ERROR
    assert store.get_article(article.id).next_check_at is not None


def test_collapsed_extraction_is_an_anomaly_not_a_version(h: Harness) -> None:
    long_story = [f"{sentence} Paragraph {n} adds detail." for n, sentence in enumerate(STORY * 8)]
    aid = h.track("/news/long")
    h.site.put("/news/long", page("Long read", long_story))
    h.check(aid)
    h.site.put("/news/long", page("Long read", [*long_story, "An update at the end."]))
    h.advance_to_next_check(aid)
    assert h.check(aid).outcome is CheckOutcome.NEW_VERSION
    h.site.put("/news/long", page("Long read", long_story[:2]))
    h.advance_to_next_check(aid)
    report = h.check(aid)
    assert report.outcome is CheckOutcome.EXTRACTION_ANOMALY
    assert len(h.store.versions(aid)) == 2
    assert h.store.events(aid)[-1].kind == "extraction_anomaly"


def test_an_extractor_upgrade_is_not_an_edit(h: Harness) -> None:
    """Extractor v1 keeps a footer line, v2 drops it: same page, so no new version."""
    from newsdiffs.extraction import extract
    from newsdiffs.models import ExtractedPage

    def version(number: int, keep_footer: bool) -> Callable[[str | bytes, str], ExtractedPage]:
        def run(html: str | bytes, url: str) -> ExtractedPage:
            page = extract(html, url)
            extra = ("Copyright Loopback News",) if keep_footer else ()
            return replace(page, paragraphs=page.paragraphs + extra, extractor=f"test@{number}")

        return run

    h.site.put("/news/1", page("Bridge to close", STORY))
    aid = h.track("/news/1")

    def check_with(extractor: Callable[[str | bytes, str], ExtractedPage]) -> CheckOutcome:
        async def go() -> CheckOutcome:
            async with Fetcher(SETTINGS) as fetcher:
                tracker = Tracker(h.store, fetcher, h.clock, extractor)
                return (await tracker.check(h.store.get_article(aid))).outcome

        return asyncio.run(go())

    assert check_with(version(1, keep_footer=True)) is CheckOutcome.FIRST_VERSION
    h.advance_to_next_check(aid)
    assert check_with(version(2, keep_footer=False)) is CheckOutcome.UNCHANGED
    (stored,) = h.store.versions(aid)
    assert stored.extractor == "test@2"
    assert "Copyright Loopback News" not in stored.paragraphs


def test_anomalies_are_counted_per_source(h: Harness) -> None:
    test_collapsed_extraction_is_an_anomaly_not_a_version(h)
    assert h.store.event_counts("extraction_anomaly") == {"loop": 1}
    assert h.store.event_counts("extraction_anomaly", since=h.clock.now() + timedelta(1)) == {}
