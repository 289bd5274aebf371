"""``create_app(settings, store)``: the reader's web app (pages, feeds, JSON API, admin).

No module-level app and no globals: everything a request needs hangs off ``app.state``.
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdiffs import __version__
from newsdiffs.clock import Clock, SystemClock
from newsdiffs.errors import HiddenError, InputError, NotFoundError, StorageError
from newsdiffs.settings import Settings
from newsdiffs.storage.base import Store
from newsdiffs.web import admin, api, feeds, pages
from newsdiffs.web.api import API_PREFIX
from newsdiffs.web.context import WebContext, get_context
from newsdiffs.web.deps.security import SecurityHeadersMiddleware
from newsdiffs.web.listings import health
from newsdiffs.web.render import make_environment, render
from newsdiffs.web.schemas import HealthOut

STATIC_DIR = Path(__file__).parent / "static"
_HEADINGS = {
    400: "That request cannot be answered",
    401: "Admin token required",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    410: "This article has been removed",
    422: "That request cannot be answered",
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


async def _http_error(request: Request, error: Exception) -> Response:
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


def create_app(settings: Settings, store: Store, clock: Clock | None = None) -> FastAPI:
    """The web app over ``store``. ``clock`` (default: system time) is for tests."""
    app = FastAPI(
        title="newsdiffs",
        version=__version__,
        description="Every version of every tracked news article, and what changed.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = WebContext(settings=settings, store=store, clock=clock or SystemClock())
    app.state.templates = make_environment()
    app.add_middleware(SecurityHeadersMiddleware)
    for error_type in (NotFoundError, InputError, StorageError):
        app.add_exception_handler(error_type, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(pages.router)
    app.include_router(feeds.router)
    app.include_router(api.router)
    app.include_router(admin.api_router)
    app.include_router(admin.html_router)
    app.add_api_route("/healthz", _healthz, methods=["GET"], tags=["health"])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _healthz(request: Request) -> JSONResponse:
    """Database reachable, when the tracker last ran, sources quiet for a day (503 if down)."""
    report = HealthOut.of(health(get_context(request)))
    return JSONResponse(report.model_dump(mode="json"), status_code=200 if report.ok else 503)


def serve(settings: Settings, store: Store) -> None:
    """Run the app with uvicorn on ``settings.host``:``settings.port`` until interrupted."""
    uvicorn.run(create_app(settings, store), host=settings.host, port=settings.port)
