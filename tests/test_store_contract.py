"""The Store contract, run against every backend.

SQLite (a file under tmp_path) always; PostgreSQL when NEWSDIFFS_TEST_PG_URL is set, e.g.
``postgresql+psycopg://user@/newsdiffs_test?host=/tmp/pg`` (its tables are dropped first).
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS, PG_URL
from sqlalchemy import create_engine, event, func, select, text, update

from newsdiffs.core.classify import (
    ChangeKind,
    Classification,
    SentenceOp,
    SentenceOpKind,
    SentencePosition,
)
from newsdiffs.errors import InputError, NotFoundError, StorageError
from newsdiffs.models import (
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    DiscoveryKind,
    Endpoint,
    EventKind,
    NewVersion,
    Source,
)
from newsdiffs.storage import EndpointState, SqlStore, Store, fulltext, open_store, recording
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START
from newsdiffs.storage.schema import checks, events, versions

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        opened = open_store(str(tmp_path / "data" / "store.db"))
    else:
        assert PG_URL is not None
        _reset_postgres(PG_URL)
        opened = open_store(PG_URL)
    yield opened
    opened.close()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_version(
    content_hash: str,
    minutes: float = 0,
    title: str = "A title",
    paragraphs: tuple[str, ...] = ("First paragraph.", "Second paragraph."),
    raw_html: bytes = b"<html><p>First paragraph.</p></html>",
) -> NewVersion:
    return NewVersion(
        captured_at=at(minutes),
        title=title,
        paragraphs=paragraphs,
        content_hash=content_hash,
        extractor="generic@1",
        raw_html=raw_html,
        byline="By A. Writer",
        published=at(-60),
    )


def result(
    article_id: int,
    minutes: float = 0,
    version: NewVersion | None = None,
    outcome: CheckOutcome = CheckOutcome.UNCHANGED,
    events_: tuple[ArticleEvent, ...] = (),
    status: ArticleStatus = ArticleStatus.ACTIVE,
    etag: str | None = None,
) -> CheckResult:
    return CheckResult(
        check=Check(article_id, at(minutes), outcome, 200, 1234, 12.5, "ok"),
        new_version=version,
        events=events_,
        status=status,
        next_check_at=at(minutes + 30),
        check_interval=timedelta(minutes=30),
        etag=etag,
    )


def count_rows(store: SqlStore, table: object) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


# --- the protocol ------------------------------------------------------------------------


def test_sql_store_has_every_store_method(store: SqlStore) -> None:
    wanted = {name for name, _ in inspect.getmembers(Store) if not name.startswith("_")}
    missing = {name for name in wanted if not callable(getattr(store, name, None))}
    assert wanted and not missing


# --- sources -----------------------------------------------------------------------------


def make_source(name: str = "bbc", title: str = "BBC News") -> Source:
    return Source(
        name=name,
        home_url=f"https://{name}.example/",
        endpoints=(
            Endpoint(f"https://{name}.example/rss.xml"),
            Endpoint(
                f"https://{name}.example/",
                DiscoveryKind.FRONTPAGE,
                timedelta(minutes=5),
                r"/news/\d+",
            ),
        ),
        exclude_patterns=("/live/",),
        include_patterns=("/news/",),
        title=title,
    )


def test_sources_roundtrip_update_and_list(store: SqlStore) -> None:
    assert store.get_source("bbc") is None
    store.upsert_source(make_source("bbc"))
    store.upsert_source(make_source("abc"))
    assert store.get_source("bbc") == make_source("bbc")
    store.upsert_source(make_source("bbc", title="The BBC"))
    assert store.get_source("bbc") == make_source("bbc", title="The BBC")
    assert [source.name for source in store.list_sources()] == ["abc", "bbc"]


def test_remove_source_retires_its_articles(store: SqlStore) -> None:
    store.upsert_source(make_source("bbc"))
    store.save_endpoint_state(EndpointState("https://bbc.example/rss.xml", at(0), '"e"'))
    article, _ = store.add_article("bbc", "https://bbc.example/news/1", at(0))
    other, _ = store.add_article("cnn", "https://cnn.example/1", at(0))
    assert store.remove_source("bbc") is True
    assert store.remove_source("bbc") is False
    assert store.get_source("bbc") is None
    retired = store.get_article(article.id)
    assert retired.status is ArticleStatus.RETIRED and retired.next_check_at is None
    assert store.get_article(other.id).status is ArticleStatus.ACTIVE
    assert store.endpoint_state("https://bbc.example/rss.xml") == EndpointState(
        "https://bbc.example/rss.xml"
    )


def test_endpoint_state_defaults_then_saves_and_updates(store: SqlStore) -> None:
    url = "https://bbc.example/rss.xml"
    assert store.endpoint_state(url) == EndpointState(url)
    first = EndpointState(url, at(0), '"v1"', "Sun, 01 Mar 2026 12:00:00 GMT")
    store.save_endpoint_state(first)
    assert store.endpoint_state(url) == first
    second = EndpointState(url, at(15), None, None)
    store.save_endpoint_state(second)
    assert store.endpoint_state(url) == second


# --- articles ----------------------------------------------------------------------------


def test_add_article_is_idempotent_and_due_at_once(store: SqlStore) -> None:
    article, created = store.add_article("bbc", "https://bbc.example/news/1", at(0), "tiers")
    assert created and article.id > 0
    assert article.next_check_at == at(0) and article.first_seen == at(0)
    assert article.schedule_policy == "tiers" and article.status is ArticleStatus.ACTIVE
    again, created_again = store.add_article("bbc", "https://bbc.example/news/1", at(5))
    assert (again, created_again) == (article, False)
    assert store.get_article(article.id) == article
    assert store.due_articles(at(0)) == [article]


def test_aliases_find_the_article(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/news/1", at(0))
    other, _ = store.add_article("bbc", "https://bbc.example/news/2", at(0))
    store.add_alias(article.id, "https://bbc.example/news/1?utm_source=rss")
    store.add_alias(article.id, "https://bbc.example/news/1?utm_source=rss")  # again: fine
    store.add_alias(other.id, "https://bbc.example/news/1?utm_source=rss")  # taken: kept
    store.add_alias(other.id, "https://bbc.example/news/1")  # another's URL: ignored
    assert store.find_article("https://bbc.example/news/1?utm_source=rss") == article
    assert store.find_article("https://bbc.example/news/1") == article
    assert store.find_article("https://bbc.example/news/3") is None
    via_alias, created = store.add_article(
        "bbc", "https://bbc.example/news/1?utm_source=rss", at(1)
    )
    assert (via_alias, created) == (article, False)
    with pytest.raises(NotFoundError):
        store.add_alias(9999, "https://bbc.example/x")


def test_get_article_missing_raises(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_article(424242)


def test_list_and_count_articles(store: SqlStore) -> None:
    ids = [store.add_article("bbc", f"https://bbc.example/{n}", at(n))[0].id for n in range(5)]
    store.add_article("cnn", "https://cnn.example/1", at(9))
    assert [a.id for a in store.list_articles(source="bbc")] == ids[::-1]
    assert [a.id for a in store.list_articles(source="bbc", offset=1, limit=2)] == ids[3:1:-1]
    assert len(store.list_articles()) == 6
    assert store.count_articles() == 6
    assert store.count_articles("bbc") == 5
    assert store.count_articles("nobody") == 0


def test_due_articles_oldest_due_first_with_limit(store: SqlStore) -> None:
    late, _ = store.add_article("bbc", "https://bbc.example/late", at(30))
    early, _ = store.add_article("bbc", "https://bbc.example/early", at(10))
    future, _ = store.add_article("bbc", "https://bbc.example/future", at(90))
    middle, _ = store.add_article("bbc", "https://bbc.example/middle", at(20))
    assert [a.id for a in store.due_articles(at(60))] == [early.id, middle.id, late.id]
    assert [a.id for a in store.due_articles(at(60), limit=2)] == [early.id, middle.id]
    assert [a.id for a in store.due_articles(at(20))] == [early.id, middle.id]  # inclusive
    assert future.id in [a.id for a in store.due_articles(at(90))]
    assert store.next_due_at() == at(10)


def test_retired_and_hidden_are_not_due_but_gone_is(store: SqlStore) -> None:
    retired, _ = store.add_article("bbc", "https://bbc.example/retired", at(0))
    gone, _ = store.add_article("bbc", "https://bbc.example/gone", at(1))
    hidden, _ = store.add_article("bbc", "https://bbc.example/hidden", at(2))
    store.record_check(result(retired.id, 5, status=ArticleStatus.RETIRED))
    store.record_check(result(gone.id, 5, outcome=CheckOutcome.GONE, status=ArticleStatus.GONE))
    store.set_status(hidden.id, "hidden")
    due = store.due_articles(at(24 * 60))
    assert [a.id for a in due] == [gone.id]
    assert due[0].status is ArticleStatus.GONE
    assert store.next_due_at() == at(35)


def test_set_status(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    store.set_status(article.id, "retired")
    retired = store.get_article(article.id)
    assert retired.status is ArticleStatus.RETIRED and retired.next_check_at is None
    assert store.due_articles(at(100)) == []
    assert store.next_due_at() is None
    store.set_status(article.id, ArticleStatus.ACTIVE)
    assert [a.id for a in store.due_articles(at(0))] == [article.id]  # due again at once
    with pytest.raises(InputError):
        store.set_status(article.id, "sleeping")
    with pytest.raises(NotFoundError):
        store.set_status(31337, "retired")


def test_naive_datetimes_are_refused(store: SqlStore) -> None:
    with pytest.raises(StorageError, match="naive"):
        store.add_article("bbc", "https://bbc.example/1", datetime(2026, 1, 1))


def test_times_come_back_aware_utc(store: SqlStore) -> None:
    from zoneinfo import ZoneInfo

    paris = datetime(2026, 3, 1, 13, 0, tzinfo=ZoneInfo("Europe/Paris"))
    article, _ = store.add_article("bbc", "https://bbc.example/1", paris)
    stored = store.get_article(article.id).first_seen
    assert stored == T0 and stored.tzinfo is UTC


# --- record_check ------------------------------------------------------------------------


def test_first_check_stores_version_check_events_and_schedule(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    event = ArticleEvent(article.id, at(1), EventKind.URL_REDIRECT, "from https://bbc.example/r/1")
    stored = store.record_check(
        result(article.id, 1, new_version("h1", 1), CheckOutcome.FIRST_VERSION, (event,), etag="e1")
    )
    assert stored is not None and stored.number == 1 and stored.id > 0
    assert store.versions(article.id) == [stored]
    assert store.latest_version(article.id) == stored
    assert store.get_version(stored.id) == stored
    assert store.version_at(article.id, 1) == stored
    assert stored.paragraphs == ("First paragraph.", "Second paragraph.")
    assert stored.published == at(-60) and stored.byline == "By A. Writer"
    updated = store.get_article(article.id)
    assert updated.version_count == 1 and updated.title == "A title"
    assert updated.last_checked_at == at(1) and updated.last_changed_at == at(1)
    assert updated.next_check_at == at(31) and updated.check_interval == timedelta(minutes=30)
    assert updated.etag == "e1"
    [check] = store.checks(article.id)
    assert check == Check(article.id, at(1), CheckOutcome.FIRST_VERSION, 200, 1234, 12.5, "ok")
    assert store.events(article.id) == [event]
    assert store.last_check_at() == at(1)


def test_same_hash_is_not_stored_again(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    first = store.record_check(result(article.id, 1, new_version("h1", 1)))
    again = store.record_check(result(article.id, 31, new_version("h1", 31, title="Same hash")))
    assert first is not None and again is None
    assert store.versions(article.id) == [first]
    updated = store.get_article(article.id)
    assert updated.version_count == 1 and updated.title == "A title"
    assert updated.last_changed_at == at(1) and updated.last_checked_at == at(31)
    assert len(store.checks(article.id)) == 2


def test_unchanged_check_keeps_validators_and_versions(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    store.record_check(result(article.id, 1, new_version("h1", 1), etag='"abc"'))
    assert store.record_check(result(article.id, 31, outcome=CheckOutcome.NOT_MODIFIED)) is None
    updated = store.get_article(article.id)
    assert updated.etag == '"abc"' and updated.version_count == 1
    assert updated.next_check_at == at(61)


def test_changes_number_versions_and_flipflop_counts(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    assert store.latest_content_hash(article.id) is None
    numbers = []
    for minutes, content_hash in [(1, "A"), (31, "B"), (61, "A"), (91, "B")]:
        stored = store.record_check(result(article.id, minutes, new_version(content_hash, minutes)))
        assert stored is not None
        numbers.append(stored.number)
        assert store.latest_content_hash(article.id) == content_hash
    assert numbers == [1, 2, 3, 4]
    assert store.hash_counts(article.id) == {"A": 2, "B": 2}
    assert store.get_article(article.id).version_count == 4
    assert store.hash_counts(9999) == {}
    assert [v.content_hash for v in store.versions(article.id)] == ["A", "B", "A", "B"]


def test_failed_record_check_writes_nothing(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    before = store.get_article(article.id)
    bad_events = [
        (ArticleEvent(article.id, at(1), "", "empty kind violates a CHECK"),),
        (ArticleEvent(987654, at(1), EventKind.GONE, "unknown article violates the foreign key"),),
    ]
    for bad in bad_events:
        with pytest.raises(StorageError):
            store.record_check(result(article.id, 1, new_version("h1", 1), events_=bad))
    assert store.get_article(article.id) == before
    assert store.versions(article.id) == [] and store.checks(article.id) == []
    assert store.events(article.id) == [] and store.search("paragraph") == []
    assert (
        count_rows(store, versions) == count_rows(store, checks) == count_rows(store, events) == 0
    )


CHANGE = Classification(
    substantive=True,
    significance=0.42,
    kinds=(ChangeKind.HEADLINE, ChangeKind.QUOTES),
    operations=(
        SentenceOp(SentenceOpKind.ADDITION, None, SentencePosition(1, 0), "", "“Né”, she said."),
        SentenceOp(SentenceOpKind.DELETION, SentencePosition(0, 2), None, "Gone.", ""),
        SentenceOp(
            SentenceOpKind.EDIT, SentencePosition(0, 0), SentencePosition(0, 0), "A b", "A c"
        ),
    ),
    stealth=True,
)


def test_classification_and_word_counts_round_trip(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    store.record_check(result(article.id, 1, new_version("h1", 1)))
    second = replace(new_version("h2", 31), classification=CHANGE, words_added=7, words_removed=2)
    stored = store.record_check(result(article.id, 31, second))
    assert stored is not None
    assert stored.classification == CHANGE and (stored.words_added, stored.words_removed) == (7, 2)
    first, read = store.versions(article.id)
    assert first.classification is None and first.words_added is None
    assert read == stored
    assert store.previous_versions([read.id]) == {read.id: first}
    assert store.latest_changes()[0][1] == stored


def test_unreadable_stored_classification_reads_as_none(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    stored = store.record_check(
        result(article.id, 1, replace(new_version("h1", 1), classification=CHANGE))
    )
    assert stored is not None
    for broken in ("not json", "[1, 2]", '{"kinds": []}', '{"operations": [1]}'):
        with store.engine.begin() as connection:
            connection.execute(
                update(versions).where(versions.c.id == stored.id).values(classification=broken)
            )
        assert store.get_version(stored.id).classification is None, broken


def test_events_read_back_typed_and_unknown_kinds_do_not_break(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    gone = ArticleEvent(article.id, at(1), EventKind.GONE, "HTTP 410")
    store.record_check(result(article.id, 1, events_=(gone,)))
    with store.engine.begin() as connection:  # a kind written by another version
        values = {"article_id": article.id, "at": at(2), "kind": "live_ticker", "detail": "x"}
        connection.execute(events.insert().values(values))
    read_gone, unknown = store.events(article.id)
    assert read_gone == gone and read_gone.kind is EventKind.GONE
    assert unknown.kind is EventKind.UNKNOWN and unknown.detail == "live_ticker: x"


def test_record_check_for_unknown_article_raises_not_found(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.record_check(result(5555, 1, new_version("h1", 1)))
    assert count_rows(store, checks) == 0 and count_rows(store, versions) == 0


def test_check_rows_round_trip_every_field_and_zone(store: SqlStore) -> None:
    """The per-check statements bypass Connection.execute: conversions must still hold."""
    from zoneinfo import ZoneInfo

    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    tokyo = at(45).astimezone(ZoneInfo("Asia/Tokyo"))
    check = Check(article.id, tokyo, CheckOutcome.NOT_MODIFIED, 304, 0, 3.25, "détail ✓")
    store.record_check(
        CheckResult(
            check=check,
            status=ArticleStatus.GONE,
            next_check_at=tokyo + timedelta(hours=2),
            check_interval=timedelta(hours=2),
            etag='W/"v2"',
            last_modified="Sun, 01 Mar 2026 12:00:00 GMT",
        )
    )
    [stored] = store.checks(article.id)
    assert stored == replace(check, checked_at=at(45))
    assert stored.checked_at.tzinfo is UTC
    updated = store.get_article(article.id)
    assert updated.status is ArticleStatus.GONE
    assert updated.last_checked_at == at(45) and updated.next_check_at == at(165)
    assert updated.check_interval == timedelta(hours=2)
    assert (updated.etag, updated.last_modified) == ('W/"v2"', "Sun, 01 Mar 2026 12:00:00 GMT")


def test_naive_check_time_is_refused_and_nothing_written(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    before = store.get_article(article.id)
    naive = Check(article.id, datetime(2026, 3, 1, 13, 0), CheckOutcome.UNCHANGED)
    with pytest.raises(StorageError, match="naive"):
        store.record_check(CheckResult(check=naive, next_check_at=at(30)))
    assert store.get_article(article.id) == before and store.checks(article.id) == []


def test_double_write_race_is_caught_by_the_unique_constraint(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    stored = store.record_check(result(article.id, 1, new_version("h1", 1)))
    real = recording.latest_version_row
    calls = []

    def stale_then_real(connection: object, article_id: int) -> object:
        calls.append(article_id)
        # The first attempt reads as if the other writer's version were not there yet.
        return None if len(calls) == 1 else real(connection, article_id)  # type: ignore[arg-type]

    monkeypatch.setattr(recording, "latest_version_row", stale_then_real)
    again = store.record_check(result(article.id, 2, new_version("h1", 2)))
    assert again is None and len(calls) == 2
    assert store.versions(article.id) == [stored]
    assert len(store.checks(article.id)) == 2  # the failed attempt left nothing behind


def test_raw_html_roundtrip_is_compressed(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    page = ("<html><body>" + "<p>Repetitive paragraph of news text.</p>\n" * 2000).encode()
    page += "</body></html> café ☕".encode()
    stored = store.record_check(result(article.id, 1, new_version("h1", 1, raw_html=page)))
    assert stored is not None
    assert store.raw_html(stored.id) == page
    with store.engine.connect() as connection:
        blob = connection.execute(
            select(versions.c.raw_html).where(versions.c.id == stored.id)
        ).scalar_one()
    assert len(blob) < len(page) // 10
    with pytest.raises(NotFoundError):
        store.raw_html(stored.id + 100)


def test_missing_versions_raise_not_found(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    assert store.latest_version(article.id) is None and store.versions(article.id) == []
    with pytest.raises(NotFoundError):
        store.get_version(777)
    with pytest.raises(NotFoundError):
        store.version_at(article.id, 1)


def test_checks_newest_first_and_events_oldest_first(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    for minutes in (10, 30, 20):
        event = ArticleEvent(article.id, at(minutes), EventKind.RETURNED, f"at {minutes}")
        store.record_check(result(article.id, minutes, events_=(event,)))
    assert [c.checked_at for c in store.checks(article.id)] == [at(30), at(20), at(10)]
    assert [c.checked_at for c in store.checks(article.id, limit=1)] == [at(30)]
    assert [e.detail for e in store.events(article.id)] == ["at 10", "at 20", "at 30"]
    assert store.last_check_at() == at(30)


# --- overviews ---------------------------------------------------------------------------


def fill(store: SqlStore) -> dict[str, int]:
    """bbc/1: 3 versions, bbc/2: 1 version, cnn/1: 2 versions (hidden later by some tests)."""
    ids = {}
    for key, source, hashes in [("b1", "bbc", "ABC"), ("b2", "bbc", "A"), ("c1", "cnn", "AB")]:
        article, _ = store.add_article(source, f"https://{source}.example/{key}", at(0))
        ids[key] = article.id
        for n, content_hash in enumerate(hashes):
            minutes = 10 * n + {"b1": 1, "b2": 2, "c1": 3}[key]
            version = new_version(content_hash, minutes, title=f"{key} v{n + 1}")
            store.record_check(result(article.id, minutes, version))
    return ids


def test_totals_and_source_counts(store: SqlStore) -> None:
    assert store.totals().articles == 0 and store.last_check_at() is None
    store.upsert_source(make_source("bbc"))
    store.upsert_source(make_source("quiet"))
    fill(store)
    totals = store.totals()
    assert (totals.articles, totals.versions, totals.sources) == (3, 6, 2)
    assert store.source_counts() == {"bbc": (2, 4), "cnn": (1, 2), "quiet": (0, 0)}


def test_latest_changes(store: SqlStore) -> None:
    ids = fill(store)
    changes = store.latest_changes()
    assert [(a.id, v.number) for a, v in changes] == [
        (ids["b1"], 3),
        (ids["c1"], 2),
        (ids["b1"], 2),
    ]
    article, version = changes[0]
    assert article.title == "b1 v3" and version.title == "b1 v3"
    assert [v.number for _, v in store.latest_changes(source="bbc")] == [3, 2]
    assert [v.number for _, v in store.latest_changes(offset=1, limit=1)] == [2]
    window = store.latest_changes(since=at(11), until=at(21))
    assert [(a.id, v.captured_at) for a, v in window] == [(ids["b1"], at(11)), (ids["c1"], at(13))][
        ::-1
    ]
    store.set_status(ids["c1"], "hidden")
    assert all(a.id != ids["c1"] for a, _ in store.latest_changes())


# --- search ------------------------------------------------------------------------------


def searchable(store: SqlStore) -> dict[str, int]:
    texts = {
        "budget": ("bbc", "Budget cuts announced", ("The prime minister resigns today.",)),
        "storm": ("bbc", "Storm warning", ("Heavy rain and the prime suspect.", "Café closed.")),
        "vote": ("cnn", "Election day", ("Voters queue; the minister resigns.",)),
    }
    ids = {}
    for n, (key, (source, title, paragraphs)) in enumerate(texts.items()):
        article, _ = store.add_article(source, f"https://{source}.example/{key}", at(n))
        ids[key] = article.id
        version = new_version(f"{key}-1", n, title=title, paragraphs=paragraphs)
        store.record_check(result(article.id, n, version))
    return ids


def hit_ids(store: SqlStore, query: str, source: str | None = None) -> list[int]:
    return [hit.article.id for hit in store.search(query, source=source)]


def test_search_syntax(store: SqlStore) -> None:
    ids = searchable(store)
    assert hit_ids(store, "prime") == [ids["storm"], ids["budget"]]  # newest first
    assert hit_ids(store, '"prime minister"') == [ids["budget"]]
    assert hit_ids(store, "minister -prime") == [ids["vote"]]
    assert hit_ids(store, 'resigns -"prime minister"') == [ids["vote"]]
    assert hit_ids(store, "title:election") == [ids["vote"]]
    assert hit_ids(store, "title:resigns") == []
    assert hit_ids(store, "resigns source:bbc") == [ids["budget"]]
    assert hit_ids(store, "resigns -source:bbc") == [ids["vote"]]
    assert hit_ids(store, "resigns", source="cnn") == [ids["vote"]]
    assert hit_ids(store, "vot*") == [ids["vote"]]
    if store.engine.dialect.name == "sqlite":  # PostgreSQL would need the unaccent extension
        assert hit_ids(store, "cafe") == [ids["storm"]]  # diacritics folded
    assert hit_ids(store, "café") == [ids["storm"]]
    assert hit_ids(store, "") == hit_ids(store, "-prime") == hit_ids(store, "source:bbc") == []
    assert hit_ids(store, 'AND OR NOT ( " * :') == []  # never an FTS5 syntax error


def test_search_one_hit_per_article_newest_version(store: SqlStore) -> None:
    ids = searchable(store)
    edit = new_version(
        "budget-2", 50, title="Budget cuts confirmed", paragraphs=("The prime minister resigns.",)
    )
    store.record_check(result(ids["budget"], 50, edit))
    hits = store.search("prime")
    assert [hit.article.id for hit in hits] == [ids["budget"], ids["storm"]]
    assert hits[0].version_number == 2 and hits[0].title == "Budget cuts confirmed"
    assert hits[0].captured_at == at(50)
    assert f"{HIGHLIGHT_START}prime{HIGHLIGHT_END}" in hits[0].snippet
    assert [h.article.id for h in store.search("prime", offset=1, limit=5)] == [ids["storm"]]
    store.set_status(ids["storm"], "hidden")
    assert hit_ids(store, "prime") == [ids["budget"]]


SEARCH_WORDS = ("alpha", "bravo", "copper", "delta")
ODD_SOURCE = "o'brien\\news:x"  # a quote, a backslash, a colon: one lexeme all the same


def test_search_pages_match_a_reading_of_every_version(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many articles, several versions each, over several sources; PostgreSQL's windows and
    batches made tiny so that one page spans many of them. Every query's page is what a
    reading of every version gives: each visible article's newest matching version, newest
    first."""
    monkeypatch.setattr(fulltext, "FIRST_WINDOW", 3)
    monkeypatch.setattr(fulltext, "FTS_BATCH", 2)
    rng = random.Random(7)
    sources = ("bbc", "cnn", ODD_SOURCE)
    texts: list[tuple[int, int, str, str]] = []  # (version id, article id, source, text)
    minute = 0
    for n in range(40):
        source = sources[n % 3]
        article, _ = store.add_article(source, f"https://{n}.example/story", at(minute))
        for _ in range(rng.randint(1, 3)):
            minute += 1
            words = " ".join(rng.choice(SEARCH_WORDS) for _ in range(6))
            version = new_version(f"{n}-{minute}", minute, title=f"Story {n}", paragraphs=(words,))
            store.record_check(result(article.id, minute, version))
            texts.append((store.versions(article.id)[-1].id, article.id, source, words))
    hidden = texts[-1][1]
    store.set_status(hidden, "hidden")

    def reading(match: Callable[[str], bool], wanted: set[str]) -> list[int]:
        seen: set[int] = set()
        page = []
        for _, article_id, source, words in sorted(texts, reverse=True):
            visible = article_id != hidden and source in wanted
            if visible and article_id not in seen and match(words):
                seen.add(article_id)
                page.append(article_id)
        return page

    every = set(sources)
    queries: list[tuple[str, str | None, Callable[[str], bool], set[str]]] = [
        ("alpha", None, lambda t: "alpha" in t.split(), every),
        ("alpha copper", None, lambda t: {"alpha", "copper"} <= set(t.split()), every),
        ('"delta bravo"', None, lambda t: "delta bravo" in t, every),
        ("bravo -alpha", None, lambda t: "bravo" in t.split() and "alpha" not in t, every),
        ("copper source:cnn", None, lambda t: "copper" in t.split(), {"cnn"}),
        (f'delta source:"{ODD_SOURCE}"', None, lambda t: "delta" in t.split(), {ODD_SOURCE}),
        ("alpha source:bbc source:cnn", None, lambda t: "alpha" in t.split(), {"bbc", "cnn"}),
        ("bravo -source:bbc", None, lambda t: "bravo" in t.split(), every - {"bbc"}),
        ("bravo", ODD_SOURCE, lambda t: "bravo" in t.split(), {ODD_SOURCE}),
        ("alpha source:bbc", "cnn", lambda t: "alpha" in t.split(), set()),
    ]
    for query, source, match, wanted in queries:
        expected = reading(match, wanted)
        assert hit_ids(store, query, source) == expected[:20], query
        page = [hit.article.id for hit in store.search(query, source, offset=3, limit=4)]
        assert page == expected[3:7], query


# --- SQLite specifics --------------------------------------------------------------------


def test_due_query_uses_the_claimable_index(store: SqlStore) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    for n in range(50):
        store.add_article("bbc", f"https://bbc.example/{n}", at(n))
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "next_check_at <=" in statement:
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    assert len(store.due_articles(at(10), limit=5)) == 5
    event.remove(store.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = captured
    with store.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    details = " | ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_articles_claimable" in details, details
    assert "SCAN articles" not in details and "TEMP B-TREE" not in details, details


def test_sqlite_pragmas(store: SqlStore) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with store.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert pragma["journal_mode"] == "wal" and pragma["foreign_keys"] == 1
    assert pragma["synchronous"] == 1 and int(pragma["busy_timeout"] or 0) > 0  # 1 == NORMAL


# --- opening -----------------------------------------------------------------------------


def test_open_store_errors_are_one_line_storage_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not an SQLite database at all" * 100)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    unwritable = "/proc/newsdiffs-test/db.sqlite"  # not even root can create this directory
    targets = (str(corrupt), str(blocker / "sub" / "db.sqlite"), unwritable, "nosuchdb://x/y")
    for target in targets:
        with pytest.raises(StorageError) as caught:
            open_store(target)
        assert "\n" not in str(caught.value) and str(caught.value)


def test_open_store_accepts_urls_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "db.sqlite"
    with open_store(f"sqlite:///{path}") as store:
        store.add_article("bbc", "https://bbc.example/1", at(0))
    assert path.exists()
    with open_store(str(path)) as store:
        assert store.count_articles() == 1
    with open_store("sqlite://") as memory:
        memory.add_article("bbc", "https://bbc.example/1", at(0))
        assert memory.count_articles() == 1


# --- concurrency -------------------------------------------------------------------------


def test_concurrent_writers_do_not_lose_or_duplicate(store: SqlStore) -> None:
    """Threads share one store; they race to add the same URLs and record checks."""
    from concurrent.futures import ThreadPoolExecutor

    urls = [f"https://bbc.example/{n}" for n in range(10)]

    def work(worker: int) -> int:
        created = 0
        for url in urls:
            article, new = store.add_article("bbc", url, at(0))
            created += new
            version = new_version(f"{url}-v1", 1)
            store.record_check(result(article.id, worker, version))
        return created

    with ThreadPoolExecutor(max_workers=4) as pool:
        created = sum(pool.map(work, range(4)))
    assert created == len(urls) == store.count_articles()
    assert store.totals().versions == len(urls)  # same hash from every worker: stored once
    assert count_rows(store, checks) == 4 * len(urls)
