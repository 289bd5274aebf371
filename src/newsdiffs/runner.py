"""The embedded single-machine loop: poll sources, check due articles, sleep, repeat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsdiffs.clock import Clock
from newsdiffs.core.urls import canonicalize_url
from newsdiffs.discovery import discover, is_article_url
from newsdiffs.errors import InputError
from newsdiffs.fetching import Fetcher, FetchOutcome
from newsdiffs.models import Article, CheckOutcome, Endpoint, Source
from newsdiffs.storage.base import EndpointState, Store
from newsdiffs.tracker import CheckReport, Tracker

log = logging.getLogger("newsdiffs.runner")

MAX_CHILD_SITEMAPS = 5
IDLE_SLEEP_LIMIT_S = 60.0


@dataclass
class RoundStats:
    """What one round of the loop did (for progress output)."""

    endpoints_polled: int = 0
    endpoint_errors: int = 0
    new_articles: int = 0
    checks: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, report: CheckReport) -> None:
        self.checks += 1
        key = str(report.outcome)
        self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def merge(self, other: RoundStats) -> None:
        self.endpoints_polled += other.endpoints_polled
        self.endpoint_errors += other.endpoint_errors
        self.new_articles += other.new_articles
        self.checks += other.checks
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
        store: Store,
        fetcher: Fetcher,
        clock: Clock,
        *,
        concurrency: int = 8,
        batch_size: int = 200,
        schedule_policy: str = "newssniffer",
        on_report: Callable[[CheckReport], None] | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.tracker = Tracker(store, fetcher, clock)
        self.concurrency = max(1, concurrency)
        self.batch_size = max(1, batch_size)
        self.schedule_policy = schedule_policy
        self.on_report = on_report

    # -- discovery --------------------------------------------------------------------

    async def poll_sources(self, sources: Sequence[Source], force: bool = False) -> RoundStats:
        stats = RoundStats()
        now = self.clock.now()
        for source in sources:
            for endpoint in source.endpoints:
                state = self.store.endpoint_state(endpoint.url)
                if not force and not _endpoint_due(state, endpoint, now):
                    continue
                await self._poll_endpoint(source, endpoint, state, stats)
        return stats

    async def _poll_endpoint(
        self, source: Source, endpoint: Endpoint, state: EndpointState, stats: RoundStats
    ) -> None:
        stats.endpoints_polled += 1
        urls = [endpoint.url]
        seen_children = 0
        while urls:
            url = urls.pop(0)
            etag = state.etag if url == endpoint.url else None
            modified = state.last_modified if url == endpoint.url else None
            fetched = await self.fetcher.fetch(url, etag=etag, last_modified=modified)
            if url == endpoint.url:
                self.store.save_endpoint_state(
                    EndpointState(
                        url=endpoint.url,
                        last_polled_at=self.clock.now(),
                        etag=fetched.etag,
                        last_modified=fetched.last_modified,
                    )
                )
            if fetched.outcome is FetchOutcome.NOT_MODIFIED:
                continue
            if fetched.outcome is not FetchOutcome.OK:
                stats.endpoint_errors += 1
                log.warning("%s: %s: %s", source.name, url, fetched.detail or fetched.outcome)
                continue
            found = discover(endpoint.kind, fetched.body, fetched.final_url, endpoint.link_pattern)
            if found.problem:
                stats.endpoint_errors += 1
                log.warning("%s: %s: %s", source.name, url, found.problem)
            for child in found.child_urls:
                if seen_children < MAX_CHILD_SITEMAPS:
                    seen_children += 1
                    urls.append(child)
            for link in found.links:
                if self.track_url(source, link.url):
                    stats.new_articles += 1

    def track_url(self, source: Source, url: str) -> bool:
        """Start tracking ``url`` for ``source``; True when it is a new article."""
        if not is_article_url(source, url):
            return False
        try:
            canonical = canonicalize_url(url)
        except InputError:
            return False
        if self.store.find_article(canonical) is not None:
            return False
        _article, created = self.store.add_article(
            source.name, canonical, self.clock.now(), self.schedule_policy
        )
        return created

    # -- checking ---------------------------------------------------------------------

    async def check_due(self) -> RoundStats:
        stats = RoundStats()
        due = self.store.due_articles(self.clock.now(), self.batch_size)
        if not due:
            return stats
        gate = asyncio.Semaphore(self.concurrency)

        async def one(article: Article) -> None:
            async with gate:
                report = await self.tracker.check(article)
                stats.add(report)
                if self.on_report is not None:
                    self.on_report(report)

        await asyncio.gather(*(one(article) for article in due))
        return stats

    async def run_once(self, sources: Sequence[Source]) -> RoundStats:
        """Poll every endpoint now, then check every article due now (``crawl --once``)."""
        stats = await self.poll_sources(sources, force=True)
        while True:
            round_stats = await self.check_due()
            stats.merge(round_stats)
            if round_stats.checks < self.batch_size:
                return stats

    async def run(
        self,
        sources_provider: Callable[[], Sequence[Source]],
        until: datetime | None = None,
        on_round: Callable[[RoundStats], None] | None = None,
    ) -> RoundStats:
        """The long-running tracker loop; returns when ``until`` passes (never if None)."""
        total = RoundStats()
        while until is None or self.clock.now() < until:
            sources = sources_provider()
            round_stats = await self.poll_sources(sources)
            round_stats.merge(await self.check_due())
            total.merge(round_stats)
            if on_round is not None and (round_stats.checks or round_stats.endpoints_polled):
                on_round(round_stats)
            await self.clock.sleep(self._idle_seconds(sources, until))
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


def _endpoint_due(state: EndpointState, endpoint: Endpoint, now: datetime) -> bool:
    return state.last_polled_at is None or now >= state.last_polled_at + endpoint.poll_interval
