"""`newsdiffs db copy`: a whole archive into an empty database, verified.

The target is a SQLite file always, and PostgreSQL when NEWSDIFFS_TEST_PG_URL is set (its
public schema is dropped first, as in the store contract suite).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS, PG_URL
from sqlalchemy import create_engine, func, select, text, update
from web_seed import START, Seeded, record, seed

from newsdiffs.cli import main
from newsdiffs.errors import InputError, StorageError
from newsdiffs.models import (
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
)
from newsdiffs.storage import EndpointState, SqlStore, open_store
from newsdiffs.storage import copy as db_copy
from newsdiffs.storage.convert import compress
from newsdiffs.storage.schema import checks, metadata, versions

# Not valid UTF-8, with NUL bytes: raw pages are bytes and must come back as the same bytes.
ODD_PAGE = b"<html>\x00\xff\xfe caf\xe9 \x00</html>"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Seeded]:
    """The web seed (sources, versions, checks, a retired article) plus what it lacks: a
    hidden article, aliases, events, endpoint state and a raw page that is not text."""
    seeded = seed(tmp_path / "source")
    store = seeded.store
    store.add_alias(seeded.kerry_id, "https://nyti.ms/kerry")
    store.add_alias(seeded.three_id, "https://www.nytimes.com/three-amp.html")
    hidden, _ = store.add_article("nytimes", "https://www.nytimes.com/hidden.html", START)
    record(store, hidden.id, START + timedelta(hours=1), "Kerry secret", ("Kerry hidden.",))
    record(store, hidden.id, START + timedelta(hours=2), "Kerry secret 2", ("Kerry gone.",))
    store.set_status(hidden.id, ArticleStatus.HIDDEN.value)
    store.record_check(
        CheckResult(
            check=Check(
                article_id=seeded.kerry_id,
                checked_at=START + timedelta(hours=9),
                outcome=CheckOutcome.UNCHANGED,
                http_status=200,
                bytes_received=1234,
            ),
            events=(
                ArticleEvent(
                    article_id=seeded.kerry_id,
                    at=START + timedelta(hours=9),
                    kind=EventKind.EXTRACTION_ANOMALY,
                    detail="body collapsed",
                ),
            ),
            next_check_at=START + timedelta(hours=10),
            check_interval=timedelta(hours=1),
        )
    )
    store.save_endpoint_state(
        EndpointState(
            url="https://rss.nytimes.com/world.xml",
            last_polled_at=START,
            etag='"abc"',
            last_modified=None,
        )
    )
    with store.engine.begin() as connection:  # one page that is not text at all
        connection.execute(
            update(versions)
            .where(versions.c.article_id == seeded.gone_id)
            .values(raw_html=compress(ODD_PAGE), raw_base_version_id=None)
        )
    yield seeded
    store.close()


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "target" / "copy.db")
    assert PG_URL is not None
    _reset_postgres(PG_URL)
    return PG_URL


def _source_path(seeded: Seeded) -> str:
    return seeded.settings.db


def _counts(store: SqlStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


def _raw_pages(store: SqlStore) -> dict[int, bytes]:
    with store.engine.connect() as connection:
        ids = [row.id for row in connection.execute(select(versions.c.id))]
    return {version_id: store.raw_html(version_id) for version_id in ids}


class Recorder:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int, int]] = []

    def begin(self, task: str, total: int) -> None:
        self.tasks.append((task, total, 0))

    def advance(self, rows: int) -> None:
        task, total, done = self.tasks[-1]
        self.tasks[-1] = (task, total, done + rows)

    def end(self) -> None:
        pass


def test_copy_moves_everything_and_verifies_it(archive: Seeded, target: str) -> None:
    source = archive.store
    progress = Recorder()
    # Batches of 2 rows: every table spans several batches.
    report = db_copy.copy_archive(_source_path(archive), target, progress, batch_rows=2)

    assert report.ok and report.committed
    names = {check.name for check in report.checks}
    assert names == {table.name for table in metadata.sorted_tables} | {
        "versions.raw_html",
        db_copy.DECODED_PAGES,
    }
    assert all(check.source == check.target for check in report.checks)
    assert report.rows_copied == sum(_counts(source).values())
    copied_tasks = {task: (total, done) for task, total, done in progress.tasks}
    assert copied_tasks["copy versions"] == (_counts(source)["versions"],) * 2
    if target.startswith("postgresql"):  # indexed in one statement after the copy
        assert copied_tasks["index versions"] == (_counts(source)["versions"],) * 2

    copied = open_store(target)
    try:
        assert _counts(copied) == _counts(source)
        assert _raw_pages(copied) == _raw_pages(source)
        assert ODD_PAGE in _raw_pages(copied).values()
        for article in source.list_articles(limit=100):
            assert copied.get_article(article.id) == article
            assert copied.versions(article.id) == source.versions(article.id)
            assert copied.checks(article.id) == source.checks(article.id)
            assert copied.events(article.id) == source.events(article.id)
        assert copied.find_article("https://nyti.ms/kerry") == source.get_article(archive.kerry_id)
        assert copied.list_sources() == source.list_sources()
        assert copied.endpoint_state("https://rss.nytimes.com/world.xml") == source.endpoint_state(
            "https://rss.nytimes.com/world.xml"
        )
        assert copied.latest_changes(limit=50) == source.latest_changes(limit=50)
        # The full-text index was built: the same hits, and the hidden article stays hidden.
        for query in (
            "Kerry",
            "budget",
            "title:Syria",
            '"foreign minister"',
            "Kerry source:nytimes",
        ):
            found = [(hit.article.id, hit.version_id) for hit in copied.search(query)]
            assert found == [(hit.article.id, hit.version_id) for hit in source.search(query)]
            assert found, query
        assert all(hit.title != "Kerry secret 2" for hit in copied.search("Kerry"))
        # New rows get new ids (PostgreSQL's sequences were moved past the copied ids).
        article, created = copied.add_article("nytimes", "https://www.nytimes.com/new.html", START)
        assert created and article.id > max(a.id for a in source.list_articles(limit=100))
    finally:
        copied.close()


@pytest.mark.postgres
@pytest.mark.skipif(PG_URL is None, reason="NEWSDIFFS_TEST_PG_URL not set")
def test_postgres_index_built_after_the_copy_is_what_the_trigger_builds(archive: Seeded) -> None:
    assert PG_URL is not None
    _reset_postgres(PG_URL)
    assert db_copy.copy_archive(_source_path(archive), PG_URL).ok
    engine = create_engine(PG_URL)
    snapshot = text(
        "SELECT version_id, title_tsv::text, all_tsv::text FROM versions_fts ORDER BY 1"
    )
    try:
        with engine.begin() as connection:
            built = connection.execute(snapshot).all()
            # Migration 0003's update trigger re-indexes each version the store's own way.
            connection.execute(text("UPDATE versions SET title = title"))
            assert connection.execute(snapshot).all() == built
            trigger_state = connection.execute(
                text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'versions_fts_insert'")
            ).scalar_one()
            assert trigger_state == "O"  # switched back on
    finally:
        engine.dispose()
    assert len(built) == _counts(archive.store)["versions"]


def test_a_copy_that_does_not_match_is_rolled_back(
    archive: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_copy_table = db_copy._copy_table

    def lose_a_check(source: Any, target: Any, table: Any, *args: Any) -> int:
        copied = real_copy_table(source, target, table, *args)
        if table.name == "checks":
            target.execute(text("DELETE FROM checks WHERE id = (SELECT max(id) FROM checks)"))
        return copied

    monkeypatch.setattr(db_copy, "_copy_table", lose_a_check)
    target = str(tmp_path / "copy.db")
    report = db_copy.copy_archive(_source_path(archive), target)

    assert not report.ok and not report.committed
    bad = [check for check in report.checks if not check.ok]
    assert [check.name for check in bad] == ["checks"]
    assert bad[0].target.rows == bad[0].source.rows - 1
    assert any("NO" in line for line in report.table_lines())
    with sqlite3.connect(target) as connection:  # nothing was written
        assert connection.execute("SELECT count(*) FROM versions").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def _compressed_against_the_previous(store: SqlStore) -> list[tuple[int, int]]:
    """(version id, base id) of every version stored against another one."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(versions.c.id, versions.c.raw_base_version_id).where(
                versions.c.raw_base_version_id.is_not(None)
            )
        ).all()
    return [(row[0], row[1]) for row in rows]


@pytest.mark.postgres
@pytest.mark.skipif(PG_URL is None, reason="NEWSDIFFS_TEST_PG_URL not set")
def test_pages_stored_against_a_base_copy_after_their_base(archive: Seeded, tmp_path: Path) -> None:
    """Re-extracted bases move behind their versions in PostgreSQL's heap: a copy from
    PostgreSQL still inserts every base before the versions compressed against it."""
    assert PG_URL is not None
    linked = _compressed_against_the_previous(archive.store)
    assert linked  # the seed has articles with several versions
    _reset_postgres(PG_URL)
    assert db_copy.copy_archive(_source_path(archive), PG_URL).ok
    source = open_store(PG_URL)
    try:
        for _version_id, base_id in linked:
            base = source.get_version(base_id)
            paragraphs = (*base.paragraphs, "Re-extracted.")
            source.update_version_text(base_id, base.title, paragraphs, "rehashed", "x@2")
        target = str(tmp_path / "from-postgres.db")
        assert db_copy.copy_archive(PG_URL, target, batch_rows=2).ok
        copied = open_store(target)
        try:
            for version_id, _base_id in linked:
                assert copied.raw_html(version_id) == source.raw_html(version_id)
        finally:
            copied.close()
    finally:
        source.close()


def test_a_page_that_no_longer_decodes_fails_the_copy(archive: Seeded, tmp_path: Path) -> None:
    version_id, base_id = max(_compressed_against_the_previous(archive.store))
    with archive.store.engine.begin() as connection:  # the wrong base: still a valid link
        other = connection.execute(
            select(versions.c.id).where(
                versions.c.id < version_id,
                versions.c.id != base_id,
                versions.c.raw_base_version_id.is_(None),
            )
        ).first()
        assert other is not None
        connection.execute(
            update(versions).where(versions.c.id == version_id).values(raw_base_version_id=other[0])
        )
    target = tmp_path / "copy.db"
    with pytest.raises(StorageError, match="cannot be decompressed"):
        db_copy.copy_archive(_source_path(archive), str(target))
    with sqlite3.connect(target) as connection:  # nothing was written
        assert connection.execute("SELECT count(*) FROM versions").fetchone() == (0,)


def test_digests_see_swapped_raw_pages(archive: Seeded) -> None:
    engine = archive.store.engine
    columns = list(versions.columns)
    with engine.connect() as connection:
        before = db_copy.table_digests(connection, versions, columns)
    with engine.begin() as connection:
        pages = connection.execute(select(versions.c.id, versions.c.raw_html)).all()
        (first_id, first_page), (second_id, second_page) = pages[0], pages[-1]
        assert first_page != second_page
        connection.execute(
            update(versions).where(versions.c.id == first_id), {"raw_html": second_page}
        )
        connection.execute(
            update(versions).where(versions.c.id == second_id), {"raw_html": first_page}
        )
    with engine.connect() as connection:
        after = db_copy.table_digests(connection, versions, columns)
    assert after["versions"] == before["versions"]  # every other column is unchanged
    assert after["versions.raw_html"] != before["versions.raw_html"]
    assert after["versions.raw_html"].rows == before["versions.raw_html"].rows


def test_a_non_empty_target_is_refused_and_left_alone(archive: Seeded, tmp_path: Path) -> None:
    target = str(tmp_path / "copy.db")
    assert db_copy.copy_archive(_source_path(archive), target).ok
    with pytest.raises(InputError, match=r"is not empty \(articles: 5 rows\)"):
        db_copy.copy_archive(_source_path(archive), target)
    with pytest.raises(InputError, match="same database"):
        db_copy.copy_archive(_source_path(archive), _source_path(archive))


def test_a_source_whose_schema_differs_is_refused(archive: Seeded, tmp_path: Path) -> None:
    with archive.store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE versions ADD COLUMN mystery TEXT"))
    with pytest.raises(StorageError, match=r"source table versions .* mystery"):
        db_copy.copy_archive(_source_path(archive), str(tmp_path / "copy.db"))
    with archive.store.engine.begin() as connection:
        connection.execute(text("ALTER TABLE versions DROP COLUMN mystery"))
        connection.execute(text("CREATE TABLE extra_things (id INTEGER PRIMARY KEY)"))
    with pytest.raises(StorageError, match="does not know: extra_things"):
        db_copy.copy_archive(_source_path(archive), str(tmp_path / "copy2.db"))


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    captured = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def test_cli_copies_with_progress_lines_and_a_table(
    archive: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "copy.db")
    code, out, err = _run_cli(["db", "copy", _source_path(archive), target], capsys)
    assert code == 0, err
    assert "copy versions: 10 rows in" in err  # plain lines: stderr is not a terminal
    assert "verify versions: 20 rows in" in err
    lines = out.splitlines()
    assert lines[0].startswith("copied ") and str(Path(target).absolute()) in lines[0]
    assert any(line.split()[:3] == ["versions.raw_html", "10", "10"] for line in lines)
    assert lines[-1].startswith("verified:")


def test_cli_errors_are_one_line(
    archive: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_an_archive = tmp_path / "notes.db"
    sqlite3.connect(not_an_archive).close()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 100)
    full = str(tmp_path / "full.db")
    assert db_copy.copy_archive(_source_path(archive), full).ok
    source = _source_path(archive)
    cases = {
        "no archive at": [str(tmp_path / "missing.db"), str(tmp_path / "t1.db")],
        "is not a newsdiffs archive": [str(not_an_archive), str(tmp_path / "t2.db")],
        "cannot open": [str(garbage), str(tmp_path / "t3.db")],
        "bad database URL": [source, "nosuchdb+driver://x/y"],
        "connect": [
            source,
            "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none?connect_timeout=2",
        ],
        "is not empty": [source, full],
    }
    for expected, args in cases.items():
        code, out, err = _run_cli(["db", "copy", *args], capsys)
        assert code == 1, (expected, out, err)
        assert err.startswith("newsdiffs: error: "), err
        assert len(err.strip().splitlines()) == 1, err
        assert expected in err, err
        assert "Traceback" not in err and "hunter2" not in err
    assert not (tmp_path / "t2.db").exists() or _table_count(tmp_path / "t2.db") == 0


def _table_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])


def test_a_source_on_an_older_schema_is_migrated_first(archive: Seeded, tmp_path: Path) -> None:
    from newsdiffs.storage.migrate import HEAD_REVISION, current_revisions, downgrade_to

    previous = f"{int(HEAD_REVISION) - 1:04d}"
    downgrade_to(archive.store.engine, previous)
    assert current_revisions(archive.store.engine) == {previous}
    assert db_copy.copy_archive(_source_path(archive), str(tmp_path / "copy.db")).ok
    assert current_revisions(archive.store.engine) == {HEAD_REVISION}


@pytest.mark.postgres
@pytest.mark.skipif(PG_URL is None, reason="NEWSDIFFS_TEST_PG_URL not set")
def test_a_row_postgresql_cannot_store_is_named_and_nothing_is_written(archive: Seeded) -> None:
    assert PG_URL is not None
    _reset_postgres(PG_URL)
    with archive.store.engine.begin() as connection:  # SQLite takes a NUL in text, PostgreSQL not
        connection.execute(update(checks).where(checks.c.id == 1).values(detail="a\x00b"))
    with pytest.raises(StorageError, match=r"^cannot copy checks, nothing written: .*NUL"):
        db_copy.copy_archive(_source_path(archive), PG_URL)
    engine = create_engine(PG_URL)
    try:
        with engine.connect() as connection:
            for name in ("articles", "checks", "versions", "versions_fts"):
                count = connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                assert count == 0, name
    finally:
        engine.dispose()
