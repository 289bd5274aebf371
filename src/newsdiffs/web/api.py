"""The read-only JSON API under /api/v1, from the same view models as the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from newsdiffs.web.listings import (
    articles_page,
    latest_changes,
    lookup,
    parse_day,
    search_page,
    source_row,
    source_rows,
)
from newsdiffs.web.pages import (
    MAX_ID,
    ArticleId,
    Context,
    DayText,
    OptionalText,
    PageNumber,
    SourceName,
    VersionNumber,
)
from newsdiffs.web.schemas import (
    ArticleDetailOut,
    ArticleOut,
    ArticlesOut,
    ChangeItemOut,
    ChangesOut,
    DiffOut,
    ErrorOut,
    LookupOut,
    SearchHitOut,
    SearchOut,
    SourceOut,
    VersionOut,
)
from newsdiffs.web.viewmodels import article_view, diff_view, version_by_number, version_view

API_PREFIX = "/api/v1"
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut, "description": "Bad input"},
    404: {"model": ErrorOut, "description": "Not found"},
    410: {"model": ErrorOut, "description": "Removed for legal reasons"},
}

router = APIRouter(prefix=API_PREFIX, tags=["api"], responses=ERRORS)


@router.get("/sources")
def api_sources(context: Context) -> list[SourceOut]:
    return [SourceOut.of(row) for row in source_rows(context)]


@router.get("/sources/{name}")
def api_source(context: Context, name: SourceName) -> SourceOut:
    return SourceOut.of(source_row(context, name))


@router.get("/articles")
def api_articles(
    context: Context, page: PageNumber = 1, source: OptionalText = None
) -> ArticlesOut:
    listing = articles_page(context, page, source=source or None)
    return ArticlesOut(
        page=listing.page,
        has_next=listing.has_next,
        items=[ArticleOut.of(article) for article in listing.articles],
    )


@router.get("/articles/{article_id}")
def api_article(context: Context, article_id: ArticleId) -> ArticleDetailOut:
    return ArticleDetailOut.of(article_view(context, article_id))


@router.get("/articles/{article_id}/versions/{number}")
def api_article_version(
    context: Context, article_id: ArticleId, number: VersionNumber
) -> VersionOut:
    view = version_by_number(context, article_id, number)
    return VersionOut.of(view.version, view.change)


@router.get("/versions/{version_id}")
def api_version(context: Context, version_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> VersionOut:
    view = version_view(context, version_id)
    return VersionOut.of(view.version, view.change)


@router.get("/articles/{article_id}/diff/{a}/{b}")
def api_diff(
    context: Context, article_id: ArticleId, a: VersionNumber, b: VersionNumber
) -> DiffOut:
    return DiffOut.of(diff_view(context, article_id, a, b))


@router.get("/changes")
def api_changes(
    context: Context,
    page: PageNumber = 1,
    day: DayText = None,
    source: OptionalText = None,
    kind: OptionalText = None,
) -> ChangesOut:
    listing = latest_changes(context, page, parse_day(day), source or None, kind or None)
    return ChangesOut(
        page=listing.page,
        has_next=listing.has_next,
        items=[ChangeItemOut.of(item) for item in listing.items],
    )


@router.get("/search")
def api_search(
    context: Context, q: Annotated[str, Query(max_length=500)] = "", page: PageNumber = 1
) -> SearchOut:
    results = search_page(context, q, page)
    return SearchOut(
        query=results.query,
        page=results.page,
        has_next=results.has_next,
        hits=[SearchHitOut.of(hit) for hit in results.hits],
    )


@router.get("/lookup")
def api_lookup(
    context: Context, url: Annotated[str, Query(min_length=1, max_length=2000)]
) -> LookupOut:
    article = lookup(context, url)
    return LookupOut(found=article is not None, article=ArticleOut.of(article) if article else None)
