"""Diff cards: a 1200×675 PNG of one change, rendered with Pillow (no browser), for link
unfurls (``og:image``) and image posts (Mastodon, Bluesky).

- :func:`card_for` — the card of versions ``a`` and ``b`` of an article, cached;
- :func:`card_url` — its absolute address, ``/articles/{id}/diff/{a}/{b}.png``;
- :func:`render_card` — the PNG of a :class:`CardContent` (what the benchmark times).

Layout (pure, :mod:`.layout`) is apart from drawing (:mod:`.draw`); what the card says comes
from :func:`newsdiffs.core.change_text.change_text` (:mod:`.content`).
"""

from __future__ import annotations

import hashlib
import threading

from newsdiffs.cards.cache import CardCache
from newsdiffs.cards.content import (
    CardContent,
    card_content,
    version_change_text,
    version_text,
)
from newsdiffs.cards.draw import PillowMeasure, draw_card, png_bytes
from newsdiffs.cards.fonts import Fonts
from newsdiffs.cards.layout import layout_card
from newsdiffs.errors import HiddenError, NotFoundError
from newsdiffs.models import Article, ArticleStatus, Version
from newsdiffs.storage.base import ReaderStore

__all__ = [
    "RENDERER_VERSION",
    "CardCache",
    "CardContent",
    "Fonts",
    "card_content",
    "card_for",
    "card_key",
    "card_url",
    "default_cache",
    "render_card",
    "version_change_text",
    "version_text",
]

# Part of every cache key: bump it when a card would look different for the same versions.
RENDERER_VERSION = "1"

_DEFAULT_CACHE = CardCache()
# FreeType faces are not to be used by two threads at once (the web serves sync routes from
# a thread pool); rendering holds the GIL anyway, so this costs no parallelism.
_RENDER_LOCK = threading.Lock()


def default_cache() -> CardCache:
    """The process's card cache (the web app's route and the alert sender share it)."""
    return _DEFAULT_CACHE


def render_card(content: CardContent, fonts: Fonts | None = None) -> bytes:
    """The PNG of ``content``'s card (uncached), in ``fonts`` (default: the system's)."""
    fonts = fonts or Fonts.system()
    with _RENDER_LOCK:
        return png_bytes(draw_card(layout_card(content, PillowMeasure(fonts)), fonts))


def card_key(outlet: str, a: Version, b: Version) -> str:
    """Names everything a card shows: the renderer, both versions and their text (a version
    re-extracted gets a new content hash) and the outlet's name."""
    parts = (RENDERER_VERSION, a.id, b.id, a.content_hash, b.content_hash, outlet)
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def _visible(store: ReaderStore, article_id: int) -> Article:
    article = store.get_article(article_id)
    if article.status is ArticleStatus.HIDDEN:
        raise HiddenError(f"article {article_id} has been removed")
    return article


def _outlet(store: ReaderStore, article: Article) -> str:
    source = store.get_source(article.source)
    return (source.title if source is not None else "") or article.source


def card_for(
    store: ReaderStore, article_id: int, a: int, b: int, cache: CardCache | None = None
) -> bytes:
    """The card of versions number ``a`` and ``b`` of an article (cached in ``cache``, by
    default the process's). NotFoundError when they do not exist; HiddenError when an admin
    hid the article."""
    article = _visible(store, article_id)
    if a == b:
        raise NotFoundError("a diff needs two different versions")
    version_a, version_b = store.version_at(article_id, a), store.version_at(article_id, b)
    outlet = _outlet(store, article)
    cache = _DEFAULT_CACHE if cache is None else cache
    key = card_key(outlet, version_a, version_b)
    png = cache.get(key)
    if png is None:
        change = version_change_text(version_a, version_b)
        png = render_card(card_content(outlet, version_a, version_b, change))
        cache.put(key, png)
    return png


def card_url(public_url: str, article_id: int, a: int, b: int) -> str:
    """The card's absolute address at ``public_url`` (the settings' ``base_url``)."""
    return f"{public_url.rstrip('/')}/articles/{article_id}/diff/{a}/{b}.png"
