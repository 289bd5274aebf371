"""HTML pages of The Daily Demo. Pure functions: data in, markup out.

Three article templates (chosen per article) and a fourth, "redesign" template used by every
article once the site is redesigned. All four carry the same text. Page furniture that must
never count as an edit is drawn from a per-request ``random.Random``: the "Updated N minutes
ago" line, rotating related links and ads, comment counts and whitespace inside paragraphs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from newsdiffs.demo.prose import AD_LINES, RELATED_TEASERS
from newsdiffs.demo.story import CORRECTION_PREFIX, EditorialState

SITE_NAME = "The Daily Demo"
SECTIONS = (
    "Politics", "Transport", "Weather", "Business", "Health",
    "Science", "Courts", "Education", "Culture", "Sport",
)  # fmt: skip
REDESIGN_TEMPLATE = 3


@dataclass(frozen=True)
class ArticlePage:
    """Everything an article template shows."""

    url: str  # canonical, absolute
    section: str
    state: EditorialState
    published: datetime
    modified: datetime  # when the current editorial state went live
    now: datetime
    related: tuple[tuple[str, str], ...]  # (headline, absolute URL) of other articles


@dataclass(frozen=True)
class Teaser:
    """A front-page entry."""

    url: str
    section: str
    title: str
    summary: str
    published: datetime


def render_article(page: ArticlePage, template: int, noise: random.Random) -> str:
    """The article page in ``template`` (0–2, or REDESIGN_TEMPLATE)."""
    return _TEMPLATES[template](page, noise)


def render_front_page(teasers: Sequence[Teaser], now: datetime, noise: random.Random) -> str:
    items = "\n".join(
        f'<li class="teaser"><span class="kicker">{escape(t.section)}</span>\n'
        f'  <h2><a href="{escape(t.url)}">{escape(t.title)}</a></h2>\n'
        f"  <p>{escape(t.summary)}</p>\n"
        f'  <time datetime="{t.published.isoformat()}">{t.published:%d %b %H:%M}</time></li>'
        for t in teasers
    )
    body = (
        f'<main id="main"><h1 class="visually-hidden">{SITE_NAME}</h1>\n'
        f'<p class="edition">Edition updated {noise.randint(1, 9)} minutes ago</p>\n'
        f'<ul class="top-stories">\n{items}\n</ul>\n{_ad_block(noise)}</main>'
    )
    head = (
        f"<title>{SITE_NAME}: news from nowhere in particular</title>\n"
        f'<link rel="alternate" type="application/rss+xml" href="/feeds/rss.xml">\n'
        f'<link rel="alternate" type="application/atom+xml" href="/feeds/atom.xml">'
    )
    return _document(head, f"{_nav()}\n{body}\n{_footer(now)}")


def render_not_found(now: datetime) -> str:
    body = (
        '<main id="main"><h1>Page not found</h1>\n'
        "<p>Sorry, we could not find that page. It may have been moved or removed.</p>\n"
        '<p><a href="/">Go to the front page</a></p></main>'
    )
    title = f"<title>Page not found | {SITE_NAME}</title>"
    return _document(title, f"{_nav()}\n{body}\n{_footer(now)}")


# --- the four article templates ------------------------------------------------------------


def _classic(page: ArticlePage, noise: random.Random) -> str:
    paragraphs = _paragraphs(page.state, noise, css="", ad_after=3)
    article = f"""<article class="story">
  <header class="story-header">
    <a class="section-label" href="/#{page.section.lower()}">{escape(page.section)}</a>
    <h1 class="story-title">{escape(page.state.title)}</h1>
    <p class="byline">By <span class="author">{escape(page.state.byline)}</span></p>
    <p class="dateline">{_time(page.published)}
      <span class="updated">{_updated_ago(page)}</span></p>
  </header>
  <div class="story-body">
{paragraphs}
  </div>
  <footer class="story-footer"><a href="#comments">{_comments(page, noise)} comments</a></footer>
</article>"""
    aside = _related_aside(page, noise, "related")
    main = f'<main id="main" class="layout-classic">\n{article}\n{aside}\n{_ad_block(noise)}</main>'
    return _document(_head(page), f"{_nav()}\n{main}\n{_footer(page.now)}")


def _magazine(page: ArticlePage, noise: random.Random) -> str:
    paragraphs = _paragraphs(page.state, noise, css="body-text", ad_after=2)
    article = f"""<article itemscope itemtype="https://schema.org/NewsArticle" class="feature">
  <div class="feature-head">
    <div class="kicker">{escape(page.section)}</div>
    <h1 itemprop="headline">{escape(page.state.title)}</h1>
    <div class="meta"><span class="by">By</span>
      <span itemprop="author" class="author-name">{escape(page.state.byline)}</span>
      {_time(page.published, ' itemprop="datePublished"')}
      {_time(page.modified, ' itemprop="dateModified" class="stamp"', _updated_ago(page))}
    </div>
  </div>
  <div itemprop="articleBody" class="feature-body">
{paragraphs}
  </div>
  <div class="share-bar"><button>Share</button><button>Save</button>
    <span class="comment-count">{_comments(page, noise)}</span></div>
</article>"""
    aside = _related_aside(page, noise, "more-stories")
    main = f'<div id="page" class="layout-magazine">\n{article}\n{_ad_block(noise)}\n{aside}</div>'
    return _document(_head(page), f"{_nav()}\n{main}\n{_footer(page.now)}")


def _wire(page: ArticlePage, noise: random.Random) -> str:
    paragraphs = _paragraphs(page.state, noise, css="para", ad_after=4)
    related = "\n".join(
        f'      <li><a href="{escape(url)}">{escape(title)}</a></li>'
        for title, url in _rotate(page.related, noise)
    )
    article = f"""<section class="content">
<article class="wire-story" id="story">
  <h1 class="headline">{escape(page.state.title)}</h1>
  <div class="wire-meta">
    <span class="author">{escape(page.state.byline)}</span> |
    <span class="section">{escape(page.section)}</span> |
    {_time(page.published, ' class="published"')}
    <em class="updated-ago">{_updated_ago(page)}</em>
  </div>
  <div class="text">
{paragraphs}
  </div>
  <nav class="more" aria-label="More on this story"><ul>
{related}
  </ul></nav>
  <div class="comments-link">Comments ({_comments(page, noise)})</div>
</article>
</section>"""
    return _document(_head(page), f"{_nav()}\n{article}\n{_ad_block(noise)}\n{_footer(page.now)}")


def _redesign(page: ArticlePage, noise: random.Random) -> str:
    paragraphs = _paragraphs(page.state, noise, css="article-v2__para", ad_after=None)
    cards = "\n".join(
        f'<a class="card-v2" href="{escape(url)}"><span class="card-v2__title">'
        f"{escape(title)}</span></a>"
        for title, url in _rotate(page.related, noise)
    )
    article = f"""<div class="app-v2">
<header class="masthead-v2"><a class="logo-v2" href="/">{SITE_NAME}</a>
  <button class="menu-v2" aria-label="Menu">&#9776;</button></header>
<main id="content" class="page-v2">
  <article class="article-v2">
    <div class="article-v2__head">
      <ul class="crumbs-v2"><li><a href="/">Home</a></li>
        <li><a href="/#{page.section.lower()}">{escape(page.section)}</a></li></ul>
      <h1 class="article-v2__title">{escape(page.state.title)}</h1>
      <div class="article-v2__byline">Words by <b>{escape(page.state.byline)}</b></div>
      <div class="article-v2__dates">{_time(page.published)}</div>
      <div class="article-v2__fresh">{_updated_ago(page)}</div>
    </div>
    <div class="article-v2__body">
{paragraphs}
    </div>
    <footer class="article-v2__tools"><span>{_comments(page, noise)} responses</span></footer>
  </article>
  <aside class="rail-v2"><h2>Read next</h2>
{cards}
{_ad_block(noise)}</aside>
</main>
<footer class="footer-v2"><p>{_copyright(page.now)}</p></footer>
</div>"""
    return _document(_head(page), article, body_class="v2")


_TEMPLATES: tuple[Callable[[ArticlePage, random.Random], str], ...] = (
    _classic,
    _magazine,
    _wire,
    _redesign,
)


# --- shared pieces --------------------------------------------------------------------------


def _document(head: str, body: str, body_class: str = "") -> str:
    css = f' class="{body_class}"' if body_class else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{head}
</head>
<body{css}>
{body}
</body>
</html>
"""


def _head(page: ArticlePage) -> str:
    state = page.state
    summary = state.paragraphs[0][:200] if state.paragraphs else ""
    json_ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": state.title,
        "author": [{"@type": "Person", "name": name} for name in state.byline.split(" and ")],
        "datePublished": page.published.isoformat(),
        "dateModified": page.modified.isoformat(),
        "articleSection": page.section,
        "mainEntityOfPage": page.url,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    script = json.dumps(json_ld, ensure_ascii=False).replace("</", "<\\/")
    return f"""<title>{escape(state.title)} | {SITE_NAME}</title>
<link rel="canonical" href="{escape(page.url)}">
<meta name="description" content="{escape(summary)}">
<meta name="author" content="{escape(state.byline)}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:title" content="{escape(state.title)}">
<meta property="og:url" content="{escape(page.url)}">
<meta property="og:description" content="{escape(summary)}">
<meta property="article:published_time" content="{page.published.isoformat()}">
<meta property="article:modified_time" content="{page.modified.isoformat()}">
<meta property="article:section" content="{escape(page.section)}">
<script type="application/ld+json">{script}</script>"""


def _nav() -> str:
    links = "".join(f'<li><a href="/#{s.lower()}">{s}</a></li>' for s in SECTIONS)
    return (
        f'<header class="site-header"><a class="logo" href="/">{SITE_NAME}</a>\n'
        f'<nav class="sections" aria-label="Sections"><ul>{links}</ul></nav></header>'
    )


def _footer(now: datetime) -> str:
    return (
        '<footer class="site-footer"><ul><li><a href="/">Home</a></li>'
        '<li><a href="/feeds/rss.xml">RSS</a></li><li><a href="/feeds/atom.xml">Atom</a></li>'
        '<li><a href="/sitemap-news.xml">Sitemap</a></li></ul>\n'
        f"<p>{_copyright(now)}</p></footer>"
    )


def _paragraphs(state: EditorialState, noise: random.Random, css: str, ad_after: int | None) -> str:
    lines = []
    for number, text in enumerate(state.paragraphs, start=1):
        classes = [css] if css else []
        if text.startswith(CORRECTION_PREFIX):
            classes.append("correction")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        lines.append(f"    <p{attr}>{_shuffle_whitespace(escape(text, quote=False), noise)}</p>")
        if number == ad_after and number < len(state.paragraphs):
            lines.append(
                f'    <div class="ad-slot" data-slot="{noise.randint(1000, 9999)}" '
                'aria-hidden="true"><span>Advertisement</span></div>'
            )
    return "\n".join(lines)


def _shuffle_whitespace(text: str, noise: random.Random) -> str:
    """Same words, different spacing: extra spaces and line breaks between some words."""
    gaps = (" ",) * 14 + ("  ", "\n      ", " \n")
    words = text.split(" ")
    joined = words[0]
    for word in words[1:]:
        joined += noise.choice(gaps) + word
    return noise.choice(("", " ", "\n      ")) + joined + noise.choice(("", " ", "\n    "))


def _related_aside(page: ArticlePage, noise: random.Random, css: str) -> str:
    links = "\n".join(
        f'    <li><a href="{escape(url)}">{escape(title)}</a></li>'
        for title, url in _rotate(page.related, noise)
    )
    teasers = "\n".join(f"    <li>{escape(text)}</li>" for text in noise.sample(RELATED_TEASERS, 2))
    return f'<aside class="{css}"><h2>Related</h2>\n  <ul>\n{links}\n{teasers}\n  </ul></aside>'


def _ad_block(noise: random.Random) -> str:
    line = noise.choice(AD_LINES)
    return (
        f'<aside class="advert" data-campaign="{noise.randint(100000, 999999)}">'
        f'<span class="advert-label">Advertisement</span> <a href="/">{escape(line)}</a></aside>'
    )


def _rotate(items: Sequence[tuple[str, str]], noise: random.Random) -> list[tuple[str, str]]:
    count = min(len(items), 4)
    return noise.sample(list(items), count)


def _updated_ago(page: ArticlePage) -> str:
    minutes = max(0, int((page.now - page.modified).total_seconds() // 60))
    if minutes < 60:
        return f"Updated {minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    return f"Updated {hours} hour{'s' if hours != 1 else ''} ago"


def _comments(page: ArticlePage, noise: random.Random) -> int:
    age_hours = max(0, int((page.now - page.published).total_seconds() // 3600))
    return age_hours * 3 + noise.randint(0, 5)


def _time(when: datetime, attributes: str = "", text: str | None = None) -> str:
    shown = f"{when:%A %d %B %Y %H:%M} UTC" if text is None else text
    return f'<time{attributes} datetime="{when.isoformat()}">{escape(shown)}</time>'


def _copyright(now: datetime) -> str:
    return f"&copy; {now.year} {SITE_NAME}. Every story here is fictional."
