"""Small helpers shared by the discovery parsers: URL resolution, dates, de-duplication."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from urllib.parse import urldefrag, urljoin, urlsplit

from newsdiffs.discovery.results import DiscoveredLink

_WHITESPACE = re.compile(r"\s+")


def absolute_url(href: str | None, base_url: str) -> str | None:
    """``href`` resolved against ``base_url``, fragment dropped; None unless http(s) with a host."""
    if not href:
        return None
    href = href.strip()
    if not href:
        return None
    try:
        joined = urljoin(base_url, href)
        parts = urlsplit(joined)
    except ValueError:  # e.g. an invalid IPv6 literal such as "http://[x/"
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urldefrag(joined).url


def clean_text(text: str | None) -> str | None:
    """Whitespace collapsed; None when nothing is left."""
    if text is None:
        return None
    collapsed = _WHITESPACE.sub(" ", text).strip()
    return collapsed or None


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """A W3C/ISO 8601 date or date-time as aware UTC; naive values are taken as UTC.

    Accepts ``2024``, ``2024-05``, ``2024-05-12``, ``2024-05-12T10:00Z`` and fuller forms.
    Returns None for anything else.
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        text += "-01-01"
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def unique_links(links: Iterable[DiscoveredLink]) -> tuple[DiscoveredLink, ...]:
    """Links in first-seen order, one per URL; a later duplicate may fill a missing title/date."""
    by_url: dict[str, DiscoveredLink] = {}
    for link in links:
        seen = by_url.get(link.url)
        if seen is None:
            by_url[link.url] = link
        elif (seen.title is None and link.title) or (seen.published is None and link.published):
            by_url[link.url] = DiscoveredLink(
                url=seen.url,
                title=seen.title or link.title,
                published=seen.published or link.published,
            )
    return tuple(by_url.values())
