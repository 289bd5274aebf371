"""The embedded single-machine loop: poll sources, check due articles, sleep, repeat."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from newsdiffs.clock import Clock
from newsdiffs.core.urls import canonicalize_url
from newsdiffs.discovery import discover, is_article_url
from newsdiffs.errors import InputError
from newsdiffs.fetching import Fetcher, FetchOutcome, FetchResult
from newsdiffs.models import CheckOutcome, Endpoint, Source
from newsdiffs.settings import Settings
from newsdiffs.storage.base import Claim, EndpointState, TrackerStore
from newsdiffs.tracker import CheckReport, Tracker

if TYPE_CHECKING:
    from newsdiffs.alerts.sender import AlertSender

log = logging.getLogger("newsdiffs.runner")

MAX_CHILD_SITEMAPS = 5
# New articles one endpoint poll may add; the rest are taken by later polls (the listing is
# read again, as its validators are not kept). A Google News sitemap holds at most 1,000
# URLs and a feed far fewer, so a news listing never waits; a 50,000-URL archive sitemap is
# taken over 10 polls instead of flooding the schedule with 50,000 due articles at once (one
# `crawl --once` inserted 815,000 articles in 300 s and checked none).
MAX_NEW_ARTICLES_PER_POLL: int = Settings().max_new_articles_per_poll  # declared in settings
IDLE_SLEEP_LIMIT_S = 60.0
# How long a claimed article is this runner's alone (Store.claim_due; declared in settings,
# shared with the distributed mode). A batch of 200 checks, 8 at a time, takes 25 fetch
# times: within the default 300 s while fetches average under 12 s, so another runner on
# the same database takes only the work of a runner that died. A check not started before
# its claim lapses is skipped, unfetched: the article may be another runner's by then.
CLAIM_LEASE = timedelta(seconds=Settings().claim_lease_s)
# RoundStats key of checks whose claim was lost (another runner has the article now).
LOST_RACE = "lost_race"
LEASE_LAPSED = "lease_lapsed"


@dataclass
class RoundStats:
    """What one round of the loop did (for progress output)."""

    endpoints_polled: int = 0
    endpoint_errors: int = 0
    new_articles: int = 0
    checks: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    claimed: int = 0

    def add(self, report: CheckReport) -> None:
        self.checks += 1
        self.count(LOST_RACE if report.lost_race else str(report.outcome))

    def count(self, key: str) -> None:
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def merge(self, other: RoundStats) -> None:
        self.endpoints_polled += other.endpoints_polled
        self.endpoint_errors += other.endpoint_errors
        self.new_articles += other.new_articles
        self.checks += other.checks
        self.claimed += other.claimed
        for key, count in other.outcomes.items():
            self.outcomes[key] = self.outcomes.get(key, 0) + count

    @property
    def new_versions(self) -> int:
        return self.outcomes.get(CheckOutcome.NEW_VERSION, 0) + self.outcomes.get(
            CheckOutcome.FIRST_VERSION, 0
        )

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return (
            f"polled {self.endpoints_polled} endpoints ({self.endpoint_errors} failed), "
            f"{self.new_articles} new articles, {self.checks} checks"
            + (f" ({parts})" if parts else "")
        )


class Runner:
    def __init__(
        self,
        store: TrackerStore,
        fetcher: Fetcher,
        clock: Clock,
        *,
        concurrency: int = 8,
        batch_size: int = 200,
        schedule_policy: str = "newssniffer",
        on_report: Callable[[CheckReport], None] | None = None,
        max_new_per_poll: int = MAX_NEW_ARTICLES_PER_POLL,
        claim_lease: timedelta | None = None,
        alerts: AlertSender | None = None,
    ) -> None:
        """``alerts``: the outbox's sender, run beside the check loop by :meth:`run`."""
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.tracker = Tracker(store, fetcher, clock)
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, batch_size)
        self.schedule_policy = schedule_policy
        self.on_report = on_report
        self.max_new_per_poll = max(1, max_new_per_poll)
        self.claim_lease = claim_lease if claim_lease is not None else lease_on(clock)
        self.alerts = alerts
        self._rounds_checking = 0  # check_due calls running (the sender waits for them)

    # -- discovery --------------------------------------------------------------------

    async def poll_sources(self, sources: Sequence[Source], force: bool = False) -> RoundStats:
        stats = RoundStats()
        now = self.clock.now()
        for source in sources:
            for endpoint in source.endpoints:
                state = self.store.endpoint_state(endpoint.url)
                if not force and not endpoint_due(state, endpoint, now):
                    continue
                try:
                    await self._poll_endpoint(source, endpoint, state, stats)
                except Exception:  # one endpoint's fault must not end the round
                    stats.endpoint_errors += 1
                    log.exception("%s: polling %s failed", source.name, endpoint.url)
                    # Polled (no validators): due again after its interval, not at once.
                    self.store.save_endpoint_state(EndpointState(endpoint.url, self.clock.now()))
        return stats

    async def _poll_endpoint(
        self, source: Source, endpoint: Endpoint, state: EndpointState, stats: RoundStats
    ) -> None:
        """Fetch one endpoint (and a sitemap index's children), then record what it listed.

        The new articles and the endpoint's validators are written in one transaction
        (Store.record_poll), and the validators only when every listing was read: they
        vouch for links that are stored.
        """
        stats.endpoints_polled += 1
        fetched = await self.fetcher.fetch(
            endpoint.url, etag=state.etag, last_modified=state.last_modified
        )
        etag, modified = (
            fetched.validators_for(endpoint.url)
            if fetched.outcome in (FetchOutcome.OK, FetchOutcome.NOT_MODIFIED)
            else (None, None)
        )
        urls: list[str] = []
        children: list[str] = []  # child sitemaps still to fetch
        children_taken = 0
        while True:
            if fetched.outcome is FetchOutcome.OK:
                listing = await asyncio.to_thread(read_listing, source, endpoint, fetched)
                if listing.problem:
                    stats.endpoint_errors += 1
                    log.warning("%s: %s: %s", source.name, fetched.final_url, listing.problem)
                urls.extend(listing.urls)
                taken = listing.child_urls[: max(0, MAX_CHILD_SITEMAPS - children_taken)]
                children.extend(taken)
                children_taken += len(taken)
            elif fetched.outcome is not FetchOutcome.NOT_MODIFIED:
                stats.endpoint_errors += 1
                etag = modified = None  # a listing went unread: ask for all of it next time
                detail = fetched.detail or fetched.outcome
                log.warning("%s: %s: %s", source.name, fetched.requested_url, detail)
            if not children:
                break
            fetched = await self.fetcher.fetch(children.pop(0))
        polled = EndpointState(endpoint.url, self.clock.now(), etag, modified)
        intake = await asyncio.to_thread(
            self.store.record_poll,
            polled,
            source.name,
            urls,
            self.clock.now(),
            self.schedule_policy,
            self.max_new_per_poll,
        )
        stats.new_articles += intake.new_articles
        if intake.deferred:
            log.info(
                "%s: %s: %d new articles, %d more left for the next polls",
                source.name,
                endpoint.url,
                intake.new_articles,
                intake.deferred,
            )

    # -- checking ---------------------------------------------------------------------

    async def check_due(self) -> RoundStats:
        """Check up to ``batch_size`` due articles, claiming them as workers free up
        (other runners on the same database claim other articles). ``claimed`` counts the
        claims taken, checked or not.

        Claimed in chunks of ``concurrency`` just before they start, not the whole batch at
        once: a claim then only has to outlast one check. Claimed all at once, the last of
        200 articles on one polite host (1 s apart) would start 200 s later, near the lease.
        """
        stats = RoundStats()
        pending: deque[Claim] = deque()
        exhausted = False

        def next_claim() -> Claim | None:
            nonlocal exhausted
            if not pending and not exhausted:
                wanted = min(self.concurrency, self.batch_size - stats.claimed)
                taken = self.store.claim_due(self.clock.now(), wanted, self.claim_lease)
                stats.claimed += len(taken)
                pending.extend(taken)
                exhausted = len(taken) < wanted or stats.claimed >= self.batch_size
            return pending.popleft() if pending else None

        async def worker() -> None:
            while (claim := next_claim()) is not None:
                if self.clock.now() >= claim.expires_at:
                    stats.count(LEASE_LAPSED)  # not ours any more: another runner may have it
                    continue
                report = await self.tracker.check(claim.article, claim)
                stats.add(report)
                if self.on_report is not None:
                    self.on_report(report)

        self._rounds_checking += 1
        try:
            await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        finally:
            self._rounds_checking -= 1
        return stats

    def checking(self) -> bool:
        """Whether a round of checks is running (alerts are sent between rounds)."""
        return self._rounds_checking > 0

    async def run_once(self, sources: Sequence[Source]) -> RoundStats:
        """Poll every endpoint now, then check every article due now (``crawl --once``)."""
        stats = await self.poll_sources(sources, force=True)
        while True:
            round_stats = await self.check_due()
            stats.merge(round_stats)
            if round_stats.claimed < self.batch_size:
                return stats

    async def run(
        self,
        sources_provider: Callable[[], Sequence[Source]],
        until: datetime | None = None,
        on_round: Callable[[RoundStats], None] | None = None,
    ) -> RoundStats:
        """The long-running tracker loop; returns when ``until`` passes (never if None).

        The alert sender (if any) runs as a task of its own beside it: checks never wait
        for a target; the sender's passes go between rounds of checks (at most
        ``max_defer_s`` late), so its CPU does not slow a burst of checks.
        """
        stop = asyncio.Event()
        sending = asyncio.create_task(self.alerts.run(stop, self.checking)) if self.alerts else None
        total = RoundStats()
        try:
            while until is None or self.clock.now() < until:
                sources = sources_provider()
                round_stats = await self.poll_sources(sources)
                round_stats.merge(await self.check_due())
                total.merge(round_stats)
                if on_round is not None and (round_stats.checks or round_stats.endpoints_polled):
                    on_round(round_stats)
                await self.clock.sleep(self._idle_seconds(sources, until))
        finally:
            stop.set()
            if sending is not None:
                await sending
        return total

    def _idle_seconds(self, sources: Sequence[Source], until: datetime | None) -> float:
        now = self.clock.now()
        wake = now + timedelta(seconds=IDLE_SLEEP_LIMIT_S)
        next_due = self.store.next_due_at()
        if next_due is not None:
            wake = min(wake, next_due)
        for source in sources:
            for endpoint in source.endpoints:
                last = self.store.endpoint_state(endpoint.url).last_polled_at
                if last is not None:
                    wake = min(wake, last + endpoint.poll_interval)
        if until is not None:
            wake = min(wake, until)
        return max(0.0, (wake - now).total_seconds())


def lease_on(clock: Clock, real: timedelta = CLAIM_LEASE) -> timedelta:
    """A lease of ``real`` wall-clock time, in ``clock``'s time.

    Claims are dated on the runner's clock, but must outlast the real time a check takes: a
    simulated clock (FastClock, ``speed`` times real time) needs a lease ``speed`` times
    longer, or 300 s at the demo's 3000x would lapse after 0.1 real seconds.
    """
    speed = getattr(clock, "speed", 1.0)
    return real * (speed if isinstance(speed, int | float) and speed > 0 else 1.0)


@dataclass(frozen=True)
class Listing:
    """What one fetched listing gives the runner: trackable canonical URLs, child sitemaps."""

    urls: tuple[str, ...]
    child_urls: tuple[str, ...]
    problem: str | None


def read_listing(source: Source, endpoint: Endpoint, fetched: FetchResult) -> Listing:
    """Parse a fetched listing and keep the canonical URLs ``source`` tracks.

    CPU-bound (about a second for a 50,000-URL sitemap): the runner calls it in a thread.
    """
    found = discover(
        endpoint.kind,
        fetched.body,
        fetched.final_url,
        endpoint.link_pattern,
        fetched.header_charset,
    )
    urls: list[str] = []
    for link in found.links:
        if not is_article_url(source, link.url):
            continue
        try:
            urls.append(canonicalize_url(link.url))
        except InputError:
            continue
    return Listing(tuple(urls), found.child_urls, found.problem)


def endpoint_due(state: EndpointState, endpoint: Endpoint, now: datetime) -> bool:
    return state.last_polled_at is None or now >= state.last_polled_at + endpoint.poll_interval
