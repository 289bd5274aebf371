"""The body of ``record_check``: everything one check writes, on one open transaction.

Core statements only (no ORM): this runs for every check the tracker makes. What is written
is what :func:`newsdiffs.core.decision.decide_check` decided, with two guards only the
database can give:

- a hidden article stays hidden, whatever a check (even one in flight when it was hidden)
  decided: the status is never changed from ``hidden`` here;
- a check never claims a version it did not store: when the latest version already has the
  new version's hash (another tracker stored it meanwhile), the check is recorded as
  ``unchanged``;
- a check made under a claim is written only while the claim holds (compare-and-set on
  ``articles.claim_token``, see :func:`write_claimed_check`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Text, bindparam, case, delete, func, literal, null, select, update
from sqlalchemy.engine import Connection, CursorResult

from newsdiffs.errors import NotFoundError, StorageError
from newsdiffs.models import ArticleStatus, CheckOutcome, CheckResult, LatestVersionUpdate, Version
from newsdiffs.storage.base import Claim, ClaimedRecord
from newsdiffs.storage.convert import check_values, event_values, version_values
from newsdiffs.storage.driver import driver_statement
from newsdiffs.storage.outbox import write_outbox
from newsdiffs.storage.rawpages import page_to_store
from newsdiffs.storage.schema import (
    UTCDateTime,
    article_aliases,
    articles,
    checks,
    events,
    versions,
)

_HIDDEN = ArticleStatus.HIDDEN.value
_LATEST_VERSION = (
    select(versions.c.id, versions.c.number, versions.c.content_hash)
    .where(versions.c.article_id == bindparam("article_id"))
    .order_by(versions.c.number.desc())
    .limit(1)
)
# One static statement for every check, so SQLAlchemy compiles it once. A NULL parameter
# keeps the stored value: a check that learnt no validator (error, timeout) keeps the old
# etag, and a check without a new version keeps count, title and last change. With
# clear_validators a NULL validator clears the stored one instead.
_UPDATE_ARTICLE = (
    update(articles)
    .where(articles.c.id == bindparam("target_id"))
    .values(
        status=case(
            (articles.c.status == literal(_HIDDEN), articles.c.status),
            else_=bindparam("new_status", type_=Text()),
        ),
        next_check_at=bindparam("new_next_check_at", type_=UTCDateTime()),
        check_interval_s=bindparam("new_check_interval_s"),
        last_checked_at=bindparam("new_last_checked_at", type_=UTCDateTime()),
        etag=func.coalesce(
            bindparam("new_etag", type_=Text()),
            case((bindparam("clear_etag", type_=Integer()) == 1, null()), else_=articles.c.etag),
        ),
        last_modified=func.coalesce(
            bindparam("new_last_modified", type_=Text()),
            case(
                (bindparam("clear_last_modified", type_=Integer()) == 1, null()),
                else_=articles.c.last_modified,
            ),
        ),
        version_count=func.coalesce(
            bindparam("new_version_count", type_=Integer()), articles.c.version_count
        ),
        title=func.coalesce(bindparam("new_title", type_=Text()), articles.c.title),
        last_changed_at=func.coalesce(
            bindparam("new_last_changed_at", type_=UTCDateTime()), articles.c.last_changed_at
        ),
        # A recorded check releases any claim: a claimed one after its compare-and-set, an
        # unclaimed one (`newsdiffs check URL`) makes the holder's check redundant.
        claim_token=null(),
        claimed_until=null(),
    )
)
# The compare-and-set of a claimed check: release the claim if it is still this one and had
# not lapsed at the check's time. On PostgreSQL it also locks the row until the commit.
_RELEASE_CLAIM = (
    update(articles)
    .where(
        articles.c.id == bindparam("article_id"),
        articles.c.claim_token == bindparam("token"),
        articles.c.claimed_until > bindparam("at", type_=UTCDateTime()),
    )
    .values(claim_token=None, claimed_until=None)
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
    """(id, number, content_hash) of the article's latest version, or None."""
    return connection.execute(_LATEST_VERSION, {"article_id": article_id}).first()


def release_claim(connection: Connection, claim: Claim, at: datetime) -> bool:
    """Release ``claim`` if it still holds its article at ``at``; False (nothing written)
    when another claim replaced it or it had lapsed."""
    parameters = {"article_id": claim.article.id, "token": claim.token, "at": at}
    return connection.execute(_RELEASE_CLAIM, parameters).rowcount == 1


def write_claimed_check(
    connection: Connection, result: CheckResult, claim: Claim | None
) -> ClaimedRecord:
    """:func:`write_check` behind the claim's compare-and-set (None: unconditional).

    The claim must hold at the check's time (``check.checked_at``, the caller's clock): a
    check made after its claim lapsed, or whose claim another claimer has taken since,
    writes nothing. The caller owns the transaction.
    """
    if claim is not None and not release_claim(connection, claim, result.check.checked_at):
        return ClaimedRecord(version=None, lost_race=True)
    return ClaimedRecord(version=write_check(connection, result))


def write_check(connection: Connection, result: CheckResult) -> Version | None:
    """Write check, version (unless its hash is the latest's), events, aliases, the latest
    version's re-extracted text and the schedule; or merge the article into another.

    The caller owns the transaction. Raises NotFoundError for an unknown article.
    """
    article_id = result.check.article_id
    if result.merge_into is not None and _merge(connection, article_id, result.merge_into):
        _write_rows(connection, _moved_to(result, result.merge_into))
        return None

    new = result.new_version
    new_title: str | None = None
    latest = None
    if new is not None or result.latest_update is not None:
        latest = latest_version_row(connection, article_id)
    rewrite = result.latest_update
    if rewrite is not None and latest is not None and latest.content_hash == rewrite.expected_hash:
        new_title = _update_latest(connection, latest.id, rewrite)
        latest = latest_version_row(connection, article_id)
    number: int | None = None
    if new is not None:
        if latest is None:
            number = 1
        elif latest.content_hash != new.content_hash:
            number = latest.number + 1
        else:
            # Another check stored this text first: record what this one really did.
            check = replace(result.check, outcome=CheckOutcome.UNCHANGED, detail="already stored")
            result = replace(result, check=check, new_version=None)
            new = None

    stored_new = new is not None and number is not None
    clear_validators = 1 if result.replace_validators else 0
    changes = {
        "target_id": article_id,
        "new_status": result.status.value,
        "new_next_check_at": result.next_check_at,
        "new_check_interval_s": result.check_interval.total_seconds(),
        "new_last_checked_at": result.check.checked_at,
        "new_etag": result.etag,
        "clear_etag": clear_validators,
        "new_last_modified": result.last_modified,
        "clear_last_modified": clear_validators,
        "new_version_count": number if stored_new else None,
        "new_title": new.title if new is not None and stored_new else new_title,
        "new_last_changed_at": new.captured_at if new is not None and stored_new else None,
    }
    dialect = connection.dialect
    if driver_statement(_UPDATE_ARTICLE, dialect).execute(connection, changes) == 0:
        raise NotFoundError(f"no article with id {article_id}")

    stored: Version | None = None
    if new is not None and number is not None:
        previous_id = None if latest is None else latest.id
        raw_page = page_to_store(connection, new.raw_html, number, previous_id)
        values = version_values(article_id, number, new, raw_page.values())
        inserted = connection.execute(_INSERT_VERSION, values)
        version_id = inserted_id(inserted)
        stored = new.stored_as(version_id, article_id, number)
    for url in result.aliases:
        _add_alias(connection, article_id, url)
    _write_rows(connection, result)
    write_outbox(connection, result, stored)  # alerts commit with the change (outbox.py)
    return stored


def _write_rows(connection: Connection, result: CheckResult) -> None:
    driver_statement(_INSERT_CHECK, connection.dialect).execute(
        connection, check_values(result.check)
    )
    if result.events:
        connection.execute(_INSERT_EVENT, [event_values(event) for event in result.events])


def _update_latest(
    connection: Connection, version_id: int, rewrite: LatestVersionUpdate
) -> str | None:
    """Rewrite the latest version's text (or only its hash); the new title, if rewritten
    (the article shows its latest version's title)."""
    values: dict[str, Any] = {"content_hash": rewrite.content_hash}
    if rewrite.title is not None and rewrite.paragraphs is not None:
        values["title"] = rewrite.title
        values["paragraphs"] = list(rewrite.paragraphs)
    if rewrite.extractor is not None:
        values["extractor"] = rewrite.extractor
    connection.execute(update(versions).where(versions.c.id == version_id).values(values))
    return rewrite.title if "title" in values else None


def _add_alias(connection: Connection, article_id: int, url: str) -> None:
    """Map ``url`` to the article, unless some article already has it (as URL or alias)."""
    known = connection.execute(
        select(articles.c.id)
        .where(articles.c.url == url)
        .union_all(select(article_aliases.c.article_id).where(article_aliases.c.url == url))
    ).first()
    if known is None:
        connection.execute(article_aliases.insert().values(url=url, article_id=article_id))


def _merge(connection: Connection, article_id: int, owner_id: int) -> bool:
    """Fold an article without versions into ``owner_id``: its URL and aliases become the
    owner's aliases and its row (with its checks and events) goes. False, and nothing
    written, when it has a version by now, is hidden, or the owner is gone."""
    row = connection.execute(
        select(articles.c.url, articles.c.status).where(articles.c.id == article_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}")
    owner = connection.execute(select(articles.c.id).where(articles.c.id == owner_id)).first()
    has_version = connection.execute(
        select(versions.c.id).where(versions.c.article_id == article_id).limit(1)
    ).first()
    if owner is None or has_version is not None or row.status == _HIDDEN:
        return False
    connection.execute(
        update(article_aliases)
        .where(article_aliases.c.article_id == article_id)
        .values(article_id=owner_id)
    )
    connection.execute(delete(articles).where(articles.c.id == article_id))
    _add_alias(connection, owner_id, row.url)
    return True


def _moved_to(result: CheckResult, owner_id: int) -> CheckResult:
    """The check and events of a merged article, recorded on the article it merged into."""
    return replace(
        result,
        check=replace(result.check, article_id=owner_id),
        events=tuple(replace(event, article_id=owner_id) for event in result.events),
    )
