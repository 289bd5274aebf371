"""``newsdiffs import warc``: version histories built offline from web-archive captures.

Captures are indexed (file, offset), grouped by canonical article URL and replayed in
capture order through the live tracker's own check (:mod:`newsdiffs.importing.replay`):
the same content, decision and transaction, so versions, diffs and classifications are what
tracking the article live would have recorded. Records that are not HTML pages answered 200
are skipped, and so is a capture whose payload digest equals the one before it of the same
URL (the crawler saw the same bytes). Pages that are not articles end as the tracker's own
``not_an_article`` checks.

Resumable: a capture at or before the article's last recorded check is skipped, so running
the same import again, or after an interruption, adds only what is missing. Imported
articles are retired unless ``track`` is set: they are history, not pages to fetch live.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from urllib.parse import urlsplit

from newsdiffs.errors import InputError, NotFoundError
from newsdiffs.importing.replay import CaptureClock, ReplayFetcher
from newsdiffs.importing.warcs import Capture, index_captures, read_capture
from newsdiffs.models import Article, ArticleStatus, Source
from newsdiffs.storage.base import Store
from newsdiffs.tracker import Tracker
from newsdiffs.usecases.export import Progress
from newsdiffs.usecases.names import SOURCE_NAME_MAX, source_name_problem

_RETIRE_AFTER_IMPORT = (ArticleStatus.ACTIVE, ArticleStatus.GONE)


@dataclass
class ImportReport:
    captures: int = 0
    replayed: int = 0
    articles: int = 0
    versions: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rate = self.replayed / self.seconds if self.seconds else 0.0
        out = [
            f"{self.captures:,} HTML captures, {self.replayed:,} replayed into "
            f"{self.articles:,} articles: {self.versions:,} versions "
            f"in {self.seconds:.1f}s ({rate:,.0f} captures/s)"
        ]
        out += [f"  {outcome}: {n:,}" for outcome, n in sorted(self.outcomes.items())]
        out += [f"  skipped, {why}: {n:,}" for why, n in sorted(self.skipped.items())]
        return out


def source_for_host(url: str) -> str:
    """The source name an import files a host's articles under: its host, without www."""
    host = (urlsplit(url).hostname or "unknown").lower().removeprefix("www.")
    name = "".join(c if c.isalnum() or c in "._-" else "-" for c in host)[:SOURCE_NAME_MAX]
    return name if source_name_problem(name) is None else "imported"


def _ensure_source(store: Store, name: str, url: str) -> None:
    if store.get_source(name) is None:
        parts = urlsplit(url)
        store.upsert_source(Source(name=name, home_url=f"{parts.scheme}://{parts.netloc}/"))


def import_warcs(
    store: Store,
    paths: Sequence[Path],
    progress: Progress,
    source: str | None = None,
    track: bool = False,
) -> ImportReport:
    """Import every HTML capture of ``paths`` into ``store``."""
    if source is not None and (problem := source_name_problem(source)) is not None:
        raise InputError(problem)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(f"no such file: {', '.join(missing)}")
    started = time.perf_counter()
    progress.begin("index", 0)
    index = index_captures(paths, progress.advance)
    progress.end()
    report = ImportReport(captures=len(index.captures), skipped=index.skipped)
    progress.begin("import", len(index.captures))
    asyncio.run(_replay(store, index.captures, progress, source, track, report))
    progress.end()
    report.seconds = time.perf_counter() - started
    return report


async def _replay(
    store: Store,
    captures: Sequence[Capture],
    progress: Progress,
    source: str | None,
    track: bool,
    report: ImportReport,
) -> None:
    clock = CaptureClock()
    fetcher = ReplayFetcher()
    tracker = Tracker(store, fetcher, clock)
    for url, group in groupby(captures, key=lambda capture: capture.url):
        in_order = list(group)
        name = source or source_for_host(url)
        _ensure_source(store, name, url)
        article = store.find_article(url)
        if article is None:
            article, _ = store.add_article(name, url, in_order[0].captured_at)
        report.articles += 1
        previous_digest = ""
        for capture in in_order:
            progress.advance(1)
            if article.last_checked_at and capture.captured_at <= article.last_checked_at:
                report.skipped["already imported"] += 1
                continue
            if capture.digest and capture.digest == previous_digest:
                report.skipped["same payload as the capture before"] += 1
                continue
            previous_digest = capture.digest
            fetcher.serve(read_capture(capture))
            clock.at = capture.captured_at
            checked = await tracker.check(article)
            report.replayed += 1
            report.outcomes[checked.outcome.value] += 1
            report.versions += checked.version is not None
            article = _current(store, article, url)
        if not track and article.status in _RETIRE_AFTER_IMPORT:
            store.set_status(article.id, ArticleStatus.RETIRED.value)


def _current(store: Store, article: Article, url: str) -> Article:
    """The article as stored now (a check may have merged it into another)."""
    try:
        return store.get_article(article.id)
    except NotFoundError:
        return store.find_article(url) or article
