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

from newsdiffs.discovery._common import (
    LinkCollector,
    absolute_url,
    clean_text,
    parse_w3c_datetime,
)
from newsdiffs.discovery.results import (
    MAX_LINKS_PER_LISTING,
    DiscoveredLink,
    DiscoveryResult,
    failed,
)
from newsdiffs.fetching.charset import decode_body

JSON_FEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: each "<" is read once (quadratic on "<<<<")
_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?(?:item|entry)[\s/>]")  # RSS/RDF item, Atom entry
_ROOT_START = re.compile(r"<([A-Za-z_][\w.:-]*)")  # the first element (not <? or <!)


def parse_feed(
    body: bytes,
    base_url: str,
    header_charset: str | None = None,
    *,
    max_urls: int = MAX_LINKS_PER_LISTING,
) -> DiscoveryResult:
    """The item links of an RSS, Atom, RDF or JSON feed, resolved against ``base_url``.

    Never raises for bad bytes. A malformed feed keeps whatever entries were parsed and
    names the fault in ``problem``; a body that is no feed at all gives no links and a
    ``problem``. Links are usable whenever there are any, even with a problem set. At most
    ``max_urls`` links are kept (``problem`` says when more were listed).
    """
    if not body.strip():
        return failed("empty body")
    if _looks_like_json(body):
        return _parse_json_feed(body, base_url, max_urls)
    return _parse_xml_feed(body, base_url, header_charset, max_urls)


def _looks_like_json(body: bytes) -> bool:
    head = body[:64]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    return head.lstrip().startswith((b"{", b"["))


def _parse_xml_feed(
    body: bytes, base_url: str, header_charset: str | None, max_urls: int
) -> DiscoveryResult:
    # Decoded by the one charset guard, then handed over as UTF-8 that says so: feedparser's
    # own decoding obeys any label, and a declared "undefined" made it raise UnicodeError.
    text, cut = _cut_after_entries(decode_body(body, header_charset).text, max_urls)
    utf8 = text.encode("utf-8", errors="replace")
    headers = {"content-location": base_url, "content-type": "application/xml; charset=utf-8"}
    # A stream, never the bytes themselves: feedparser opens a bytes argument as a file path
    # when it can, so a body such as b"/etc/passwd" would read a local file.
    parsed = feedparser.parse(io.BytesIO(utf8), response_headers=headers)
    collector = LinkCollector(max_urls)
    collector.full = cut  # entries past the cap were cut off above: say so
    for entry in parsed.entries:
        link = _entry_link(entry, base_url)
        if link is not None and not collector.add(link):
            break
    links = collector.links()
    fault = parsed.get("bozo_exception")
    malformed = isinstance(fault, xml.sax.SAXException)
    if links:
        problem = f"malformed feed, kept {len(links)} links: {fault}" if malformed else None
        return DiscoveryResult(links=links, problem=problem or collector.overflow_problem("feed"))
    if not parsed.get("version"):
        reason = f": {fault}" if malformed else ""
        return failed(f"not an RSS, Atom or JSON feed{reason}")
    if parsed.entries:
        return failed(f"feed has {len(parsed.entries)} entries but none with an http(s) link")
    return DiscoveryResult(links=(), problem=f"malformed feed: {fault}" if malformed else None)


def _cut_after_entries(text: str, limit: int) -> tuple[str, bool]:
    """The feed cut before its entry number ``limit + 1`` and closed again; True if cut.

    feedparser reads a whole document before it hands over any entry (a 100,000-item feed
    took 24 s), so the entries past the cap are removed first. Should the closing guess be
    wrong, feedparser reads the rest as a malformed feed, which keeps its entries.
    """
    for count, match in enumerate(_ENTRY_START.finditer(text), 1):
        if count > limit:
            root = _ROOT_START.search(text)
            name = root.group(1) if root else ""
            closing = "</channel></rss>" if name == "rss" else f"</{name}>"
            return text[: match.start()] + closing, True
    return text, False


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


def _parse_json_feed(body: bytes, base_url: str, max_urls: int) -> DiscoveryResult:
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
    collector = LinkCollector(max_urls)
    for item in items:
        link = _json_item_link(item, base_url) if isinstance(item, dict) else None
        if link is not None and not collector.add(link):
            break
    return DiscoveryResult(links=collector.links(), problem=collector.overflow_problem("feed"))


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
