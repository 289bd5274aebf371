"""In-memory doubles for the sender's unit tests: an outbox with the AlertStore semantics
the sender relies on, scripted targets, and a composer that needs no database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.core.alert_rules import TargetSpec
from newsdiffs.errors import DeliveryError
from newsdiffs.storage.base import OutboxAlert


class MemoryOutbox:
    """The outbox's semantics (claim with a lease, oldest first; sent; failed; postponed)."""

    def __init__(self) -> None:
        self.rows: dict[int, OutboxAlert] = {}
        self.claims = 0

    def add(
        self,
        target: TargetSpec,
        created_at: datetime,
        rule: str = "rule",
        article_id: int = 1,
        version_id: int | None = None,
    ) -> OutboxAlert:
        alert_id = len(self.rows) + 1
        alert = OutboxAlert(
            id=alert_id,
            key=f"key-{alert_id}",
            rule=rule,
            target=target,
            article_id=article_id,
            version_id=version_id if version_id is not None else alert_id,
            event_id=None,
            created_at=created_at,
            status="pending",
            attempts=0,
            next_attempt_at=created_at,
            last_error="",
            remote_id=None,
            sent_at=None,
        )
        self.rows[alert_id] = alert
        return alert

    def claim_alerts(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxAlert]:
        self.claims += 1
        due = [a for a in self.rows.values() if a.status == "pending" and a.next_attempt_at <= now]
        due.sort(key=lambda a: (a.next_attempt_at, a.id))
        taken = sorted(due[:limit], key=lambda a: a.id)
        for alert in taken:
            self.rows[alert.id] = replace(alert, next_attempt_at=now + lease)
        return [self.rows[a.id] for a in taken]

    def mark_alert_sent(self, alert_id: int, at: datetime, remote_id: str | None) -> None:
        self.rows[alert_id] = replace(
            self.rows[alert_id], status="sent", sent_at=at, remote_id=remote_id
        )

    def mark_alert_failed(
        self, alert_id: int, at: datetime, error: str, retry_at: datetime | None
    ) -> None:
        alert = self.rows[alert_id]
        self.rows[alert_id] = replace(
            alert,
            attempts=alert.attempts + 1,
            last_error=error,
            status="dead" if retry_at is None else "pending",
            next_attempt_at=retry_at if retry_at is not None else alert.next_attempt_at,
        )

    def postpone_alert(self, alert_id: int, until: datetime) -> None:
        self.rows[alert_id] = replace(self.rows[alert_id], next_attempt_at=until)

    def sent_for_target_since(self, target_url: str, since: datetime) -> int:
        return sum(
            1
            for a in self.rows.values()
            if a.target.url == target_url and a.sent_at is not None and a.sent_at >= since
        )

    def by_status(self, status: str) -> list[OutboxAlert]:
        return [a for a in self.rows.values() if a.status == status]


def compose(alert: OutboxAlert) -> AlertMessage:
    return AlertMessage(
        key=alert.key,
        title=f"alert {alert.id}",
        text=f"change of alert {alert.id}",
        html=f"<p>change of alert {alert.id}</p>",
        short_text=f"alert {alert.id}",
        link=f"http://diffs.test/articles/{alert.article_id}/diff/1/2",
        outlet="Daily Example",
        article_url=f"http://news.test/{alert.article_id}",
        kinds=("headline",),
        alt_text=f"alt {alert.id}",
    )


@dataclass
class ScriptedTarget:
    """A target that takes messages when ``fails`` (called with the time) says nothing."""

    url: str
    now: Callable[[], datetime]
    fails: Callable[[datetime], DeliveryError | None] = lambda _: None
    takes_card: bool = False
    received: list[AlertMessage] = field(default_factory=list)
    received_at: list[datetime] = field(default_factory=list)
    attempts: int = 0
    gate: asyncio.Event | None = None  # set: a send waits for it

    @property
    def name(self) -> str:
        return self.url

    async def send(self, message: AlertMessage) -> str | None:
        self.attempts += 1
        if self.gate is not None:
            await self.gate.wait()
        error = self.fails(self.now())
        if error is not None:
            raise error
        self.received.append(message)
        self.received_at.append(self.now())
        return f"{self.url}/posts/{len(self.received)}"


class Targets:
    """targets(url) for the sender, building ScriptedTargets on demand."""

    def __init__(self, now: Callable[[], datetime], **scripted: Any) -> None:
        self.now = now
        self.made: dict[str, ScriptedTarget] = {}
        self.scripted = scripted

    def __call__(self, url: str) -> ScriptedTarget:
        if url not in self.made:
            self.made[url] = ScriptedTarget(url, self.now, **self.scripted.get(url, {}))
        return self.made[url]
