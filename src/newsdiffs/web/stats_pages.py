"""Outlet statistics: ``/stats`` compares outlets, ``/sources/{name}/stats`` covers one.

Both pages draw their charts as SVG on the server (:mod:`newsdiffs.web.charts`), each with
a table of the same numbers, and have a JSON twin under ``/api/v1`` (:mod:`.stats_schemas`)
and a per-day CSV. Everything comes from one :class:`~newsdiffs.core.stats.StatsReport`,
computed as ``newsdiffs stats`` computes it and kept by :class:`.stats_cache.StatsCache`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from newsdiffs.core.stats import DayCounts, EditedArticle, StatsReport
from newsdiffs.errors import NotFoundError
from newsdiffs.models import ArticleStatus
from newsdiffs.storage.base import Store
from newsdiffs.web.api import API_PREFIX, ERRORS
from newsdiffs.web.context import get_context
from newsdiffs.web.pages import OptionalText, SourceName
from newsdiffs.web.render import render
from newsdiffs.web.stats_cache import StatsCache
from newsdiffs.web.stats_figures import (
    days_figure,
    delays_figure,
    duration,
    kinds_figure,
    median_figure,
    stealth_figure,
)
from newsdiffs.web.stats_schemas import StatsOut

CSV_COLUMNS = (
    "day",
    "source",
    "versions",
    "new_articles",
    "edits",
    "headline_edits",
    "stealth_edits",
)

router = APIRouter()


def install(app: FastAPI) -> None:
    """Keep a statistics cache on ``app`` and add the routes (before the API's own)."""
    from newsdiffs.storage.sql import SqlStore
    from newsdiffs.storage.stats_reads import stats_fingerprint
    from newsdiffs.usecases.sources import statistics_report

    store: Store = app.state.context.store
    fingerprint = (
        (lambda: stats_fingerprint(store.engine)) if isinstance(store, SqlStore) else tuple
    )
    app.state.stats_cache = StatsCache(lambda: statistics_report(store), fingerprint)
    app.include_router(router)


# --- reading ----------------------------------------------------------------------------


def _report(request: Request, source: str | None = None) -> StatsReport:
    """The whole report, or one existing source's part of it (NotFoundError: 404)."""
    store = get_context(request).store
    if source is not None and store.get_source(source) is None:
        raise NotFoundError(f"no source called {source!r}")
    cache: StatsCache = request.app.state.stats_cache
    report = cache.get()
    report = report if source is None else report.for_source(source)
    return _without_hidden(store, report)


def _without_hidden(store: Store, report: StatsReport) -> StatsReport:
    """The most-edited list as of now: articles hidden (or deleted) since the report was
    computed are left out, and titles are the current ones."""
    shown = []
    for entry in report.most_edited:
        try:
            article = store.get_article(entry.article_id)
        except NotFoundError:
            continue
        if article.status is not ArticleStatus.HIDDEN:
            shown.append(
                EditedArticle(
                    entry.article_id, entry.source, article.title, entry.edits, entry.stealth_edits
                )
            )
    return StatsReport(
        report.outlets, report.days, report.breakdowns, tuple(shown), report.most_edited_by_source
    )


# --- routes -----------------------------------------------------------------------------


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request) -> HTMLResponse:
    report = _report(request)
    figures = [
        days_figure("chart-days", "across all outlets", report.days),
        stealth_figure("chart-stealth", report.outlets),
        median_figure("chart-median", report.outlets),
        kinds_figure("chart-kinds", report.breakdowns),
        delays_figure("chart-delays", report.breakdowns),
    ]
    return render(request, "stats.html", report=report, figures=figures, duration=duration)


@router.get("/sources/{name}/stats", response_class=HTMLResponse)
def source_stats_page(request: Request, name: SourceName) -> HTMLResponse:
    report = _report(request, name)
    source = get_context(request).store.get_source(name)
    figures = [
        days_figure("chart-days", f"in {name}", report.days),
        stealth_figure("chart-stealth", report.outlets),
        kinds_figure("chart-kinds", report.breakdowns),
        delays_figure("chart-delays", report.breakdowns),
    ]
    outlet = report.outlets[0] if report.outlets else None
    return render(
        request,
        "source_stats.html",
        name=name,
        title=source.title if source else name,
        outlet=outlet,
        report=report,
        figures=figures,
        duration=duration,
    )


def _csv(days: Sequence[DayCounts], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in days:
        counts = (d.versions, d.new_articles, d.edits, d.headline_edits, d.stealth_edits)
        writer.writerow((d.day.isoformat(), d.source, *counts))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/stats.csv")
def stats_csv(request: Request) -> Response:
    """Per-day counts of every outlet as CSV."""
    return _csv(_report(request).days, "newsdiffs-stats.csv")


@router.get("/sources/{name}/stats.csv")
def source_stats_csv(request: Request, name: SourceName) -> Response:
    """Per-day counts of one outlet as CSV."""
    safe_name = re.sub(r"[^a-z0-9._-]", "_", name)
    return _csv(_report(request, name).days, f"newsdiffs-stats-{safe_name}.csv")


@router.get(f"{API_PREFIX}/stats", tags=["api"], responses=ERRORS)
def api_stats_report(request: Request, source: OptionalText = None) -> StatsOut:
    """Every outlet's statistics (or one's, as ``/sources/{name}/stats``): ``outlets`` is
    what ``newsdiffs stats [--source NAME] --format json`` prints."""
    return StatsOut.of(_report(request, source or None))


@router.get(f"{API_PREFIX}/sources/{{name}}/stats", tags=["api"], responses=ERRORS)
def api_source_stats_report(request: Request, name: SourceName) -> StatsOut:
    """One outlet's statistics: ``outlets`` is ``newsdiffs stats --source NAME --format json``."""
    return StatsOut.of(_report(request, name))
