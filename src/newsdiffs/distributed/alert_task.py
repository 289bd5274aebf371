"""Distributed mode's alert delivery: a Celery task that runs one pass of the sender.

The scheduler sends the task every :data:`SEND_EVERY_S` seconds (:func:`send_alerts_when_due`,
called from its round) to a queue of its own, :data:`ALERT_QUEUE`: a worker that checks
articles never runs it unless it consumes that queue too, so a slow or dead alert target
never holds up a check. Each message expires after :data:`SEND_EVERY_S` × 2: when a pass
runs long the beats do not pile up behind it (the next one that runs finds everything due).

A pass (:meth:`newsdiffs.alerts.sender.AlertSender.deliver_due`) claims its alerts with a
lease, so several alert workers never send one alert twice; it is bounded by
:data:`PASS_DEADLINE_S`: sends still in flight then are cancelled, and their alerts go again
after the lease, with the same keys. The process keeps one event loop, store and sender
for its life, like the check worker (:mod:`newsdiffs.distributed.worker`).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import asdict, dataclass
from typing import Any

from celery import Celery
from redis import Redis

from newsdiffs.alerts.sender import AlertSender, alert_sender
from newsdiffs.clock import Clock, SystemClock
from newsdiffs.settings import Settings
from newsdiffs.storage import SqlStore, open_store

log = logging.getLogger("newsdiffs.alerts")

ALERT_TASK = "newsdiffs.send_alerts"
ALERT_QUEUE = "newsdiffs-alerts"
SEND_EVERY_S = 5.0
PASS_DEADLINE_S = 60.0

_last_sent: weakref.WeakKeyDictionary[Celery, float] = weakref.WeakKeyDictionary()


def send_alerts_when_due(app: Celery, redis: Redis | None = None, now: float | None = None) -> bool:
    """Send the alert task if the last one went :data:`SEND_EVERY_S` real seconds ago (or
    never) and, given the broker's ``redis``, none is still waiting in the queue (with no
    alert worker running, the queue holds one task, not one per beat); whether it was sent.
    The scheduler calls this once per round."""
    moment = time.monotonic() if now is None else now
    last = _last_sent.get(app)
    if last is not None and moment - last < SEND_EVERY_S:
        return False
    if redis is not None and int(redis.llen(ALERT_QUEUE)) > 0:
        return False
    app.send_task(ALERT_TASK, queue=ALERT_QUEUE, expires=SEND_EVERY_S * 2)
    _last_sent[app] = moment
    return True


@dataclass
class _AlertRuntime:
    loop: asyncio.AbstractEventLoop
    store: SqlStore
    sender: AlertSender | None


@dataclass
class _Process:
    settings: Settings | None = None
    clock: Clock | None = None
    runtime: _AlertRuntime | None = None


_process = _Process()


def _runtime() -> _AlertRuntime:
    if _process.runtime is None:
        settings = _process.settings or Settings()
        clock = _process.clock or SystemClock()
        store = open_store(settings.db)
        _process.runtime = _AlertRuntime(
            asyncio.new_event_loop(), store, alert_sender(store, clock, settings)
        )
    return _process.runtime


def send_alerts() -> dict[str, Any]:
    """The task: one delivery pass, within :data:`PASS_DEADLINE_S`; what it did."""
    runtime = _runtime()
    if runtime.sender is None:
        return {"alerts_enabled": False}
    try:
        stats = runtime.loop.run_until_complete(
            asyncio.wait_for(runtime.sender.deliver_due(), PASS_DEADLINE_S)
        )
    except TimeoutError:
        log.warning("alert pass cut at %.0f s: the rest goes in a later pass", PASS_DEADLINE_S)
        return {"deadline": True}
    if stats.alerts_sent or stats.failed or stats.dead:
        log.info("alerts: %s", stats.summary())
    return asdict(stats)


def register_alert_task(app: Celery, settings: Settings, clock: Clock | None = None) -> None:
    """Make ``app``'s workers able to run the alert task (with these settings)."""
    _process.settings = settings
    _process.clock = clock
    app.task(name=ALERT_TASK)(send_alerts)


def close_alert_runtime() -> None:
    runtime, _process.runtime = _process.runtime, None
    if runtime is not None:
        runtime.store.close()
        runtime.loop.close()
