"""Exporting the archive: one use case for every format (``newsdiffs export``)."""

from __future__ import annotations

import enum
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from newsdiffs.errors import ConfigError, InputError
from newsdiffs.export.gitrepo import write_git
from newsdiffs.export.jsonl import write_jsonl
from newsdiffs.export.newsedits import write_newsedits
from newsdiffs.export.parquet import write_parquet
from newsdiffs.export.selection import Selection
from newsdiffs.export.warc import write_warc
from newsdiffs.storage.base import Store
from newsdiffs.storage.export_reads import (
    article_histories,
    count_articles,
    versions_in_time_order,
)
from newsdiffs.storage.sql import SqlStore

T = TypeVar("T")


class ExportFormat(enum.StrEnum):
    JSONL = "jsonl"
    NEWSEDITS = "newsedits"
    PARQUET = "parquet"
    WARC = "warc"
    GIT = "git"


class Progress(Protocol):
    def begin(self, task: str, total: int) -> None: ...
    def advance(self, rows: int) -> None: ...
    def end(self) -> None: ...


@dataclass(frozen=True)
class ExportReport:
    format: ExportFormat
    path: Path
    written: int  # versions (jsonl lines, rows, WARC responses, commits)
    seconds: float

    @property
    def line(self) -> str:
        return (
            f"exported {self.written:,} versions as {self.format.value} to {self.path} "
            f"in {self.seconds:.1f}s"
        )


def export_archive(
    store: Store, fmt: ExportFormat, path: Path, selection: Selection, progress: Progress
) -> ExportReport:
    if not isinstance(store, SqlStore):
        raise ConfigError("export needs an SQL archive (SQLite or PostgreSQL)")
    if fmt is ExportFormat.JSONL and path.exists() and path.is_dir():
        raise InputError(f"{path} is a directory: jsonl writes one file")
    started = time.perf_counter()
    engine = store.engine
    if fmt in (ExportFormat.WARC, ExportFormat.GIT):
        progress.begin(f"export {fmt.value}", store.totals().versions)
        timed = _advancing(versions_in_time_order(engine, selection), progress)
        if fmt is ExportFormat.GIT:
            written = write_git(timed, path)
        else:
            with _new_file(path) as out:
                written = write_warc(timed, store.raw_html, out)
    else:
        progress.begin(f"export {fmt.value}", count_articles(engine, selection))
        histories = _advancing(article_histories(engine, selection), progress)
        if fmt is ExportFormat.JSONL:
            with _new_file(path) as out:
                written = write_jsonl(histories, selection, out)
        elif fmt is ExportFormat.NEWSEDITS:
            written = write_newsedits(histories, selection, path)
        else:
            written = write_parquet(histories, selection, path)
    progress.end()
    return ExportReport(fmt, path, written, time.perf_counter() - started)


@contextmanager
def _new_file(path: Path) -> Iterator[BinaryIO]:
    """``path`` written whole or not at all (a temporary sibling renamed at the end); ``-``
    is standard output."""
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if path.exists():
        raise InputError(f"{path} exists: export writes a new file, it never overwrites one")
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            yield out
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _advancing(items: Iterable[T], progress: Progress) -> Iterator[T]:
    """``items``, the progress bar advancing by one after each."""
    for item in items:
        yield item
        progress.advance(1)
