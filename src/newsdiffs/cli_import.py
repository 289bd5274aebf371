"""``newsdiffs import warc``: histories from WARC/ARC files (see usecases/import_warc.py)."""

from __future__ import annotations

from pathlib import Path

import click

from newsdiffs.cli_progress import progress
from newsdiffs.usecases.import_warc import import_warcs


@click.group("import")
def import_group() -> None:
    """Build version histories from captures made elsewhere."""


@import_group.command("warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", help="File every article under this source (default: its host).")
@click.option("--track", is_flag=True, help="Keep checking imported articles live afterwards.")
@click.pass_obj
def warc(ctx: object, files: tuple[Path, ...], source: str | None, track: bool) -> None:
    """Replay the HTML captures of WARC/ARC FILES through the tracker's own check.

    Captures are grouped by canonical article URL and replayed in capture order, so the
    versions, diffs and classifications are those live tracking would have recorded.
    Non-HTML records, non-200 responses and repeated payloads are skipped. Running it again
    adds only captures newer than what is stored (it is resumable). Imported articles are
    retired afterwards unless --track is given.

    \b
    Example:
      newsdiffs import warc crawl-2026-*.warc.gz --source guardian
    """
    from newsdiffs.cli import Context

    if not isinstance(ctx, Context):
        raise TypeError("newsdiffs import needs the main command's context")
    with progress() as bar:
        report = import_warcs(ctx.store, list(files), bar, source=source, track=track)
    for line in report.lines():
        click.echo(line)
