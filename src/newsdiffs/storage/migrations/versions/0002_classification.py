"""Store each version's change classification (issue 4): significance, kinds, JSON.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_COLUMNS = (
    ("significance", sa.Float()),
    ("change_kinds", sa.Text()),
    ("classification", sa.Text()),
)


# Plain ALTER TABLE on both dialects: a batch "recreate" on SQLite would drop the table the
# full-text view and triggers of 0001 read from.
def upgrade() -> None:
    for name, kind in _COLUMNS:
        op.add_column("versions", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _kind in reversed(_COLUMNS):
        op.execute(f"ALTER TABLE versions DROP COLUMN {name}")
