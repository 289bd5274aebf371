"""record_check writes all a check decided in one transaction; version_history in one read.

Run on every backend (SQLite always; PostgreSQL with NEWSDIFFS_TEST_PG_URL), like the
Store contract suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import BACKENDS, PG_URL
from sqlalchemy import create_engine, text

from newsdiffs.core.anomaly import word_count
from newsdiffs.errors import StorageError
from newsdiffs.models import (
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
    LatestVersionUpdate,
    NewVersion,
)
from newsdiffs.storage import SqlStore, open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        opened = open_store(str(tmp_path / "store.db"))
    else:
        assert PG_URL is not None
        engine = create_engine(PG_URL)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        opened = open_store(PG_URL)
    yield opened
    opened.close()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def version(content_hash: str, minutes: float = 0, **changes: object) -> NewVersion:
    base = NewVersion(
        captured_at=at(minutes),
        title="A title",
        paragraphs=("First paragraph here.", "Second one."),
        content_hash=content_hash,
        extractor="generic@1",
        raw_html=b"<p>First paragraph here.</p>",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def checked(
    article_id: int,
    minutes: float = 0,
    outcome: CheckOutcome = CheckOutcome.UNCHANGED,
    **changes: object,
) -> CheckResult:
    base = CheckResult(
        check=Check(article_id, at(minutes), outcome, 200),
        next_check_at=at(minutes + 30),
        check_interval=timedelta(minutes=30),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_hide_while_a_check_is_in_flight_stays_hidden(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    in_flight = checked(article.id, 1, CheckOutcome.FIRST_VERSION, new_version=version("h1"))
    store.set_status(article.id, "hidden")  # the admin hides it while the check runs
    store.record_check(in_flight)  # decided "active" before the hide
    assert store.get_article(article.id).status is ArticleStatus.HIDDEN
    store.record_check(checked(article.id, 40, status=ArticleStatus.ACTIVE))
    assert store.get_article(article.id).status is ArticleStatus.HIDDEN
    store.set_status(article.id, "active")  # only an admin brings it back
    assert store.get_article(article.id).status is ArticleStatus.ACTIVE


def test_a_check_never_claims_a_version_it_did_not_store(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(
        checked(article.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("h1"))
    )
    # A second tracker decided the same text was new (it read the history before the first).
    late = checked(article.id, 1, CheckOutcome.NEW_VERSION, new_version=version("h1", 1))
    assert store.record_check(late) is None
    outcomes = [c.outcome for c in store.checks(article.id)]
    assert outcomes == [CheckOutcome.UNCHANGED, CheckOutcome.FIRST_VERSION]
    assert store.get_article(article.id).version_count == 1


def test_aliases_are_written_with_the_check(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/amp/1", T0)
    other, _ = store.add_article("s", "https://a.example/2", T0)
    result = checked(
        article.id,
        aliases=("https://a.example/1", "https://a.example/2", "https://a.example/amp/1"),
    )
    store.record_check(result)
    found = store.find_article("https://a.example/1")
    assert found is not None and found.id == article.id
    owner = store.find_article("https://a.example/2")
    assert owner is not None and owner.id == other.id  # a known URL is left to its owner


def test_a_failed_check_writes_no_alias_and_no_rewrite(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(
        checked(article.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("old"))
    )
    bad = checked(
        article.id,
        1,
        aliases=("https://a.example/alias",),
        latest_update=LatestVersionUpdate(expected_hash="old", content_hash="new"),
        # The last row written: an event for an unknown article breaks the foreign key.
        events=(ArticleEvent(987654, at(1), EventKind.RETURNED, "x"),),
    )
    with pytest.raises(StorageError):
        store.record_check(bad)
    assert store.find_article("https://a.example/alias") is None
    assert store.latest_content_hash(article.id) == "old"
    assert len(store.checks(article.id)) == 1


def test_an_article_without_versions_merges_into_its_owner(store: SqlStore) -> None:
    owner, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(checked(owner.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("h1")))
    short, _ = store.add_article("s", "https://sho.rt/x", T0)
    store.add_alias(short.id, "https://sho.rt/x?feed")
    event = ArticleEvent(short.id, at(5), EventKind.DUPLICATE, "same article as article 1")
    result = checked(
        short.id,
        5,
        CheckOutcome.DUPLICATE,
        events=(event,),
        status=ArticleStatus.RETIRED,
        next_check_at=None,
        merge_into=owner.id,
    )
    assert store.record_check(result) is None
    assert store.count_articles() == 1  # no empty article row left behind
    for url in ("https://sho.rt/x", "https://sho.rt/x?feed"):
        found = store.find_article(url)
        assert found is not None and found.id == owner.id
    assert store.checks(owner.id)[0].outcome is CheckOutcome.DUPLICATE
    assert [e.kind for e in store.events(owner.id)] == [EventKind.DUPLICATE]
    assert store.get_article(owner.id).next_check_at == at(30)  # the owner's schedule stays


def test_a_merge_is_refused_once_the_article_has_a_version(store: SqlStore) -> None:
    owner, _ = store.add_article("s", "https://a.example/1", T0)
    amp, _ = store.add_article("s", "https://a.example/1/amp", T0)
    store.record_check(checked(amp.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("h")))
    result = checked(
        amp.id, 5, CheckOutcome.DUPLICATE, status=ArticleStatus.RETIRED, merge_into=owner.id
    )
    store.record_check(result)
    kept = store.get_article(amp.id)
    assert kept.version_count == 1 and kept.status is ArticleStatus.RETIRED


def test_latest_update_rewrites_the_latest_version_in_the_check(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(
        checked(article.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("old"))
    )
    update = LatestVersionUpdate(
        expected_hash="old",
        content_hash="new",
        title="Better title",
        paragraphs=("Only the story.",),
        extractor="generic@2",
    )
    store.record_check(checked(article.id, 30, latest_update=update))
    (latest,) = store.versions(article.id)
    assert (latest.content_hash, latest.title, latest.paragraphs, latest.extractor) == (
        "new",
        "Better title",
        ("Only the story.",),
        "generic@2",
    )
    assert store.get_article(article.id).title == "Better title"
    # A rewrite decided against a hash that is no longer the latest is not applied.
    stale = LatestVersionUpdate(expected_hash="old", content_hash="other")
    store.record_check(checked(article.id, 60, latest_update=stale))
    assert store.latest_content_hash(article.id) == "new"


def test_hash_only_update_keeps_the_stored_text(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(
        checked(article.id, 0, CheckOutcome.FIRST_VERSION, new_version=version("old"))
    )
    rehash = LatestVersionUpdate(expected_hash="old", content_hash="new")
    store.record_check(checked(article.id, 30, latest_update=rehash))
    (latest,) = store.versions(article.id)
    assert latest.content_hash == "new" and latest.title == "A title"


def test_validators_are_replaced_cleared_or_kept(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    store.record_check(
        checked(article.id, 0, etag='"a"', last_modified="Mon", replace_validators=True)
    )
    store.record_check(checked(article.id, 1, outcome=CheckOutcome.TIMEOUT))  # kept
    kept = store.get_article(article.id)
    assert (kept.etag, kept.last_modified) == ('"a"', "Mon")
    store.record_check(checked(article.id, 2, replace_validators=True))  # a redirect: cleared
    cleared = store.get_article(article.id)
    assert (cleared.etag, cleared.last_modified) == (None, None)


def test_version_history_in_one_read_counts_words_in_the_database(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    bodies = [
        ("One two three.", "Four five."),
        ("Café crème “quoted” — dash, ünïcode words here.",),
        ("A",),
        ("One two three.", "Four five."),
    ]
    for n, body in enumerate(bodies):
        outcome = CheckOutcome.FIRST_VERSION if n == 0 else CheckOutcome.NEW_VERSION
        new = version(f"h{n % 3}", n, paragraphs=body)
        store.record_check(checked(article.id, n, outcome, new_version=new))
    history = store.version_history(article.id)
    assert history.word_counts == tuple(word_count(body) for body in bodies)
    assert dict(history.hash_counts) == {"h0": 2, "h1": 1, "h2": 1}
    assert history.latest is not None and history.latest.number == 4
    empty, _ = store.add_article("s", "https://a.example/2", T0)
    nothing = store.version_history(empty.id)
    assert nothing.latest is None and nothing.word_counts == () and not nothing.hash_counts
