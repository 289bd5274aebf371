"""Store the words each version inserted and deleted (issue 9: counted at write time).

``versions.words_added``/``words_removed``: headline, byline and body words the change from
the previous version inserted and deleted (``newsdiffs.core.word_counts``). Lists show them
instead of diffing every row on every page view.

Rows stored before this migration keep NULL: readers count them from the stored
classification (or by diffing, for rows without one) when they need them. A backfill here
would have to run the word diff over every stored version inside the migration.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("words_added", "words_removed")


# Plain ALTER TABLE on both dialects, as in 0002: a batch "recreate" on SQLite would drop the
# table the full-text view and triggers of 0001 read from.
def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("versions", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE versions DROP COLUMN {name}")
