"""The ``newsdiffs`` command line: parse, call, print. Domain errors become one clean line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsdiffs import __version__, usecases
from newsdiffs.cli_alerts import alerts
from newsdiffs.cli_datasette import datasette
from newsdiffs.cli_db import db
from newsdiffs.cli_distributed import add_distributed_commands
from newsdiffs.cli_export import export
from newsdiffs.cli_import import import_group
from newsdiffs.clock import SystemClock
from newsdiffs.core.humanize import fmt_datetime
from newsdiffs.core.urls import lookup_variants
from newsdiffs.errors import InputError, NewsdiffsError, NotFoundError
from newsdiffs.fetching import Fetcher
from newsdiffs.models import Article, EventKind, Source
from newsdiffs.settings import Settings, fetch_settings, load_settings, override
from newsdiffs.storage import open_store
from newsdiffs.storage.base import Store
from newsdiffs.usecases.alerts import sync_rules

if TYPE_CHECKING:
    from newsdiffs.runner import Runner
    from newsdiffs.web.context import WebContext

log = logging.getLogger("newsdiffs")


class Context:
    """Settings plus a lazily opened store, shared by the commands."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.db)
        return self._store

    def override(self, **flags: Any) -> Settings:
        """Apply command-line flags (None: not given) through the settings' one override path."""
        self.settings = override(self.settings, flags)
        return self.settings

    def web_context(self) -> WebContext:
        """The web app's context over this store: the CLI's JSON is the API's JSON."""
        from newsdiffs.web.context import WebContext

        return WebContext(settings=self.settings, store=self.store, clock=SystemClock())

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newsdiffs")
@click.option("--config", type=click.Path(dir_okay=False), help="TOML settings file.")
@click.option("--db", help="Database path or URL (default newsdiffs-data/newsdiffs.db).")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, db: str | None, verbose: bool) -> None:
    """newsdiffs: watch news sites, keep every version of every article, show what changed.

    \b
    Example:
      newsdiffs init && newsdiffs crawl --once && newsdiffs history https://example.com/news/1
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = load_settings(config, overrides={"db": db})
    ctx.obj = Context(settings)
    ctx.call_on_close(ctx.obj.close)


# --- setup and sources ---------------------------------------------------------------


def _sources_from_settings(settings: Settings) -> list[Source]:
    from newsdiffs.sources_file import load_default_sources, load_sources

    if settings.sources_file:
        return load_sources(Path(settings.sources_file))
    return load_default_sources()


@cli.command()
@click.option("--empty", is_flag=True, help="Do not add the bundled default sources.")
@pass_ctx
def init(ctx: Context, empty: bool) -> None:
    """Create the database and add the default sources (if it has none).

    \b
    Example:
      newsdiffs --db news.db init
    """
    store = ctx.store
    added = 0
    if not empty and not store.list_sources():
        added = usecases.import_sources(store, _sources_from_settings(ctx.settings))
    totals = store.totals()
    click.echo(
        f"database ready at {ctx.settings.db}: {totals.sources} sources "
        f"({added} added), {totals.articles} articles, {totals.versions} versions"
    )


@cli.group()
def sources() -> None:
    """Manage the outlets newsdiffs watches."""


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def sources_list(ctx: Context, fmt: str) -> None:
    """List sources with their endpoints and article counts.

    \b
    Example:
      newsdiffs sources list --format json
    """
    if fmt == "json":
        from newsdiffs.web.listings import source_rows
        from newsdiffs.web.schemas import SourceOut, to_json

        echo_json(to_json([SourceOut.of(row) for row in source_rows(ctx.web_context())]))
        return
    store = ctx.store
    counts = store.source_counts()
    anomalies = store.event_counts(EventKind.EXTRACTION_ANOMALY)
    rows = store.list_sources()
    if not rows:
        click.echo("no sources: add one with `newsdiffs sources add` or run `newsdiffs init`")
    for s in rows:
        articles, versions = counts.get(s.name, (0, 0))
        warning = f"  ! {anomalies[s.name]} extraction anomalies" if s.name in anomalies else ""
        click.echo(
            f"{s.name:<16} {articles:>6} articles {versions:>7} versions  {s.home_url}{warning}"
        )
        for e in s.endpoints:
            click.echo(f"    {e.kind!s:<9} {e.url}")


@sources.command("add")
@click.argument("name")
@click.argument("home_url")
@click.option("--feed", "feeds", multiple=True, help="RSS/Atom/JSON feed URL (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap URL (repeatable).")
@click.option("--frontpage", "frontpages", multiple=True, help="Front page URL (repeatable).")
@click.option("--link-pattern", help="Regex an article link on a front page must match.")
@click.option("--exclude", multiple=True, help="Regex of URLs that are not articles.")
@click.option("--title", default="", help="Display name.")
@click.option("--poll-minutes", type=click.IntRange(1, 10_000), default=15)
@pass_ctx
def sources_add(
    ctx: Context,
    name: str,
    home_url: str,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    frontpages: tuple[str, ...],
    link_pattern: str | None,
    exclude: tuple[str, ...],
    title: str,
    poll_minutes: int,
) -> None:
    """Add (or replace) a source.

    \b
    Example:
      newsdiffs sources add guardian https://www.theguardian.com/ \\
          --feed https://www.theguardian.com/world/rss
    """
    from datetime import timedelta

    source = usecases.new_source(
        name,
        home_url,
        title=title,
        feeds=feeds,
        sitemaps=sitemaps,
        frontpages=frontpages,
        link_pattern=link_pattern,
        exclude=exclude,
        poll_interval=timedelta(minutes=poll_minutes),
    )
    usecases.add_source(ctx.store, source)
    hint = "" if source.endpoints else " (give --feed, --sitemap or --frontpage to find articles)"
    click.echo(f"source {source.name}: {len(source.endpoints)} endpoints{hint}")


@sources.command("remove")
@click.argument("name")
@pass_ctx
def sources_remove(ctx: Context, name: str) -> None:
    """Stop watching a source (its articles and versions are kept).

    \b
    Example:
      newsdiffs sources remove rt
    """
    usecases.remove_source(ctx.store, name)
    click.echo(f"removed source {name}")


@sources.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def sources_import(ctx: Context, file: str) -> None:
    """Import sources from an OPML file (or a newsdiffs TOML sources file).

    \b
    Example:
      newsdiffs sources import feeds.opml
    """
    from newsdiffs.opml import parse_opml
    from newsdiffs.sources_file import load_sources

    path = Path(file)
    if not path.is_file():
        raise InputError(f"no such file: {file}")
    found = load_sources(path) if path.suffix == ".toml" else parse_opml(path.read_bytes())
    usecases.import_sources(ctx.store, found)
    endpoints = sum(len(s.endpoints) for s in found)
    click.echo(f"imported {len(found)} sources with {endpoints} feeds from {file}")


# --- tracking ------------------------------------------------------------------------


def _runner(ctx: Context, fetcher: Fetcher) -> Runner:
    from newsdiffs.runner import Runner, lease_on  # imports the extractors: only when tracking

    sync_rules(ctx.store, ctx.settings)  # the config's [[alerts]], as at start
    clock = SystemClock()
    return Runner(
        ctx.store,
        fetcher,
        clock,
        claim_lease=lease_on(clock, timedelta(seconds=ctx.settings.claim_lease_s)),
        concurrency=ctx.settings.concurrency,
        batch_size=ctx.settings.batch_size,
        schedule_policy=ctx.settings.schedule_policy,
        max_new_per_poll=ctx.settings.max_new_articles_per_poll,
    )


@cli.command()
@click.option("--once", is_flag=True, required=True, help="One pass: poll, check due, exit.")
@pass_ctx
def crawl(ctx: Context, once: bool) -> None:
    """Poll every source and check every due article once, then exit.

    \b
    Example:
      newsdiffs crawl --once
    """
    from newsdiffs.cli_progress import progress

    store = ctx.store

    async def go() -> str:
        sources = store.list_sources()
        async with Fetcher(fetch_settings(ctx.settings)) as fetcher:
            runner = _runner(ctx, fetcher)
            with progress() as bar:
                bar.begin("polling sources", sum(len(s.endpoints) for s in sources), "endpoints")
                stats = await runner.poll_sources(sources, force=True)
                bar.advance(stats.endpoints_polled)
                bar.end()
                due = len(store.due_articles(SystemClock().now(), limit=10**9))
                bar.begin("checking articles", due, "checks")
                runner.on_report = lambda _: bar.advance(1)
                stats.merge(await runner.run_once([]))  # every article due now; no polling
                bar.end()
        return str(stats.summary())

    click.echo(asyncio.run(go()))


@cli.command()
@pass_ctx
def run(ctx: Context) -> None:
    """Run the tracker until interrupted: poll sources, check articles on schedule.

    \b
    Example:
      newsdiffs run          # Ctrl-C to stop
    """
    store = ctx.store
    if not store.list_sources():
        raise InputError("no sources: run `newsdiffs init` or `newsdiffs sources add` first")

    def progress(stats: Any) -> None:
        click.echo(f"{fmt_datetime(SystemClock().now())} {stats.summary()}")

    async def go() -> None:
        async with Fetcher(fetch_settings(ctx.settings)) as fetcher:
            from newsdiffs.alerts.sender import alert_sender

            runner = _runner(ctx, fetcher)
            # Alerts are sent beside the checks, in a task of their own (alerts/sender.py).
            runner.alerts = alert_sender(store, runner.clock, ctx.settings)
            await runner.run(store.list_sources, on_round=progress)

    click.echo(f"tracking {len(store.list_sources())} sources into {ctx.settings.db}; Ctrl-C stops")
    try:
        asyncio.run(go())
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command()
@click.argument("url")
@click.option("--source", default="adhoc", help="Source name to file it under.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def check(ctx: Context, url: str, source: str, fmt: str) -> None:
    """Track URL (if new) and check it now.

    \b
    Example:
      newsdiffs check https://www.bbc.co.uk/news/world-12345678
    """
    from newsdiffs.tracker import Tracker

    store = ctx.store
    clock = SystemClock()
    article, _ = usecases.track_url(
        store, url, source, clock.now(), ctx.settings.schedule_policy, create_source=True
    )

    async def go() -> Any:
        async with Fetcher(fetch_settings(ctx.settings)) as fetcher:
            return await Tracker(store, fetcher, clock).check(article)

    report = asyncio.run(go())
    if fmt == "json":
        from newsdiffs.web.schemas import ArticleOut, CheckOut, to_json

        checked = ArticleOut.of(store.get_article(report.article_id))
        number = report.version.number if report.version else None
        echo_json(
            to_json(CheckOut(outcome=str(report.outcome), new_version=number, article=checked))
        )
        return
    when = fmt_datetime(report.next_check_at) if report.next_check_at else "never (retired)"
    click.echo(f"{report.outcome}: article {report.article_id} {report.url}; next check {when}")


def _find(store: Store, url: str) -> Article:
    for candidate in lookup_variants(url):
        article = store.find_article(candidate)
        if article is not None:
            return article
    raise NotFoundError(f"not tracking {url}")


@cli.command()
@click.argument("url")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def history(ctx: Context, url: str, fmt: str) -> None:
    """Show every version recorded for an article.

    \b
    Example:
      newsdiffs history https://www.bbc.co.uk/news/world-12345678
    """
    store = ctx.store
    article = _find(store, url)
    if fmt == "json":
        from newsdiffs.web.schemas import ArticleDetailOut, to_json
        from newsdiffs.web.viewmodels import article_view

        echo_json(to_json(ArticleDetailOut.of(article_view(ctx.web_context(), article.id))))
        return
    versions = store.versions(article.id)
    click.echo(f"{article.url}  [{article.source}, {article.status}]")
    click.echo(f"first seen {fmt_datetime(article.first_seen)}; {len(versions)} versions")
    for v in versions:
        words = len(" ".join(v.paragraphs).split())
        click.echo(f"  v{v.number}  {fmt_datetime(v.captured_at)}  {words:>5} words  {v.title}")
    for event in store.events(article.id):
        click.echo(f"  event {event.kind} at {fmt_datetime(event.at)} {event.detail}")


@cli.command()
@click.argument("url")
@pass_ctx
def hide(ctx: Context, url: str) -> None:
    """Hide an article for legal reasons: its pages answer 410 until `unhide`.

    \b
    Example:
      newsdiffs hide https://www.bbc.co.uk/news/world-12345678
    """
    article = usecases.hide_article(ctx.store, _find(ctx.store, url).id)
    click.echo(f"article {article.id} hidden: its pages now answer 410 Gone")


@cli.command()
@click.argument("url")
@pass_ctx
def unhide(ctx: Context, url: str) -> None:
    """Show a hidden article again.

    \b
    Example:
      newsdiffs unhide https://www.bbc.co.uk/news/world-12345678
    """
    article = usecases.unhide_article(ctx.store, _find(ctx.store, url).id)
    click.echo(f"article {article.id} is shown again ({article.status})")


# --- offline tools -------------------------------------------------------------------


def _read_html(file: str) -> bytes:
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {file}: {error.strerror or error}") from None
    if path.suffix == ".gz":
        import gzip

        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise InputError(f"{file}: not a valid gzip file ({error})") from None
    return data


@cli.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--url", default="", help="The page's URL (helps site adapters).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "text"]), default="jsonl")
def extract_cmd(files: Sequence[str], url: str, fmt: str) -> None:
    """Extract title, byline, dates and paragraphs from saved HTML files.

    \b
    Example:
      newsdiffs extract page.html --url https://example.com/news/1 --format jsonl
    """
    from newsdiffs.extraction import extract

    for file in files:
        page = extract(_read_html(file), url or f"file://{Path(file).resolve()}")
        if fmt == "text":
            click.echo(f"# {page.title}\n")
            click.echo("\n\n".join(page.paragraphs))
            continue
        click.echo(
            json.dumps(
                {
                    "file": file,
                    "url": url or None,
                    "title": page.title,
                    "byline": page.byline,
                    "published": page.published.isoformat() if page.published else None,
                    "updated": page.updated.isoformat() if page.updated else None,
                    "paragraphs": list(page.paragraphs),
                    "extractor": page.extractor,
                },
                ensure_ascii=False,
            )
        )


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--url", default="", help="The article's URL (helps site adapters).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def compare(files: tuple[str, ...], url: str, fmt: str) -> None:
    """What would the tracker record for each page after the ones before it?

    With two files, A and B: would B be recorded as a new version of A, and why. With more,
    each page is judged against the history the earlier ones made (flip-flops included).
    The verdict is the tracker's own check decision.

    \b
    Example:
      newsdiffs compare a.html b.html --url https://example.com/news/1 --format json
    """
    from newsdiffs.compare import DEFAULT_URL, compare_sequence

    if len(files) < 2:
        raise InputError("compare needs at least two files")
    results = compare_sequence([_read_html(name) for name in files], url or DEFAULT_URL)
    if fmt == "json":
        data: object = (
            results[0].to_json_dict()
            if len(results) == 1
            else [result.to_json_dict() for result in results]
        )
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for name, result in zip(files[1:], results, strict=True):
        prefix = f"{name}: " if len(results) > 1 else ""
        verdict = "new version" if result.new_version else "no new version"
        click.echo(f"{prefix}{verdict}: {result.reason}")


@cli.command()
@click.option(
    "--for",
    "seconds",
    type=click.FloatRange(5, 3600),
    default=90.0,
    show_default=True,
    help="Real seconds to run.",
)
@click.option("--articles", type=click.IntRange(5, 5000), default=30, show_default=True)
@click.option(
    "--speed",
    type=click.FloatRange(1, 100_000),
    default=3000.0,
    show_default=True,
    help="Simulated seconds per real second.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--keep", is_flag=True, help="Keep the demo database (path is printed).")
@pass_ctx
def demo(ctx: Context, seconds: float, articles: int, speed: float, fmt: str, keep: bool) -> None:
    """Run the demo newsroom and the tracker on a fast clock, then print a summary.

    \b
    Example:
      newsdiffs demo --for 90 --format json
    """
    from newsdiffs.cli_progress import progress
    from newsdiffs.demo_runner import run_demo

    minutes = int(seconds * speed / 60)
    with progress(shown=fmt != "json") as bar:
        bar.begin("demo: simulated time", minutes, "simulated minutes")
        done = 0

        def tick(simulated_minutes: float) -> None:
            nonlocal done
            now = min(minutes, int(simulated_minutes))
            if now > done:
                bar.advance(now - done)
                done = now

        summary = run_demo(
            seconds=seconds,
            n_articles=articles,
            speed=speed,
            db=ctx.settings.db if keep else None,
            progress=None if fmt == "json" else click.echo,
            tick=tick,
        )
        tick(minutes)
        bar.end()
    if fmt == "json":
        click.echo(json.dumps(summary.to_json_dict()))
    else:
        click.echo(summary.describe())


# --- reading ---------------------------------------------------------------------------


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 8080).")
@click.option(
    "--public-url",
    default=None,
    help="Public address for feeds and links (default http://HOST:PORT).",
)
@click.option(
    "--workers",
    "web_workers",
    type=click.IntRange(0),
    default=None,
    help="Worker processes (default: setting web_workers; 0: one per CPU core).",
)
@pass_ctx
def serve(
    ctx: Context,
    host: str | None,
    port: int | None,
    public_url: str | None,
    web_workers: int | None,
) -> None:
    """Serve the web pages, JSON API and feeds.

    \b
    Example:
      newsdiffs serve --port 8080     # then open http://127.0.0.1:8080/
      newsdiffs serve --workers 4     # four worker processes over the one database
    """
    from newsdiffs.web.serving import default_workers
    from newsdiffs.web.serving import serve as serve_app

    flags = {"host": host, "port": port, "public_url": public_url, "web_workers": web_workers}
    settings = ctx.override(**flags)
    workers = settings.web_workers or default_workers()
    store = ctx.store  # opened (and migrated) once, before any worker starts
    click.echo(
        f"serving {settings.db} on {settings.host}:{settings.port} with {workers} worker"
        f"{'s' if workers > 1 else ''}, public address {settings.base_url}/ (Ctrl-C stops)"
    )
    # Each worker rebuilds the settings from the same config file and command-line values.
    root = click.get_current_context().find_root().params
    overrides = {"db": root.get("db"), **flags}
    serve_app(settings, store, workers, root.get("config"), overrides)


@cli.command()
@click.argument("url")
@click.argument("a", type=click.IntRange(1), required=False)
@click.argument("b", type=click.IntRange(1), required=False)
@click.option("--color/--no-color", default=None, help="ANSI colours (default: when a terminal).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def diff(
    ctx: Context, url: str, a: int | None, b: int | None, color: bool | None, fmt: str
) -> None:
    """Show what changed between two versions (default: the last two).

    \b
    Example:
      newsdiffs diff https://www.bbc.co.uk/news/world-12345678 1 3
    """
    from newsdiffs.core.classify import classify
    from newsdiffs.core.diffing import diff_versions
    from newsdiffs.core.render_text import render_ansi

    store = ctx.store
    article = _find(store, url)
    if fmt == "json":
        from newsdiffs.web.schemas import DiffOut, to_json
        from newsdiffs.web.viewmodels import diff_view

        first, second = usecases.pick_versions(store, article, a, b)
        view = diff_view(ctx.web_context(), article.id, first.number, second.number)
        echo_json(to_json(DiffOut.of(view)))
        return
    first, second = usecases.pick_versions(store, article, a, b)
    changes = diff_versions(
        first.title, first.paragraphs, second.title, second.paragraphs, first.byline, second.byline
    )
    verdict = classify(changes)
    use_color = sys.stdout.isatty() if color is None else color
    kinds = ", ".join(str(k) for k in verdict.kinds) or "no change"
    click.echo(
        f"{article.url}\nversion {first.number} ({fmt_datetime(first.captured_at)}) -> "
        f"version {second.number} ({fmt_datetime(second.captured_at)}): {kinds}; "
        f"significance {verdict.significance:.2f}" + (" (stealth edit)" if verdict.stealth else "")
    )
    click.echo(render_ansi(changes, color=use_color))


@cli.command()
@click.option("--source", default=None, help="Only this source.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def stats(ctx: Context, source: str | None, fmt: str) -> None:
    """Per-source editing statistics: how often, how soon, how quietly outlets edit.

    \b
    Example:
      newsdiffs stats --source guardian --format json
    """
    rows = usecases.source_statistics(ctx.store, source)
    if fmt == "json":
        from newsdiffs.web.schemas import stats_json

        echo_json(stats_json(rows))
        return
    click.echo(
        f"{'source':<16}{'articles':>9}{'edited':>8}{'edits/art':>10}{'1st edit':>10}"
        f"{'headline':>9}{'stealth':>9}"
    )
    for row in rows:
        median = row.median_time_to_first_edit
        first = f"{median.total_seconds() / 3600:.1f} h" if median else "-"
        click.echo(
            f"{row.source:<16}{row.articles:>9}{row.share_edited:>8.0%}"
            f"{row.edits_per_article:>10.2f}{first:>10}{row.headline_change_rate:>9.0%}"
            f"{row.stealth_edit_rate:>9.0%}"
        )


@cli.command()
@click.option("--source", default=None, help="Only this source's articles.")
@pass_ctx
def reextract(ctx: Context, source: str | None) -> None:
    """Re-run the current extractors over the stored raw pages of past versions.

    Versions keep their numbers and capture times; extractor changes never become edits.

    \b
    Example:
      newsdiffs reextract --source guardian
    """
    from newsdiffs.cli_progress import progress
    from newsdiffs.reextract import reextract as run_reextract
    from newsdiffs.reextract import versions_to_reextract

    store = ctx.store
    if source is not None and store.get_source(source) is None:
        raise NotFoundError(f"no source named {source!r}")
    with progress() as bar:
        bar.begin("re-extracting", versions_to_reextract(store, source), "versions")
        done = 0

        def advance(report: Any) -> None:
            nonlocal done
            bar.advance(report.versions - done)
            done = report.versions

        report = run_reextract(store, source, progress=advance)
        bar.end()
    click.echo(report.describe())


# --- entry point ---------------------------------------------------------------------


@contextmanager
def _clean_errors() -> Iterator[None]:
    try:
        yield
    except NewsdiffsError as error:
        click.echo(f"newsdiffs: error: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # the last line of defence: a bug, not bad input
        if os.environ.get("NEWSDIFFS_DEBUG"):
            raise
        name = type(error).__name__
        click.echo(
            f"newsdiffs: internal error: {name}: {error} (set NEWSDIFFS_DEBUG=1 for details)",
            err=True,
        )
        sys.exit(2)


cli.add_command(db)
cli.add_command(alerts)
cli.add_command(export)
cli.add_command(import_group)
cli.add_command(datasette)
add_distributed_commands(cli)


def main(argv: Sequence[str] | None = None) -> None:
    run_cli: Callable[..., Any] = cli.main
    with _clean_errors():
        run_cli(
            args=list(argv) if argv is not None else None,
            prog_name="newsdiffs",
            standalone_mode=True,
        )
