"""SqlStore: the Store protocol on SQLAlchemy Core (SQLite by default, PostgreSQL ready).

Open one with :func:`newsdiffs.storage.open_store`. One engine per store; every public
method is one short transaction. Database failures surface as StorageError with a one-line
message, missing ids as NotFoundError; domain objects go in and out, never rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import Engine, Text, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from newsdiffs.core.decision import VersionHistory
from newsdiffs.errors import InputError, NotFoundError, StorageError
from newsdiffs.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckResult,
    EventKind,
    Source,
    Version,
)
from newsdiffs.storage import queries as q
from newsdiffs.storage.alerts_sql import SqlAlertStore
from newsdiffs.storage.base import (
    Claim,
    ClaimedRecord,
    EndpointState,
    PollIntake,
    SearchHit,
    Store,
    Totals,
)
from newsdiffs.storage.convert import (
    VERSION_COLUMNS,
    article_from_row,
    check_from_row,
    endpoint_state_from_row,
    event_from_row,
    source_from_row,
    source_values,
    version_from_row,
)
from newsdiffs.storage.driver import driver_statement
from newsdiffs.storage.engine import writer
from newsdiffs.storage.fulltext import search_versions
from newsdiffs.storage.intake import new_article_values, write_endpoint_state, write_poll
from newsdiffs.storage.rawpages import read_page
from newsdiffs.storage.recording import inserted_id, write_claimed_check
from newsdiffs.storage.schema import (
    CHECKED_STATUSES,
    article_aliases,
    articles,
    checks,
    endpoint_state,
    events,
    kind_pattern,
    sources,
    versions,
)
from newsdiffs.storage.upsert import upsert

# Body words of each version without loading its text: stored paragraphs are normalised
# (single spaces, no empty paragraph) and kept as compact JSON, so a paragraph's words are
# its spaces plus one. Agrees with core.anomaly.word_count on every normalised body.
_PARAGRAPHS_TEXT = cast(versions.c.paragraphs, Text)
_HASHES_AND_WORDS = (
    select(
        versions.c.content_hash,
        func.length(_PARAGRAPHS_TEXT)
        - func.length(func.replace(_PARAGRAPHS_TEXT, " ", ""))
        + func.json_array_length(versions.c.paragraphs),
    )
    .where(versions.c.article_id == bindparam("article_id"))
    .order_by(versions.c.number)
)


# Released claim: an article leaving the checked statuses is nobody's work any more.
_NO_CLAIM: dict[str, Any] = {"claim_token": None, "claimed_until": None}


def describe_error(error: SQLAlchemyError) -> str:
    """One line from a SQLAlchemy error: the driver's message without the SQL."""
    original = getattr(error, "orig", None)
    message = str(original) if original is not None else str(error)
    lines = message.strip().splitlines()
    return lines[0] if lines else type(error).__name__


class SqlStore(SqlAlertStore):
    """The Store protocol over one SQLAlchemy engine. Thread-safe; close() when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = writer(engine)

    # --- plumbing ----------------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise StorageError(f"database read failed: {describe_error(error)}") from error

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        try:
            with self._writer.begin() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise StorageError(f"database write failed: {describe_error(error)}") from error

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- sources -----------------------------------------------------------------------
    def upsert_source(self, source: Source) -> None:
        with self._writing() as connection:
            upsert(connection, sources, source_values(source), key="name")

    def get_source(self, name: str) -> Source | None:
        with self._reading() as connection:
            row = connection.execute(select(sources).where(sources.c.name == name)).first()
        return None if row is None else source_from_row(row)

    def list_sources(self) -> list[Source]:
        with self._reading() as connection:
            rows = connection.execute(select(sources).order_by(sources.c.name)).all()
        return [source_from_row(row) for row in rows]

    def remove_source(self, name: str) -> bool:
        """Remove a source; its active and gone articles stay, retired."""
        with self._writing() as connection:
            row = connection.execute(select(sources).where(sources.c.name == name)).first()
            if row is None:
                return False
            endpoint_urls = [endpoint.url for endpoint in source_from_row(row).endpoints]
            connection.execute(delete(sources).where(sources.c.name == name))
            connection.execute(
                delete(endpoint_state).where(endpoint_state.c.url.in_(endpoint_urls))
            )
            connection.execute(
                update(articles)
                .where(articles.c.source == name, articles.c.status.in_(CHECKED_STATUSES))
                .values(status=ArticleStatus.RETIRED.value, next_check_at=None, **_NO_CLAIM)
            )
        return True

    def endpoint_state(self, url: str) -> EndpointState:
        with self._reading() as connection:
            row = connection.execute(
                select(endpoint_state).where(endpoint_state.c.url == url)
            ).first()
        return EndpointState(url) if row is None else endpoint_state_from_row(row)

    def save_endpoint_state(self, state: EndpointState) -> None:
        with self._writing() as connection:
            write_endpoint_state(connection, state)

    def record_poll(
        self,
        state: EndpointState,
        source: str,
        urls: Sequence[str],
        now: datetime,
        policy: str = "newssniffer",
        max_new: int | None = None,
    ) -> PollIntake:
        """New articles and the endpoint state in one transaction (see Store.record_poll)."""
        arguments = (state, source, urls, now, policy, max_new)
        try:
            with self._writer.begin() as connection:
                return write_poll(connection, *arguments)
        except IntegrityError:
            pass  # another writer added one of these URLs meanwhile: once more, it is known
        except SQLAlchemyError as error:
            raise StorageError(f"recording a poll failed: {describe_error(error)}") from error
        try:
            with self._writer.begin() as connection:
                return write_poll(connection, *arguments)
        except SQLAlchemyError as error:
            raise StorageError(f"recording a poll failed: {describe_error(error)}") from error

    # --- articles ----------------------------------------------------------------------
    def add_article(
        self, source: str, url: str, now: datetime, policy: str = "newssniffer"
    ) -> tuple[Article, bool]:
        try:
            with self._writer.begin() as connection:
                return self._add_article(connection, source, url, now, policy)
        except IntegrityError:
            pass  # another writer added this URL between our look-up and insert: find it
        except SQLAlchemyError as error:
            raise StorageError(f"database write failed: {describe_error(error)}") from error
        with self._writing() as connection:
            return self._add_article(connection, source, url, now, policy)

    def _add_article(
        self, connection: Connection, source: str, url: str, now: datetime, policy: str
    ) -> tuple[Article, bool]:
        existing = _find_article(connection, url)
        if existing is not None:
            return existing, False
        article = Article(
            id=0, source=source, url=url, first_seen=now, next_check_at=now, schedule_policy=policy
        )
        values = new_article_values(source, url, now, policy)
        inserted = connection.execute(insert(articles).values(values))
        return replace(article, id=inserted_id(inserted)), True

    def add_alias(self, article_id: int, url: str) -> None:
        """Map ``url`` to the article. A URL already known (to any article) is left alone."""
        with self._writing() as connection:
            _require_article(connection, article_id)
            if _find_article(connection, url) is not None:
                return
            connection.execute(insert(article_aliases).values(url=url, article_id=article_id))

    def find_article(self, url: str) -> Article | None:
        with self._reading() as connection:
            return _find_article(connection, url)

    def get_article(self, article_id: int) -> Article:
        with self._reading() as connection:
            return _require_article(connection, article_id)

    def list_articles(
        self, source: str | None = None, offset: int = 0, limit: int = 50
    ) -> list[Article]:
        """Newest tracked first."""
        statement = q.SELECT_ARTICLE.order_by(articles.c.id.desc()).offset(offset).limit(limit)
        if source is not None:
            statement = statement.where(articles.c.source == source)
        with self._reading() as connection:
            return [article_from_row(row) for row in connection.execute(statement)]

    def count_articles(self, source: str | None = None) -> int:
        statement = select(func.count()).select_from(articles)
        if source is not None:
            statement = statement.where(articles.c.source == source)
        with self._reading() as connection:
            return int(connection.execute(statement).scalar_one())

    def due_articles(self, now: datetime, limit: int = 100) -> list[Article]:
        with self._reading() as connection:
            rows = connection.execute(q.DUE_ARTICLES, {"now": now, "limit": limit})
            return [article_from_row(row) for row in rows]

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Claim]:
        """Claim due articles (see TrackerStore.claim_due): one statement, one transaction."""
        if limit <= 0:
            return []
        token = secrets.token_hex(16)
        expires_at = now + lease
        parameters = {"now": now, "limit": limit, "token": token, "until": expires_at}
        with self._writing() as connection:
            rows = connection.execute(q.CLAIM_DUE, parameters).all()
        claimed = sorted(
            (article_from_row(row) for row in rows), key=lambda a: (a.next_check_at, a.id)
        )
        return [Claim(article, token, expires_at) for article in claimed]

    def next_due_at(self) -> datetime | None:
        with self._reading() as connection:
            # min() loses the column type on some backends: make sure values are aware UTC.
            found = [
                _as_utc(connection.execute(statement).scalar_one())
                for statement in (q.NEXT_UNCLAIMED_DUE, q.NEXT_CLAIM_LAPSE)
            ]
        return min((at for at in found if at is not None), default=None)

    def set_status(self, article_id: int, status: str) -> None:
        """Set an article's status. Retiring clears next_check_at; (re)activating an
        article without one makes it due at once. Raises InputError, NotFoundError."""
        try:
            new_status = ArticleStatus(status)
        except ValueError as error:
            raise InputError(f"unknown article status {status!r}") from error
        values: dict[str, Any] = {"status": new_status.value}
        if new_status.value not in CHECKED_STATUSES:
            values.update(_NO_CLAIM)  # a claim lives on checked articles only
        if new_status is ArticleStatus.RETIRED:
            values["next_check_at"] = None
        elif new_status.value in CHECKED_STATUSES:
            values["next_check_at"] = func.coalesce(
                articles.c.next_check_at, articles.c.last_checked_at, articles.c.first_seen
            )
        with self._writing() as connection:
            changed = connection.execute(
                update(articles).where(articles.c.id == article_id).values(values)
            )
            if changed.rowcount == 0:
                raise NotFoundError(f"no article with id {article_id}")

    # --- checks and versions -----------------------------------------------------------
    @overload
    def record_check(self, result: CheckResult, claim: None = None) -> Version | None: ...
    @overload
    def record_check(self, result: CheckResult, claim: Claim) -> ClaimedRecord: ...
    def record_check(
        self, result: CheckResult, claim: Claim | None = None
    ) -> Version | ClaimedRecord | None:
        """Write check, version, events and schedule in one transaction (see
        TrackerStore.record_check), behind the claim's compare-and-set if one is given.

        Validators: ``result.etag``/``last_modified`` of None keep the stored ones.
        Raises NotFoundError for an unknown article, StorageError if the write fails (then
        nothing at all was written).
        """
        recorded = self._record_check(result, claim)
        return recorded if claim is not None else recorded.version

    def _record_check(self, result: CheckResult, claim: Claim | None) -> ClaimedRecord:
        try:
            with self._writer.begin() as connection:
                return write_claimed_check(connection, result, claim)
        except IntegrityError:
            pass  # perhaps a concurrent writer took this version number: once more
        except SQLAlchemyError as error:
            raise StorageError(f"recording a check failed: {describe_error(error)}") from error
        try:
            with self._writer.begin() as connection:
                return write_claimed_check(connection, result, claim)
        except SQLAlchemyError as error:
            raise StorageError(f"recording a check failed: {describe_error(error)}") from error

    def versions(self, article_id: int) -> list[Version]:
        with self._reading() as connection:
            rows = connection.execute(q.VERSIONS_OF, {"article_id": article_id})
            return [version_from_row(row) for row in rows]

    def get_version(self, version_id: int) -> Version:
        with self._reading() as connection:
            row = connection.execute(q.VERSION_BY_ID, {"id": version_id}).first()
        if row is None:
            raise NotFoundError(f"no version with id {version_id}")
        return version_from_row(row)

    def versions_by_id(self, version_ids: Sequence[int]) -> dict[int, Version]:
        if not version_ids:
            return {}
        with self._reading() as connection:
            rows = connection.execute(q.VERSIONS_BY_ID, {"ids": list(version_ids)})
            return {version.id: version for version in map(version_from_row, rows)}

    def version_at(self, article_id: int, number: int) -> Version:
        with self._reading() as connection:
            parameters = {"article_id": article_id, "number": number}
            row = connection.execute(q.VERSION_AT, parameters).first()
        if row is None:
            raise NotFoundError(f"article {article_id} has no version {number}")
        return version_from_row(row)

    def previous_versions(self, version_ids: Sequence[int]) -> dict[int, Version]:
        """Version n-1 of each version n in ``version_ids``, by the latter's id (one query).

        First versions and unknown ids are left out.
        """
        if not version_ids:
            return {}
        with self._reading() as connection:
            rows = connection.execute(q.PREVIOUS_VERSIONS, {"ids": list(version_ids)})
            return {row[0]: version_from_row(row[1:]) for row in rows}

    def latest_version(self, article_id: int) -> Version | None:
        with self._reading() as connection:
            row = connection.execute(q.LATEST_VERSION, {"article_id": article_id}).first()
        return None if row is None else version_from_row(row)

    def latest_content_hash(self, article_id: int) -> str | None:
        # Asked on every check that gets a page: straight to the driver (storage/driver.py).
        with self._reading() as connection:
            statement = driver_statement(q.LATEST_HASH, connection.dialect)
            found = statement.scalar(connection, {"article_id": article_id})
        return None if found is None else str(found)

    def raw_html(self, version_id: int) -> bytes:
        with self._reading() as connection:
            return read_page(connection, version_id)

    def hash_counts(self, article_id: int) -> dict[str, int]:
        with self._reading() as connection:
            rows = connection.execute(q.HASH_COUNTS, {"article_id": article_id})
            return {content_hash: n for content_hash, n in rows}

    def version_history(self, article_id: int) -> VersionHistory:
        with self._reading() as connection:
            row = connection.execute(q.LATEST_VERSION, {"article_id": article_id}).first()
            counted = connection.execute(_HASHES_AND_WORDS, {"article_id": article_id}).all()
        hash_counts: dict[str, int] = {}
        for content_hash, _words in counted:
            hash_counts[content_hash] = hash_counts.get(content_hash, 0) + 1
        return VersionHistory(
            latest=None if row is None else version_from_row(row),
            hash_counts=hash_counts,
            word_counts=tuple(int(words or 0) for _hash, words in counted),
        )

    def checks(self, article_id: int, limit: int = 50) -> list[Check]:
        """Newest first."""
        with self._reading() as connection:
            rows = connection.execute(q.CHECKS_OF, {"article_id": article_id, "limit": limit})
            return [check_from_row(row) for row in rows]

    def events(self, article_id: int) -> list[ArticleEvent]:
        """Oldest first."""
        with self._reading() as connection:
            rows = connection.execute(q.EVENTS_OF, {"article_id": article_id})
            return [event_from_row(row) for row in rows]

    # --- overviews ---------------------------------------------------------------------
    def totals(self) -> Totals:
        with self._reading() as connection:
            counts = [
                int(connection.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (articles, versions, sources)
            ]
        return Totals(articles=counts[0], versions=counts[1], sources=counts[2])

    def last_check_at(self) -> datetime | None:
        with self._reading() as connection:
            value = connection.execute(select(func.max(checks.c.checked_at))).scalar_one()
        return _as_utc(value)

    def source_counts(self) -> dict[str, tuple[int, int]]:
        statement = select(
            articles.c.source, func.count(), func.coalesce(func.sum(articles.c.version_count), 0)
        ).group_by(articles.c.source)
        with self._reading() as connection:
            counts = {name: (0, 0) for name in connection.execute(select(sources.c.name)).scalars()}
            for name, n_articles, n_versions in connection.execute(statement):
                counts[name] = (int(n_articles), int(n_versions))
        return dict(sorted(counts.items()))

    def latest_changes(
        self,
        offset: int = 0,
        limit: int = 50,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: str | None = None,
    ) -> list[tuple[Article, Version]]:
        if kind is not None and not kind.replace("_", "").isalpha():
            return []  # not a kind: and never a LIKE pattern of its own
        pattern = kind_pattern(kind) if kind is not None else None
        statement = q.latest_changes_statement(offset, limit, source, since, until, pattern)
        with self._reading() as connection:
            rows = connection.execute(statement).all()
        split = len(VERSION_COLUMNS)
        return [(article_from_row(row[split:]), version_from_row(row[:split])) for row in rows]

    def event_counts(self, kind: EventKind, since: datetime | None = None) -> dict[str, int]:
        statement = (
            select(articles.c.source, func.count())
            .join(events, events.c.article_id == articles.c.id)
            .where(events.c.kind == kind)
            .group_by(articles.c.source)
        )
        if since is not None:
            statement = statement.where(events.c.at >= since)
        with self._reading() as connection:
            return {source: int(count) for source, count in connection.execute(statement)}

    def update_version_text(
        self,
        version_id: int,
        title: str,
        paragraphs: tuple[str, ...],
        content_hash: str,
        extractor: str,
    ) -> None:
        """Replace a version's extracted text (re-extraction); its capture stays as it was."""
        statement = (
            update(versions)
            .where(versions.c.id == version_id)
            .values(
                title=title,
                paragraphs=list(paragraphs),
                content_hash=content_hash,
                extractor=extractor,
            )
        )
        with self._writing() as connection:
            if connection.execute(statement).rowcount == 0:
                raise NotFoundError(f"no version with id {version_id}")
            article_id = connection.execute(
                select(versions.c.article_id).where(versions.c.id == version_id)
            ).scalar_one()
            latest = connection.execute(
                select(versions.c.id, versions.c.title)
                .where(versions.c.article_id == article_id)
                .order_by(versions.c.number.desc())
                .limit(1)
            ).one()
            if latest.id == version_id:
                connection.execute(
                    update(articles).where(articles.c.id == article_id).values(title=title)
                )

    def search(
        self, query: str, source: str | None = None, offset: int = 0, limit: int = 20
    ) -> list[SearchHit]:
        """Full-text search (see Store.search): SQLite FTS5 or PostgreSQL tsvector."""
        with self._reading() as connection:
            return search_versions(connection, query, source, offset, limit)


def _find_article(connection: Connection, url: str) -> Article | None:
    row = connection.execute(q.ARTICLE_BY_URL, {"url": url}).first()
    if row is None:
        row = connection.execute(q.ARTICLE_BY_ALIAS, {"url": url}).first()
    return None if row is None else article_from_row(row)


def _require_article(connection: Connection, article_id: int) -> Article:
    row = connection.execute(q.ARTICLE_BY_ID, {"id": article_id}).first()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}")
    return article_from_row(row)


def _as_utc(value: Any) -> datetime | None:
    """Aggregates (min, max) may come back untyped: a naive datetime or an SQLite string."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise StorageError(f"unexpected timestamp {value!r} from the database")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


if TYPE_CHECKING:

    def _conforms_to_the_store_protocol(store: SqlStore) -> Store:
        return store  # mypy checks every Store method's signature here
