"""``newsdiffs db``: commands on the archive database as a whole (``db copy``).

Registered on the main command line by ``cli.add_command(db)``. Errors are NewsdiffsError
and become one line in ``newsdiffs.cli.main``, like every other command's.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from newsdiffs.errors import StorageError
from newsdiffs.storage.copy import copy_archive

# Plain progress: a line per task, and one every this many seconds during a long task.
PLAIN_EVERY_S = 10.0


@click.group()
def db() -> None:
    """Commands on the archive database as a whole."""


@db.command("copy")
@click.argument("source")
@click.argument("target")
def copy(source: str, target: str) -> None:
    """Copy a whole archive into a new, empty database, then verify the copy.

    SOURCE is an archive's file or URL; TARGET a database URL or file that holds no rows yet
    (it is created and migrated). Everything is copied with its ids (sources, articles,
    aliases, versions with their raw pages, checks, events, endpoint state) and the target's
    full-text index is built. Then row counts and digests of every row and every raw page
    are compared on both sides; any difference rolls the copy back. The source is first
    brought to this newsdiffs' schema, as any command opening it would. PostgreSQL needs
    the driver: pip install 'newsdiffs[postgres]'.

    \b
    Example:
      newsdiffs db copy newsdiffs-data/newsdiffs.db \\
          postgresql+psycopg://newsdiffs@localhost/newsdiffs
    """
    with _progress() as progress:
        report = copy_archive(source, target, progress)
    click.echo(
        f"copied {report.rows_copied:,} rows from {report.source} to {report.target} "
        f"in {report.seconds:.1f}s"
    )
    for line in report.table_lines():
        click.echo(line)
    if not report.ok:
        raise StorageError("the copy does not match its source: rolled back, nothing written")
    click.echo("verified: every table and raw page is the same in the target")


class _Plain:
    """Progress as plain lines on stderr (logs, pipes, CI)."""

    def __init__(self) -> None:
        self._task, self._total, self._done = "", 0, 0
        self._started = self._shown = 0.0

    def begin(self, task: str, total: int) -> None:
        self._task, self._total, self._done = task, total, 0
        self._started = self._shown = time.perf_counter()

    def advance(self, rows: int) -> None:
        self._done += rows
        now = time.perf_counter()
        if now - self._shown >= PLAIN_EVERY_S:
            self._shown = now
            click.echo(f"{self._task}: {self._done:,}/{self._total:,} rows", err=True)

    def end(self) -> None:
        seconds = time.perf_counter() - self._started
        click.echo(f"{self._task}: {self._done:,} rows in {seconds:.1f}s", err=True)

    def __enter__(self) -> _Plain:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Bar:
    """A rich progress bar per task (rows done of total, elapsed, time left) on stderr."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar  # a started-on-enter rich.progress.Progress
        self._task: Any = None

    def begin(self, task: str, total: int) -> None:
        self._task = self._bar.add_task(task, total=total)

    def advance(self, rows: int) -> None:
        self._bar.advance(self._task, rows)

    def end(self) -> None:
        pass

    def __enter__(self) -> _Bar:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()


def _progress() -> _Plain | _Bar:
    """A progress bar when stderr is a terminal, plain lines otherwise."""
    if not sys.stderr.isatty():
        return _Plain()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return _Bar(
        Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
    )


__all__ = ["copy", "db"]
