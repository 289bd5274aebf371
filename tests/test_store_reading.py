"""Store reads the web layer leans on: previous versions, kinds, event counts, the
latest-changes plan after ANALYZE, and search paging across FTS batches (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.models import (
    ArticleEvent,
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
    NewVersion,
)
from newsdiffs.storage import SqlStore, fulltext, open_store
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START
from newsdiffs.storage.schema import INDEXED_KINDS

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "store.db"))
    yield opened
    opened.close()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def record(
    store: SqlStore,
    article_id: int,
    minutes: float,
    title: str,
    body: str,
    kinds: tuple[str, ...] = (),
    events: tuple[ArticleEvent, ...] = (),
) -> None:
    version = NewVersion(
        captured_at=at(minutes),
        title=title,
        paragraphs=(body,),
        content_hash=f"{title}|{body}",
        extractor="test@1",
        raw_html=b"<html></html>",
        significance=0.5 if kinds else None,
        change_kinds=kinds,
        classification=Classification(True, 0.5, tuple(map(ChangeKind, kinds)), (), False)
        if kinds
        else None,
    )
    check = Check(article_id, at(minutes), CheckOutcome.NEW_VERSION)
    store.record_check(
        CheckResult(check=check, new_version=version, events=events, next_check_at=at(minutes))
    )


def test_previous_versions_in_one_query(store: SqlStore) -> None:
    first, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    second, _ = store.add_article("cnn", "https://cnn.example/1", at(0))
    for n in range(3):
        record(store, first.id, n, f"one v{n + 1}", f"body {n}")
    record(store, second.id, 5, "two v1", "other body")
    one = store.versions(first.id)
    two = store.versions(second.id)
    statements: list[str] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )
    found = store.previous_versions([one[2].id, one[1].id, one[0].id, two[0].id, 999])
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert found == {one[2].id: one[1], one[1].id: one[0]}
    assert store.previous_versions([]) == {}


def test_versions_by_id_in_one_query(store: SqlStore) -> None:
    first, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    second, _ = store.add_article("cnn", "https://cnn.example/1", at(0))
    for n in range(2):
        record(store, first.id, n, f"one v{n + 1}", f"body {n}")
    record(store, second.id, 5, "two v1", "other body")
    one, two = store.versions(first.id), store.versions(second.id)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    found = store.versions_by_id([two[0].id, one[1].id, 999])
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert found == {two[0].id: two[0], one[1].id: one[1]}
    assert store.versions_by_id([]) == {}


def test_latest_changes_by_kind(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    record(store, article.id, 0, "v1", "a")
    record(store, article.id, 1, "v2", "b", kinds=("headline", "appended"))
    record(store, article.id, 2, "v3", "c", kinds=("lede",))
    record(store, article.id, 3, "v4", "d", kinds=("appended",))
    numbers = {
        kind: [v.number for _, v in store.latest_changes(kind=kind)]
        for kind in ("headline", "appended", "lede", "numbers")
    }
    assert numbers == {"headline": [2], "appended": [4, 2], "lede": [3], "numbers": []}
    assert store.latest_changes(kind="%") == []  # not a kind: never a LIKE wildcard


def test_event_counts_per_source_since(store: SqlStore) -> None:
    bbc, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    cnn, _ = store.add_article("cnn", "https://cnn.example/1", at(0))
    for article, minutes in ((bbc, 0), (bbc, 60), (cnn, 120)):
        anomaly = ArticleEvent(
            article.id, at(minutes), EventKind.EXTRACTION_ANOMALY, "body collapsed"
        )
        check = Check(article.id, at(minutes), CheckOutcome.EXTRACTION_ANOMALY)
        store.record_check(CheckResult(check=check, events=(anomaly,)))
    assert store.event_counts(EventKind.EXTRACTION_ANOMALY) == {"bbc": 2, "cnn": 1}
    assert store.event_counts(EventKind.EXTRACTION_ANOMALY, since=at(30)) == {"bbc": 1, "cnn": 1}
    assert store.event_counts(EventKind.GONE) == {}


def _plan(store: SqlStore, call: Any, marker: str) -> str:
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if marker in statement:
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    call()
    event.remove(store.engine, "before_cursor_execute", capture)
    [(statement, parameters)] = captured
    with store.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return " | ".join(str(row[-1]) for row in plan)


def assert_walks_versions(details: str) -> None:
    """Versions are the outer loop; no article scan, no Bloom filter of every article, no
    sort of every version (the page's own rows are sorted, after the LIMIT)."""
    assert "SCAN articles" not in details and "BLOOM FILTER" not in details, details
    assert "autoindex_versions" not in details, details
    assert details.index("MATERIALIZE page") < details.index("CORRELATED SCALAR SUBQUERY")


def test_latest_changes_walks_the_time_index_even_after_analyze(store: SqlStore) -> None:
    for n in range(40):
        article, _ = store.add_article("bbc", f"https://bbc.example/{n}", at(n))
        for v in range(3):
            kinds = (INDEXED_KINDS[(n + v) % len(INDEXED_KINDS)],) if v else ()
            record(store, article.id, n + v * 50, f"a{n} v{v}", f"text {n} {v}", kinds)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    for kwargs in ({}, {"source": "bbc"}, {"since": at(10), "until": at(60)}):
        details = _plan(
            store, lambda kwargs=kwargs: store.latest_changes(limit=5, **kwargs), "ORDER BY"
        )
        assert "USING INDEX ix_versions_captured_at" in details, (kwargs, details)
        assert_walks_versions(details)
    for kind in INDEXED_KINDS:  # each kind walks its own partial index (migration 0003)
        details = _plan(store, lambda kind=kind: store.latest_changes(kind=kind), "ORDER BY")
        assert f"USING INDEX ix_versions_kind_{kind}" in details, details
        assert_walks_versions(details)
    newest = store.latest_changes(limit=3)
    assert [v.captured_at for _, v in newest] == [at(139), at(138), at(137)]


def test_search_pages_across_fts_batches(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many matching versions per article and a source filter: batches must continue."""
    monkeypatch.setattr(fulltext, "FTS_BATCH", 2)
    ids = []
    for n in range(12):  # each article's versions one after the other: ids grouped
        source = "bbc" if n % 3 == 0 else "cnn"
        article, _ = store.add_article(source, f"https://{source}.example/{n}", at(n))
        ids.append(article.id)
        for v in range(4):
            record(store, article.id, 10 * n + v, f"Storm {n}", f"heavy rain edition {v} {n}")
    batches: list[int] = []
    newest = fulltext._newest_matches

    def counting(*args: Any) -> list[tuple[int, int | None]]:
        batches.append(args[3])  # (connection, backend, before, limit, conditions)
        return newest(*args)

    monkeypatch.setattr(fulltext, "_newest_matches", counting)
    newest_first = list(reversed(ids))
    hits = store.search("rain", limit=20)
    assert [hit.article.id for hit in hits] == newest_first
    assert all(hit.version_number == 4 for hit in hits)
    assert all(f"{HIGHLIGHT_START}rain{HIGHLIGHT_END}" in hit.snippet for hit in hits)
    assert len(batches) > 1 and batches[0] == 20  # read on after the first batch
    paged = [hit.article.id for page in range(4) for hit in store.search("rain", None, 3 * page, 3)]
    assert paged == newest_first
    bbc = [hit.article.id for hit in store.search("rain source:bbc", limit=3)]
    assert bbc == [i for n, i in enumerate(ids) if n % 3 == 0][::-1][:3]
    assert [hit.article.id for hit in store.search("rain", source="bbc", offset=3)] == [ids[0]]


def test_search_ignores_control_characters(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    record(store, article.id, 0, "Storm warning", "heavy rain")
    assert [hit.article.id for hit in store.search("rain\x00storm\x1b")] == [article.id]
    assert store.search("\x00\x01") == []


def test_every_kind_of_change_has_its_index() -> None:
    assert set(INDEXED_KINDS) == {kind.value for kind in ChangeKind}


def test_search_follows_re_extracted_text(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    record(store, article.id, 0, "Storm warning", "heavy rain")
    [version] = store.versions(article.id)
    store.update_version_text(version.id, "Flood warning", ("rising rivers",), "new", "gen@2")
    assert store.search("rain") == [] and store.search("storm") == []
    [hit] = store.search("rivers")
    assert hit.title == "Flood warning" and f"{HIGHLIGHT_START}rivers" in hit.snippet
    with store.engine.begin() as connection:  # the index agrees with its content
        connection.exec_driver_sql(
            "INSERT INTO versions_fts(versions_fts) VALUES ('integrity-check')"
        )
