"""Progress of long CLI work on stderr: a rich bar on a terminal, plain lines otherwise.

Used by ``db copy``, ``export``, ``import warc``, ``crawl --once``, ``reextract`` and ``demo``:
``with progress() as bar: bar.begin(task, total, unit); bar.advance(n); bar.end()``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import click

# Plain progress: a line per task, and one every this many seconds during a long task.
PLAIN_EVERY_S = 10.0


class _Plain:
    """Progress as plain lines on stderr (logs, pipes, CI)."""

    def __init__(self) -> None:
        self._task, self._total, self._done, self._unit = "", 0, 0, "rows"
        self._started = self._shown = 0.0

    def begin(self, task: str, total: int, unit: str = "rows") -> None:
        self._task, self._total, self._done, self._unit = task, total, 0, unit
        self._started = self._shown = time.perf_counter()

    def advance(self, rows: int) -> None:
        self._done += rows
        now = time.perf_counter()
        if now - self._shown >= PLAIN_EVERY_S:
            self._shown = now
            done = f"{self._done:,}/{self._total:,} {self._unit}"
            click.echo(f"{self._task}: {done}{self._eta(now)}", err=True)

    def _eta(self, now: float) -> str:
        if not 0 < self._done < self._total:
            return ""
        left = (now - self._started) * (self._total - self._done) / self._done
        return f", about {left:.0f}s left"

    def end(self) -> None:
        seconds = time.perf_counter() - self._started
        click.echo(f"{self._task}: {self._done:,} {self._unit} in {seconds:.1f}s", err=True)

    def __enter__(self) -> _Plain:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Bar:
    """A rich progress bar per task (done of total, elapsed, time left) on stderr."""

    def __init__(self, bar: Any) -> None:
        self._bar = bar  # a started-on-enter rich.progress.Progress
        self._task: Any = None

    def begin(self, task: str, total: int, unit: str = "rows") -> None:
        del unit  # the bar shows counts; the task's name says what they count
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


class _Silent(_Plain):
    """No progress at all (output that must stay machine-readable, e.g. ``--format json``)."""

    def advance(self, rows: int) -> None:
        pass

    def end(self) -> None:
        pass


def progress(shown: bool = True) -> _Plain | _Bar:
    """A progress bar when stderr is a terminal, plain lines otherwise; nothing if not
    ``shown``."""
    if not shown:
        return _Silent()
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
