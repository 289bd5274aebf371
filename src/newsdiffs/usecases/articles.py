"""Track a URL, hide or unhide an article, pick the versions to compare."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from newsdiffs.core.urls import canonicalize_url
from newsdiffs.errors import InputError, NotFoundError
from newsdiffs.models import Article, ArticleStatus, Source, Version
from newsdiffs.usecases.names import http_url_problem
from newsdiffs.usecases.sources import add_source

if TYPE_CHECKING:
    from newsdiffs.storage.base import Store


def track_url(
    store: Store,
    url: str,
    source: str,
    now: datetime,
    policy: str,
    *,
    create_source: bool = False,
) -> tuple[Article, bool]:
    """Track ``url`` for ``source`` (created: True), or the article already tracked.

    A missing source is an InputError unless ``create_source``: then it is added (same name
    rule as every other source) with the URL's site as home page and no endpoints.
    """
    problem = http_url_problem(url)
    if problem:
        raise InputError(problem)
    canonical = canonicalize_url(url.strip())
    if store.get_source(source) is None:
        if not create_source:
            raise InputError(f"no source called {source!r}")
        add_source(store, Source(name=source, home_url=canonical, title=source))
    existing = store.find_article(canonical)
    if existing is not None:
        return existing, False
    return store.add_article(source, canonical, now, policy)


def hide_article(store: Store, article_id: int) -> Article:
    """Hide for legal reasons: every page of it answers 410 until an admin unhides it."""
    article = store.get_article(article_id)
    store.set_status(article_id, ArticleStatus.HIDDEN.value)
    return article


def unhide_article(store: Store, article_id: int) -> Article:
    """Show a hidden article again; it is checked on its schedule as before."""
    article = store.get_article(article_id)
    if article.status is not ArticleStatus.HIDDEN:
        raise InputError(f"article {article_id} is not hidden")
    store.set_status(article_id, ArticleStatus.ACTIVE.value)
    return store.get_article(article_id)


def pick_versions(
    store: Store, article: Article, a: int | None = None, b: int | None = None
) -> tuple[Version, Version]:
    """The two versions to compare: ``a`` and ``b``; ``a`` and the next one when only ``a`` is
    given; the last two when neither is. NotFoundError when they do not exist."""
    if a is None and b is not None:
        raise InputError("give the first version to compare as well as the second")
    if a is None:
        if article.version_count < 2:
            raise NotFoundError(
                f"{article.url} has {article.version_count} version(s): nothing to compare"
            )
        a, b = article.version_count - 1, article.version_count
    elif b is None:
        b = a + 1
    if a == b:
        raise NotFoundError("a diff needs two different versions")
    if min(a, b) < 1:
        raise NotFoundError("version numbers start at 1")
    return store.version_at(article.id, a), store.version_at(article.id, b)
