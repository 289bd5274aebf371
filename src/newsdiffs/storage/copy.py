"""Copy a whole archive from one database to another (``newsdiffs db copy``).

Meant for moving an embedded SQLite archive to PostgreSQL, but any backend to any backend
works. What it does, in order:

1. Opens the source (it must already be a newsdiffs archive; it is migrated to the newest
   schema, as every command that opens it does) and the target, which is created if needed
   and migrated with the project's Alembic migrations. The target must hold no row in any
   table (checked before migrating it): ids are kept, so rows could not be merged into an
   existing archive without renumbering them (hence no ``--append``).
2. Copies every table of :data:`schema.metadata`, parents before children (foreign-key
   order), with the columns the databases really have (reflected and checked against the
   schema, so a column added by a later migration is copied without touching this module).
   Rows are streamed from the source (``yield_per``: server-side cursor on PostgreSQL) and
   written with ``executemany`` in batches of :data:`BATCH_ROWS`: memory stays flat however
   big the archive. Raw pages are copied as stored (compressed bytes, each with the link to
   the version it is compressed against: ``storage/rawpages.py``), not re-encoded; a table
   that refers to itself (``versions``) is read in id order, so a base is in before the
   versions compressed against it.
3. Resets the target's id sequences (PostgreSQL) past the copied ids.
4. Builds the target's full-text index: on PostgreSQL in one statement after the versions
   are in (the per-row insert trigger is off meanwhile), with the expressions the search
   itself uses; on SQLite the FTS5 triggers index each copied version. Then checks that
   every version is indexed.
5. Verifies, inside the same target transaction, before committing: row counts per table and
   a digest of every row (all columns, so every version's ``content_hash`` and text), a
   separate digest of every raw page as stored (all of them, streamed, not sampled), and one
   of every raw page as the store serves it (decompressed through its chain of bases, so a
   page that no longer decodes fails the copy), on both sides.
   Any difference rolls the whole copy back: the target is left empty, never half-copied.

Everything is read in one source transaction (one snapshot: a tracker writing to the source
meanwhile does not make the counts disagree) and written in one target transaction.

Digests are order-independent: the sum modulo 2**256 of one SHA-256 per row. Rows need no
ORDER BY (text keys sort differently under SQLite's and PostgreSQL's collations), and a
changed, missing or extra row changes the sum. Large binary columns get their own digest per
row, keyed by the row's primary key, so two swapped pages are caught too.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Column, Engine, Table, func, insert, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import LargeBinary

from newsdiffs.errors import InputError, StorageError
from newsdiffs.storage.engine import create_store_engine, ensure_parent_dir, to_url, writer
from newsdiffs.storage.fulltext import postgres_index_fill
from newsdiffs.storage.migrate import current_revisions, upgrade_to_head
from newsdiffs.storage.rawpages import decoded_pages
from newsdiffs.storage.schema import FTS_PREFIX, metadata
from newsdiffs.storage.sql import describe_error

# Rows per read and per executemany. SQLite -> PostgreSQL, 10,000 versions with real pages
# (about 37 KB compressed each): 200 rows 18.1 s, 1,000 rows 17.1 s, 5,000 rows 19.7 s; peak
# memory 236 MB at 200 or 1,000 (and 232 MB for an archive of 2,000 versions), 464 MB at 5,000.
BATCH_ROWS = 1_000
_DIGEST_MODULUS = 2**256
# The trigger that fills PostgreSQL's full-text index (migration 0001).
_PG_INSERT_TRIGGER = "versions_fts_insert"
# Tables besides the schema's that are not copied: Alembic's and SQLite's (the full-text
# index's all start with FTS_PREFIX and are rebuilt, not copied).
_BOOKKEEPING_TABLES = {"alembic_version", "sqlite_sequence", "sqlite_stat1"}
# The check of the raw pages as served (decoded), besides the stored bytes' digest.
DECODED_PAGES = "versions (pages)"


class CopyProgress(Protocol):
    """Where the copy reports what it is doing (a progress bar, log lines, nothing)."""

    def begin(self, task: str, total: int) -> None:
        """A task of ``total`` rows starts (copying or verifying one table)."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows of the current task are done."""

    def end(self) -> None:
        """The current task is done."""


class _Silent:
    def begin(self, task: str, total: int) -> None:
        pass

    def advance(self, rows: int) -> None:
        pass

    def end(self) -> None:
        pass


@dataclass(frozen=True)
class Digest:
    """Rows and content digest of one table (or one binary column) on one side."""

    rows: int
    sha256: str


@dataclass(frozen=True)
class TableCheck:
    """Source and target agree on one table, or one binary column (``versions.raw_html``)."""

    name: str
    source: Digest
    target: Digest

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    rows_copied: int
    seconds: float
    checks: tuple[TableCheck, ...]
    committed: bool

    @property
    def ok(self) -> bool:
        return self.committed and all(check.ok for check in self.checks)

    def table_lines(self) -> list[str]:
        """The verification as a plain text table."""
        lines = [f"{'table':<20} {'source rows':>11} {'target rows':>11}  digest        ok"]
        for check in self.checks:
            same = "yes" if check.ok else "NO"
            digest = check.source.sha256[:12]
            if not check.ok:
                digest = f"{digest} != {check.target.sha256[:12]}"
            lines.append(
                f"{check.name:<20} {check.source.rows:>11,} {check.target.rows:>11,}  "
                f"{digest}  {same}"
            )
        return lines


def copy_archive(
    source: str,
    target: str,
    progress: CopyProgress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> CopyReport:
    """Copy the archive at ``source`` (path or URL) into the empty database ``target``.

    Raises InputError (missing source, not an archive, non-empty target, same database) or
    StorageError (cannot connect, schemas differ, a write failed), each with a one-line
    message. A verification mismatch is not raised: the report says so, nothing was committed.
    """
    started = time.perf_counter()
    shown_progress = progress or _Silent()
    source_engine = _open_source(source)
    try:
        target_engine = _open_target(target, source_engine)
        try:
            rows, checks, committed = _copy_and_verify(
                source_engine, target_engine, shown_progress, batch_rows
            )
        except SQLAlchemyError as error:
            raise StorageError(f"copy failed, nothing written: {describe_error(error)}") from error
        finally:
            target_engine.dispose()
    finally:
        source_engine.dispose()
    return CopyReport(
        source=_shown(source_engine),
        target=_shown(target_engine),
        rows_copied=rows,
        seconds=time.perf_counter() - started,
        checks=tuple(checks),
        committed=committed,
    )


# --- opening ------------------------------------------------------------------------------


def _engine(url_or_path: str) -> Engine:
    try:
        url = to_url(url_or_path)
        ensure_parent_dir(url)
        return create_store_engine(url)
    except ImportError as error:
        hint = " (pip install 'newsdiffs[postgres]')" if "psycopg" in str(error) else ""
        raise StorageError(f"cannot open database {url_or_path}: {error}{hint}") from error
    except SQLAlchemyError as error:
        raise StorageError(f"bad database URL {url_or_path!r}: {describe_error(error)}") from error


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _open_source(source: str) -> Engine:
    """The source's engine, migrated to head; refuses what is not a newsdiffs archive."""
    if "://" not in source and not Path(source).expanduser().is_file():
        raise InputError(f"no archive at {source}: no such file")
    engine = _engine(source)
    try:
        if not current_revisions(engine):
            raise InputError(f"{_shown(engine)} is not a newsdiffs archive (no alembic_version)")
        upgrade_to_head(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise StorageError(f"cannot open {_shown(engine)}: {describe_error(error)}") from error
    except (InputError, StorageError):
        engine.dispose()
        raise
    return engine


def _open_target(target: str, source_engine: Engine) -> Engine:
    """The target's engine, created and migrated; refuses a non-empty or the same database.

    Emptiness is checked before migrating, so a refused database is left as it was.
    """
    engine = _engine(target)
    try:
        if engine.url == source_engine.url:
            raise InputError(f"source and target are the same database: {_shown(engine)}")
        with engine.connect() as connection:
            existing = set(inspect(connection).get_table_names())
            for table in metadata.sorted_tables:
                rows = _count(connection, table) if table.name in existing else 0
                if rows:
                    raise InputError(
                        f"target {_shown(engine)} is not empty ({table.name}: {rows:,} rows): "
                        "copy into a new, empty database"
                    )
        upgrade_to_head(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise StorageError(f"cannot open {_shown(engine)}: {describe_error(error)}") from error
    except (InputError, StorageError):
        engine.dispose()
        raise
    return engine


# --- copying ------------------------------------------------------------------------------


def _copy_and_verify(
    source_engine: Engine, target_engine: Engine, progress: CopyProgress, batch_rows: int
) -> tuple[int, list[TableCheck], bool]:
    copied = 0
    with (
        source_engine.connect() as source,
        source.begin(),
        writer(target_engine).connect() as target,
    ):
        transaction = target.begin()
        try:
            columns = _copied_columns(source, target)
            with _full_text_index_built_after(target, progress):
                for table in metadata.sorted_tables:
                    copied += _copy_table(
                        source, target, table, columns[table.name], progress, batch_rows
                    )
            _reset_sequences(target)
            _check_full_text_index(target)
            checks = _verify(source, target, columns, progress)
        except BaseException:
            transaction.rollback()
            raise
        committed = all(check.ok for check in checks)
        if committed:
            transaction.commit()
        else:
            transaction.rollback()
    return copied, checks, committed


def _copied_columns(source: Connection, target: Connection) -> dict[str, list[Column[Any]]]:
    """Per table, the schema's columns, once both databases are known to have exactly them."""
    source_tables = _reflected(source)
    target_tables = _reflected(target)
    unknown = set(source_tables) - {table.name for table in metadata.sorted_tables}
    if unknown:
        raise StorageError(
            f"the source has tables this newsdiffs does not know: {', '.join(sorted(unknown))}"
        )
    columns: dict[str, list[Column[Any]]] = {}
    for table in metadata.sorted_tables:
        declared = [column.name for column in table.columns]
        for side, tables in (("source", source_tables), ("target", target_tables)):
            present = tables.get(table.name, set())
            if present != set(declared):
                difference = sorted(present.symmetric_difference(declared))
                raise StorageError(
                    f"{side} table {table.name} does not match this newsdiffs' schema "
                    f"(columns {', '.join(difference)})"
                )
        columns[table.name] = list(table.columns)
    return columns


def _reflected(connection: Connection) -> dict[str, set[str]]:
    """Table name -> column names, without Alembic's, SQLite's and the full-text tables."""
    inspector = inspect(connection)
    return {
        name: {column["name"] for column in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name not in _BOOKKEEPING_TABLES and not name.startswith(FTS_PREFIX)
    }


def _count(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _stream(
    connection: Connection, table: Table, columns: Sequence[Column[Any]], batch_rows: int
) -> Iterator[Sequence[Any]]:
    """Batches of rows (in ``columns`` order), read through a server-side cursor.

    A table whose rows refer to its own rows (``versions.raw_base_version_id``) is read in
    primary-key order, so that a row comes after the row it refers to: a base version is
    always older than the versions compressed against it, but PostgreSQL returns rows in
    heap order, where an updated (re-extracted) base moves behind them.
    """
    statement = select(*columns)
    if any(key.column.table is table for key in table.foreign_keys):
        statement = statement.order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=batch_rows).execute(statement)
    try:
        yield from result.partitions(batch_rows)
    finally:
        result.close()


def _copy_table(
    source: Connection,
    target: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    progress: CopyProgress,
    batch_rows: int,
) -> int:
    names = [column.name for column in columns]
    statement = insert(table)
    copied = 0
    progress.begin(f"copy {table.name}", _count(source, table))
    for batch in _stream(source, table, columns, batch_rows):
        try:
            target.execute(statement, [dict(zip(names, row, strict=True)) for row in batch])
        except SQLAlchemyError as error:  # e.g. a NUL in text, which PostgreSQL cannot store
            reason = describe_error(error)
            raise StorageError(f"cannot copy {table.name}, nothing written: {reason}") from error
        copied += len(batch)
        progress.advance(len(batch))
    progress.end()
    return copied


def _reset_sequences(target: Connection) -> None:
    """PostgreSQL: move each id sequence past the copied ids (explicit ids do not advance it).

    SQLite needs nothing: an INTEGER PRIMARY KEY continues from the largest rowid.
    """
    if target.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = target.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar_one()
        if sequence is None:
            continue
        target.execute(
            text(
                f"SELECT setval(:sequence, coalesce((SELECT max({column.name}) FROM "
                f"{table.name}), 1), (SELECT count(*) FROM {table.name}) > 0)"
            ),
            {"sequence": sequence},
        )


@contextmanager
def _full_text_index_built_after(target: Connection, progress: CopyProgress) -> Iterator[None]:
    """PostgreSQL: index the copied versions in one statement once they are all in.

    The insert trigger of migration 0001 indexes one version per row; it is disabled for the
    copy (inside the transaction: a rollback turns it back on) and the index is then filled
    with one INSERT ... SELECT computing the same tsvectors, from the same expressions the
    search uses (storage/fulltext.py). Measured on 10,000 versions with real pages (370 MB
    SQLite archive), two runs each: PostgreSQL CPU 12.5-14.6 s through the trigger, 11.2-11.5 s
    with this (the tsvectors themselves take 7 s).
    SQLite keeps its FTS5 triggers (they cannot be switched off).
    """
    if target.dialect.name != "postgresql":
        yield
        return
    target.execute(text(f"ALTER TABLE versions DISABLE TRIGGER {_PG_INSERT_TRIGGER}"))
    yield
    total = _count(target, metadata.tables["versions"])
    progress.begin("index versions", total)
    target.execute(postgres_index_fill())
    target.execute(text(f"ALTER TABLE versions ENABLE TRIGGER {_PG_INSERT_TRIGGER}"))
    progress.advance(total)
    progress.end()


def _check_full_text_index(target: Connection) -> None:
    """The copied versions are all in the target's full-text index (filled by its triggers)."""
    versions = metadata.tables["versions"]
    expected = _count(target, versions)
    if target.dialect.name == "postgresql":
        indexed = int(target.execute(text("SELECT count(*) FROM versions_fts")).scalar_one())
    elif target.dialect.name == "sqlite":
        # FTS5's own consistency check of the index against its content (raises if wrong).
        target.execute(text("INSERT INTO versions_fts(versions_fts) VALUES ('integrity-check')"))
        indexed = expected
    else:
        return
    if indexed != expected:
        raise StorageError(f"the target's full-text index has {indexed:,} versions of {expected:,}")


# --- verifying ----------------------------------------------------------------------------


def _verify(
    source: Connection,
    target: Connection,
    columns: dict[str, list[Column[Any]]],
    progress: CopyProgress,
) -> list[TableCheck]:
    checks: list[TableCheck] = []
    for table in metadata.sorted_tables:
        table_columns = columns[table.name]
        progress.begin(f"verify {table.name}", 2 * _count(source, table))
        source_digests = table_digests(source, table, table_columns, progress)
        target_digests = table_digests(target, table, table_columns, progress)
        progress.end()
        for name, digest in source_digests.items():
            checks.append(TableCheck(name, digest, target_digests[name]))
        if table.name == "versions":
            progress.begin("verify raw pages", 2 * _count(source, table))
            source_pages = page_digest(source, progress)
            target_pages = page_digest(target, progress)
            progress.end()
            checks.append(TableCheck(DECODED_PAGES, source_pages, target_pages))
    return checks


def page_digest(
    connection: Connection, progress: CopyProgress | None = None, batch_rows: int = BATCH_ROWS
) -> Digest:
    """Order-independent digest of every version's raw page as the store serves it
    (decompressed, through its chain of bases), keyed by version id. A chain that does not
    decode raises StorageError."""
    total = rows = 0
    for version_id, page in decoded_pages(connection, batch_rows):
        total += int.from_bytes(hashlib.sha256(b"%d:" % version_id + page).digest(), "big")
        rows += 1
        if progress is not None and rows % batch_rows == 0:
            progress.advance(batch_rows)
    if progress is not None:
        progress.advance(rows % batch_rows)
    return Digest(rows, f"{total % _DIGEST_MODULUS:064x}")


def table_digests(
    connection: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    progress: CopyProgress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> dict[str, Digest]:
    """Rows and order-independent digest of ``table``; one more per large binary column.

    The table's digest covers every other column; each binary column's digest covers its
    values keyed by the row's primary key (``versions.raw_html``: every raw page, as stored).
    """
    binary = [i for i, column in enumerate(columns) if isinstance(column.type, LargeBinary)]
    plain = [i for i in range(len(columns)) if i not in binary]
    key = [i for i, column in enumerate(columns) if column.primary_key]
    sums = [0] * (1 + len(binary))
    rows = 0
    for batch in _stream(connection, table, columns, batch_rows):
        for row in batch:
            sums[0] += _row_hash([row[i] for i in plain])
            row_key = _canonical([row[i] for i in key]).encode()
            for slot, i in enumerate(binary, start=1):
                value = row[i]
                page = b"\x00" if value is None else b"\x01" + bytes(value)
                sums[slot] += int.from_bytes(hashlib.sha256(row_key + page).digest(), "big")
        rows += len(batch)
        if progress is not None:
            progress.advance(len(batch))
    names = [table.name] + [f"{table.name}.{columns[i].name}" for i in binary]
    return {
        name: Digest(rows, f"{total % _DIGEST_MODULUS:064x}")
        for name, total in zip(names, sums, strict=True)
    }


def _row_hash(values: Sequence[Any]) -> int:
    return int.from_bytes(hashlib.sha256(_canonical(values).encode()).digest(), "big")


def _canonical(values: Sequence[Any]) -> str:
    """The same text for the same values read from any backend (times as aware UTC ISO,
    JSON with sorted keys, floats by repr)."""
    return json.dumps(
        list(values), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return hashlib.sha256(bytes(value)).hexdigest()
    raise TypeError(f"cannot digest a {type(value).__name__}")
