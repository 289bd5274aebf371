"""Discovery: feeds, sitemaps and front pages -> candidate article URLs.

Pure parsing, no network: the caller fetches a listing and passes its bytes. Parsers never
raise for bad bytes; they return a :class:`DiscoveryResult` whose ``problem`` says what
was wrong. :func:`is_article_url` then decides which links a source tracks.
"""

from __future__ import annotations

from newsdiffs.discovery.feeds import parse_feed
from newsdiffs.discovery.filters import BUILTIN_EXCLUDES, is_article_url
from newsdiffs.discovery.frontpage import looks_like_article_path, parse_frontpage, same_site
from newsdiffs.discovery.results import DiscoveredLink, DiscoveryResult
from newsdiffs.discovery.sitemaps import parse_sitemap
from newsdiffs.models import DiscoveryKind

__all__ = [
    "BUILTIN_EXCLUDES",
    "DiscoveredLink",
    "DiscoveryResult",
    "discover",
    "is_article_url",
    "looks_like_article_path",
    "parse_feed",
    "parse_frontpage",
    "parse_sitemap",
    "same_site",
]


def discover(
    kind: DiscoveryKind,
    body: bytes,
    base_url: str,
    link_pattern: str | None = None,
    header_charset: str | None = None,
) -> DiscoveryResult:
    """Parse one fetched listing of ``kind``; ``link_pattern`` is used by front pages only.

    ``header_charset`` is the Content-Type's charset, if any (FetchResult.header_charset).
    CPU-bound (a 50,000-URL sitemap takes about a second): async callers run it in a thread.
    """
    if kind is DiscoveryKind.FEED:
        return parse_feed(body, base_url, header_charset)
    if kind is DiscoveryKind.SITEMAP:
        return parse_sitemap(body, base_url, header_charset=header_charset)
    return parse_frontpage(body, base_url, link_pattern, header_charset)
