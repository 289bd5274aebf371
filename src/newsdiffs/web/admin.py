"""Write actions: add or remove a source, track a URL, hide (or unhide) an article.

The actions themselves are :mod:`newsdiffs.usecases`, shared with the CLI: one rule each.

Every one needs the admin token (``settings.admin_token``): ``Authorization: Bearer`` for
the API, a ``token`` form field for the HTML forms on /admin. With no token configured,
write actions are refused. Reading never needs a token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from newsdiffs import usecases
from newsdiffs.models import Article
from newsdiffs.web.api import API_PREFIX, ERRORS
from newsdiffs.web.context import WebContext
from newsdiffs.web.deps.security import bearer_token, token_matches
from newsdiffs.web.listings import SourceRow, source_row
from newsdiffs.web.pages import ArticleId, Context
from newsdiffs.web.render import render
from newsdiffs.web.schemas import ArticleOut, SourceOut
from newsdiffs.web.viewmodels import visible_article

# --- the actions: the shared use cases, plus the web's caches --------------------------------


def add_source(
    context: WebContext, name: str, home_url: str, title: str = "", feed_url: str = ""
) -> SourceRow:
    """Add or replace a source with (optionally) one feed. InputError for bad values."""
    source = usecases.new_source(name, home_url, title=title, feeds=[feed_url] if feed_url else [])
    usecases.add_source(context.store, source)
    context.forget_counts()
    return source_row(context, source.name)


def remove_source(context: WebContext, name: str) -> None:
    usecases.remove_source(context.store, name)
    context.forget_counts()


def track_url(context: WebContext, url: str, source: str) -> tuple[Article, bool]:
    """Track ``url`` for ``source`` (created: True) or return the article already tracked."""
    found = usecases.track_url(
        context.store, url, source, context.clock.now(), context.settings.schedule_policy
    )
    context.forget_counts()
    return found


def hide_article(context: WebContext, article_id: int) -> None:
    """Hide for legal reasons: from now on every page of it answers 410."""
    visible_article(context.store, article_id)
    usecases.hide_article(context.store, article_id)


def unhide_article(context: WebContext, article_id: int) -> None:
    """Show a hidden article again."""
    usecases.unhide_article(context.store, article_id)


# --- API -----------------------------------------------------------------------------------


def require_bearer(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Dependency: 401 without a valid ``Authorization: Bearer <admin token>``."""
    context: WebContext = request.app.state.context
    if not token_matches(context.settings.admin_token, bearer_token(authorization)):
        raise HTTPException(401, "admin token required", {"WWW-Authenticate": "Bearer"})


class SourceIn(BaseModel):
    name: str = Field(max_length=100)
    home_url: str = Field(max_length=2000)
    title: str = Field(default="", max_length=200)
    feed_url: str = Field(default="", max_length=2000)


class TrackIn(BaseModel):
    url: str = Field(max_length=2000)
    source: str = Field(max_length=100)


AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    **ERRORS,
    401: {"description": "Admin token missing or wrong"},
}
api_router = APIRouter(
    prefix=API_PREFIX,
    tags=["admin"],
    dependencies=[Depends(require_bearer)],
    responses=AUTH_ERRORS,
)


@api_router.post("/sources", status_code=201)
def api_add_source(context: Context, body: SourceIn) -> SourceOut:
    return SourceOut.of(add_source(context, body.name, body.home_url, body.title, body.feed_url))


@api_router.delete("/sources/{name}", status_code=204)
def api_remove_source(context: Context, name: str) -> Response:
    remove_source(context, name)
    return Response(status_code=204)


@api_router.post("/articles", status_code=201)
def api_track(context: Context, body: TrackIn, response: Response) -> ArticleOut:
    article, created = track_url(context, body.url, body.source)
    if not created:
        response.status_code = 200
    return ArticleOut.of(article)


@api_router.post("/articles/{article_id}/hide", status_code=204)
def api_hide(context: Context, article_id: ArticleId) -> Response:
    hide_article(context, article_id)
    return Response(status_code=204)


@api_router.post("/articles/{article_id}/unhide", status_code=204)
def api_unhide(context: Context, article_id: ArticleId) -> Response:
    unhide_article(context, article_id)
    return Response(status_code=204)


# --- HTML forms ----------------------------------------------------------------------------

html_router = APIRouter(prefix="/admin", default_response_class=HTMLResponse)
Token = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=2000)]


def _admin_page(request: Request, message: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "admin.html", status_code=status_code, message=message)


def _check_form_token(context: WebContext, token: str) -> None:
    if not token_matches(context.settings.admin_token, token):
        raise HTTPException(403, "wrong or missing admin token")


@html_router.get("")
def admin_page(request: Request) -> HTMLResponse:
    return _admin_page(request)


@html_router.post("/sources")
def form_add_source(
    request: Request,
    context: Context,
    token: Token,
    name: Text,
    home_url: Text,
    title: Text = "",
    feed_url: Text = "",
) -> HTMLResponse:
    _check_form_token(context, token)
    row = add_source(context, name.strip(), home_url, title, feed_url)
    return _admin_page(request, f"Source '{row.name}' saved.")


@html_router.post("/sources/remove")
def form_remove_source(
    request: Request, context: Context, token: Token, name: Text
) -> HTMLResponse:
    _check_form_token(context, token)
    remove_source(context, name.strip())
    return _admin_page(request, f"Source '{name.strip()}' removed; its articles are kept.")


@html_router.post("/track", response_model=None)
def form_track(
    request: Request, context: Context, token: Token, url: Text, source: Text
) -> Response:
    _check_form_token(context, token)
    article, _ = track_url(context, url, source.strip())
    return RedirectResponse(f"/articles/{article.id}", status_code=303)


@html_router.post("/hide")
def form_hide(
    request: Request,
    context: Context,
    token: Token,
    article_id: Annotated[int, Form(ge=1, le=2**62)],
) -> HTMLResponse:
    _check_form_token(context, token)
    hide_article(context, article_id)
    return _admin_page(request, f"Article {article_id} is hidden: its pages now answer 410 Gone.")


@html_router.post("/unhide")
def form_unhide(
    request: Request,
    context: Context,
    token: Token,
    article_id: Annotated[int, Form(ge=1, le=2**62)],
) -> HTMLResponse:
    _check_form_token(context, token)
    unhide_article(context, article_id)
    return _admin_page(request, f"Article {article_id} is shown again.")
