"""``create_app(settings, store)``: the reader's web app (pages, feeds, JSON API, admin).

No module-level app and no globals: everything a request needs hangs off ``app.state``.
Every response, error pages and unhandled-exception 500s included, carries the security
headers: their middleware wraps the whole stack, outside Starlette's server-error handler.
Absolute URLs (feeds, redirects) come from ``settings.base_url``, never the Host header.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import anyio.to_thread
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp

from newsdiffs import __version__
from newsdiffs.clock import Clock, SystemClock
from newsdiffs.errors import HiddenError, InputError, NotFoundError, StorageError
from newsdiffs.settings import Settings
from newsdiffs.storage.base import Store
from newsdiffs.web import admin, alerts_api, api, feeds, pages, stats_pages
from newsdiffs.web.api import API_PREFIX
from newsdiffs.web.caching import HttpCaching
from newsdiffs.web.context import WebContext, get_context
from newsdiffs.web.deps.security import SecurityHeadersMiddleware
from newsdiffs.web.listings import health
from newsdiffs.web.render import make_environment, render
from newsdiffs.web.schemas import HealthOut

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_HEADINGS = {
    400: "That request cannot be answered",
    401: "Admin token required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    410: "This article has been removed",
    422: "That request cannot be answered",
    500: "Something went wrong",
    503: "The database is unavailable",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/healthz"


def error_response(request: Request, status: int, message: str) -> Response:
    """The same error as JSON for the API, as an HTML page for everything else."""
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    heading = _HEADINGS.get(status, "Something went wrong")
    return render(request, "error.html", status_code=status, heading=heading, message=message)


async def _domain_error(request: Request, error: Exception) -> Response:
    if isinstance(error, HiddenError):
        message = "This article has been removed for legal reasons."
        return error_response(request, 410, message)
    if isinstance(error, NotFoundError):
        return error_response(request, 404, str(error))
    if isinstance(error, InputError):
        return error_response(request, 400, str(error))
    return error_response(request, 503, "The database cannot be read right now.")


def _slash_redirect(request: Request) -> Response | None:
    """``/sources/`` -> ``/sources`` when that is a route, at the public address (never the
    request's Host): what Starlette's own slash redirect did, with the Host header."""
    path = request.url.path
    if path == "/" or not path.endswith("/"):
        return None
    scope = {**request.scope, "path": path.rstrip("/") or "/"}
    if not any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
        return None
    base_url: str = get_context(request).settings.base_url
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(base_url + quote(scope["path"], safe=_PATH_SAFE) + query, 307)


async def _http_error(request: Request, error: Exception) -> Response:
    if isinstance(error, StarletteHTTPException) and error.status_code == 404:
        redirect = _slash_redirect(request)
        if redirect is not None:
            return redirect
    if not isinstance(error, StarletteHTTPException) or _wants_json(request):
        assert isinstance(error, StarletteHTTPException)
        return await http_exception_handler(request, error)
    response = error_response(request, error.status_code, str(error.detail))
    response.headers.update(error.headers or {})
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, RequestValidationError) or _wants_json(request):
        assert isinstance(error, RequestValidationError)
        return await request_validation_exception_handler(request, error)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item.get('loc', ())[1:])}: {item.get('msg', '')}"
        for item in error.errors()
    )
    return error_response(request, 422, f"Some of the request is not valid ({problems}).")


async def _internal_error(request: Request, error: Exception) -> Response:
    """An unhandled exception: logged, answered with the same error page (500)."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    message = "Something went wrong on our side; it has been logged."
    try:
        return error_response(request, 500, message)
    except Exception:  # the page itself cannot be rendered: plain text still answers
        log.exception("cannot render the error page")
        return PlainTextResponse(message, status_code=500)


class NewsdiffsApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        """The security headers outermost, so that even server-error responses carry them;
        HTTP caching next, so that server errors are marked uncacheable too."""
        return SecurityHeadersMiddleware(HttpCaching(super().build_middleware_stack()))


def create_app(settings: Settings, store: Store, clock: Clock | None = None) -> FastAPI:
    """The web app over ``store``. ``clock`` (default: system time) is for tests."""
    app = NewsdiffsApp(
        title="newsdiffs",
        version=__version__,
        description="Every version of every tracked news article, and what changed.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # _slash_redirect does it, without trusting the Host header
        lifespan=_started,
    )
    app.state.context = WebContext(settings=settings, store=store, clock=clock or SystemClock())
    app.state.templates = make_environment()
    for error_type in (NotFoundError, InputError, StorageError):
        app.add_exception_handler(error_type, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    stats_pages.install(app)  # before pages and api: /api/v1/stats is the statistics report
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.include_router(admin.api_router)
    app.include_router(admin.html_router)
    app.include_router(alerts_api.router)
    app.add_api_route("/healthz", _healthz, methods=["GET"], tags=["health"])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


@asynccontextmanager
async def _started(app: FastAPI) -> AsyncIterator[None]:
    """When a server starts the app, the statistics are computed in the background, so the
    first /stats request does not wait for them (17 s at 1,000,000 versions).

    Page handlers run in this process's thread pool, sized by ``web_threads`` (Starlette's
    default is 40): rendering is CPU work under one interpreter lock, so 25 requests in 25
    threads only took turns at it, each switch costing CPU. With 50 readers on 2 workers,
    4 threads each answered 528 requests/s at p95 234 ms where 40 answered 398 at p95
    394 ms (benchmarks/bench_load.py)."""
    threads = app.state.context.settings.web_threads
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    app.state.stats_cache.warm()
    yield


def _healthz(request: Request) -> JSONResponse:
    """Database reachable, when the tracker last ran, sources quiet for a day (503 if down)."""
    report = HealthOut.of(health(get_context(request)))
    return JSONResponse(report.model_dump(mode="json"), status_code=200 if report.ok else 503)


def serve(settings: Settings, store: Store) -> None:
    """Run the app with uvicorn on ``settings.host``:``settings.port`` until interrupted."""
    uvicorn.run(create_app(settings, store), host=settings.host, port=settings.port)
