"""Alerts (issue 11): the rules, and the outbox written with each recorded change.

``alert_rules``: one row per rule, its definition as JSON (``core.alert_rules.rule_to_dict``)
and where it came from (``config``: newsdiffs.toml, synced at start; ``admin``: CLI or API).

``alerts``: the transactional outbox (``storage/outbox.py``). A change that matches a rule
writes one row per target in the same transaction as the version or event, with a stable
``key`` (unique: a row is never written twice for the same rule, target and change). The
sender claims pending rows through ``ix_alerts_pending`` (partial: pending rows only, so it
stays as small as the backlog however many alerts were ever sent), rate limits count sent
rows through ``ix_alerts_target_url_sent_at``. Rows are deleted with their article, version
or event (ON DELETE CASCADE).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("status = 'pending'")


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_alert_rules"),
    )
    op.create_table(
        "alerts",
        sa.Column("id", _id(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("target_index", sa.Integer(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_url", sa.Text(), nullable=False),
        sa.Column("article_id", _id(), nullable=False),
        sa.Column("version_id", _id()),
        sa.Column("event_id", _id()),
        sa.Column("event_kind", sa.String(40)),
        sa.Column("event_detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("remote_id", sa.Text()),
        sa.Column("sent_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.UniqueConstraint("key", name="uq_alerts_key"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_alerts_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name="fk_alerts_version_id_versions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_alerts_event_id_events", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_alerts_article_id", "alerts", ["article_id"])
    op.create_index("ix_alerts_version_id", "alerts", ["version_id"])
    op.create_index("ix_alerts_event_id", "alerts", ["event_id"])
    op.create_index("ix_alerts_target_url_sent_at", "alerts", ["target_url", "sent_at"])
    op.create_index("ix_alerts_status_id", "alerts", ["status", "id"])
    op.create_index(
        "ix_alerts_pending",
        "alerts",
        ["next_attempt_at", "id"],
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("alert_rules")
