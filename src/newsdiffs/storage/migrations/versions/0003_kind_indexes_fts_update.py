"""Partial indexes per kind of change; the full-text index follows re-extracted text.

``versions.change_kinds`` holds ",kind,kind,"; the latest-changes query filters with
``change_kinds LIKE '%,kind,%'`` (the literal pattern, so the planner can match it to the
index's WHERE) and walks the matching versions newest first through one small index per
kind instead of scanning every version for a kind that is rare.

``Store.update_version_text`` (``newsdiffs reextract``) rewrites a version's title and
paragraphs: a trigger now re-indexes them (0001 only indexed inserts and deletes).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# core.classify.ChangeKind values when this migration was written.
KINDS = (
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


_BODY_SQL = "(SELECT group_concat(value, char(10)) FROM json_each({row}.paragraphs))"
SQLITE_UP = [
    "CREATE TRIGGER versions_fts_update AFTER UPDATE OF title, paragraphs ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, body) VALUES ('delete', old.id, "
    "old.title, " + _BODY_SQL.format(row="old") + "); "
    "INSERT INTO versions_fts(rowid, title, body) VALUES (new.id, new.title, "
    + _BODY_SQL.format(row="new")
    + "); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS versions_fts_update"]
POSTGRES_UP = [
    """CREATE FUNCTION versions_fts_resync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM versions_fts WHERE version_id = OLD.id;
    INSERT INTO versions_fts (version_id, title_tsv, all_tsv) VALUES (
        NEW.id,
        to_tsvector('english', NEW.title),
        to_tsvector('english', NEW.title || chr(10) || coalesce(
            (SELECT string_agg(value, chr(10)) FROM json_array_elements_text(NEW.paragraphs)),
            '')));
    RETURN NEW;
END $$""",
    "CREATE TRIGGER versions_fts_update AFTER UPDATE OF title, paragraphs ON versions"
    " FOR EACH ROW EXECUTE FUNCTION versions_fts_resync()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS versions_fts_update ON versions",
    "DROP FUNCTION IF EXISTS versions_fts_resync()",
]


def _full_text_statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    if dialect == "postgresql":
        return POSTGRES_UP if up else POSTGRES_DOWN
    return []


def upgrade() -> None:
    for statement in _full_text_statements(up=True):
        op.execute(statement)
    for kind in KINDS:
        where = sa.text(f"change_kinds LIKE '%,{kind},%'")
        op.create_index(
            f"ix_versions_kind_{kind}",
            "versions",
            ["captured_at"],
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    for kind in reversed(KINDS):
        op.drop_index(f"ix_versions_kind_{kind}", table_name="versions")
    for statement in _full_text_statements(up=False):
        op.execute(statement)
