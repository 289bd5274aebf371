"""PostgreSQL databases for ``bench_scale.py``: create, clone, drop, and fill them by COPY.

Every database this module creates is named with ``PREFIX``, and only those are dropped.
The schema always comes from the real migrations (``open_store(url)``); rows are then
written with psycopg's COPY, which takes 1,000,000 article rows in well under a minute where
the store's one-by-one inserts would take hours.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import make_url
from sqlalchemy.dialects import postgresql

from newsdiffs.storage import open_store
from newsdiffs.storage.fulltext import postgres_index_fill

PREFIX = "bench_scale_"
_COPY_BATCH = 10_000


def _fts_fill_sql() -> str:
    """The full-text index as the triggers fill it, for every version in one statement."""
    return str(postgres_index_fill().compile(dialect=postgresql.dialect()))


def dsn(url: str) -> str:
    """A libpq connection string from a SQLAlchemy URL (``postgresql+psycopg://...``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _admin(admin_url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn(admin_url), autocommit=True)


def exists(admin_url: str, name: str) -> bool:
    with _admin(admin_url) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        return found.fetchone() is not None


def create(admin_url: str, name: str, template: str | None = None) -> str:
    """Create database ``name`` (from ``template``, a file copy: seconds for 1M rows)."""
    _own(name)
    with _admin(admin_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        clause = f' TEMPLATE "{_own(template)}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{clause}')
    return database_url(admin_url, name)


def drop(admin_url: str, name: str) -> None:
    with _admin(admin_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_own(name)}" WITH (FORCE)')


@contextmanager
def scratch(admin_url: str, name: str, template: str | None = None) -> Iterator[str]:
    """A database for one measurement, dropped afterwards."""
    url = create(admin_url, name, template)
    try:
        yield url
    finally:
        drop(admin_url, name)


def _own(name: str) -> str:
    if not name.startswith(PREFIX):
        raise ValueError(f"{name!r}: bench_scale only touches databases named {PREFIX}*")
    return name


def migrate(url: str) -> None:
    open_store(url).close()


# --- tracked articles on many hosts ----------------------------------------------------------

ARTICLE_COLUMNS = (
    "id",
    "source",
    "url",
    "first_seen",
    "status",
    "next_check_at",
    "check_interval_s",
    "version_count",
    "title",
    "schedule_policy",
)


def host_source(index: int) -> str:
    return f"host-{index:03d}"


def seed_articles(
    url: str,
    count: int,
    base_urls: list[str],
    due_at: Callable[[random.Random], datetime],
    seed: int = 5,
) -> float:
    """Migrate ``url`` and add one source per base URL (no endpoints: nothing to poll) and
    ``count`` active articles, article ``n`` at ``base_urls[n % hosts]/news/story-<n>``,
    due at ``due_at(rng)`` (aware UTC). Seconds taken."""
    started = time.perf_counter()
    migrate(url)
    rng = random.Random(seed)
    hosts = len(base_urls)
    with psycopg.connect(dsn(url)) as connection, connection.cursor() as cursor:
        with cursor.copy(
            "COPY sources (name, title, home_url, endpoints, include_patterns, "
            "exclude_patterns) FROM STDIN"
        ) as copy:
            for index, base in enumerate(base_urls):
                copy.write_row((host_source(index), f"Host {index}", f"{base}/", "[]", "[]", "[]"))
        with cursor.copy(f"COPY articles ({', '.join(ARTICLE_COLUMNS)}) FROM STDIN") as copy:
            for number in range(1, count + 1):
                due = _naive(due_at(rng))
                host = number % hosts
                copy.write_row(
                    (
                        number,
                        host_source(host),
                        f"{base_urls[host]}/news/story-{number}",
                        due - timedelta(days=1),
                        "active",
                        due,
                        1800.0,
                        0,
                        "",
                        "newssniffer",
                    )
                )
        cursor.execute("SELECT setval(pg_get_serial_sequence('articles', 'id'), %s)", (count,))
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE articles")
    return time.perf_counter() - started


def _naive(moment: datetime) -> datetime:
    """How the store keeps times: naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None)


# --- the web benchmark's archive, mirrored from its SQLite file ----------------------------------

MIRRORED_TABLES = ("sources", "articles", "versions")


def mirror_sqlite(sqlite_path: Path, url: str) -> float:
    """Migrate ``url`` and copy ``bench_web.py``'s SQLite archive into it, row for row (ids
    kept), then fill the full-text index in one statement and ANALYZE: the same data on
    both databases. Seconds taken."""
    started = time.perf_counter()
    migrate(url)
    source = sqlite3.connect(sqlite_path)
    try:
        with psycopg.connect(dsn(url)) as connection, connection.cursor() as cursor:
            cursor.execute("ALTER TABLE versions DISABLE TRIGGER versions_fts_insert")
            for table in MIRRORED_TABLES:
                _copy_table(source, cursor, table)
            for table in ("articles", "versions"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            cursor.execute(_fts_fill_sql())
            cursor.execute("ALTER TABLE versions ENABLE TRIGGER versions_fts_insert")
            connection.commit()
            connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
    finally:
        source.close()
    return time.perf_counter() - started


def _copy_table(source: sqlite3.Connection, cursor: psycopg.Cursor[Any], table: str) -> None:
    """Every row of ``table``, the columns both sides have, by COPY."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,)
    )
    target_columns = {row[0] for row in cursor.fetchall()}
    columns = [
        row[1] for row in source.execute(f"PRAGMA table_info({table})") if row[1] in target_columns
    ]
    names = ", ".join(columns)
    rows = source.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        while batch := rows.fetchmany(_COPY_BATCH):
            for row in batch:
                copy.write_row(row)
