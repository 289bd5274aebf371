"""The tracker as a shell around the one decision: defects of issue 9, end to end in-process.

An in-process fake fetcher (tests/fake_fetcher.py) serves the pages; the store is real.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from article_server import page
from fake_fetcher import FakeFetcher, fetched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from newsdiffs.clock import ManualClock
from newsdiffs.compare import compare_pages
from newsdiffs.core.normalize import content_hash
from newsdiffs.extraction import extract
from newsdiffs.fetching import FetchOutcome
from newsdiffs.models import ArticleStatus, CheckOutcome, EventKind, ExtractedPage, Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.storage.schema import versions
from newsdiffs.storage.sql import SqlStore
from newsdiffs.tracker import CheckReport, Tracker

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SITE = "https://news.example"
STORY = [
    "The council voted on Tuesday to close the old bridge for repairs.",
    "Engineers said the work would take at least six months.",
    "Residents asked for a ferry service in the meantime.",
]
Extractor = Callable[[str | bytes, str], ExtractedPage]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "t.db"))
    opened.upsert_source(Source(name="s", home_url=SITE + "/"))
    yield opened
    opened.close()


class Shell:
    def __init__(self, store: SqlStore, extractor: Extractor = extract) -> None:
        self.store = store
        self.web = FakeFetcher()
        self.clock = ManualClock(START)
        self.tracker = Tracker(store, self.web, self.clock, extractor)  # type: ignore[arg-type]

    def track(self, path: str) -> int:
        article, _ = self.store.add_article("s", SITE + path, self.clock.now())
        return article.id

    def check(self, article_id: int) -> CheckReport:
        report = asyncio.run(self.tracker.check(self.store.get_article(article_id)))
        due = self.store.get_article(article_id).next_check_at if report.next_check_at else None
        if due is not None and due > self.clock.now():
            self.clock.advance((due - self.clock.now()).total_seconds())
        return report


@pytest.fixture
def shell(store: SqlStore) -> Shell:
    return Shell(store)


def html(title: str, paragraphs: list[str], head: str = "") -> bytes:
    return page(title, paragraphs).replace(b"</head>", head.encode() + b"</head>")


# --- paragraph structure --------------------------------------------------------------------


@pytest.mark.parametrize(
    "restructured",
    [
        [f"{STORY[0]} {STORY[1]}", STORY[2]],  # two merged
        [STORY[0], "Engineers said", "the work would take at least six months.", STORY[2]],
        [f"{STORY[0]} Engineers said", f"the work would take at least six months. {STORY[2]}"],
    ],
)
def test_the_same_words_in_other_paragraphs_are_not_a_version(
    shell: Shell, restructured: list[str]
) -> None:
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    assert shell.check(aid).outcome is CheckOutcome.FIRST_VERSION
    shell.web.page(SITE + "/news/1", html("Bridge to close", restructured))
    assert shell.check(aid).outcome is CheckOutcome.UNCHANGED
    shell.web.page(SITE + "/news/1", html("Bridge to close", [*restructured, "A new line."]))
    assert shell.check(aid).outcome is CheckOutcome.NEW_VERSION
    assert len(shell.store.versions(aid)) == 2


def test_hashes_stored_before_the_word_rule_make_no_version(shell: Shell) -> None:
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    shell.check(aid)
    (first,) = shell.store.versions(aid)
    legacy = content_hash(first.title, first.paragraphs)
    with shell.store.engine.begin() as connection:  # as an older release stored it
        connection.execute(update(versions).values(content_hash=legacy))
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY, head="<!-- v2 -->"))
    assert shell.check(aid).outcome is CheckOutcome.UNCHANGED
    assert shell.store.latest_content_hash(aid) == first.content_hash  # brought up to date
    assert len(shell.store.versions(aid)) == 1


# --- live blogs -----------------------------------------------------------------------------


def test_a_live_blog_is_retired_not_tracked_as_edits(store: SqlStore) -> None:
    def live(document: str | bytes, url: str) -> ExtractedPage:
        return replace(extract(document, url), is_live_blog="/live/" in url)

    shell = Shell(store, live)
    aid = shell.track("/live/1")
    shell.web.page(SITE + "/live/1", html("Live: the vote", STORY))
    report = shell.check(aid)
    assert report.outcome is CheckOutcome.LIVE_BLOG
    article = store.get_article(aid)
    assert article.status is ArticleStatus.RETIRED and article.next_check_at is None
    assert store.versions(aid) == []
    assert [e.kind for e in store.events(aid)] == [EventKind.LIVE_BLOG]
    assert store.due_articles(datetime(2030, 1, 1, tzinfo=UTC)) == []


# --- redirects and validators ---------------------------------------------------------------


def test_a_redirected_article_does_not_come_back_on_the_targets_304(shell: Shell) -> None:
    aid = shell.track("/news/1")
    old, new = SITE + "/news/1", SITE + "/world/elsewhere"
    shell.web.page(old, html("Bridge to close", STORY), etag='"own"')
    shell.check(aid)
    # The article now redirects to another page, whose answer carries its own ETag.
    shell.web.page(old, html("Something else", ["Other."]), final_url=new, etag='"target"')
    assert shell.check(aid).outcome is CheckOutcome.REDIRECTED_AWAY
    assert shell.store.get_article(aid).etag is None  # not the target's

    # The fetcher follows the redirect and the target answers 304 (an old fetcher sent the
    # target's ETag to the old URL): that is not "the page is back".
    not_modified = fetched(old, outcome=FetchOutcome.NOT_MODIFIED, status=304, final_url=new)
    shell.web.serve(old, not_modified)
    assert shell.check(aid).outcome is CheckOutcome.NOT_MODIFIED
    article = shell.store.get_article(aid)
    assert article.status is ArticleStatus.REDIRECTED
    assert EventKind.RETURNED not in [e.kind for e in shell.store.events(aid)]
    assert shell.web.sent_etags[-1] == (old, None)  # a redirected article is fetched in full


# --- identity -------------------------------------------------------------------------------


def test_an_amp_page_and_its_canonical_page_are_one_article(shell: Shell) -> None:
    canonical, amp = SITE + "/news/1", SITE + "/news/1/amp"
    main = shell.track("/news/1")
    shell.web.page(canonical, html("Bridge to close", STORY))
    shell.check(main)
    amp_id = shell.track("/news/1/amp")
    link = f'<link rel="canonical" href="{canonical}">'
    shell.web.page(amp, html("Bridge to close", STORY, head=link))
    assert shell.check(amp_id).outcome is CheckOutcome.DUPLICATE
    assert shell.store.count_articles() == 1  # no empty article row left behind
    found = shell.store.find_article(amp)
    assert found is not None and found.id == main
    assert EventKind.DUPLICATE in [e.kind for e in shell.store.events(main)]


def test_a_canonical_url_nobody_tracks_becomes_an_alias(shell: Shell) -> None:
    amp, canonical = SITE + "/news/2/amp", SITE + "/news/2"
    aid = shell.track("/news/2/amp")
    shell.web.page(amp, html("Ferry", STORY, head=f'<link rel="canonical" href="{canonical}">'))
    assert shell.check(aid).outcome is CheckOutcome.FIRST_VERSION
    found = shell.store.find_article(canonical)
    assert found is not None and found.id == aid


def test_a_shortlink_seen_with_its_target_leaves_no_empty_article(shell: Shell) -> None:
    target, short = SITE + "/news/3", SITE + "/s/3"
    main = shell.track("/news/3")
    shell.web.page(target, html("Bridge to close", STORY))
    shell.check(main)
    short_id = shell.track("/s/3")
    shell.web.page(short, html("Bridge to close", STORY), final_url=target)
    assert shell.check(short_id).outcome is CheckOutcome.DUPLICATE
    assert shell.store.count_articles() == 1
    found = shell.store.find_article(short)
    assert found is not None and found.id == main


# --- hidden ---------------------------------------------------------------------------------


def test_checking_a_hidden_article_does_not_unhide_it(shell: Shell) -> None:
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    shell.check(aid)
    shell.store.set_status(aid, "hidden")
    shell.web.page(SITE + "/news/1", html("Bridge to close", [*STORY, "More."]))
    shell.check(aid)  # what `newsdiffs check URL` does
    assert shell.store.get_article(aid).status is ArticleStatus.HIDDEN


def test_a_hide_during_a_check_in_flight_holds(shell: Shell) -> None:
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    shell.check(aid)
    article = shell.store.get_article(aid)  # read before the hide, as the runner would
    shell.store.set_status(aid, "hidden")
    asyncio.run(shell.tracker.check(article))
    assert shell.store.get_article(aid).status is ArticleStatus.HIDDEN


# --- fault barrier, one history read, off the event loop ------------------------------------


def test_a_crashing_extractor_is_an_internal_error_and_the_round_goes_on(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    def fragile(document: str | bytes, url: str) -> ExtractedPage:
        if url.endswith("/bad"):
            raise RecursionError("maximum recursion depth exceeded")
        return extract(document, url)

    web = FakeFetcher()
    clock = ManualClock(START)
    for path in ("/ok/1", "/bad", "/ok/2"):
        web.page(SITE + path, html("Story " + path, STORY))
        store.add_article("s", SITE + path, clock.now())
    runner = Runner(store, web, clock)  # type: ignore[arg-type]
    runner.tracker.extract = fragile
    with caplog.at_level(logging.ERROR, logger="newsdiffs.tracker"):
        stats = asyncio.run(runner.check_due())
    assert stats.checks == 3
    assert stats.outcomes == {"first_version": 2, "internal_error": 1}
    bad = store.find_article(SITE + "/bad")
    assert bad is not None
    (recorded,) = store.checks(bad.id)
    assert recorded.outcome is CheckOutcome.INTERNAL_ERROR
    assert "RecursionError" in recorded.detail
    assert bad.check_interval.total_seconds() > 0 and bad.next_check_at is not None
    assert any("internal error checking article" in r.message for r in caplog.records)


def test_a_changed_check_reads_the_history_once(shell: Shell, monkeypatch: Any) -> None:
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    shell.check(aid)
    calls: list[str] = []
    for name in ("versions", "version_history", "latest_version", "hash_counts", "raw_html"):
        method = getattr(shell.store, name)

        def counted(*args: Any, _name: str = name, _method: Any = method) -> Any:
            calls.append(_name)
            return _method(*args)

        monkeypatch.setattr(shell.store, name, counted)
    shell.web.page(SITE + "/news/1", html("Bridge to close", [*STORY, "An update."]))
    assert shell.check(aid).outcome is CheckOutcome.NEW_VERSION
    assert calls == ["version_history"]
    calls.clear()
    shell.web.page(SITE + "/news/1", html("Bridge to close", [*STORY, "An update."], "<!---->"))
    assert shell.check(aid).outcome is CheckOutcome.UNCHANGED
    assert calls == []  # an unchanged page needs only the latest hash


def test_extraction_runs_off_the_event_loop_thread(store: SqlStore) -> None:
    threads: list[threading.Thread] = []

    def watched(document: str | bytes, url: str) -> ExtractedPage:
        threads.append(threading.current_thread())
        return extract(document, url)

    shell = Shell(store, watched)
    aid = shell.track("/news/1")
    shell.web.page(SITE + "/news/1", html("Bridge to close", STORY))
    assert shell.check(aid).outcome is CheckOutcome.FIRST_VERSION
    assert threads and all(t is not threading.main_thread() for t in threads)


# --- compare A B == what the tracker records ------------------------------------------------

WORDS = ["bridge", "council", "ferry", "vote", "river", "repairs", "Monday", "six", "months"]
paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(
    lambda words: " ".join(words).capitalize() + "."
)
body = st.lists(paragraph, min_size=0, max_size=5)
title = st.sampled_from(["Bridge to close", "Bridge closes", ""])


def _restructure(paragraphs: list[str], choice: int) -> list[str]:
    """The same words in other paragraphs (merged), or the body itself."""
    if choice == 0 and len(paragraphs) > 1:
        return [" ".join(paragraphs[:2]), *paragraphs[2:]]
    return paragraphs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title_a=title,
    body_a=body,
    title_b=title,
    body_b=body,
    relation=st.integers(min_value=0, max_value=3),
)
def test_compare_says_what_the_tracker_records(
    store: SqlStore, title_a: str, body_a: list[str], title_b: str, body_b: list[str], relation: int
) -> None:
    if relation == 1:
        title_b, body_b = title_a, _restructure(body_a, 0)  # same words, other breaks
    elif relation == 2:
        title_b, body_b = title_a, [*body_a, *body_b[:1]]  # appended
    page_a, page_b = html(title_a, body_a), html(title_b, body_b)
    shell = Shell(store)
    path = f"/news/{store.count_articles() + 1}"
    aid = shell.track(path)
    url = SITE + path
    shell.web.page(url, page_a)
    shell.check(aid)
    shell.web.page(url, page_b)
    recorded = shell.check(aid)
    verdict = compare_pages(page_a, page_b, url)
    assert verdict.outcome == recorded.outcome
    assert verdict.new_version is recorded.outcome.is_change
    if recorded.version is not None:
        assert recorded.version.content_hash == verdict.b_hash
