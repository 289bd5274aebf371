"""Polite, safe async fetching: ``async with Fetcher(settings) as f: await f.fetch(url)``.

Modules: ``client`` (the Fetcher), ``result`` (outcome, result, settings), ``charset``
(bytes -> text), ``robots`` (robots.txt cache), ``politeness`` (per-host gates),
``addresses`` (SSRF guard), ``retry`` (Retry-After and backoff).
"""

from newsdiffs.fetching.charset import DecodedText, decode_body
from newsdiffs.fetching.client import Fetcher
from newsdiffs.fetching.result import FetchOutcome, FetchResult, FetchSettings

__all__ = [
    "DecodedText",
    "FetchOutcome",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "decode_body",
]
