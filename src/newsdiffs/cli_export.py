"""``newsdiffs export``: the archive in the research formats (see ``usecases/export.py``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from newsdiffs.cli_progress import progress
from newsdiffs.core.classify import ChangeKind
from newsdiffs.errors import ConfigError
from newsdiffs.export.selection import STEALTH, Selection
from newsdiffs.usecases.export import ExportFormat, export_archive

KIND_CHOICES = [kind.value for kind in ChangeKind] + [STEALTH]


def _moment(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{flag} {value!r}: not a date (YYYY-MM-DD or an ISO time)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice([f.value for f in ExportFormat]))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--article", "articles", multiple=True, type=int, help="Only this article id.")
@click.option("--since", help="Versions captured at or after this date/time (UTC).")
@click.option("--until", help="Versions captured before this date/time (UTC).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KIND_CHOICES),
    help="Versions whose change has this kind (repeatable: any of them).",
)
@click.option("--min-significance", type=float, help="Versions whose change is at least this.")
@click.pass_obj
def export(
    ctx: object,
    fmt: str,
    out: Path,
    sources: tuple[str, ...],
    articles: tuple[int, ...],
    since: str | None,
    until: str | None,
    kinds: tuple[str, ...],
    min_significance: float | None,
) -> None:
    """Export the archive to OUT as FORMAT, streaming, with a progress bar.

    \b
    Formats:
      jsonl      one line per version: text, classification, sentence operations, word diff
      newsedits  a SQLite file in the NewsEdits dataset's layout (entryversion,
                 split_sentences, matched_sentences)
      parquet    a directory of tables: articles, versions, sentence_changes
      warc       raw pages as WARC response records, dated at capture (.warc.gz)
      git        a repository, a file per article and a commit per version
    Filters pick versions; jsonl and parquet hold the picked versions (each with its
    change against the version before it), warc and git the picked versions in capture
    order, newsedits the whole history of every article with a picked version. Hidden
    articles are never exported. OUT must not exist yet; jsonl to '-' writes to stdout.

    \b
    Example:
      newsdiffs export jsonl changes.jsonl --since 2026-01-01 --kind headline
      newsdiffs export parquet archive-parquet/
      newsdiffs export git history-repo/ --source guardian
    """
    from newsdiffs.cli import Context

    if not isinstance(ctx, Context):
        raise TypeError("newsdiffs export needs the main command's context")
    selection = Selection(
        sources=sources,
        article_ids=articles,
        since=_moment(since, "--since"),
        until=_moment(until, "--until"),
        kinds=kinds,
        min_significance=min_significance,
    )
    if fmt != ExportFormat.JSONL.value and str(out) == "-":
        raise ConfigError(f"{fmt} cannot be written to stdout: give a path")
    with progress() as bar:
        report = export_archive(ctx.store, ExportFormat(fmt), out, selection, bar)
    click.echo(report.line, err=str(out) == "-")
