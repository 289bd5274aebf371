"""RSS 2.0, Atom 1.0, Google News sitemap and robots.txt of The Daily Demo. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

from newsdiffs.demo.templates import SITE_NAME

RSS_TRACKING = "utm_source=rss&utm_medium=feed"


@dataclass(frozen=True)
class FeedItem:
    url: str  # canonical, absolute
    title: str
    summary: str
    section: str
    author: str
    published: datetime
    updated: datetime


def render_rss(base_url: str, items: Sequence[FeedItem], now: datetime) -> str:
    """RSS 2.0; item links carry ``utm_*`` tracking parameters, guids do not."""
    entries = "\n".join(
        f"""  <item>
    <title>{escape(item.title)}</title>
    <link>{escape(f"{item.url}?{RSS_TRACKING}")}</link>
    <guid isPermaLink="true">{escape(item.url)}</guid>
    <description>{escape(item.summary)}</description>
    <category>{escape(item.section)}</category>
    <dc:creator>{escape(item.author)}</dc:creator>
    <pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>
  </item>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{SITE_NAME}</title>
  <link>{escape(base_url)}/</link>
  <description>Latest stories from {SITE_NAME}</description>
  <language>en</language>
  <atom:link href="{escape(base_url)}/feeds/rss.xml" rel="self" type="application/rss+xml"/>
  <lastBuildDate>{format_datetime(now, usegmt=True)}</lastBuildDate>
{entries}
</channel>
</rss>
"""


def render_atom(base_url: str, items: Sequence[FeedItem], now: datetime) -> str:
    entries = "\n".join(
        f"""  <entry>
    <id>{escape(item.url)}</id>
    <title>{escape(item.title)}</title>
    <link rel="alternate" type="text/html" href="{escape(item.url)}"/>
    <published>{item.published.isoformat()}</published>
    <updated>{item.updated.isoformat()}</updated>
    <author><name>{escape(item.author)}</name></author>
    <category term="{escape(item.section)}"/>
    <summary>{escape(item.summary)}</summary>
  </entry>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>{escape(base_url)}/</id>
  <title>{SITE_NAME}</title>
  <subtitle>Latest stories, except sport</subtitle>
  <link rel="self" href="{escape(base_url)}/feeds/atom.xml"/>
  <link rel="alternate" type="text/html" href="{escape(base_url)}/"/>
  <updated>{now.isoformat()}</updated>
{entries}
</feed>
"""


def render_news_sitemap(items: Sequence[FeedItem]) -> str:
    urls = "\n".join(
        f"""  <url>
    <loc>{escape(item.url)}</loc>
    <lastmod>{item.updated.isoformat()}</lastmod>
    <news:news>
      <news:publication><news:name>{SITE_NAME}</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{item.published.isoformat()}</news:publication_date>
      <news:title>{escape(item.title)}</news:title>
    </news:news>
  </url>"""
        for item in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>
"""


def render_robots(base_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap-news.xml\n"
