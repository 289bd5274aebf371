"""Claims on due articles (issue 10): each due article is handed to one claimer at a time.

``articles.claim_token``: the token of the claim that holds the article (NULL: unclaimed);
``articles.claimed_until``: when that claim lapses (naive UTC, as every stored time).
``Store.claim_due`` sets both, a ``record_check`` made under the claim clears them, and a
claim whose time has passed may be taken again (a claimer that died loses nothing).

``ix_articles_claimable`` (next_check_at, id) over the checked statuses replaces
``ix_articles_due`` (status, next_check_at): ``claim_due`` walks it in due order and stops
at its limit, skipping the few claimed rows it meets. Through the old index the IN over
three statuses made both databases sort every due article: 200 of 100,000 took 62 ms on
PostgreSQL, 9 ms through the new one (SQLite: 2.4 ms, and 2.8 ms at 1,000,000). SQLite
preferred the old index to the new one, so the old one goes.

``ix_articles_claimed_until`` holds the outstanding claims only (a few batches, not one
entry per article): ``next_due_at`` finds the earliest lapse through it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLAIMED_INDEX = "ix_articles_claimed_until"
_CLAIMED = sa.text("claimed_until IS NOT NULL")
_CLAIMABLE_INDEX = "ix_articles_claimable"
_DUE_INDEX = "ix_articles_due"
# schema.CHECKED_WHERE as of this revision.
_CHECKED = sa.text("status IN ('active', 'gone', 'redirected')")


# Plain ALTER TABLE on both dialects, as in 0002 and 0004 (no batch "recreate" on SQLite).
def upgrade() -> None:
    op.add_column("articles", sa.Column("claim_token", sa.String(32), nullable=True))
    op.add_column("articles", sa.Column("claimed_until", sa.DateTime(), nullable=True))
    op.drop_index(_DUE_INDEX, table_name="articles")
    op.create_index(
        _CLAIMABLE_INDEX,
        "articles",
        ["next_check_at", "id"],
        sqlite_where=_CHECKED,
        postgresql_where=_CHECKED,
    )
    op.create_index(
        _CLAIMED_INDEX,
        "articles",
        ["claimed_until"],
        sqlite_where=_CLAIMED,
        postgresql_where=_CLAIMED,
    )


def downgrade() -> None:
    op.drop_index(_CLAIMED_INDEX, table_name="articles")
    op.drop_index(_CLAIMABLE_INDEX, table_name="articles")
    op.create_index(_DUE_INDEX, "articles", ["status", "next_check_at"])
    op.execute("ALTER TABLE articles DROP COLUMN claimed_until")
    op.execute("ALTER TABLE articles DROP COLUMN claim_token")
