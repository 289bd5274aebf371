"""RSS 0.9x/1.0/2.0 and Atom (via feedparser) and JSON Feed (parsed here) -> article links."""

from __future__ import annotations

import html
import io
import json
import re
import time
import xml.sax
from calendar import timegm
from datetime import UTC, datetime
from typing import Any

import feedparser

from newsdiffs.discovery._common import absolute_url, clean_text, parse_w3c_datetime, unique_links
from newsdiffs.discovery.results import DiscoveredLink, DiscoveryResult, failed

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TAG = re.compile(r"<[^>]*>")


def parse_feed(body: bytes, base_url: str) -> DiscoveryResult:
    """The item links of an RSS, Atom, RDF or JSON feed, resolved against ``base_url``.

    Never raises for bad bytes. A malformed feed keeps whatever entries were parsed and
    names the fault in ``problem``; a body that is no feed at all gives no links and a
    ``problem``. Links are usable whenever there are any, even with a problem set.
    """
    if not body.strip():
        return failed("empty body")
    if _looks_like_json(body):
        return _parse_json_feed(body, base_url)
    return _parse_xml_feed(body, base_url)


def _looks_like_json(body: bytes) -> bool:
    head = body[:64]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    return head.lstrip().startswith((b"{", b"["))


def _parse_xml_feed(body: bytes, base_url: str) -> DiscoveryResult:
    # A stream, never the bytes themselves: feedparser opens a bytes argument as a file path
    # when it can, so a body such as b"/etc/passwd" would read a local file.
    stream = io.BytesIO(body)
    parsed = feedparser.parse(stream, response_headers={"content-location": base_url})
    links = unique_links(
        link for entry in parsed.entries if (link := _entry_link(entry, base_url)) is not None
    )
    fault = parsed.get("bozo_exception")
    malformed = isinstance(fault, xml.sax.SAXException)
    if links:
        problem = f"malformed feed, kept {len(links)} links: {fault}" if malformed else None
        return DiscoveryResult(links=links, problem=problem)
    if not parsed.get("version"):
        reason = f": {fault}" if malformed else ""
        return failed(f"not an RSS, Atom or JSON feed{reason}")
    if parsed.entries:
        return failed(f"feed has {len(parsed.entries)} entries but none with an http(s) link")
    return DiscoveryResult(links=(), problem=f"malformed feed: {fault}" if malformed else None)


def _entry_link(entry: Any, base_url: str) -> DiscoveredLink | None:
    url = None
    # Feedburner and similar proxies keep the publisher's own URL here.
    for candidate in (entry.get("feedburner_origlink"), entry.get("link"), _alternate(entry)):
        url = absolute_url(candidate, base_url)
        if url:
            break
    if url is None and entry.get("guidislink", False):
        url = absolute_url(entry.get("id"), base_url)
    if url is None:
        return None
    title = _plain_title(entry.get("title"))
    return DiscoveredLink(url=url, title=title, published=_entry_date(entry))


def _plain_title(title: str | None) -> str | None:
    """Feed titles sometimes carry markup or entities (CDATA with HTML): keep only the text."""
    if title and ("<" in title or "&" in title):
        title = html.unescape(_TAG.sub("", title))
    return clean_text(title)


def _alternate(entry: Any) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # plain lookup: skips feedparser's deprecated key aliasing
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(timegm(value), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _parse_json_feed(body: bytes, base_url: str) -> DiscoveryResult:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and UnicodeDecodeError
        return failed(f"invalid JSON: {str(error).splitlines()[0]}")
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith(JSON_FEED_VERSION_PREFIX):
        return failed("JSON document is not a JSON Feed (no jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        return failed("JSON Feed has no items list")
    links = unique_links(
        link
        for item in items
        if isinstance(item, dict) and (link := _json_item_link(item, base_url)) is not None
    )
    return DiscoveryResult(links=links)


def _json_item_link(item: dict[str, Any], base_url: str) -> DiscoveredLink | None:
    url = None
    for key in ("url", "id", "external_url"):
        value = item.get(key)
        if isinstance(value, str):
            url = absolute_url(value, base_url) if key != "id" else _absolute_id(value)
            if url:
                break
    if url is None:
        return None
    title = item.get("title")
    published = item.get("date_published") or item.get("date_modified")
    return DiscoveredLink(
        url=url,
        title=_plain_title(title) if isinstance(title, str) else None,
        published=parse_w3c_datetime(published) if isinstance(published, str) else None,
    )


def _absolute_id(value: str) -> str | None:
    """A JSON Feed ``id`` counts as a link only when it is already an absolute http(s) URL."""
    return absolute_url(value, "") if value.startswith(("http://", "https://")) else None
