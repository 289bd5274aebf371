"""Raw pages compressed against the article's previous capture (issue 10).

``versions.raw_base_version_id``: the version whose raw page ``raw_html`` is compressed
against (a zstd raw-content dictionary; ``storage/rawpages.py``). NULL: ``raw_html`` is
compressed alone, as every row stored before this migration is: old rows read as they are,
nothing is rewritten on the way up.

The foreign key refuses to delete a version another one is compressed against (deleting an
article deletes its whole history in one statement, which it allows); its index keeps that
check, run for every deleted version, from scanning the table.

Downgrading rewrites every compressed-against row as a page compressed alone first (the
code of 0005 cannot read them), then drops the column.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import zstandard
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMN = "raw_base_version_id"
_INDEX = "ix_versions_raw_base_version_id"
_FOREIGN_KEY = "fk_versions_raw_base_version_id_versions"
# convert.ZSTD_LEVEL as of this revision.
_LEVEL = 6
_MAX_PAGE_BYTES = 1 << 30
# Decoded pages kept while rewriting one article (bases are the version just before).
_PAGES_KEPT = 8


# Plain ALTER TABLE on both dialects, as in 0002 and 0004 (no batch "recreate" on SQLite: it
# would drop the table the full-text view and triggers of 0001 read from). SQLite takes the
# foreign key inline in ADD COLUMN (the column's default is NULL).
def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # Alembic cannot add the constraint there
        op.execute(
            f"ALTER TABLE versions ADD COLUMN {_COLUMN} INTEGER "
            f"CONSTRAINT {_FOREIGN_KEY} REFERENCES versions (id)"
        )
    else:
        foreign_key = sa.ForeignKey("versions.id", name=_FOREIGN_KEY)
        op.add_column("versions", sa.Column(_COLUMN, sa.BigInteger(), foreign_key))
    op.create_index(_INDEX, "versions", [_COLUMN])


def downgrade() -> None:
    _store_every_page_alone(op.get_bind())
    op.drop_index(_INDEX, table_name="versions")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(_FOREIGN_KEY, "versions", type_="foreignkey")
    op.execute(f"ALTER TABLE versions DROP COLUMN {_COLUMN}")


def _store_every_page_alone(connection: sa.Connection) -> None:
    """Rewrite each compressed-against page as compressed alone, article by article, in
    version order (a base is always an earlier version of the same article)."""
    articles = connection.execute(
        sa.text(f"SELECT DISTINCT article_id FROM versions WHERE {_COLUMN} IS NOT NULL")
    ).scalars()
    compressor = zstandard.ZstdCompressor(level=_LEVEL)
    for article_id in list(articles):
        rows = connection.execute(
            sa.text(
                f"SELECT id, {_COLUMN}, raw_html FROM versions WHERE article_id = :article "
                "ORDER BY number"
            ),
            {"article": article_id},
        ).all()
        pages: dict[int, bytes] = {}
        for version_id, base_id, stored in rows:
            base = None if base_id is None else pages[base_id]
            page = _decompress(bytes(stored), base)
            if base is not None:
                connection.execute(
                    sa.text(
                        f"UPDATE versions SET raw_html = :page, {_COLUMN} = NULL WHERE id = :id"
                    ),
                    {"page": compressor.compress(page), "id": version_id},
                )
            pages[version_id] = page
            if len(pages) > _PAGES_KEPT:
                del pages[next(iter(pages))]


def _decompress(stored: bytes, base: bytes | None) -> bytes:
    if base is None:
        decompressor = zstandard.ZstdDecompressor()
    else:
        dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        decompressor = zstandard.ZstdDecompressor(dict_data=dictionary)
    return decompressor.decompress(stored, max_output_size=_MAX_PAGE_BYTES)
