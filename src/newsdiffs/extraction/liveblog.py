"""Recognising live blogs: pages that grow by timestamped posts, not articles that change.

Three independent signals, any one of which is enough:

- the page says so: a schema.org ``LiveBlogPosting`` in JSON-LD or microdata;
- its URL is a live page: a path segment such as ``/live/``, ``/live-news/``,
  ``/liveblog/`` or ``/live-updates/``, or a slug containing ``live-updates``/``live-blog``;
- its body is a stack of posts: at least :data:`MIN_POSTS` sibling blocks that each carry
  a ``<time>`` and a paragraph's worth of text.

Missing a live blog costs a stream of small "edits"; calling an article a live blog costs
its whole history, so every signal is strict: on the corpus (504 pages of articles and
one live blog) only the live blog is flagged.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from newsdiffs.extraction.html import HtmlElement

_LIVE_TYPE = "liveblogposting"
_ITEM_TYPES = etree.XPath("//@itemtype")  # microdata types (in C: no Python walk)
# Path segments that only live pages use (BBC, Guardian, NYT, AP: /live/; CNN, Fox:
# /live-news/; Al Jazeera: /liveblog/; NBC: /live-blog/; the Guardian 2011:
# /middle-east-live/), and slugs that name themselves live coverage.
_LIVE_SEGMENTS = frozenset(
    {"live", "liveblog", "liveblogs", "live-blog", "live-blogs", "live-news", "live-updates"}
)
_LIVE_SECTION_SUFFIX = "-live"
_LIVE_SLUG = re.compile(r"(?:^|-)(?:live-updates|live-?blog)(?:-|$)")
# A stack of posts: this many sibling blocks with a time each...
MIN_POSTS = 5
# ...holding at least this many characters of text (median over the posts): a card with a
# headline and a date is not a post.
_MIN_POST_TEXT = 150
# ...whose text is mostly not links (a list of teasers is mostly headline links)...
_MAX_POST_LINK_SHARE = 0.5
# ...and which together hold at least this share of the page's text. Teaser lists with a
# date and a summary each (related stories, a site's feed) hold 2-41 % of their page's
# text on the corpus; a live blog is its posts.
_MIN_PAGE_SHARE = 0.5
# How far above a <time> its post block may start.
_MAX_POST_DEPTH = 8
# Lists of comments are stacks of timestamped posts too, and not live blogs.
_COMMENTS = re.compile(r"comment|reply|replies|discussion|disqus", re.IGNORECASE)


def is_live_blog(doc: HtmlElement, url: str, json_ld_kinds: Iterable[str]) -> bool:
    """Whether the page is a live blog (``json_ld_kinds``: its JSON-LD article types,
    :attr:`PageMetadata.kinds`); read it before the page is cleaned up."""
    return _declares_live_blog(doc, json_ld_kinds) or is_live_url(url) or has_timestamped_posts(doc)


def _declares_live_blog(doc: HtmlElement, json_ld_kinds: Iterable[str]) -> bool:
    if _LIVE_TYPE in json_ld_kinds:
        return True
    return any(
        str(itemtype).rstrip("/").lower().endswith("/" + _LIVE_TYPE)
        for itemtype in _ITEM_TYPES(doc)
    )


def is_live_url(url: str) -> bool:
    """Whether the URL's path marks a live page (``/live/``, ``/live-news/``...)."""
    segments = [s for s in urlsplit(url).path.lower().split("/") if s]
    if not segments:
        return False
    for section in segments[:-1]:
        if section in _LIVE_SEGMENTS or section.endswith(_LIVE_SECTION_SUFFIX):
            return True
    slug = segments[-1].rsplit(".", 1)[0]
    return slug in _LIVE_SEGMENTS or bool(_LIVE_SLUG.search(slug))


def has_timestamped_posts(doc: HtmlElement) -> bool:
    """Whether most of the page's text is a stack of :data:`MIN_POSTS` or more sibling
    posts, each with a ``<time>``, a paragraph's worth of text and few links."""
    times = list(doc.iter("time"))
    if len(times) < MIN_POSTS:
        return False
    posts_by_parent: dict[HtmlElement, set[HtmlElement]] = {}
    for time in times:
        block: HtmlElement = time
        for _ in range(_MAX_POST_DEPTH):
            parent = block.getparent()
            if parent is None:
                break
            posts_by_parent.setdefault(parent, set()).add(block)
            block = parent
    stacks = [
        posts
        for parent, posts in posts_by_parent.items()
        if len(posts) >= MIN_POSTS and _looks_like_posts(parent, posts)
    ]
    if not stacks:
        return False
    page_text = _text_length(doc) - sum(_text_length(s) for s in doc.iter("script", "style"))
    return any(
        sum(_text_length(post) for post in posts) >= _MIN_PAGE_SHARE * page_text for posts in stacks
    )


def _looks_like_posts(parent: HtmlElement, posts: set[HtmlElement]) -> bool:
    if any(_COMMENTS.search(_names(element)) for element in (parent, *posts)):
        return False
    lengths = [_text_length(post) for post in posts]
    link_shares = [
        sum(_text_length(link) for link in post.iter("a")) / max(1, length)
        for post, length in zip(posts, lengths, strict=True)
    ]
    return (
        statistics.median(lengths) >= _MIN_POST_TEXT
        and statistics.median(link_shares) < _MAX_POST_LINK_SHARE
    )


def _text_length(element: HtmlElement) -> int:
    return sum(map(len, element.text_content().split()))


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"
