"""Jinja2 rendering: one autoescaping environment per app, filters for dates and snippets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from newsdiffs.core.humanize import ago, fmt_datetime
from newsdiffs.errors import StorageError
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START, Totals
from newsdiffs.web.context import get_context
from newsdiffs.web.summaries import KIND_LABELS
from newsdiffs.web.viewmodels import safe_href

TEMPLATES_DIR = Path(__file__).parent / "templates"


def highlight(snippet: str) -> Markup:
    """Escape a search snippet, then mark the matched terms."""
    escaped = str(escape(snippet.replace(HIGHLIGHT_START, "\x00s").replace(HIGHLIGHT_END, "\x00e")))
    return Markup(escaped.replace("\x00s", "<mark>").replace("\x00e", "</mark>"))


def query_string(**params: Any) -> str:
    """``?a=1&b=2`` from the parameters that have a value ('' when none has)."""
    kept = {
        key: str(value)
        for key, value in params.items()
        if value not in (None, "", False) and not (key == "page" and value == 1)
    }
    return "?" + urlencode(kept) if kept else ""


def _fmt(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return fmt_datetime(value)
    return value.isoformat()


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["highlight"] = highlight
    env.filters["safe_href"] = safe_href
    env.filters["kind_label"] = lambda kind: KIND_LABELS.get(kind, kind)
    env.globals["qs"] = query_string
    env.globals["kind_labels"] = KIND_LABELS
    return env


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render ``template`` with ``values`` plus the footer totals and the current time."""
    context = get_context(request)
    env: Environment = request.app.state.templates
    now = context.clock.now()
    try:
        totals: Totals | None = context.totals.get(context.store.totals)
    except StorageError:
        totals = None  # an error page about the database still renders
    html = env.get_template(template).render(
        totals=totals,
        now=now,
        ago=lambda then: ago(then, now),
        path=request.url.path,
        base_url=context.settings.base_url,  # the public address, never the Host header
        **values,
    )
    return HTMLResponse(html, status_code=status_code)
