"""Initial schema: sources, endpoint state, articles, aliases, versions, checks, events.

Also a full-text index over versions (title, body), kept in sync by triggers: an FTS5 table
reading through a view on SQLite, a table of tsvectors on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from newsdiffs.storage.schema import UTCDateTime

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the id type: later schema changes must not alter this migration.
Id: Any = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# The body is the paragraphs joined by newlines, computed from the JSON array.
_BODY_SQL = "(SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs))"

SQLITE_FTS_UP = [
    "CREATE VIEW versions_fts_source AS SELECT id, title, "
    + _BODY_SQL.format(row="versions")
    + " AS body FROM versions",
    "CREATE VIRTUAL TABLE versions_fts USING fts5(title, body, content='versions_fts_source',"
    " content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN "
    "INSERT INTO versions_fts(rowid, title, body) VALUES (new.id, new.title, "
    + _BODY_SQL.format(row="new")
    + "); END",
    "CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, body) VALUES ('delete', old.id, "
    "old.title, " + _BODY_SQL.format(row="old") + "); END",
]

POSTGRES_FTS_UP = [
    "CREATE TABLE versions_fts (version_id BIGINT PRIMARY KEY REFERENCES versions(id)"
    " ON DELETE CASCADE, title_tsv tsvector NOT NULL, all_tsv tsvector NOT NULL)",
    "CREATE INDEX versions_fts_title_tsv ON versions_fts USING gin (title_tsv)",
    "CREATE INDEX versions_fts_all_tsv ON versions_fts USING gin (all_tsv)",
    """CREATE FUNCTION versions_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO versions_fts (version_id, title_tsv, all_tsv) VALUES (
        NEW.id,
        to_tsvector('english', NEW.title),
        to_tsvector('english', NEW.title || chr(10) || coalesce(
            (SELECT string_agg(value, chr(10)) FROM json_array_elements_text(NEW.paragraphs)),
            '')));
    RETURN NEW;
END $$""",
    "CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions FOR EACH ROW"
    " EXECUTE FUNCTION versions_fts_sync()",
]

POSTGRES_FTS_DOWN = [
    "DROP TRIGGER IF EXISTS versions_fts_insert ON versions",
    "DROP FUNCTION IF EXISTS versions_fts_sync()",
    "DROP TABLE IF EXISTS versions_fts",
]

SQLITE_FTS_DOWN = [
    "DROP TRIGGER IF EXISTS versions_fts_delete",
    "DROP TRIGGER IF EXISTS versions_fts_insert",
    "DROP TABLE IF EXISTS versions_fts",
    "DROP VIEW IF EXISTS versions_fts_source",
]


def _article_fk() -> sa.ForeignKey:
    return sa.ForeignKey("articles.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("home_url", sa.Text(), nullable=False),
        sa.Column("endpoints", sa.JSON(), nullable=False),
        sa.Column("include_patterns", sa.JSON(), nullable=False),
        sa.Column("exclude_patterns", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_sources"),
    )
    op.create_table(
        "endpoint_state",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("last_polled_at", UTCDateTime()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.PrimaryKeyConstraint("url", name="pk_endpoint_state"),
    )
    op.create_table(
        "articles",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("next_check_at", UTCDateTime()),
        sa.Column("check_interval_s", sa.Float(), nullable=False),
        sa.Column("last_checked_at", UTCDateTime()),
        sa.Column("last_changed_at", UTCDateTime()),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("schedule_policy", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("url", name="uq_articles_url"),
    )
    op.create_index("ix_articles_due", "articles", ["status", "next_check_at"])
    op.create_index("ix_articles_source_id", "articles", ["source", "id"])
    op.create_table(
        "article_aliases",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("article_id", Id, _article_fk(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_article_aliases"),
        sa.UniqueConstraint("url", name="uq_article_aliases_url"),
    )
    op.create_index("ix_article_aliases_article_id", "article_aliases", ["article_id"])
    op.create_table(
        "versions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("article_id", Id, _article_fk(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("byline", sa.Text()),
        sa.Column("published", UTCDateTime()),
        sa.Column("updated", UTCDateTime()),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("extractor", sa.String(100), nullable=False),
        sa.Column("raw_html", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_versions"),
        sa.UniqueConstraint("article_id", "number", name="uq_versions_article_id_number"),
        sa.CheckConstraint("number >= 1", name="ck_versions_number_positive"),
    )
    op.create_index("ix_versions_captured_at", "versions", ["captured_at"])
    op.create_table(
        "checks",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("article_id", Id, _article_fk(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("http_status", sa.Integer()),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_checks"),
    )
    op.create_index("ix_checks_article_id_checked_at", "checks", ["article_id", "checked_at"])
    op.create_index("ix_checks_checked_at", "checks", ["checked_at"])
    op.create_table(
        "events",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("article_id", Id, _article_fk(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.CheckConstraint("kind <> ''", name="ck_events_kind_not_empty"),
    )
    op.create_index("ix_events_article_id_at", "events", ["article_id", "at"])
    for statement in _full_text_statements(up=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _full_text_statements(up=False):
        op.execute(statement)
    for table in ("events", "checks", "versions", "article_aliases", "articles"):
        op.drop_table(table)
    op.drop_table("endpoint_state")
    op.drop_table("sources")


def _full_text_statements(up: bool) -> list[str]:
    """The full-text index DDL for this backend (none for backends without one)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_FTS_UP if up else SQLITE_FTS_DOWN
    if dialect == "postgresql":
        return POSTGRES_FTS_UP if up else POSTGRES_FTS_DOWN
    return []
