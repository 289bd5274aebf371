"""``newsdiffs db``: commands on the archive database as a whole (``db copy``).

Registered on the main command line by ``cli.add_command(db)``. Errors are NewsdiffsError
and become one line in ``newsdiffs.cli.main``, like every other command's.
"""

from __future__ import annotations

import click

from newsdiffs.cli_progress import progress
from newsdiffs.errors import StorageError
from newsdiffs.storage.copy import copy_archive


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
    with progress() as bar:
        report = copy_archive(source, target, bar)
    click.echo(
        f"copied {report.rows_copied:,} rows from {report.source} to {report.target} "
        f"in {report.seconds:.1f}s"
    )
    for line in report.table_lines():
        click.echo(line)
    if not report.ok:
        raise StorageError("the copy does not match its source: rolled back, nothing written")
    click.echo("verified: every table and raw page is the same in the target")


__all__ = ["copy", "db"]
