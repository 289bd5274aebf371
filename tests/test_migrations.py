"""Alembic migrations: up from empty, down to nothing, up again; schema.py matches them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from backends import BACKENDS, PG_URL
from sqlalchemy import Engine, inspect, text

from newsdiffs.core.classify import classify_versions
from newsdiffs.errors import StorageError
from newsdiffs.models import Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.storage import SqlStore, open_store
from newsdiffs.storage.engine import create_store_engine, to_url
from newsdiffs.storage.migrate import (
    HEAD_REVISION,
    current_revisions,
    downgrade_to,
    head_revisions,
    upgrade_to_head,
)
from newsdiffs.storage.schema import FTS_PREFIX, metadata

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LEASE = timedelta(minutes=10)
TABLES = {
    "sources",
    "endpoint_state",
    "articles",
    "article_aliases",
    "versions",
    "checks",
    "events",
}


def engine_at(tmp_path: Path) -> Engine:
    return create_store_engine(to_url(str(tmp_path / "migrate.db")))


@pytest.fixture(params=BACKENDS)
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (PostgreSQL: every table dropped first)."""
    if request.param == "sqlite":
        engine = engine_at(tmp_path)
    else:
        assert PG_URL is not None
        engine = create_store_engine(to_url(PG_URL))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def sqlite_objects(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
    return {str(name) for name in rows}


def store_one_version(store: SqlStore, url: str, body: str) -> None:
    article, _ = store.add_article("bbc", url, NOW)
    version = NewVersion(NOW, "Title", (body,), f"hash-{url}", "generic@1", b"<p>x</p>")
    check = Check(article.id, NOW, CheckOutcome.FIRST_VERSION)
    store.record_check(CheckResult(check=check, new_version=version, next_check_at=NOW))


def test_there_is_one_head_and_the_code_knows_it() -> None:
    assert head_revisions() == {HEAD_REVISION}


def test_upgrade_downgrade_upgrade(empty_engine: Engine) -> None:
    engine = empty_engine
    sqlite = engine.dialect.name == "sqlite"
    assert current_revisions(engine) == set()
    upgrade_to_head(engine)
    assert current_revisions(engine) == head_revisions()
    assert table_names(engine) >= TABLES
    if sqlite:
        fts = {"versions_fts", "versions_fts_insert", "versions_fts_source"}
        assert fts <= sqlite_objects(engine)

    downgrade_to(engine, "base")
    assert current_revisions(engine) == set()
    assert table_names(engine) <= {"alembic_version"}
    if sqlite:
        assert not any(name.startswith(FTS_PREFIX) for name in sqlite_objects(engine))

    upgrade_to_head(engine)
    assert current_revisions(engine) == head_revisions()
    store = SqlStore(engine)
    store_one_version(store, "https://bbc.example/1", "Searchable words after a re-upgrade")
    assert [hit.article.url for hit in store.search("searchable")] == ["https://bbc.example/1"]


def test_schema_module_matches_the_migrations(empty_engine: Engine) -> None:
    engine = empty_engine
    upgrade_to_head(engine)

    def include(obj: object, name: str | None, type_: str, *args: object) -> bool:
        return not (name is not None and name.startswith(FTS_PREFIX))

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include, "compare_type": True}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_word_counts_migration_keeps_rows_and_leaves_old_ones_uncounted(
    empty_engine: Engine,
) -> None:
    """0004 down and up again: the versions and classifications stay, counts read None."""
    upgrade_to_head(empty_engine)
    store = SqlStore(empty_engine)
    article, _ = store.add_article("bbc", "https://bbc.example/1", NOW)
    change = classify_versions("Title", ("Old words.",), "Title", ("New words here.",))
    version = NewVersion(
        NOW,
        "Title",
        ("New words here.",),
        "h",
        "generic@1",
        b"<p>x</p>",
        classification=change,
        words_added=2,
        words_removed=1,
    )
    check = Check(article.id, NOW, CheckOutcome.NEW_VERSION)
    store.record_check(CheckResult(check=check, new_version=version, next_check_at=NOW))
    downgrade_to(empty_engine, "0003")
    assert "words_added" not in {c["name"] for c in inspect(empty_engine).get_columns("versions")}
    upgrade_to_head(empty_engine)
    [stored] = store.versions(article.id)
    assert stored.classification == change
    assert (stored.words_added, stored.words_removed) == (None, None)


def test_open_store_twice_keeps_data(tmp_path: Path) -> None:
    path = str(tmp_path / "twice.db")
    with open_store(path) as first:
        store_one_version(first, "https://bbc.example/1", "Kept")
        with open_store(path) as second:  # both open at once is fine too
            assert second.totals().versions == 1
            store_one_version(second, "https://bbc.example/2", "Also kept")
        assert first.totals().articles == 2
    with open_store(path) as third:
        assert third.totals().versions == 2
        assert current_revisions(third.engine) == head_revisions()


def test_a_database_from_a_newer_version_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    open_store(str(path)).close()
    engine = create_store_engine(to_url(str(path)))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match="cannot migrate the database"):
        open_store(str(path))


def test_claims_migration_down_and_up_keeps_articles_unclaimed(empty_engine: Engine) -> None:
    """0005 down and up again: articles stay, and a claim made before is gone after."""
    upgrade_to_head(empty_engine)
    store = SqlStore(empty_engine)
    article, _ = store.add_article("bbc", "https://bbc.example/1", NOW)
    assert [claim.article.id for claim in store.claim_due(NOW, 10, LEASE)] == [article.id]
    downgrade_to(empty_engine, "0004")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("articles")}
    assert not columns & {"claim_token", "claimed_until"}
    upgrade_to_head(empty_engine)
    assert [claim.article.id for claim in store.claim_due(NOW, 10, LEASE)] == [article.id]


def test_source_lexeme_migration_fills_and_empties_the_index(empty_engine: Engine) -> None:
    """0008 on PostgreSQL: versions stored before it get their source in the full-text
    index on the way up, lose it on the way down, and `source:` search finds the same
    articles at either revision (below 0008 through the article join alone)."""
    upgrade_to_head(empty_engine)
    store = SqlStore(empty_engine)
    store_one_version(store, "https://bbc.example/1", "Floods in the north.")
    cnn, _ = store.add_article("cnn", "https://cnn.example/1", NOW)
    version = NewVersion(NOW, "Title", ("Floods in the south.",), "hash-cnn", "generic@1", b"")
    store.record_check(
        CheckResult(Check(cnn.id, NOW, CheckOutcome.FIRST_VERSION), version, next_check_at=NOW)
    )

    def sources_indexed() -> list[str]:
        if empty_engine.dialect.name != "postgresql":
            return []
        with empty_engine.connect() as connection:
            lexemes = connection.execute(
                text(
                    "SELECT lexeme FROM versions_fts, unnest(all_tsv)"
                    " WHERE lexeme LIKE 'source:%' ORDER BY lexeme"
                )
            )
            return list(lexemes.scalars())

    def found(query: str) -> list[str]:
        return [hit.article.source for hit in store.search(query)]

    postgres = empty_engine.dialect.name == "postgresql"
    assert sources_indexed() == (["source:bbc", "source:cnn"] if postgres else [])
    assert found("floods source:cnn") == ["cnn"]
    downgrade_to(empty_engine, "0007")
    assert sources_indexed() == []
    assert found("floods -source:cnn") == ["bbc"]
    upgrade_to_head(empty_engine)
    assert sources_indexed() == (["source:bbc", "source:cnn"] if postgres else [])
    assert found("floods source:bbc") == ["bbc"]
    assert found("floods") == ["cnn", "bbc"]
