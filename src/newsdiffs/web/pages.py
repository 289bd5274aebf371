"""HTML pages: latest changes, sources, articles, versions, diffs, search, lookup."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsdiffs.errors import InputError
from newsdiffs.usecases import pick_versions
from newsdiffs.web import cards_route
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
from newsdiffs.web.params import MAX_ID as MAX_ID  # re-exported: api.py, admin.py, feeds.py
from newsdiffs.web.params import ArticleId as ArticleId
from newsdiffs.web.params import VersionNumber as VersionNumber
from newsdiffs.web.render import render
from newsdiffs.web.viewmodels import (
    article_view,
    changes_by_id,
    diff_view,
    version_by_number,
    version_view,
    visible_article,
)

MAX_PAGE = 10_000
SOURCE_CHANGES = 10  # a source's page shows its latest changes, each at a glance

Context = Annotated[WebContext, Depends(get_context)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE)]
OptionalText = Annotated[str | None, Query(max_length=500)]
# A day as YYYY-MM-DD text, checked (and bounded) by listings.parse_day: 400 when invalid.
DayText = Annotated[str | None, Query(max_length=10)]
SourceName = Annotated[str, Path(max_length=100)]

router = APIRouter(default_response_class=HTMLResponse)
# The card (".../diff/1/2.png") before the diff page, whose {b} would take "2.png" (422).
router.include_router(cards_route.router)


@router.get("/")
def latest_page(
    request: Request,
    context: Context,
    page: PageNumber = 1,
    day: DayText = None,
    source: OptionalText = None,
    kind: OptionalText = None,
) -> HTMLResponse:
    listing = latest_changes(
        context, page, parse_day(day), source or None, kind or None, glance=True
    )
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
    changes = latest_changes(context, source=name, per_page=SOURCE_CHANGES, glance=True)
    return render(request, "source.html", source=source, listing=listing, changes=changes)


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


@router.get("/articles/{article_id}/compare", response_model=None)
def compare_page(
    context: Context,
    article_id: ArticleId,
    a: Annotated[int, Query(ge=1, le=MAX_ID)],
    b: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> Response:
    """The compare form's target: any two versions, by redirect to their diff page."""
    article = visible_article(context.store, article_id)
    if a == b:
        raise InputError("pick two different versions to compare")
    pick_versions(context.store, article, a, b)  # NotFoundError (404) when one is missing
    return RedirectResponse(f"/articles/{article_id}/diff/{a}/{b}", status_code=303)


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
    changes = changes_by_id(context, [hit.version_id for hit in results.hits])
    return render(request, "search.html", results=results, search_query=q, changes=changes)


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
