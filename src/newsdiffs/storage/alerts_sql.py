"""The AlertStore role on SQL: a mixin of :class:`newsdiffs.storage.sql.SqlStore`.

Claims follow ``Store.claim_due``: one UPDATE over a sub-select of due pending rows, locked
FOR UPDATE SKIP LOCKED on PostgreSQL (concurrent senders take disjoint rows without
waiting), one write transaction (BEGIN IMMEDIATE) on SQLite, which serialises senders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from newsdiffs.core.alert_rules import AlertRule, rule_to_dict
from newsdiffs.models import ArticleStatus
from newsdiffs.storage.base import OutboxAlert
from newsdiffs.storage.outbox import stored_rules, target_from_json
from newsdiffs.storage.schema import UTCDateTime, alert_rules, alerts, articles
from newsdiffs.storage.upsert import upsert

STATUSES = ("pending", "sent", "dead", "dropped")
WAYBACK_SCHEMES = ("wayback://", "waybacks://")
_ERROR_MAX = 1_000
_NOW = bindparam("now", type_=UTCDateTime())
_CANDIDATE = alerts.alias("candidate")
_CLAIM = (
    update(alerts)
    .where(
        alerts.c.id.in_(
            select(_CANDIDATE.c.id)
            .where(_CANDIDATE.c.status == "pending", _CANDIDATE.c.next_attempt_at <= _NOW)
            .order_by(_CANDIDATE.c.id)
            .limit(bindparam("limit"))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(next_attempt_at=bindparam("until", type_=UTCDateTime()))
    .returning(*alerts.columns)
)
# Pending rows of articles hidden since they were written: dropped, never sent.
_DROP_HIDDEN = (
    update(alerts)
    .where(
        alerts.c.status == "pending",
        alerts.c.article_id.in_(
            select(articles.c.id).where(articles.c.status == ArticleStatus.HIDDEN.value)
        ),
    )
    .values(status="dropped", last_error="the article was hidden: never sent")
)


def alert_from_row(row: Any) -> OutboxAlert:
    return OutboxAlert(
        id=row.id,
        key=row.key,
        rule=row.rule,
        target=target_from_json(row.target),
        article_id=row.article_id,
        version_id=row.version_id,
        event_id=row.event_id,
        created_at=row.created_at,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        remote_id=row.remote_id,
        sent_at=row.sent_at,
        event_kind=row.event_kind,
        event_detail=row.event_detail,
    )


class SqlAlertStore:
    """AlertStore over the store's engine (see :class:`newsdiffs.storage.base.AlertStore`)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    # --- the outbox ----------------------------------------------------------------------
    def claim_alerts(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxAlert]:
        if limit <= 0:
            return []
        with self._writing() as connection:
            connection.execute(_DROP_HIDDEN)
            rows = connection.execute(
                _CLAIM, {"now": now, "limit": limit, "until": now + lease}
            ).all()
        return sorted((alert_from_row(row) for row in rows), key=lambda alert: alert.id)

    def _update_alert(self, alert_id: int, values: dict[str, Any]) -> None:
        with self._writing() as connection:
            connection.execute(update(alerts).where(alerts.c.id == alert_id).values(values))

    def mark_alert_sent(self, alert_id: int, at: datetime, remote_id: str | None) -> None:
        self._update_alert(
            alert_id,
            {
                "status": "sent",
                "sent_at": at,
                "remote_id": remote_id,
                "attempts": alerts.c.attempts + 1,
                "last_error": "",
            },
        )

    def mark_alert_failed(
        self, alert_id: int, at: datetime, error: str, retry_at: datetime | None
    ) -> None:
        values: dict[str, Any] = {
            "attempts": alerts.c.attempts + 1,
            "last_error": " ".join(error.split())[:_ERROR_MAX],
        }
        if retry_at is None:
            values.update(status="dead", next_attempt_at=at)
        else:
            values.update(status="pending", next_attempt_at=retry_at)
        self._update_alert(alert_id, values)

    def postpone_alert(self, alert_id: int, until: datetime) -> None:
        self._update_alert(alert_id, {"next_attempt_at": until})

    def list_alerts(self, status: str | None = None, limit: int = 100) -> list[OutboxAlert]:
        query = select(alerts).order_by(alerts.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(alerts.c.status == status)
        with self._reading() as connection:
            return [alert_from_row(row) for row in connection.execute(query)]

    def alert_counts(self) -> dict[str, int]:
        query = select(alerts.c.status, func.count()).group_by(alerts.c.status)
        with self._reading() as connection:
            found = {str(status): int(count) for status, count in connection.execute(query)}
        return {status: found.get(status, 0) for status in STATUSES} | found

    def sent_for_target_since(self, target_url: str, since: datetime) -> int:
        query = select(func.count()).where(
            alerts.c.target_url == target_url,
            alerts.c.sent_at >= since,
            alerts.c.status == "sent",
        )
        with self._reading() as connection:
            return int(connection.execute(query).scalar_one())

    def snapshots(self, article_id: int) -> dict[int, str]:
        query = (
            select(alerts.c.version_id, alerts.c.remote_id, alerts.c.target_url)
            .where(
                alerts.c.article_id == article_id,
                alerts.c.status == "sent",
                alerts.c.version_id.is_not(None),
                alerts.c.remote_id.is_not(None),
            )
            .order_by(alerts.c.id)
        )
        with self._reading() as connection:
            return {
                row.version_id: row.remote_id
                for row in connection.execute(query)
                if row.target_url.startswith(WAYBACK_SCHEMES)
            }

    # --- the rules -------------------------------------------------------------------------
    def alert_rules(self) -> list[AlertRule]:
        with self._reading() as connection:
            return stored_rules(connection)

    def save_alert_rule(self, rule: AlertRule, origin: str = "admin") -> None:
        with self._writing() as connection:
            _save_rule(connection, rule, origin)

    def remove_alert_rule(self, name: str) -> bool:
        with self._writing() as connection:
            removed = connection.execute(delete(alert_rules).where(alert_rules.c.name == name))
            return removed.rowcount > 0

    def sync_alert_rules(self, rules: Sequence[AlertRule]) -> None:
        names = [rule.name for rule in rules]
        with self._writing() as connection:
            for rule in rules:
                _save_rule(connection, rule, "config")
            connection.execute(
                delete(alert_rules).where(
                    alert_rules.c.origin == "config", alert_rules.c.name.not_in(names)
                )
            )


def _save_rule(connection: Connection, rule: AlertRule, origin: str) -> None:
    definition = json.dumps(rule_to_dict(rule), ensure_ascii=False, separators=(",", ":"))
    values = {"name": rule.name, "definition": definition, "origin": origin}
    upsert(connection, alert_rules, values, "name")
