"""Small helpers shared by the discovery parsers: URL resolution, dates, de-duplication."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from urllib.parse import urljoin, urlsplit, urlunsplit

from newsdiffs.discovery.results import MAX_LINKS_PER_LISTING, DiscoveredLink

_WHITESPACE = re.compile(r"\s+")
_ABSOLUTE = ("http://", "https://")


def absolute_url(href: str | None, base_url: str) -> str | None:
    """``href`` resolved against ``base_url``, fragment dropped; None unless http(s) with a host."""
    if not href:
        return None
    href = href.strip()
    if not href:
        return None
    try:
        # Listings mostly give absolute URLs: one split then, not urljoin's three parses.
        parts = urlsplit(href if href.startswith(_ABSOLUTE) else urljoin(base_url, href))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
    except ValueError:  # e.g. an invalid IPv6 literal such as "http://[x/"
        return None
    return urlunsplit(parts._replace(fragment=""))


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


class LinkCollector:
    """Links in first-seen order, one per URL, up to ``limit`` distinct URLs.

    A later duplicate may fill a missing title or date. ``add`` answers False once the
    collector is full (the link was not taken): the caller stops reading its listing.
    """

    def __init__(self, limit: int = MAX_LINKS_PER_LISTING) -> None:
        self.limit = limit
        self.full = False
        self._by_url: dict[str, DiscoveredLink] = {}

    def __len__(self) -> int:
        return len(self._by_url)

    def add(self, link: DiscoveredLink) -> bool:
        by_url = self._by_url
        seen = by_url.get(link.url)
        if seen is None:
            if len(by_url) >= self.limit:
                self.full = True
                return False
            by_url[link.url] = link
        elif (seen.title is None and link.title) or (seen.published is None and link.published):
            by_url[link.url] = DiscoveredLink(
                url=seen.url,
                title=seen.title or link.title,
                published=seen.published or link.published,
            )
        return True

    def links(self) -> tuple[DiscoveredLink, ...]:
        return tuple(self._by_url.values())

    def overflow_problem(self, what: str) -> str | None:
        """The problem to report when the listing named more than ``limit`` URLs."""
        if not self.full:
            return None
        return f"{what} lists more than {self.limit} URLs: kept the first {self.limit}"
