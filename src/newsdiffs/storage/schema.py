"""The SQL schema as SQLAlchemy Core tables.

This module describes the *current* schema for queries and for checking that the Alembic
migrations produce it (``tests/test_migrations.py``). The migrations in
``storage/migrations/versions`` are what actually create and change tables: when you change
a table here, add a migration.

Times are stored as naive UTC (:class:`UTCDateTime`) and come back timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

from newsdiffs.models import ArticleStatus


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, stored as naive UTC. Naive input is a bug: rejected."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# 64-bit ids on PostgreSQL; INTEGER PRIMARY KEY (the rowid) on SQLite.
Id: Any = BigInteger().with_variant(Integer(), "sqlite")

# Stable constraint names, so migrations can refer to them on every backend.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = Table(
    "sources",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("home_url", Text, nullable=False),
    Column("endpoints", JSON, nullable=False),
    Column("include_patterns", JSON, nullable=False),
    Column("exclude_patterns", JSON, nullable=False),
)

endpoint_state = Table(
    "endpoint_state",
    metadata,
    Column("url", Text, primary_key=True),
    Column("last_polled_at", UTCDateTime),
    Column("etag", Text),
    Column("last_modified", Text),
)

# Statuses the tracker checks (gone and redirected pages come back), and the same as SQL:
# the predicate of the partial index ix_articles_claimable, which a query must repeat with
# these literal values (not bound parameters) for SQLite to use that index.
CHECKED_STATUSES = (
    ArticleStatus.ACTIVE.value,
    ArticleStatus.GONE.value,
    ArticleStatus.REDIRECTED.value,
)
CHECKED_WHERE = "status IN (" + ", ".join(f"'{status}'" for status in CHECKED_STATUSES) + ")"

# ``source`` is deliberately not a foreign key: removing a source keeps its articles.
articles = Table(
    "articles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False),
    Column("url", Text, nullable=False, unique=True),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("next_check_at", UTCDateTime),
    Column("check_interval_s", Float, nullable=False, default=0.0),
    Column("last_checked_at", UTCDateTime),
    Column("last_changed_at", UTCDateTime),
    Column("version_count", Integer, nullable=False, default=0),
    Column("title", Text, nullable=False, default=""),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("schedule_policy", String(40), nullable=False),
    # The claim that holds the article (Store.claim_due; migration 0005). NULL: unclaimed.
    Column("claim_token", String(32)),
    Column("claimed_until", UTCDateTime),
    Index("ix_articles_source_id", "source", "id"),
    # Store.claim_due walks this in due order and stops at its limit (migration 0005: it
    # replaced ix_articles_due on (status, next_check_at)).
    Index(
        "ix_articles_claimable",
        "next_check_at",
        "id",
        sqlite_where=text(CHECKED_WHERE),
        postgresql_where=text(CHECKED_WHERE),
    ),
    # The outstanding claims only.
    Index(
        "ix_articles_claimed_until",
        "claimed_until",
        sqlite_where=text("claimed_until IS NOT NULL"),
        postgresql_where=text("claimed_until IS NOT NULL"),
    ),
)

article_aliases = Table(
    "article_aliases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False, unique=True),
    Column(
        "article_id",
        Id,
        ForeignKey("articles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

# Kinds of change with a partial index each (migration 0003): core.classify.ChangeKind.
INDEXED_KINDS = (
    "headline",
    "lede",
    "byline",
    "correction_notice",
    "numbers",
    "quotes",
    "appended",
    "typo",
    "cosmetic",
)


def kind_pattern(kind: str) -> str:
    """The LIKE pattern that finds ``kind`` in ``versions.change_kinds``."""
    return f"%,{kind},%"


def _kind_index(kind: str) -> Index:
    where = text(f"change_kinds LIKE '{kind_pattern(kind)}'")
    return Index(
        f"ix_versions_kind_{kind}", "captured_at", sqlite_where=where, postgresql_where=where
    )


# raw_html is the last column: SQLite then reads the other columns without its overflow pages.
versions = Table(
    "versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("captured_at", UTCDateTime, nullable=False),
    Column("title", Text, nullable=False),
    Column("byline", Text),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("paragraphs", JSON, nullable=False),
    Column("content_hash", String(128), nullable=False),
    Column("extractor", String(100), nullable=False),
    Column("raw_html", LargeBinary, nullable=False),
    Column("significance", Float),
    Column("change_kinds", Text),  # ",kind,kind," so LIKE '%,kind,%' finds one
    Column("classification", Text),  # core.classify.Classification.to_json_dict as JSON
    Column("words_added", Integer),  # core.word_counts.words_changed (migration 0004)
    Column("words_removed", Integer),
    # The version whose raw page raw_html is compressed against (storage/rawpages.py,
    # migration 0006); NULL: raw_html is compressed alone. Indexed for the foreign key.
    Column("raw_base_version_id", Id, ForeignKey("versions.id"), index=True),
    UniqueConstraint("article_id", "number"),
    CheckConstraint("number >= 1", name="number_positive"),
    Index("ix_versions_captured_at", "captured_at"),
    *(_kind_index(kind) for kind in INDEXED_KINDS),
)

checks = Table(
    "checks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("checked_at", UTCDateTime, nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("http_status", Integer),
    Column("bytes", Integer, nullable=False, default=0),
    Column("duration_ms", Float, nullable=False, default=0.0),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_checks_article_id_checked_at", "article_id", "checked_at"),
    Index("ix_checks_checked_at", "checked_at"),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    CheckConstraint("kind <> ''", name="kind_not_empty"),
    Index("ix_events_article_id_at", "article_id", "at"),
)

# Alert rules (migration 0007): core.alert_rules.rule_to_dict as JSON text. origin "config":
# from newsdiffs.toml, replaced at every start; "admin": added by the CLI or the API.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("definition", Text, nullable=False),
    Column("origin", String(20), nullable=False),
)

# The alerts outbox (migration 0007, storage/outbox.py): one row per (rule, target, version or
# event), written in the transaction that records the change. Rows go with their article
# (and version, event): a deleted or merged-away article has nothing left to link to.
ALERT_PENDING_WHERE = "status = 'pending'"
alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("rule", String(100), nullable=False),
    Column("target_index", Integer, nullable=False),
    Column("target", Text, nullable=False),  # the TargetSpec as JSON, copied from the rule
    Column("target_url", Text, nullable=False),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("version_id", Id, ForeignKey("versions.id", ondelete="CASCADE"), index=True),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), index=True),
    Column("event_kind", String(40)),
    Column("event_detail", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("remote_id", Text),
    Column("sent_at", UTCDateTime),
    Index("ix_alerts_article_id", "article_id"),
    Index("ix_alerts_target_url_sent_at", "target_url", "sent_at"),
    Index("ix_alerts_status_id", "status", "id"),
    # claim_alerts walks the pending rows only, in due order.
    Index(
        "ix_alerts_pending",
        "next_attempt_at",
        "id",
        sqlite_where=text(ALERT_PENDING_WHERE),
        postgresql_where=text(ALERT_PENDING_WHERE),
    ),
)

# Full-text index objects, created by the migrations with raw SQL (Core has no virtual tables
# or tsvector indexes): SQLite FTS5 reading through a view, PostgreSQL tsvector columns, both
# kept in sync by triggers. Names with this prefix are skipped when comparing schema and
# migrations.
FTS_PREFIX = "versions_fts"

__all__ = [
    "ALERT_PENDING_WHERE",
    "CHECKED_STATUSES",
    "CHECKED_WHERE",
    "FTS_PREFIX",
    "INDEXED_KINDS",
    "UTCDateTime",
    "alert_rules",
    "alerts",
    "article_aliases",
    "articles",
    "checks",
    "endpoint_state",
    "events",
    "kind_pattern",
    "metadata",
    "sources",
    "versions",
]
