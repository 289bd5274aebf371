"""The sender: delivers the outbox's due alerts, in order per target, and loses none.

Each pass (:meth:`AlertSender.deliver_due`) claims every due outbox row (leased, so two
senders never take one row), groups the rows by target and delivers each target's rows
**one at a time, in id order**, in a task of its own: targets never wait for each other, and
the tracker's checks never wait for any target (in ``newsdiffs run`` the sender is a task
beside the check loop; every store call runs in a thread, every send has a timeout).

Per target, in order:

- an alert waiting for its digest period to end, or for the target's quiet hours to pass,
  is postponed (:func:`newsdiffs.core.delivery_policy.hold`); a digest's alerts, once due,
  go as one message (:mod:`newsdiffs.alerts.digest`);
- at the target's hourly limit, the rest of its alerts are postponed
  (:func:`~newsdiffs.core.delivery_policy.rate_delay_s`);
- a send that fails is retried later with backoff and jitter (or after the target's
  ``Retry-After``) until ``max_attempts``, then it is a dead letter; the target's later
  alerts are postponed to the same time, so a target that was down gets them afterwards
  **in order**. A permanent failure (bad credentials, a rejected payload) is a dead letter
  at once and does not hold the others back.

An alert is marked sent after the target took it: a crash in between sends it again after
the lease, with the same key (``AlertMessage.key``), which targets with idempotency
(Mastodon's ``Idempotency-Key``, our webhooks' key header, Bluesky's record key) turn into
one post. At most one duplicate per crash reaches a target without keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from newsdiffs.alerts.digest import digest_key, digest_message
from newsdiffs.alerts.message import AlertMessage, Target
from newsdiffs.clock import Clock
from newsdiffs.core.delivery_policy import digest_period, hold, rate_delay_s, retry_at
from newsdiffs.errors import ConfigError, DeliveryError, NotFoundError
from newsdiffs.runner import lease_on
from newsdiffs.storage.base import AlertStore, OutboxAlert, ReaderStore, Store

if TYPE_CHECKING:
    from newsdiffs.settings import Settings

log = logging.getLogger("newsdiffs.alerts")

Compose = Callable[[OutboxAlert], AlertMessage]
CardMaker = Callable[[OutboxAlert], bytes | None]
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class DeliverySettings:
    """How the sender delivers. Durations of the clock (``backoff``) or real seconds."""

    max_attempts: int = 12
    backoff_s: float = 30.0  # first retry delay (clock seconds), doubling ...
    backoff_cap_s: float = 6 * 3600.0  # ... up to this
    lease_s: float = 120.0  # real seconds a claimed alert is this sender's
    batch: int = 20  # rows per claim
    send_timeout_s: float = 30.0  # real seconds one send may take
    interval_s: float = 5.0  # real seconds between passes of run()
    max_per_pass: int = 2000  # rows one pass claims at most
    max_defer_s: float = 10.0  # real seconds a pass waits for a round of checks to end

    @classmethod
    def of(cls, settings: Settings) -> DeliverySettings:
        return cls(
            max_attempts=settings.alerts_max_attempts,
            backoff_s=settings.alerts_backoff_s,
            lease_s=settings.alerts_lease_s,
            batch=settings.alerts_batch,
        )


@dataclass
class DeliveryStats:
    """What the sender did: messages sent, alerts (rows) they carried, failures, waits."""

    messages_sent: int = 0
    alerts_sent: int = 0
    failed: int = 0  # attempts that failed and will be retried
    dead: int = 0  # alerts that became dead letters
    postponed: int = 0  # alerts held for quiet hours, a digest, a rate limit or a retry
    released: int = 0  # alerts given back unattempted (target busy, lease running out)
    by_target: dict[str, int] = field(default_factory=dict)  # alerts sent per target name

    def summary(self) -> str:
        return (
            f"{self.alerts_sent} alerts sent in {self.messages_sent} messages, "
            f"{self.failed} failed attempts, {self.dead} dead, {self.postponed} postponed"
        )


@dataclass(frozen=True)
class _Delivery:
    """One message to send: one alert, or a digest's alerts."""

    alerts: tuple[OutboxAlert, ...]
    period: str | None = None  # the digest period's label


class AlertSender:
    def __init__(
        self,
        store: AlertStore,
        targets: Callable[[str], Target],
        compose: Compose,
        cards: CardMaker | None,
        clock: Clock,
        settings: DeliverySettings | None = None,
        *,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.store = store
        self.make_target = targets
        self.compose = compose
        self.cards = cards
        self.clock = clock
        self.settings = settings or DeliverySettings()
        self.jitter = jitter
        self.lease = lease_on(clock, timedelta(seconds=self.settings.lease_s))
        self._send_span = lease_on(clock, timedelta(seconds=self.settings.send_timeout_s))
        self._targets: dict[str, Target] = {}
        self._busy: dict[str, asyncio.Task[None]] = {}
        self._blocked: dict[str, datetime] = {}  # target URL -> its next retry

    # -- the loop -------------------------------------------------------------------------

    async def deliver_due(self) -> DeliveryStats:
        """One pass: deliver every alert due now, and return when all were tried."""
        stats = DeliveryStats()
        started = await self._dispatch(stats)
        if started:
            await asyncio.gather(*started)
        return stats

    async def run(
        self, stop: asyncio.Event, busy: Callable[[], bool] | None = None
    ) -> DeliveryStats:
        """Pass after pass, ``interval_s`` apart, until ``stop`` is set. A pass does not wait
        for its targets: a target still busy from the last pass gets its new alerts later.

        ``busy``: whether the tracker is in a round of checks. A pass waits while it is, at
        most ``max_defer_s``: composing and sending cost CPU in the tracker's process
        (measured ~6 ms per alert against ~7 ms per check), so alerts go in the gaps between
        rounds rather than slow a burst of checks (benchmarks/bench_alerts_outbox.py).
        """
        total = DeliveryStats()
        deferred_from: float | None = None  # when the current wait for the checks began
        try:
            while not stop.is_set():
                if busy is not None and busy():
                    if deferred_from is None:
                        deferred_from = time.monotonic()
                    if time.monotonic() - deferred_from < self.settings.max_defer_s:
                        await self._pause(stop)
                        continue
                deferred_from = None
                try:
                    await self._dispatch(total)
                except Exception:  # the store was unreachable: try again next pass
                    log.exception("alert delivery pass failed")
                await self._pause(stop)
        finally:
            await self._drain()
        return total

    async def _pause(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.settings.interval_s)

    async def _drain(self) -> None:
        """Let sends in flight finish (within a send's timeout); cancel the rest: their
        alerts' leases lapse and a later pass sends them, with the same keys."""
        running = [task for task in self._busy.values() if not task.done()]
        if running:
            _, pending = await asyncio.wait(running, timeout=self.settings.send_timeout_s)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        self._busy.clear()

    async def _dispatch(self, stats: DeliveryStats) -> list[asyncio.Task[None]]:
        now = self.clock.now()
        claimed: list[OutboxAlert] = []
        while len(claimed) < self.settings.max_per_pass:
            batch = await asyncio.to_thread(
                self.store.claim_alerts, now, self.settings.batch, self.lease
            )
            claimed.extend(batch)
            if len(batch) < self.settings.batch:
                break
        by_target: dict[str, list[OutboxAlert]] = {}
        for alert in sorted(claimed, key=lambda a: a.id):
            by_target.setdefault(alert.target.url, []).append(alert)
        started: list[asyncio.Task[None]] = []
        for url, alerts in by_target.items():
            running = self._busy.get(url)
            if running is not None and not running.done():
                stats.released += len(alerts)
                await self._postpone(alerts, now)  # its task is still sending: next pass
                continue
            task = asyncio.create_task(self._deliver_target(url, alerts, now, stats))
            self._busy[url] = task
            started.append(task)
        return started

    # -- one target -----------------------------------------------------------------------

    async def _deliver_target(
        self, url: str, alerts: list[OutboxAlert], claimed_at: datetime, stats: DeliveryStats
    ) -> None:
        try:
            target = self._target(url)
        except ConfigError as error:  # an unusable URL: no retry can help
            for alert in alerts:
                await self._fail(alert, str(error), None, stats)
            return
        now = self.clock.now()
        blocked = self._blocked.get(url)
        if blocked is not None and now < blocked:  # an earlier alert waits for its retry
            stats.postponed += len(alerts)
            await self._postpone(alerts, blocked)
            return
        deliveries = await self._deliveries(alerts, now, stats)
        # No send starts that could still run when the lease ends (another sender could
        # claim the alert then); the first always starts, however short the lease.
        deadline = claimed_at + self.lease - self._send_span
        for n, delivery in enumerate(deliveries):
            rest = [alert for later in deliveries[n:] for alert in later.alerts]
            now = self.clock.now()
            if n > 0 and now >= deadline:
                stats.released += len(rest)
                await self._postpone(rest, now)
                return
            wait = await self._rate_wait(delivery.alerts[0], now)
            if wait is not None:
                stats.postponed += len(rest)
                await self._postpone(rest, wait)
                return
            retry = await self._send(target, delivery, stats)
            if retry is not None:  # keep the target's order: the rest wait for this retry
                self._blocked[url] = retry
                later = rest[len(delivery.alerts) :]
                stats.postponed += len(later)
                await self._postpone(later, retry)
                return
            self._blocked.pop(url, None)

    async def _deliveries(
        self, alerts: Sequence[OutboxAlert], now: datetime, stats: DeliveryStats
    ) -> list[_Delivery]:
        """The messages to send now, in order (a digest where its first alert stands);
        alerts on hold are postponed."""
        order: list[OutboxAlert | tuple[str, str, str]] = []
        digests: dict[tuple[str, str, str], list[OutboxAlert]] = {}
        for alert in alerts:
            spec = alert.target
            held = hold(now, alert.created_at, spec.quiet_hours, spec.digest)
            if held is not None:
                stats.postponed += 1
                await self._postpone([alert], held.until)
            elif spec.digest is None:
                order.append(alert)
            else:
                key = (alert.rule, spec.digest, digest_period(alert.created_at, spec.digest).label)
                if key not in digests:
                    digests[key] = []
                    order.append(key)
                digests[key].append(alert)
        return [
            _Delivery(tuple(digests[item]), item[2])
            if isinstance(item, tuple)
            else _Delivery((item,))
            for item in order
        ]

    async def _rate_wait(self, alert: OutboxAlert, now: datetime) -> datetime | None:
        per_hour = alert.target.per_hour
        if per_hour is None:
            return None
        sent = await asyncio.to_thread(
            self.store.sent_for_target_since, alert.target.url, now - HOUR
        )
        delay = rate_delay_s(sent, per_hour)
        return None if delay is None else now + timedelta(seconds=delay)

    async def _send(
        self, target: Target, delivery: _Delivery, stats: DeliveryStats
    ) -> datetime | None:
        """Send one message; mark its alerts. The retry time when it failed, else None."""
        try:
            message = await self._message(target, delivery)
        except NotFoundError as error:  # its article or version was deleted: nothing to tell
            for alert in delivery.alerts:
                await self._fail(alert, f"cannot compose: {error}", None, stats)
            return None
        except Exception as error:
            log.exception("composing alert %d failed", delivery.alerts[0].id)
            return await self._failed(delivery, f"cannot compose: {error}", False, None, stats)
        try:
            remote_id = await asyncio.wait_for(
                target.send(message), timeout=self.settings.send_timeout_s
            )
        except DeliveryError as error:
            return await self._failed(
                delivery, str(error), error.permanent, error.retry_after, stats
            )
        except TimeoutError:
            error_text = f"no answer within {self.settings.send_timeout_s:g} s"
            return await self._failed(delivery, error_text, False, None, stats)
        except Exception as error:  # a target's bug or an unwrapped network error
            error_text = f"{type(error).__name__}: {error}"
            return await self._failed(delivery, error_text, False, None, stats)
        sent_at = self.clock.now()
        for alert in delivery.alerts:
            await asyncio.to_thread(self.store.mark_alert_sent, alert.id, sent_at, remote_id)
        stats.messages_sent += 1
        stats.alerts_sent += len(delivery.alerts)
        stats.by_target[target.name] = stats.by_target.get(target.name, 0) + len(delivery.alerts)
        return None

    async def _message(self, target: Target, delivery: _Delivery) -> AlertMessage:
        messages = [await asyncio.to_thread(self.compose, alert) for alert in delivery.alerts]
        if delivery.period is not None:
            first = delivery.alerts[0]
            key = digest_key(
                first.rule, first.target.url, delivery.period, [a.id for a in delivery.alerts]
            )
            return digest_message(key, first.rule, delivery.period, messages)
        message = messages[0]
        if self.cards is not None and getattr(target, "takes_card", False):
            card = await self._card(delivery.alerts[0])
            if card is not None:
                message = replace(message, card_png=card)
        return message

    async def _card(self, alert: OutboxAlert) -> bytes | None:
        assert self.cards is not None
        try:
            return await asyncio.to_thread(self.cards, alert)
        except Exception:  # a card is a nicety: the alert goes without it
            log.exception("no card for alert %d (article %d)", alert.id, alert.article_id)
            return None

    async def _failed(
        self,
        delivery: _Delivery,
        error: str,
        permanent: bool,
        retry_after: float | None,
        stats: DeliveryStats,
    ) -> datetime | None:
        now = self.clock.now()
        failures = max(alert.attempts for alert in delivery.alerts) + 1
        when = retry_at(
            now,
            failures,
            self.settings.max_attempts,
            base_s=self.settings.backoff_s,
            cap_s=self.settings.backoff_cap_s,
            jitter=self.jitter(),
            retry_after_s=retry_after,
            permanent=permanent,
        )
        for alert in delivery.alerts:
            await self._fail(alert, error, when, stats, failures)
        return when

    async def _fail(
        self,
        alert: OutboxAlert,
        error: str,
        when: datetime | None,
        stats: DeliveryStats,
        failures: int | None = None,
    ) -> None:
        attempt = failures if failures is not None else alert.attempts + 1
        now = self.clock.now()
        await asyncio.to_thread(self.store.mark_alert_failed, alert.id, now, error[:1000], when)
        if when is None:
            stats.dead += 1
            log.warning(
                "alert %d (%s) to %s: dead after attempt %d: %s",
                alert.id,
                alert.rule,
                self._name(alert.target.url),
                attempt,
                error,
            )
        else:
            stats.failed += 1
            log.warning(
                "alert %d (%s) to %s: attempt %d of %d failed, retry at %s: %s",
                alert.id,
                alert.rule,
                self._name(alert.target.url),
                attempt,
                self.settings.max_attempts,
                when.isoformat(timespec="seconds"),
                error,
            )

    async def _postpone(self, alerts: Sequence[OutboxAlert], until: datetime) -> None:
        for alert in alerts:
            await asyncio.to_thread(self.store.postpone_alert, alert.id, until)

    def _target(self, url: str) -> Target:
        target = self._targets.get(url)
        if target is None:
            target = self._targets[url] = self.make_target(url)
        return target

    def _name(self, url: str) -> str:
        target = self._targets.get(url)
        return target.name if target is not None else "(unusable target)"


def store_cards(store: ReaderStore) -> CardMaker:
    """The diff card of a new version's alert (against the version before), from the
    card cache; None for an event or a first version."""
    from newsdiffs.cards import card_for  # Pillow: loaded only where cards are sent

    def png(alert: OutboxAlert) -> bytes | None:
        if alert.version_id is None:
            return None
        number = store.get_version(alert.version_id).number
        return card_for(store, alert.article_id, number - 1, number) if number > 1 else None

    return png


def alert_sender(
    store: Store,
    clock: Clock,
    settings: Settings,
    *,
    delivery: DeliverySettings | None = None,
) -> AlertSender | None:
    """The sender ``newsdiffs run`` (and the Celery task) use, or None when alerts are off.

    Targets from their URLs (:func:`newsdiffs.alerts.targets.target_for`), messages by
    :func:`newsdiffs.alerts.compose.compose`, cards from :mod:`newsdiffs.cards`.
    """
    if not settings.alerts_enabled:
        return None
    from newsdiffs.alerts.targets import target_for

    chosen = delivery if delivery is not None else DeliverySettings.of(settings)
    compose = store_composer(store, settings.base_url)
    return AlertSender(store, target_for, compose, store_cards(store), clock, chosen)


def store_composer(store: ReaderStore, public_url: str) -> Compose:
    """Messages read from ``store`` (:func:`newsdiffs.alerts.compose.compose`), linking to
    the web app at ``public_url``."""
    from newsdiffs.alerts.compose import compose

    def message(alert: OutboxAlert) -> AlertMessage:
        return compose(alert, store, public_url)

    return message
