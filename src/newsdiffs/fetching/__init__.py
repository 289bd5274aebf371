"""Polite, safe async fetching: ``async with Fetcher(settings) as f: await f.fetch(url)``.

Modules: ``client`` (the Fetcher), ``result`` (outcome, result, settings), ``charset``
(bytes -> text), ``robots`` (robots.txt cache), ``politeness`` (per-host gates),
``addresses`` (SSRF guard), ``retry`` (Retry-After and backoff).

``Fetcher`` is imported on first use: the charset guard is needed by extraction and
discovery, which should not pay for importing httpx (about 0.18 s) to decode a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdiffs.fetching.charset import DecodedText, decode_body
from newsdiffs.fetching.result import FetchOutcome, FetchResult, FetchSettings

if TYPE_CHECKING:
    from newsdiffs.fetching.client import Fetcher

__all__ = [
    "DecodedText",
    "FetchOutcome",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "decode_body",
]


def __getattr__(name: str) -> object:
    if name == "Fetcher":
        from newsdiffs.fetching.client import Fetcher

        return Fetcher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
