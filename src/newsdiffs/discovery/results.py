"""What a discovery parser returns: links found, child sitemaps, or why nothing was found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The sitemap protocol's own limit on URLs in one sitemap, applied to every listing (feeds
# and front pages too): a listing that names more is cut there, with a problem saying so.
MAX_LINKS_PER_LISTING = 50_000


@dataclass(frozen=True)
class DiscoveredLink:
    """One candidate article URL (absolute, without fragment) and what the listing said of it."""

    url: str
    title: str | None = None
    published: datetime | None = None  # timezone-aware UTC when known


@dataclass(frozen=True)
class DiscoveryResult:
    """The links in one listing, the child sitemaps of a sitemap index, and any problem.

    ``problem`` is a one-line reason when the body could not be read as the expected kind
    of document (garbage, HTML served as a feed, ...); parsers never raise for bad bytes.
    """

    links: tuple[DiscoveredLink, ...]
    child_urls: tuple[str, ...] = ()  # sitemap index children, to fetch and parse in turn
    problem: str | None = None


def failed(problem: str) -> DiscoveryResult:
    """An empty result carrying ``problem``."""
    return DiscoveryResult(links=(), problem=problem)
