"""The Celery app, built from :class:`Settings`, and why each reliability setting is chosen.

Every duration derives from the claim lease (``claim_lease_s``, L), the time a worker holds
the articles of one task before the scheduler may hand them to another worker:

- a task gives up its unfinished checks after ``BATCH_DEADLINE_SHARE`` × L (inside the
  task, so the event loop is left clean), and Celery kills a process stuck longer than
  ``HARD_LIMIT_SHARE`` × L (CPU in a C extension, a hung call): a check is never recorded
  after its claim lapsed, and the compare-and-set in ``record_check`` refuses it anyway;
- Redis redelivers an unacknowledged message after ``visibility_timeout`` =
  ``VISIBILITY_FACTOR`` × L: longer than the lease, so a slow but live worker's message is
  never delivered a second time while its claims hold (that would fetch twice within one
  lease), and a redelivered message finds its claims lapsed and is skipped without a fetch.
"""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery

from newsdiffs.distributed.routing import all_queues
from newsdiffs.settings import Settings

CHECK_TASK = "newsdiffs.check_claims"
POLL_TASK = "newsdiffs.poll_endpoints"
BATCH_DEADLINE_SHARE = 0.5
HARD_LIMIT_SHARE = 0.75
VISIBILITY_FACTOR = 2.0
# worker_process_init must finish within this (Celery's default, 4 s, is shorter than
# opening the store and starting the fetcher on a loaded machine).
PROCESS_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Timings:
    """Real-time durations (seconds) of the distributed mode, all from the claim lease."""

    lease_s: float

    @property
    def batch_deadline_s(self) -> float:
        return self.lease_s * BATCH_DEADLINE_SHARE

    @property
    def hard_time_limit_s(self) -> float:
        return self.lease_s * HARD_LIMIT_SHARE

    @property
    def visibility_timeout_s(self) -> float:
        return self.lease_s * VISIBILITY_FACTOR


def make_app(settings: Settings) -> Celery:
    timings = Timings(settings.claim_lease_s)
    app = Celery("newsdiffs", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        # Acknowledge a message after its checks were recorded, not on receipt: a worker that
        # dies mid-task leaves the message unacknowledged, to be delivered again.
        task_acks_late=True,
        # A pool process killed mid-task (SIGKILL, out of memory): requeue the message at once
        # instead of recording the task as failed and dropping it.
        task_reject_on_worker_lost=True,
        # Take one message at a time: a worker never sits on tasks whose claims age in its
        # buffer while it works on another (the lease runs from the claim, not the delivery).
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": timings.visibility_timeout_s},
        task_time_limit=timings.hard_time_limit_s,
        worker_proc_alive_timeout=PROCESS_START_TIMEOUT_S,
        # Results are in the archive; nothing reads Celery's result of a task.
        task_ignore_result=True,
        # JSON only: a broker message never becomes a pickle loaded by a worker.
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=all_queues(settings.host_queues)[0],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # One pool process per worker (see newsdiffs.distributed.worker): per-host politeness
        # lives in that process's fetcher.
        worker_concurrency=1,
    )
    return app
