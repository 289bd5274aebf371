"""The body of ``record_check``: everything one check writes, on one open transaction.

Core statements only (no ORM): this runs for every check the tracker makes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Text, bindparam, func, select, update
from sqlalchemy.engine import Connection, CursorResult

from newsdiffs.errors import NotFoundError, StorageError
from newsdiffs.models import CheckResult, Version
from newsdiffs.storage.convert import check_values, event_values, stored_version, version_values
from newsdiffs.storage.driver import driver_statement
from newsdiffs.storage.schema import UTCDateTime, articles, checks, events, versions

_LATEST_VERSION = (
    select(versions.c.number, versions.c.content_hash)
    .where(versions.c.article_id == bindparam("article_id"))
    .order_by(versions.c.number.desc())
    .limit(1)
)
# One static statement for every check, so SQLAlchemy compiles it once. A NULL parameter
# keeps the stored value: a check that learnt no validator (error, timeout) keeps the old
# etag, and a check without a new version keeps count, title and last change.
_UPDATE_ARTICLE = (
    update(articles)
    .where(articles.c.id == bindparam("target_id"))
    .values(
        status=bindparam("new_status"),
        next_check_at=bindparam("new_next_check_at", type_=UTCDateTime()),
        check_interval_s=bindparam("new_check_interval_s"),
        last_checked_at=bindparam("new_last_checked_at", type_=UTCDateTime()),
        etag=func.coalesce(bindparam("new_etag", type_=Text()), articles.c.etag),
        last_modified=func.coalesce(
            bindparam("new_last_modified", type_=Text()), articles.c.last_modified
        ),
        version_count=func.coalesce(
            bindparam("new_version_count", type_=Integer()), articles.c.version_count
        ),
        title=func.coalesce(bindparam("new_title", type_=Text()), articles.c.title),
        last_changed_at=func.coalesce(
            bindparam("new_last_changed_at", type_=UTCDateTime()), articles.c.last_changed_at
        ),
    )
)
_INSERT_VERSION = versions.insert()
# Named binds for every column but the id, so the database numbers the row on any backend.
_INSERT_CHECK = checks.insert().values(
    {column.name: bindparam(column.name) for column in checks.columns if column.name != "id"}
)
_INSERT_EVENT = events.insert()


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise StorageError("the database did not return the new row's id")
    return int(key[0])


def latest_version_row(connection: Connection, article_id: int) -> Any:
    """(number, content_hash) of the article's latest version, or None."""
    return connection.execute(_LATEST_VERSION, {"article_id": article_id}).first()


def write_check(connection: Connection, result: CheckResult) -> Version | None:
    """Write check, version (unless its hash is the latest's), events and schedule.

    The caller owns the transaction. Raises NotFoundError for an unknown article.
    """
    article_id = result.check.article_id
    new = result.new_version
    number: int | None = None
    if new is not None:
        latest = latest_version_row(connection, article_id)
        if latest is None:
            number = 1
        elif latest.content_hash != new.content_hash:
            number = latest.number + 1

    stored_new = new is not None and number is not None
    changes = {
        "target_id": article_id,
        "new_status": result.status.value,
        "new_next_check_at": result.next_check_at,
        "new_check_interval_s": result.check_interval.total_seconds(),
        "new_last_checked_at": result.check.checked_at,
        "new_etag": result.etag,
        "new_last_modified": result.last_modified,
        "new_version_count": number if stored_new else None,
        "new_title": new.title if new is not None and stored_new else None,
        "new_last_changed_at": new.captured_at if new is not None and stored_new else None,
    }
    dialect = connection.dialect
    if driver_statement(_UPDATE_ARTICLE, dialect).execute(connection, changes) == 0:
        raise NotFoundError(f"no article with id {article_id}")

    stored: Version | None = None
    if new is not None and number is not None:
        inserted = connection.execute(_INSERT_VERSION, version_values(article_id, number, new))
        version_id = inserted_id(inserted)
        stored = stored_version(version_id, article_id, number, new)
    driver_statement(_INSERT_CHECK, dialect).execute(connection, check_values(result.check))
    if result.events:
        connection.execute(_INSERT_EVENT, [event_values(event) for event in result.events])
    return stored
