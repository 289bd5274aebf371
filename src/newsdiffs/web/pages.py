"""HTML pages: latest changes, sources, articles, versions, diffs, search, lookup."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsdiffs.errors import InputError
from newsdiffs.web.context import WebContext, get_context
from newsdiffs.web.listings import (
    articles_page,
    latest_changes,
    lookup,
    parse_day,
    search_page,
    source_row,
    source_rows,
)
from newsdiffs.web.render import render
from newsdiffs.web.viewmodels import article_view, diff_view, version_by_number, version_view

# Ids and numbers beyond this cannot exist (and would overflow SQLite's 64-bit integers).
MAX_ID = 2**62
MAX_PAGE = 10_000

Context = Annotated[WebContext, Depends(get_context)]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
OptionalText = Annotated[str | None, Query(max_length=500)]
# A day as YYYY-MM-DD text, checked (and bounded) by listings.parse_day: 400 when invalid.
DayText = Annotated[str | None, Query(max_length=10)]
SourceName = Annotated[str, Path(max_length=100)]

router = APIRouter(default_response_class=HTMLResponse)


@router.get("/")
def latest_page(
    request: Request,
    context: Context,
    page: PageNumber = 1,
    day: DayText = None,
    source: OptionalText = None,
    kind: OptionalText = None,
) -> HTMLResponse:
    listing = latest_changes(context, page, parse_day(day), source or None, kind or None)
    sources = sorted(context.store.list_sources(), key=lambda source: source.name)
    return render(request, "latest.html", listing=listing, sources=sources)


@router.get("/sources")
def sources_page(request: Request, context: Context) -> HTMLResponse:
    return render(request, "sources.html", sources=source_rows(context))


@router.get("/sources/{name}")
def source_page(
    request: Request,
    context: Context,
    name: SourceName,
    page: PageNumber = 1,
) -> HTMLResponse:
    source = source_row(context, name)
    listing = articles_page(context, page, source=name)
    return render(request, "source.html", source=source, listing=listing)


@router.get("/articles")
def articles_list_page(
    request: Request, context: Context, page: PageNumber = 1, source: OptionalText = None
) -> HTMLResponse:
    listing = articles_page(context, page, source=source or None)
    return render(request, "articles.html", listing=listing)


@router.get("/articles/{article_id}")
def article_page(request: Request, context: Context, article_id: ArticleId) -> HTMLResponse:
    return render(request, "article.html", view=article_view(context, article_id))


@router.get("/articles/{article_id}/diff/{a}/{b}")
def diff_page(
    request: Request,
    context: Context,
    article_id: ArticleId,
    a: VersionNumber,
    b: VersionNumber,
    view: Annotated[Literal["inline", "side"] | None, Query()] = None,
) -> HTMLResponse:
    return render(request, "diff.html", view=diff_view(context, article_id, a, b), mode=view)


@router.get("/articles/{article_id}/versions/{number}")
def article_version_page(
    request: Request, context: Context, article_id: ArticleId, number: VersionNumber
) -> HTMLResponse:
    return render(request, "version.html", view=version_by_number(context, article_id, number))


@router.get("/versions/{version_id}")
def version_page(
    request: Request, context: Context, version_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> HTMLResponse:
    return render(request, "version.html", view=version_view(context, version_id))


@router.get("/search")
def search(
    request: Request,
    context: Context,
    q: Annotated[str, Query(max_length=500)] = "",
    page: PageNumber = 1,
) -> HTMLResponse:
    results = search_page(context, q, page)
    return render(request, "search.html", results=results, search_query=q)


@router.get("/lookup", response_model=None)
def lookup_page(
    request: Request, context: Context, url: Annotated[str, Query(max_length=2000)] = ""
) -> Response:
    if not url.strip():
        return render(request, "lookup.html", url="", message="")
    try:
        article = lookup(context, url)
    except InputError as error:
        return render(request, "lookup.html", status_code=400, url=url, message=str(error))
    if article is None:
        message = "That article is not tracked (in any of the forms we tried)."
        return render(request, "lookup.html", status_code=404, url=url, message=message)
    return RedirectResponse(f"/articles/{article.id}", status_code=303)
