"""Atom and RSS 2.0 feeds of changes: latest, per source, per article, per search.

Entries carry stable ``tag:`` ids (one per version or per search hit) and link to the diff.
A change's entry carries the change itself, from
:func:`newsdiffs.core.change_text.change_text` (what alerts say too): in Atom, the
``summary`` (text: "Headline changed: 'old' → 'new'", then each changed passage marked
``[-old-]{+new+}``) and the ``content`` (HTML, ``<del>``/``<ins>``); in RSS, the
``description`` (that HTML). Documents are built with ElementTree, so all text is escaped;
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Literal
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import escape

from newsdiffs.cards import version_change_text
from newsdiffs.core.change_text import ChangeText
from newsdiffs.models import Version
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START
from newsdiffs.web.context import WebContext, get_context
from newsdiffs.web.listings import (
    ChangeEntry,
    ChangeItem,
    latest_changes,
    search_page,
    source_row,
)
from newsdiffs.web.pages import ArticleId, OptionalText, SourceName
from newsdiffs.web.summaries import KIND_LABELS, ChangeSummary
from newsdiffs.web.viewmodels import article_view

FeedFormat = Literal["atom", "rss"]
ATOM_NS = "http://www.w3.org/2005/Atom"
TAG_DATE = "2026"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
SUMMARY_LIMIT = 2000  # characters of an entry's text summary ("…" where cut)


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: datetime
    summary: str
    author: str
    content_html: str = ""  # Atom content / RSS description as HTML; "": the summary only


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the HTML page the feed belongs to
    self_link: str
    entries: tuple[FeedEntry, ...]

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=_EPOCH)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = clean(text)
    return element


def to_atom(feed: Feed) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(root, "id", feed.id)
    _sub(root, "title", feed.title)
    _sub(root, "updated", feed.updated.isoformat())
    _sub(root, "link", rel="alternate", type="text/html", href=feed.link)
    _sub(root, "link", rel="self", type=MEDIA_TYPES["atom"], href=feed.self_link)
    _sub(root, "generator", "newsdiffs")
    for entry in feed.entries:
        item = _sub(root, "entry")
        _sub(item, "id", entry.id)
        _sub(item, "title", entry.title)
        _sub(item, "updated", entry.updated.isoformat())
        _sub(item, "link", rel="alternate", type="text/html", href=entry.link)
        _sub(_sub(item, "author"), "name", entry.author)
        _sub(item, "summary", entry.summary, type="text")
        if entry.content_html:
            _sub(item, "content", entry.content_html, type="html")
    return _serialize(root)


def to_rss(feed: Feed) -> bytes:
    root = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.link)
    _sub(channel, "description", feed.title)
    _sub(channel, "atom:link", rel="self", type=MEDIA_TYPES["rss"], href=feed.self_link)
    _sub(channel, "lastBuildDate", format_datetime(feed.updated.astimezone(UTC), usegmt=True))
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.link)
        _sub(item, "guid", entry.id, isPermaLink="false")
        _sub(item, "pubDate", format_datetime(entry.updated.astimezone(UTC), usegmt=True))
        _sub(item, "description", entry.content_html or entry.summary)
    return _serialize(root)


def _serialize(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def render_feed(feed: Feed, fmt: FeedFormat) -> Response:
    body = to_atom(feed) if fmt == "atom" else to_rss(feed)
    return Response(body, media_type=MEDIA_TYPES[fmt] + "; charset=utf-8")


class FeedBuilder:
    """Ids and absolute links at the public address (``settings.base_url``): never from the
    request's Host header, which a client chooses."""

    def __init__(self, request: Request) -> None:
        self.base = get_context(request).settings.base_url
        query = f"?{request.url.query}" if request.url.query else ""
        self.self_link = self.base + quote(request.url.path, safe="/.~-_") + query
        self.authority = urlsplit(self.base).hostname or "localhost"

    def tag(self, specific: str) -> str:
        return f"tag:{self.authority},{TAG_DATE}:{quote(specific, safe='/')}"

    def change_entry(
        self, item: ChangeItem, words: ChangeText | None, test: ChangeEntry | None = None
    ) -> FeedEntry:
        """``words``: the change in words (None when the previous version is not found);
        ``test``: the list entry when the change stands for a headline test's switches."""
        article, version, change = item.article, item.version, item.change
        line = describe(change, article.source)
        title = f"{version.title or article.url} (version {version.number})"
        if test is not None and test.headline_test is not None:
            variants = " / ".join(f"'{v}'" for v in test.headline_test.variants)
            line = f"Headline test: {variants} ({test.switches} switches). {line}"
            title = f"Headline test: {variants}"
        summary, content = line, ""
        if words is not None and not words.empty:
            summary = f"{line}\n{words.plain_summary(SUMMARY_LIMIT)}"
            content = f"<p>{escape(line)}</p>\n{words.html()}"
        return FeedEntry(
            id=self.tag(f"article/{article.id}/version/{version.number}"),
            title=title,
            link=f"{self.base}/articles/{article.id}/diff/{version.number - 1}/{version.number}",
            updated=version.captured_at,
            summary=summary,
            author=article.source,
            content_html=content,
        )

    def change_entries(self, context: WebContext, items: Sequence[ChangeItem]) -> list[FeedEntry]:
        """An entry per change, each with its words (previous versions read in one query)."""
        previous = context.store.previous_versions([item.version.id for item in items])
        return [
            self.change_entry(item, _words(previous.get(item.version.id), item.version))
            for item in items
        ]

    def listing_entries(
        self, context: WebContext, entries: Sequence[ChangeEntry]
    ) -> list[FeedEntry]:
        """A feed entry per list entry: a headline test's switches as one entry, as the
        HTML lists show them."""
        items = [entry.item for entry in entries]
        previous = context.store.previous_versions([item.version.id for item in items])
        return [
            self.change_entry(
                entry.item, _words(previous.get(entry.item.version.id), entry.item.version), entry
            )
            for entry in entries
        ]

    def feed(self, specific: str, title: str, page: str, entries: Sequence[FeedEntry]) -> Feed:
        return Feed(self.tag(specific), title, self.base + page, self.self_link, tuple(entries))


def _words(before: Version | None, after: Version) -> ChangeText | None:
    return None if before is None else version_change_text(before, after)


def describe(change: ChangeSummary, source: str) -> str:
    """One line for a feed entry:
    "Headline changed, text appended (score 0.44). +12 / −3 words, about 7 hours later (bbc)."
    """
    labels = [KIND_LABELS.get(kind, kind) for kind in change.kinds] or [change.label.lower()]
    what = ", ".join(labels)
    what = what[:1].upper() + what[1:]
    return f"{what} (score {change.score}). {change.size}, {change.later} ({source})."


router = APIRouter(tags=["feeds"])


@router.get("/feeds/changes.{fmt}", response_class=Response)
def latest_feed(
    request: Request,
    fmt: FeedFormat,
    source: OptionalText = None,
    kind: OptionalText = None,
) -> Response:
    context: WebContext = get_context(request)
    listing = latest_changes(context, source=source or None, kind=kind or None, glance=True)
    builder = FeedBuilder(request)
    entries = builder.listing_entries(context, listing.entries)
    title = "newsdiffs: latest changes" + (f" in {source}" if source else "")
    return render_feed(builder.feed("changes", title, "/", entries), fmt)


@router.get("/sources/{name}/changes.{fmt}", response_class=Response)
def source_feed(request: Request, name: SourceName, fmt: FeedFormat) -> Response:
    context = get_context(request)
    source = source_row(context, name)
    listing = latest_changes(context, source=name, glance=True)
    builder = FeedBuilder(request)
    entries = builder.listing_entries(context, listing.entries)
    title = f"newsdiffs: changes in {source.title}"
    page = f"/sources/{quote(name, safe='')}"
    return render_feed(builder.feed(f"source/{name}", title, page, entries), fmt)


@router.get("/articles/{article_id}/changes.{fmt}", response_class=Response)
def article_feed(request: Request, article_id: ArticleId, fmt: FeedFormat) -> Response:
    context = get_context(request)
    view = article_view(context, article_id)
    builder = FeedBuilder(request)
    rows = view.rows
    items = [
        (ChangeItem(view.article, row.version, row.change), rows[n - 1].version)
        for n, row in reversed(list(enumerate(rows)))
        if row.change is not None and n > 0
    ]
    entries = [builder.change_entry(item, _words(before, item.version)) for item, before in items]
    title = f"newsdiffs: changes to {view.article.title or view.article.url}"
    page = f"/articles/{article_id}"
    return render_feed(builder.feed(f"article/{article_id}", title, page, entries), fmt)


@router.get("/search.{fmt}", response_class=Response)
def search_feed(
    request: Request, fmt: FeedFormat, q: Annotated[str, Query(max_length=500)] = ""
) -> Response:
    results = search_page(get_context(request), q)
    builder = FeedBuilder(request)
    entries = [
        FeedEntry(
            id=builder.tag(f"article/{hit.article.id}/version/{hit.version_number}"),
            title=hit.title or hit.article.url,
            link=f"{builder.base}/articles/{hit.article.id}",
            updated=hit.captured_at,
            summary=hit.snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, ""),
            author=hit.article.source,
        )
        for hit in results.hits
    ]
    title = f"newsdiffs: search for {q}"
    page = "/search?" + urlencode({"q": q})
    return render_feed(builder.feed(f"search/{q}", title, page, entries), fmt)
