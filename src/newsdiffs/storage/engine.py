"""Engines for the store: URL or path in, a configured SQLAlchemy engine out.

SQLite gets WAL journaling, foreign keys, ``synchronous=NORMAL`` and a busy timeout on every
connection. pysqlite's own transaction handling is switched off so that we emit BEGIN
ourselves: writes use ``BEGIN IMMEDIATE`` (take the write lock up front, so two writers
queue on the busy timeout instead of failing with "database is locked" half-way through).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

from newsdiffs.errors import StorageError

BUSY_TIMEOUT_MS = 10_000
# Execution option read by the "begin" listener: the BEGIN variant SQLite should use.
SQLITE_BEGIN_OPTION = "newsdiffs_sqlite_begin"


def to_url(url_or_path: str) -> URL:
    """An SQLAlchemy URL from either a URL (``scheme://...``) or a filesystem path."""
    if "://" in url_or_path:
        return make_url(url_or_path)
    path = Path(url_or_path).expanduser().absolute()
    return URL.create("sqlite", database=str(path))


def is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def ensure_parent_dir(url: URL) -> None:
    """Create the directory of an SQLite database file. Raises StorageError."""
    if url.get_backend_name() != "sqlite" or is_memory_sqlite(url) or url.database is None:
        return
    if url.database.startswith("file:"):
        return
    parent = Path(url.database).expanduser().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StorageError(f"cannot create database directory {parent}: {error}") from error


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def create_store_engine(url: URL) -> Engine:
    """One engine per store, reused for every call."""
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, json_serializer=_dumps)
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if is_memory_sqlite(url):
        options["poolclass"] = StaticPool  # one shared connection, or every one is empty
    engine = create_engine(url, json_serializer=_dumps, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take SQLite's write lock at BEGIN."""
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})


def _configure_sqlite_connection(dbapi_connection: Any, connection_record: Any) -> None:
    dbapi_connection.isolation_level = None  # autocommit at the driver: we emit BEGIN
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    begin = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "BEGIN")
    # Straight to the driver: this runs for every transaction, the full execute path is slow.
    connection.connection.driver_connection.execute(begin)  # type: ignore[union-attr]
