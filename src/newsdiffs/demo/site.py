"""Routing for The Daily Demo: (request target, sim time) -> response. No sockets here.

Only articles published at ``now`` are listed or served. Article responses carry a weak
ETag (state and template: the noise differs between requests, the meaning does not) and
a Last-Modified of the later of the state's time and the redesign; ``If-None-Match`` gets a
304. Every article-page response is described by a :class:`ServedEntry`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

from newsdiffs.demo.feeds import (
    FeedItem,
    render_atom,
    render_news_sitemap,
    render_robots,
    render_rss,
)
from newsdiffs.demo.templates import (
    REDESIGN_TEMPLATE,
    ArticlePage,
    Teaser,
    render_article,
    render_front_page,
    render_not_found,
)
from newsdiffs.demo.timeline import ArticleTimeline, NewsroomTimeline, Phase
from newsdiffs.demo.truth import GONE, REDIRECT, ServedEntry

FEED_SIZE = 40
FRONT_PAGE_SIZE = 60
SITEMAP_WINDOW = timedelta(hours=48)
ATOM_EXCLUDED_SECTION = "Sport"  # so RSS and Atom list overlapping, different subsets
RELATED_POOL = 8

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class SiteResponse:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    served: ServedEntry | None = None  # set for article-page responses


class DemoSite:
    """The site as a function of sim time, answering at ``base_url``.

    ``wrap_article``, when given, turns each rendered article page into the page sent (the
    many-outlet newsroom wraps it in real page chrome: :mod:`newsdiffs.demo.heavy`).
    """

    def __init__(
        self,
        timeline: NewsroomTimeline,
        base_url: str,
        wrap_article: Callable[[str], str] | None = None,
    ) -> None:
        self.timeline = timeline
        self.base_url = base_url.rstrip("/")
        self.wrap_article = wrap_article

    def respond(
        self, target: str, now: datetime, noise_seed: int, if_none_match: str | None = None
    ) -> SiteResponse:
        """The response to a GET of ``target`` (path and query) at sim time ``now``."""
        path = urlsplit(target).path or "/"
        noise = random.Random(noise_seed)
        if path == "/":
            return _ok(HTML, render_front_page(self._teasers(now), now, noise))
        if path == "/feeds/rss.xml":
            items = self._feed_items(now, self.timeline.live_at(now)[:FEED_SIZE])
            return _ok("application/rss+xml; charset=utf-8", render_rss(self.base_url, items, now))
        if path == "/feeds/atom.xml":
            live = self.timeline.live_at(now)
            chosen = [a for a in live if a.section != ATOM_EXCLUDED_SECTION][:FEED_SIZE]
            body = render_atom(self.base_url, self._feed_items(now, chosen), now)
            return _ok("application/atom+xml; charset=utf-8", body)
        if path == "/sitemap-news.xml":
            live = self.timeline.live_at(now)
            recent = [a for a in live if now - a.published <= SITEMAP_WINDOW]
            return _ok(XML, render_news_sitemap(self._feed_items(now, recent)))
        if path == "/robots.txt":
            return _ok("text/plain; charset=utf-8", render_robots(self.base_url))
        article = self.timeline.article(path)
        if article is None:
            return self._not_found(now)
        return self._article(article, now, noise, if_none_match)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _article(
        self,
        article: ArticleTimeline,
        now: datetime,
        noise: random.Random,
        if_none_match: str | None,
    ) -> SiteResponse:
        url = self.url(article.path)
        phase = article.phase_at(now)
        if phase is Phase.UNPUBLISHED:
            return self._not_found(now)
        if phase is Phase.GONE:
            return self._not_found(now, ServedEntry(url, now, GONE))
        if phase is Phase.REDIRECT and article.redirect_to is not None:
            location = self.url(article.redirect_to)
            body = f'<p>Moved to <a href="{location}">{location}</a></p>'.encode()
            return SiteResponse(
                301, HTML, body, (("Location", location),), ServedEntry(url, now, REDIRECT)
            )
        span = article.span_at(now)
        served = ServedEntry(url, now, span.state_id, span.state.content_key)
        redesigned = self.timeline.redesigned(now)
        template = REDESIGN_TEMPLATE if redesigned else article.template
        modified = max(span.since, self.timeline.redesign_at) if redesigned else span.since
        etag = f'W/"{span.state_id}-t{template}"'
        headers = (
            ("ETag", etag),
            ("Last-Modified", format_datetime(modified, usegmt=True)),
            ("Cache-Control", "public, max-age=60"),
        )
        if if_none_match is not None and _weak_match(etag, if_none_match):
            return SiteResponse(304, HTML, b"", headers, served)
        page = ArticlePage(
            url=url,
            section=article.section,
            state=span.state,
            published=article.published,
            modified=span.since,
            now=now,
            related=self._related(article, now),
        )
        markup = render_article(page, template, noise)
        if self.wrap_article is not None:
            markup = self.wrap_article(markup)
        return SiteResponse(200, HTML, markup.encode("utf-8"), headers, served)

    def _not_found(self, now: datetime, served: ServedEntry | None = None) -> SiteResponse:
        return SiteResponse(404, HTML, render_not_found(now).encode("utf-8"), (), served)

    def _teasers(self, now: datetime) -> list[Teaser]:
        return [
            Teaser(
                url=article.path,
                section=article.section,
                title=(state := article.span_at(now).state).title,
                summary=state.paragraphs[0],
                published=article.published,
            )
            for article in self.timeline.live_at(now)[:FRONT_PAGE_SIZE]
        ]

    def _feed_items(self, now: datetime, articles: Sequence[ArticleTimeline]) -> list[FeedItem]:
        items = []
        for article in articles:
            span = article.span_at(now)
            items.append(
                FeedItem(
                    url=self.url(article.path),
                    title=span.state.title,
                    summary=span.state.paragraphs[0],
                    section=article.section,
                    author=span.state.byline,
                    published=article.published,
                    updated=span.since,
                )
            )
        return items

    def _related(self, article: ArticleTimeline, now: datetime) -> tuple[tuple[str, str], ...]:
        """Other live articles, newest first, the article's own section first."""
        same: list[ArticleTimeline] = []
        other: list[ArticleTimeline] = []
        for candidate in self.timeline.iter_live(now):
            if candidate.index != article.index:
                (same if candidate.section == article.section else other).append(candidate)
            if len(same) >= RELATED_POOL:
                break
        pool = (same + other)[:RELATED_POOL]
        return tuple((a.span_at(now).state.title, self.url(a.path)) for a in pool)


def _ok(content_type: str, text: str) -> SiteResponse:
    return SiteResponse(200, content_type, text.encode("utf-8"))


def _weak_match(etag: str, if_none_match: str) -> bool:
    """RFC 9110 weak comparison of ``etag`` with an If-None-Match header."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags
