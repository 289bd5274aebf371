"""Check one article: fetch, then let the one decision say what the fetch means, and store it.

The shell around :func:`newsdiffs.core.decision.decide_check`: it does the I/O only. It
fetches, reads what the decision asks for (the latest content hash; for a changed page the
version history in one read, the owner of the page's canonical URL, the latest stored page
when the extractor changed) and writes the :class:`CheckResult` with
:meth:`Store.record_check` in one transaction.

Every check ends in exactly one recorded :class:`CheckOutcome`. Bad input is an outcome,
and so is a bug: any exception inside one check is recorded as ``internal_error`` (an error:
the article backs off) with a log line, and the caller's round goes on.

Extraction and the decision (the CPU-heavy part) run in a worker thread, so that one slow
page does not starve the fetches of the other checks in flight into timeouts: a 1 s CPU task
on the loop delays a 10 ms timer by 1,004 ms, in a worker thread by 25 ms (the GIL changes
hands every 5 ms). A hop costs ~56 µs of CPU (82 µs wall), about 1 % of a full-page check.
Store calls stay on the event loop's thread (an in-memory SQLite store shares one
connection).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from newsdiffs.clock import Clock
from newsdiffs.content import Extract, fetched_content, page_content
from newsdiffs.core.decision import (
    FetchFacts,
    Lookup,
    NeedsLookup,
    VersionHistory,
    decide_check,
    internal_error_result,
)
from newsdiffs.core.urls import canonicalize_url
from newsdiffs.core.versioning import PageContent
from newsdiffs.errors import InputError, NotFoundError
from newsdiffs.extraction import extract
from newsdiffs.extraction.sites import adapter_markers_state
from newsdiffs.fetching import FetchOutcome, FetchResult
from newsdiffs.models import Article, ArticleStatus, CheckOutcome, CheckResult, Version
from newsdiffs.storage.base import Claim, TrackerStore

log = logging.getLogger("newsdiffs.tracker")

# Validators are sent only for an article last seen at its own URL: a gone or redirected
# article is fetched in full, so its return is seen as a page, not as a 304.
_CONDITIONAL_STATUSES = frozenset(
    {ArticleStatus.ACTIVE, ArticleStatus.RETIRED, ArticleStatus.HIDDEN}
)


class PageFetcher(Protocol):
    """What the tracker fetches with: the network's :class:`~newsdiffs.fetching.Fetcher`,
    or captures replayed from a web archive (:mod:`newsdiffs.importing.replay`)."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...


@dataclass(frozen=True)
class CheckReport:
    """What the caller learns from one check."""

    article_id: int
    url: str
    outcome: CheckOutcome
    version: Version | None
    next_check_at: datetime | None
    cpu_ms: float
    # Made under a claim that was no longer the article's by then: nothing was recorded.
    lost_race: bool = False


class _BodyMemo:
    """Remembers, per article, the hash of the last raw body and the content hash it gave.

    A byte-identical page skips extraction entirely: the cheapest possible unchanged check.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self._items: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._capacity = capacity

    def get(self, article_id: int, body_hash: str) -> str | None:
        item = self._items.get(article_id)
        if item is None or item[0] != body_hash:
            return None
        self._items.move_to_end(article_id)
        return item[1]

    def put(self, article_id: int, body_hash: str, content: str) -> None:
        self._items[article_id] = (body_hash, content)
        self._items.move_to_end(article_id)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)


class Tracker:
    def __init__(
        self,
        store: TrackerStore,
        fetcher: PageFetcher,
        clock: Clock,
        extractor: Extract = extract,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.extract = extractor
        self._memo = _BodyMemo()

    async def check(self, article: Article, claim: Claim | None = None) -> CheckReport:
        """Check ``article``; under ``claim`` (Store.claim_due) it is recorded only while
        the claim holds, else the report says the race was lost."""
        answered_at: datetime | None = None
        cpu_start = time.process_time()
        facts: FetchFacts | None = None
        try:
            conditional = article.status in _CONDITIONAL_STATUSES
            fetched = await self.fetcher.fetch(
                article.url,
                etag=article.etag if conditional else None,
                last_modified=article.last_modified if conditional else None,
            )
            # The check's time (checked_at, a version's captured_at, the claim's
            # compare-and-set, the next check's schedule) is when the answer arrived, read
            # straight after the fetch returns: a version "captured at T" is what the page
            # said by T, never dated before the server wrote it. Not the time the check
            # began: the fetch includes the wait for the host's turn (per-host delay),
            # robots.txt and retry back-offs. Measured in tests/test_distributed.py (speed
            # 200, three workers, 2 cores under a load of 10 to 15): dated at the start,
            # all 238 captures of a run preceded the newsroom's response, median 52 sim s
            # (0.26 real s), at most 205 sim s; dated here, none did in 15 runs (median
            # 5.5 sim s after it, at most 109 sim s while the process waited for a core).
            answered_at = self.clock.now()
            cpu_start = time.process_time()
            facts, latest_hash, body_hash = self._facts(article, fetched)
            result = await self._decide(
                article, answered_at, fetched, facts, latest_hash, body_hash
            )
            version, lost_race = self._record(result, claim)
        except Exception as error:  # the fault barrier: one bad check never ends a round
            log.exception("internal error checking article %s (%s)", article.id, article.url)
            detail = f"{type(error).__name__}: {error}"
            failed_at = answered_at if answered_at is not None else self.clock.now()
            result = internal_error_result(article, facts, failed_at, detail)
            try:
                version, lost_race = self._record(result, claim)
            except NotFoundError:  # merged into another article meanwhile: nothing to record
                version, lost_race = None, False
        outcome = result.check.outcome
        if result.new_version is not None and version is None:
            outcome = CheckOutcome.UNCHANGED  # the store had it already (see record_check)
        return CheckReport(
            article_id=article.id,
            url=article.url,
            outcome=outcome,
            version=version,
            next_check_at=result.next_check_at,
            cpu_ms=(time.process_time() - cpu_start) * 1000.0,
            lost_race=lost_race,
        )

    def _record(self, result: CheckResult, claim: Claim | None) -> tuple[Version | None, bool]:
        """The stored version (if any) and whether the claim had been lost."""
        if claim is None:
            return self.store.record_check(result), False
        recorded = self.store.record_check(result, claim)
        if recorded.lost_race:
            log.info("article %s: claim lost, check not recorded", claim.article.id)
        return recorded.version, recorded.lost_race

    def _facts(self, article: Article, fetched: FetchResult) -> tuple[FetchFacts, str | None, str]:
        """The fetch as the decision sees it; the latest hash and body hash for a page."""
        latest_hash: str | None = None
        body_hash = ""
        same_bytes = False
        if fetched.outcome is FetchOutcome.OK:
            body_hash = hashlib.blake2b(fetched.body, digest_size=16).hexdigest()
            latest_hash = self.store.latest_content_hash(article.id)
            remembered = self._memo.get(article.id, body_hash)
            same_bytes = remembered is not None and remembered == latest_hash
        facts = FetchFacts(
            outcome=fetched.outcome.value,
            status=fetched.status,
            final_url=fetched.final_url,
            redirected=bool(fetched.redirects),
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            detail=fetched.detail,
            body=fetched.body,
            duration_ms=fetched.elapsed_ms,
            same_bytes=same_bytes,
            redirect_owner=self._owner(fetched.final_url) if fetched.redirects else None,
        )
        return facts, latest_hash, body_hash

    async def _decide(
        self,
        article: Article,
        at: datetime,
        fetched: FetchResult,
        facts: FetchFacts,
        latest_hash: str | None,
        body_hash: str,
    ) -> CheckResult:
        """What the fetch means: the decision, fed with what it asks for."""
        if fetched.outcome is not FetchOutcome.OK or facts.same_bytes:
            first = decide_check(article, latest_hash, None, facts, at)
            assert not isinstance(first, NeedsLookup)  # only a page's text is ever looked up
            return first

        content, decided = await asyncio.to_thread(
            self._first_look, article, latest_hash, fetched, facts, at
        )
        if content is not None:
            self._memo.put(article.id, body_hash, content.hash)
        if not isinstance(decided, NeedsLookup):
            return decided
        assert content is not None
        # The text changed: one history read (none before the first version), and what else
        # the decision asked for.
        history = (
            VersionHistory() if latest_hash is None else self.store.version_history(article.id)
        )
        owner = self._owner(decided.identity_url) if decided.identity_url else None
        latest = history.latest
        stored_page = (
            self.store.raw_html(latest.id)
            if latest is not None and latest.extractor != content.page.extractor
            else None
        )
        return await asyncio.to_thread(
            self._second_look,
            article,
            latest_hash,
            content,
            fetched,
            facts,
            at,
            history,
            owner,
            stored_page,
        )

    def _first_look(
        self,
        article: Article,
        latest_hash: str | None,
        fetched: FetchResult,
        facts: FetchFacts,
        at: datetime,
    ) -> tuple[PageContent | None, CheckResult | NeedsLookup]:
        """Extract the page and decide as far as the latest hash allows (worker thread)."""
        content = fetched_content(fetched.body, fetched.text, fetched.final_url, self.extract)
        return content, decide_check(article, latest_hash, content, facts, at)

    def _second_look(
        self,
        article: Article,
        latest_hash: str | None,
        content: PageContent,
        fetched: FetchResult,
        facts: FetchFacts,
        at: datetime,
        history: VersionHistory,
        owner: int | None,
        stored_page: bytes | None,
    ) -> CheckResult:
        """Decide a changed page with its history (worker thread)."""
        latest = history.latest
        reextracted = None
        if stored_page is not None:
            again = page_content(stored_page, fetched.final_url, self.extract)
            reextracted = None if again is None else again.hash
        markers = None
        if latest is not None:
            markers = adapter_markers_state(fetched.final_url, fetched.text(), latest.extractor)
        lookup = Lookup(
            history=history,
            identity_owner=owner,
            reextracted_hash=reextracted,
            markers_matched=markers,
        )
        result = decide_check(article, latest_hash, content, facts, at, lookup)
        assert not isinstance(result, NeedsLookup)  # a lookup answers every question
        return result

    def _owner(self, url: str) -> int | None:
        """The id of the article owning ``url`` (canonicalised), if any."""
        try:
            found = self.store.find_article(canonicalize_url(url))
        except InputError:
            return None
        return None if found is None else found.id
