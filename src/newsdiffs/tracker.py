"""Check one article: fetch -> extract -> normalise -> compare -> store -> schedule.

Every check ends in exactly one :class:`CheckOutcome` written with :meth:`Store.record_check`
in one transaction (the check row, the version if any, events and the next check time).
Nothing here raises for a bad page: bad input is an outcome, and the article backs off.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from newsdiffs.clock import Clock
from newsdiffs.core.anomaly import detect_extraction_anomaly, word_count
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.normalize import content_hash, normalize_paragraphs, normalize_text
from newsdiffs.core.schedule import CheckKind, ScheduleState, get_policy
from newsdiffs.core.urls import canonicalize_url
from newsdiffs.core.versioning import VersionDecision, decide_version
from newsdiffs.extraction import extract
from newsdiffs.extraction.sites import adapter_markers_state
from newsdiffs.fetching import Fetcher, FetchOutcome, FetchResult
from newsdiffs.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    ExtractedPage,
    NewVersion,
    Version,
)
from newsdiffs.storage.base import Store

Extract = Callable[[str | bytes, str], ExtractedPage]

_FETCH_TO_CHECK: dict[FetchOutcome, CheckOutcome] = {
    FetchOutcome.GONE: CheckOutcome.GONE,
    FetchOutcome.HTTP_ERROR: CheckOutcome.HTTP_ERROR,
    FetchOutcome.TIMEOUT: CheckOutcome.TIMEOUT,
    FetchOutcome.TOO_LARGE: CheckOutcome.TOO_LARGE,
    FetchOutcome.NETWORK_ERROR: CheckOutcome.NETWORK_ERROR,
    FetchOutcome.REDIRECT_LOOP: CheckOutcome.NETWORK_ERROR,
    FetchOutcome.TOO_MANY_REDIRECTS: CheckOutcome.NETWORK_ERROR,
    FetchOutcome.ROBOTS_DISALLOWED: CheckOutcome.ROBOTS_DISALLOWED,
    FetchOutcome.BLOCKED_ADDRESS: CheckOutcome.NETWORK_ERROR,
}


@dataclass(frozen=True)
class CheckReport:
    """What the caller learns from one check."""

    article_id: int
    url: str
    outcome: CheckOutcome
    version: Version | None
    next_check_at: datetime | None
    cpu_ms: float


@dataclass(frozen=True)
class _Content:
    title: str
    paragraphs: tuple[str, ...]
    hash: str
    page: ExtractedPage


class _BodyMemo:
    """Remembers, per article, the hash of the last raw body and the content it gave.

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
        store: Store,
        fetcher: Fetcher,
        clock: Clock,
        extractor: Extract = extract,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.extract = extractor
        self._memo = _BodyMemo()

    async def check(self, article: Article) -> CheckReport:
        started_at = self.clock.now()
        fetched = await self.fetcher.fetch(
            article.url, etag=article.etag, last_modified=article.last_modified
        )
        cpu_start = time.process_time()
        result, version = self._record(article, started_at, fetched)
        cpu_ms = (time.process_time() - cpu_start) * 1000.0
        return CheckReport(
            article_id=article.id,
            url=article.url,
            outcome=result.check.outcome,
            version=version,
            next_check_at=result.next_check_at,
            cpu_ms=cpu_ms,
        )

    # -- the pure-ish part: decide what this fetch means ---------------------------------

    def _record(
        self, article: Article, at: datetime, fetched: FetchResult
    ) -> tuple[CheckResult, Version | None]:
        events: list[ArticleEvent] = []
        new_version: NewVersion | None = None
        status = ArticleStatus.ACTIVE
        detail = fetched.detail
        outcome: CheckOutcome

        if fetched.outcome is FetchOutcome.NOT_MODIFIED:
            outcome = CheckOutcome.NOT_MODIFIED
        elif fetched.outcome is not FetchOutcome.OK:
            outcome = _FETCH_TO_CHECK.get(fetched.outcome, CheckOutcome.NETWORK_ERROR)
            if outcome is CheckOutcome.GONE:
                status = ArticleStatus.GONE
                if article.status is not ArticleStatus.GONE:
                    events.append(ArticleEvent(article.id, at, "gone", f"HTTP {fetched.status}"))
        else:
            outcome, new_version, status, detail = self._examine(article, at, fetched, events)

        if status is ArticleStatus.ACTIVE and article.status in (
            ArticleStatus.GONE,
            ArticleStatus.REDIRECTED,
        ):
            events.append(ArticleEvent(article.id, at, "returned", "the page is back"))

        kind = (
            CheckKind.CHANGED
            if outcome.is_change
            else CheckKind.ERROR
            if outcome.is_error or outcome is CheckOutcome.REDIRECTED_AWAY
            else CheckKind.UNCHANGED
        )
        policy = get_policy(article.schedule_policy)
        decision = policy.after_check(
            ScheduleState(
                first_seen=article.first_seen,
                interval=article.check_interval,
                last_changed_at=at if kind is CheckKind.CHANGED else article.last_changed_at,
            ),
            kind,
            at,
        )
        if decision.retired:
            status = ArticleStatus.RETIRED
            events.append(
                ArticleEvent(article.id, at, "retired", "interval reached the retirement limit")
            )
        result = CheckResult(
            check=Check(
                article_id=article.id,
                checked_at=at,
                outcome=outcome,
                http_status=fetched.status,
                bytes_received=len(fetched.body),
                duration_ms=fetched.elapsed_ms,
                detail=detail[:500],
            ),
            new_version=new_version,
            events=tuple(events),
            status=status,
            next_check_at=decision.next_check_at,
            check_interval=decision.interval,
            etag=fetched.etag or article.etag,
            last_modified=fetched.last_modified or article.last_modified,
        )
        return result, self.store.record_check(result)

    def _examine(
        self,
        article: Article,
        at: datetime,
        fetched: FetchResult,
        events: list[ArticleEvent],
    ) -> tuple[CheckOutcome, NewVersion | None, ArticleStatus, str]:
        """A 200 page: is it still this article, and did its text change?"""
        body_hash = hashlib.blake2b(fetched.body, digest_size=16).hexdigest()
        latest_hash = self.store.latest_content_hash(article.id)
        remembered = self._memo.get(article.id, body_hash)
        if remembered is not None and remembered == latest_hash:
            return CheckOutcome.UNCHANGED, None, ArticleStatus.ACTIVE, "same bytes"

        if fetched.redirects:
            target = canonicalize_url(fetched.final_url)
            owner = self.store.find_article(target)
            if owner is None and article.version_count == 0:
                # A first fetch through a redirector: the target is this article's page.
                self.store.add_alias(article.id, target)
                events.append(ArticleEvent(article.id, at, "url_redirect", target))
            elif _moved_away(article, owner, target):
                events.append(ArticleEvent(article.id, at, "redirected", target))
                return (
                    CheckOutcome.REDIRECTED_AWAY,
                    None,
                    ArticleStatus.REDIRECTED,
                    f"redirects to {target}",
                )

        content = None if _looks_binary(fetched.body) else self._content(fetched)
        if content is None:
            return CheckOutcome.NOT_AN_ARTICLE, None, ArticleStatus.ACTIVE, "no article text"
        self._memo.put(article.id, body_hash, content.hash)
        if content.hash == latest_hash:
            return CheckOutcome.UNCHANGED, None, ArticleStatus.ACTIVE, ""

        # The text differs from the latest version's: only now is the history read.
        latest = None
        counts: dict[str, int] = {}
        if latest_hash is not None:
            latest = self.store.latest_version(article.id)
            counts = self.store.hash_counts(article.id)
        decision = decide_version(content.hash, latest_hash, counts)
        if (
            latest is not None
            and latest.extractor != content.page.extractor
            and self._same_under_new_extractor(latest, content, fetched.final_url)
        ):
            return CheckOutcome.UNCHANGED, None, ArticleStatus.ACTIVE, "extractor changed"
        anomaly = self._anomaly(article, fetched, content, latest)
        if anomaly is not None:
            events.append(ArticleEvent(article.id, at, "extraction_anomaly", anomaly))
            return CheckOutcome.EXTRACTION_ANOMALY, None, ArticleStatus.ACTIVE, anomaly
        if decision is VersionDecision.FLIPFLOP:
            return CheckOutcome.FLIPFLOP, None, ArticleStatus.ACTIVE, "reverted to a seen text"
        page = content.page
        change = None
        if latest is not None:
            change = classify_versions(
                latest.title,
                latest.paragraphs,
                content.title,
                content.paragraphs,
                latest.byline,
                page.byline,
            )
        version = NewVersion(
            captured_at=at,
            title=content.title,
            paragraphs=content.paragraphs,
            content_hash=content.hash,
            extractor=page.extractor,
            raw_html=fetched.body,
            byline=page.byline,
            published=page.published,
            updated=page.updated,
            significance=change.significance if change else None,
            change_kinds=tuple(str(kind) for kind in change.kinds) if change else (),
            classification=json.dumps(change.to_json_dict()) if change else None,
        )
        outcome = (
            CheckOutcome.FIRST_VERSION
            if decision is VersionDecision.FIRST
            else CheckOutcome.NEW_VERSION
        )
        return outcome, version, ArticleStatus.ACTIVE, ""

    def _same_under_new_extractor(self, latest: Version, content: _Content, url: str) -> bool:
        """Re-extract the latest version's stored page with today's extractor.

        If that gives today's text, only the extractor changed: the stored version's text is
        brought up to date in place and no version is recorded.
        """
        again = self._content_of(self.store.raw_html(latest.id), url)
        if again is None or again.hash != content.hash:
            return False
        self.store.update_version_text(
            latest.id, content.title, content.paragraphs, content.hash, content.page.extractor
        )
        return True

    def _anomaly(
        self, article: Article, fetched: FetchResult, content: _Content, latest: Version | None
    ) -> str | None:
        """Did extraction collapse (a redesign) rather than the article change?"""
        if latest is None:
            return None
        history = [word_count(v.paragraphs) for v in self.store.versions(article.id)]
        markers = adapter_markers_state(fetched.final_url, fetched.text(), latest.extractor)
        found = detect_extraction_anomaly(content.page, history, markers)
        return None if found is None else f"{found.kind}: {found.detail}"

    def _content(self, fetched: FetchResult) -> _Content | None:
        return self._content_of(fetched.text(), fetched.final_url)

    def _content_of(self, html: str | bytes, url: str) -> _Content | None:
        page = self.extract(html, url)
        paragraphs = normalize_paragraphs(page.paragraphs)
        title = normalize_text(page.title)
        if not paragraphs:
            return None
        return _Content(title, paragraphs, content_hash(title, paragraphs), page)


def _moved_away(article: Article, owner: Article | None, target: str) -> bool:
    """Does a redirect to ``target`` take readers to another article?

    Not when ``target`` is this article (or one of its aliases), nor, for a URL nobody
    tracks, when it is a cosmetic move (http->https, www, trailing slash).
    """
    if owner is not None:
        return owner.id != article.id
    return not _loosely_same(article.url, target)


def _loosely_same(a: str, b: str) -> bool:
    def key(url: str) -> str:
        rest = url.split("://", 1)[-1]
        host, _, path = rest.partition("/")
        return host.removeprefix("www.") + "/" + path.rstrip("/")

    return key(a) == key(b)


def _looks_binary(body: bytes) -> bool:
    """A NUL byte near the start: an image, a PDF, an archive — not an HTML page."""
    return b"\x00" in body[:2048]
