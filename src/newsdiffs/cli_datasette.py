"""``newsdiffs datasette``: browse and query the archive in Datasette (see datasette.py)."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from newsdiffs.datasette import metadata
from newsdiffs.errors import ConfigError
from newsdiffs.storage.engine import to_url


@click.command("datasette")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--open",
    "open_archive",
    is_flag=True,
    help="Open every table and arbitrary SQL (a private archive: hidden articles become readable).",
)
@click.option(
    "--metadata-out",
    type=click.Path(path_type=Path),
    help="Write the metadata file here and exit (to run datasette yourself).",
)
@click.pass_obj
def datasette(
    ctx: object, host: str, port: int, open_archive: bool, metadata_out: Path | None
) -> None:
    """Serve the SQLite archive with Datasette: tables described, canned queries.

    \b
    Example:
      pip install 'newsdiffs[datasette]' && newsdiffs datasette
    Canned queries: headline changes this week, stealth edits, most-edited articles,
    time to first edit by outlet, changes by kind, versions of one article. By default the
    tables with article text are closed and arbitrary SQL is off, because hidden articles
    must not be published; --open lifts both.
    """
    from newsdiffs.cli import Context

    if not isinstance(ctx, Context):
        raise TypeError("newsdiffs datasette needs the main command's context")
    url = to_url(ctx.settings.db)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ConfigError("datasette serves a SQLite archive file; this archive is " + str(url))
    database = Path(url.database)
    if not database.is_file():
        raise ConfigError(f"no archive at {database}: run newsdiffs init or crawl first")
    ctx.store.totals()  # brings the archive to this version's schema, as any command does
    spec = metadata(database.stem, open_archive)
    if metadata_out is not None:
        metadata_out.write_text(json.dumps(spec, indent=2))
        click.echo(f"metadata written to {metadata_out}")
        return
    if importlib.util.find_spec("datasette") is None:
        raise ConfigError("Datasette is not installed: pip install 'newsdiffs[datasette]'")
    with tempfile.TemporaryDirectory() as folder:
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(spec))
        command = [sys.executable, "-m", "datasette", "serve", str(database)]
        command += ["--metadata", str(meta), "--host", host, "--port", str(port)]
        click.echo(f"Datasette on http://{host}:{port}/{database.stem} (Ctrl-C stops it)")
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(command, check=False)
