"""``newsdiffs scheduler``: decide what is due and send it to the workers; fetch nothing.

One scheduler per archive. Each round it

- sends a poll task for every discovery endpoint that is due (the endpoint's last poll, as
  the embedded runner judges it), to the queue of the endpoint's host: the worker polls it
  with the runner's own polling code, so listings and articles of one host are fetched by
  one process and per-host politeness holds for both (the scheduler fetching listings
  itself would race the worker of the same host);
- claims due articles (``Store.claim_due``, leased for ``claim_lease_s``) and sends them in
  batches of ``concurrency`` tickets, each batch to its hosts' queue (:mod:`.routing`).

It claims only while the queues are short (``MAX_QUEUED_PER_QUEUE`` tasks waiting per queue
on average): a claim waiting behind a long queue would age towards its lapse before any
worker saw it. A claim the workers never record (its worker died) lapses after the lease;
a later round claims the article again, with a new token, into the same queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from celery import Celery
from redis import Redis

from newsdiffs.clock import Clock
from newsdiffs.distributed.alert_task import send_alerts_when_due
from newsdiffs.distributed.app import CHECK_TASK, POLL_TASK
from newsdiffs.distributed.routing import all_queues, host_of, queue_for_url
from newsdiffs.distributed.tickets import Ticket
from newsdiffs.models import Source
from newsdiffs.runner import endpoint_due  # the runner's own rule
from newsdiffs.settings import Settings
from newsdiffs.storage.base import EndpointState, TrackerStore

log = logging.getLogger("newsdiffs.scheduler")
T = TypeVar("T")

MAX_QUEUED_PER_QUEUE = 2
# Longest idle wait between rounds, in real seconds: new claims when a worker frees up, and
# due endpoints, are noticed this fast.
IDLE_WAIT_S = 0.5
# Sources (and their endpoints) are read again this often, in real seconds: a source added
# or removed is noticed this fast.
SOURCES_TTL_S = 5.0
# Least wait after a round that claimed nothing (queues full, or due work just claimed by
# another process): the round's Redis and database reads are not repeated in a busy loop.
MIN_WAIT_S = 0.05


@dataclass
class SchedulerStats:
    rounds: int = 0
    claimed: int = 0
    tasks_sent: int = 0

    def summary(self) -> str:
        return (
            f"{self.rounds} rounds: {self.claimed} articles claimed, "
            f"{self.tasks_sent} tasks sent (checks and polls)"
        )


def batches(
    items: Sequence[T], url_of: Callable[[T], str], queues: int, per_task: int
) -> list[tuple[str, list[T]]]:
    """``items`` grouped by their hosts' queue, in batches of at most ``per_task``.

    Within a queue the hosts take turns (round robin), so a batch spans as many hosts as it
    can: the worker's per-host delay serialises requests to one host, and a batch of one
    host's items would take ``per_task`` delays where one of many hosts takes one.
    """
    by_queue: dict[str, dict[str, list[T]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        url = url_of(item)
        by_queue[queue_for_url(url, queues)][host_of(url)].append(item)
    sent: list[tuple[str, list[T]]] = []
    for queue, by_host in sorted(by_queue.items()):
        turns = itertools.zip_longest(*by_host.values())
        ordered = [item for turn in turns for item in turn if item is not None]
        sent.extend(
            (queue, ordered[start : start + per_task]) for start in range(0, len(ordered), per_task)
        )
    return sent


class Scheduler:
    def __init__(
        self, settings: Settings, store: TrackerStore, clock: Clock, app: Celery, lease: timedelta
    ) -> None:
        """``lease``: the claim lease in the clock's time (``claim_lease_s`` on a real clock)."""
        self.settings = settings
        self.store = store
        self.clock = clock
        self.app = app
        self.lease = lease
        self.queues = settings.host_queues
        self.per_task = settings.concurrency  # a task's items: what a worker runs at once
        # Endpoint URL -> when its poll was sent: not sent again until polled, or a lease on.
        self._polls_sent: dict[str, datetime] = {}
        # Host -> when a poll of one of its endpoints was last sent.
        self._host_polls_sent: dict[str, datetime] = {}
        self._sources_read: tuple[float, list[Source]] | None = None
        # Queue lengths are read from Redis itself: kombu keeps a queue of default priority
        # as a Redis list named after the queue (its passive declare fails on an empty one).
        self._redis = (
            Redis.from_url(settings.broker_url)
            if settings.broker_url.startswith(("redis://", "rediss://"))
            else None
        )

    def room(self) -> dict[str, int]:
        """Per queue, the tasks it can take now (``MAX_QUEUED_PER_QUEUE`` waiting at most)."""
        names = all_queues(self.queues)
        if self._redis is None:  # an in-memory broker (tests): nothing to measure
            return dict.fromkeys(names, MAX_QUEUED_PER_QUEUE)
        return {name: MAX_QUEUED_PER_QUEUE - int(self._redis.llen(name)) for name in names}

    def send_polls(self, room: dict[str, int]) -> dict[str, int]:
        """Send due endpoints not already sent, least recently polled first, in at most
        ``room[queue]`` poll tasks per queue (what does not fit waits for a later round);
        the tasks sent per queue.

        Among endpoints polled equally long ago (at the start: never), those of the hosts
        sent a poll least recently go first: every host gets its first listing polled before
        any host its second. Ordered by source name alone, the first hosts had all four of
        their endpoints polled, one task per round, before the next hosts had any: measured
        in tests/test_distributed.py on a busy machine, 5 of a queue's 17 hosts were not
        polled at all in 50 s.
        """
        if not any(free > 0 for free in room.values()):
            return {}
        now = self.clock.now()
        due: list[tuple[datetime, datetime, str, str]] = []
        never = datetime.min.replace(tzinfo=now.tzinfo)
        for source in self._sources():
            for endpoint in source.endpoints:
                state = self.store.endpoint_state(endpoint.url)
                if endpoint_due(state, endpoint, now) and not self._poll_in_flight(state, now):
                    host_sent = self._host_polls_sent.get(host_of(endpoint.url), never)
                    due.append(
                        (state.last_polled_at or never, host_sent, source.name, endpoint.url)
                    )
        due.sort()
        sent: dict[str, int] = defaultdict(int)
        for queue, batch in batches(due, lambda item: item[3], self.queues, self.per_task):
            if sent[queue] >= room.get(queue, 0):
                continue
            endpoints = [[name, url] for _, _, name, url in batch]
            self.app.send_task(POLL_TASK, args=[endpoints], queue=queue)
            sent[queue] += 1
            for _, url in endpoints:
                self._polls_sent[url] = now
                self._host_polls_sent[host_of(url)] = now
        return sent

    def _sources(self) -> list[Source]:
        """The sources, read again at most every :data:`SOURCES_TTL_S` real seconds: reading
        and parsing 500 sources every round was most of an idle scheduler's CPU (about 0.1
        core, measured by benchmarks/bench_scale.py)."""
        moment = time.monotonic()
        if self._sources_read is None or moment - self._sources_read[0] >= SOURCES_TTL_S:
            self._sources_read = (moment, self.store.list_sources())
        return self._sources_read[1]

    def _poll_in_flight(self, state: EndpointState, now: datetime) -> bool:
        """Sent, not polled since, and sent less than a lease ago (a lost poll is resent)."""
        sent = self._polls_sent.get(state.url)
        if sent is None or now >= sent + self.lease:
            return False
        return state.last_polled_at is None or state.last_polled_at < sent

    def claim_and_send(self, room: int) -> tuple[int, int]:
        """Claim what ``room`` tasks hold and send it; (claimed, tasks sent)."""
        if room <= 0:
            return 0, 0
        limit = min(self.settings.batch_size, room * self.per_task)
        claims = self.store.claim_due(self.clock.now(), limit, self.lease)
        sent = batches(claims, lambda claim: claim.article.url, self.queues, self.per_task)
        for queue, batch in sent:
            self.app.send_task(
                CHECK_TASK,
                args=[[Ticket.of(claim, self.lease).to_json() for claim in batch]],
                queue=queue,
            )
        return len(claims), len(sent)

    def round(self, stats: SchedulerStats) -> int:
        """One round: due endpoints, then due articles; the number of articles claimed."""
        stats.rounds += 1
        room = self.room()
        # Polls take at most half of each queue's room, so that a flood of due articles
        # never starves discovery, nor the other way round.
        polls = self.send_polls({queue: (free + 1) // 2 for queue, free in room.items()})
        left = sum(max(0, free - polls.get(queue, 0)) for queue, free in room.items())
        claimed, sent = self.claim_and_send(left)
        send_alerts_when_due(self.app, self._redis)  # a delivery pass every few seconds
        stats.claimed += claimed
        stats.tasks_sent += sent + sum(polls.values())
        return claimed

    async def run(
        self,
        until: datetime | None = None,
        on_round: Callable[[SchedulerStats], None] | None = None,
    ) -> SchedulerStats:
        total = SchedulerStats()
        while until is None or self.clock.now() < until:
            claimed = self.round(total)
            if on_round is not None and claimed:
                on_round(total)
            if not claimed:
                await self._idle()
        return total

    def close(self) -> None:
        if self._redis is not None:
            self._redis.close()

    async def _idle(self) -> None:
        """Wait until the next due article (clock time), at most IDLE_WAIT_S real seconds."""
        next_due = self.store.next_due_at()
        ahead = IDLE_WAIT_S if next_due is None else (next_due - self.clock.now()).total_seconds()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.clock.sleep(ahead), timeout=IDLE_WAIT_S)
        await asyncio.sleep(MIN_WAIT_S)
