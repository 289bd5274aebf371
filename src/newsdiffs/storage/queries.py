"""The store's frequent statements, built once with bind parameters.

Building a statement per call makes SQLAlchemy recompute its cache key, which on SQLite
costs more than running the query; these constants are compiled once and reused.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from newsdiffs.models import ArticleStatus
from newsdiffs.storage.convert import ARTICLE_COLUMNS, VERSION_COLUMNS
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
RAW_HTML = select(versions.c.raw_html).where(versions.c.id == bindparam("id"))
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
