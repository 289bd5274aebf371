"""The store's frequent statements, built once with bind parameters.

Building a statement per call makes SQLAlchemy recompute its cache key, which on SQLite
costs more than running the query; these constants are compiled once and reused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    update,
)

from newsdiffs.models import ArticleStatus
from newsdiffs.storage.convert import ARTICLE_COLUMNS, VERSION_COLUMNS, VERSION_FIELDS
from newsdiffs.storage.schema import (
    CHECKED_STATUSES,
    UTCDateTime,
    article_aliases,
    articles,
    checks,
    events,
    versions,
)

# Literal values, so that SQLite matches the predicate of ix_articles_claimable.
_CHECKED_LITERALS: list[ColumnElement[Any]] = [
    literal_column(f"'{status}'") for status in CHECKED_STATUSES
]
SELECT_ARTICLE = select(*ARTICLE_COLUMNS)
SELECT_VERSION = select(*VERSION_COLUMNS)

ARTICLE_BY_ID = SELECT_ARTICLE.where(articles.c.id == bindparam("id"))
ARTICLE_BY_URL = SELECT_ARTICLE.where(articles.c.url == bindparam("url"))
ARTICLE_BY_ALIAS = SELECT_ARTICLE.join(
    article_aliases, article_aliases.c.article_id == articles.c.id
).where(article_aliases.c.url == bindparam("url"))
DUE_ARTICLES = (
    SELECT_ARTICLE.where(
        articles.c.status.in_(_CHECKED_LITERALS),
        articles.c.next_check_at <= bindparam("now", type_=UTCDateTime()),
    )
    .order_by(articles.c.next_check_at, articles.c.id)
    .limit(bindparam("limit"))
)
# Claims (Store.claim_due, migration 0005). One statement on both backends: on PostgreSQL
# the candidates are locked FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint
# rows without waiting; SQLite renders no FOR UPDATE and runs it in one write transaction
# (BEGIN IMMEDIATE), which serialises claimers. RETURNING gives the rows in no set order.
_CANDIDATE = articles.alias("candidate")
_NOW = bindparam("now", type_=UTCDateTime())
CLAIM_DUE = (
    update(articles)
    .where(
        articles.c.id.in_(
            select(_CANDIDATE.c.id)
            .where(
                _CANDIDATE.c.status.in_(_CHECKED_LITERALS),
                _CANDIDATE.c.next_check_at <= _NOW,
                or_(_CANDIDATE.c.claimed_until.is_(None), _CANDIDATE.c.claimed_until <= _NOW),
            )
            .order_by(_CANDIDATE.c.next_check_at, _CANDIDATE.c.id)
            .limit(bindparam("limit"))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(
        claim_token=bindparam("token"),
        claimed_until=bindparam("until", type_=UTCDateTime()),
    )
    .returning(*ARTICLE_COLUMNS)
)
# next_due_at in two indexed reads: unclaimed articles by ix_articles_claimable, claimed
# ones (a lapsed claim makes its article claimable again) by ix_articles_claimed_until. A
# claim lives on checked articles only: every status change away from them releases it.
NEXT_UNCLAIMED_DUE = select(func.min(articles.c.next_check_at)).where(
    articles.c.status.in_(_CHECKED_LITERALS), articles.c.claimed_until.is_(None)
)
NEXT_CLAIM_LAPSE = select(
    func.min(
        case(
            (articles.c.next_check_at > articles.c.claimed_until, articles.c.next_check_at),
            else_=articles.c.claimed_until,
        )
    )
).where(articles.c.claimed_until.is_not(None))
VERSIONS_OF = SELECT_VERSION.where(versions.c.article_id == bindparam("article_id")).order_by(
    versions.c.number
)
VERSION_BY_ID = SELECT_VERSION.where(versions.c.id == bindparam("id"))
VERSIONS_BY_ID = SELECT_VERSION.where(versions.c.id.in_(bindparam("ids", expanding=True)))
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
