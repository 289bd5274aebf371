"""The store's frequent statements, built once with bind parameters.

Building a statement per call makes SQLAlchemy recompute its cache key, which on SQLite
costs more than running the query; these constants are compiled once and reused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal_column, select

from newsdiffs.models import ArticleStatus
from newsdiffs.storage.convert import ARTICLE_COLUMNS, VERSION_COLUMNS, VERSION_FIELDS
from newsdiffs.storage.schema import (
    UTCDateTime,
    article_aliases,
    articles,
    checks,
    events,
    versions,
)

# Gone and redirected articles are re-checked on the backed-off schedule: pages come back.
CHECKED_STATUSES = (
    ArticleStatus.ACTIVE.value,
    ArticleStatus.GONE.value,
    ArticleStatus.REDIRECTED.value,
)
SELECT_ARTICLE = select(*ARTICLE_COLUMNS)
SELECT_VERSION = select(*VERSION_COLUMNS)

ARTICLE_BY_ID = SELECT_ARTICLE.where(articles.c.id == bindparam("id"))
ARTICLE_BY_URL = SELECT_ARTICLE.where(articles.c.url == bindparam("url"))
ARTICLE_BY_ALIAS = SELECT_ARTICLE.join(
    article_aliases, article_aliases.c.article_id == articles.c.id
).where(article_aliases.c.url == bindparam("url"))
DUE_ARTICLES = (
    SELECT_ARTICLE.where(
        articles.c.status.in_(CHECKED_STATUSES),
        articles.c.next_check_at <= bindparam("now", type_=UTCDateTime()),
    )
    .order_by(articles.c.next_check_at, articles.c.id)
    .limit(bindparam("limit"))
)
VERSIONS_OF = SELECT_VERSION.where(versions.c.article_id == bindparam("article_id")).order_by(
    versions.c.number
)
VERSION_BY_ID = SELECT_VERSION.where(versions.c.id == bindparam("id"))
VERSION_AT = SELECT_VERSION.where(
    versions.c.article_id == bindparam("article_id"), versions.c.number == bindparam("number")
)
LATEST_VERSION = (
    SELECT_VERSION.where(versions.c.article_id == bindparam("article_id"))
    .order_by(versions.c.number.desc())
    .limit(1)
)
_PREVIOUS = versions.alias("previous")
# (version id, the columns of the version numbered one less) for each id in "ids".
PREVIOUS_VERSIONS = (
    select(versions.c.id, *(_PREVIOUS.c[name] for name in VERSION_FIELDS))
    .join(
        _PREVIOUS,
        and_(
            _PREVIOUS.c.article_id == versions.c.article_id,
            _PREVIOUS.c.number == versions.c.number - 1,
        ),
    )
    .where(versions.c.id.in_(bindparam("ids", expanding=True)))
)
RAW_HTML = select(versions.c.raw_html).where(versions.c.id == bindparam("id"))
LATEST_HASH = (
    select(versions.c.content_hash)
    .where(versions.c.article_id == bindparam("article_id"))
    .order_by(versions.c.number.desc())
    .limit(1)
)
HASH_COUNTS = (
    select(versions.c.content_hash, func.count())
    .where(versions.c.article_id == bindparam("article_id"))
    .group_by(versions.c.content_hash)
)
CHECKS_OF = (
    select(checks)
    .where(checks.c.article_id == bindparam("article_id"))
    .order_by(checks.c.checked_at.desc(), checks.c.id.desc())
    .limit(bindparam("limit"))
)
EVENTS_OF = (
    select(events)
    .where(events.c.article_id == bindparam("article_id"))
    .order_by(events.c.at, events.c.id)
)


def latest_changes_statement(
    offset: int,
    limit: int,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    kind_like: str | None = None,
) -> Select[Any]:
    """Versions 2 and up of visible articles with their article, newest first (one page).

    The page is picked by walking ``ix_versions_captured_at`` (or the kind's partial index)
    backwards and stopping at the page, the article checked for each version by a
    correlated EXISTS. A join would let SQLite, after ANALYZE, scan every article and sort
    all their versions, or build a Bloom filter of every article on each request.
    ``kind_like`` is a LIKE pattern inlined as a literal (the caller checks it), so that the
    planner can match it to the kind's partial index.
    """
    visible = select(articles.c.id).where(
        articles.c.id == versions.c.article_id,
        articles.c.status != ArticleStatus.HIDDEN.value,
    )
    if source is not None:
        visible = visible.where(articles.c.source == source)
    page = select(versions.c.id).where(versions.c.number >= 2, visible.exists())
    if since is not None:
        page = page.where(versions.c.captured_at >= since)
    if until is not None:
        page = page.where(versions.c.captured_at < until)
    if kind_like is not None:
        page = page.where(versions.c.change_kinds.like(literal_column(f"'{kind_like}'")))
    picked = (
        page.order_by(versions.c.captured_at.desc(), versions.c.id.desc())
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    return (
        select(*VERSION_COLUMNS, *ARTICLE_COLUMNS)
        .join_from(picked, versions, versions.c.id == picked.c.id)
        .join(articles, articles.c.id == versions.c.article_id)
        .order_by(versions.c.captured_at.desc(), versions.c.id.desc())
    )
