"""What one check of an article means: the single decision the tracker, ``compare``,
``reextract`` and any importer share.

:func:`decide_check` turns the article (its status, schedule and latest content hash), the
page's content (or None) and the facts of the fetch into the :class:`CheckResult` the store
writes in one transaction: the outcome, the version with its classification, aliases,
events, the article's status, its next check and the validators to keep.

It is pure and cheap to call twice. A changed page needs more than the latest hash: the
first call then answers :class:`NeedsLookup` and the caller reads the article's
:class:`VersionHistory` (one store read), looks up the owner of the page's identity URL,
re-extracts the latest stored page when today's extractor differs from the one that made
it, and calls again with a :class:`Lookup`. An unchanged page never costs more than its
latest hash.

The order of the rules, first match wins:

1. the fetch failed: its outcome (404/410 make the article gone); a 304 keeps the status;
2. a redirect to a page another article owns: a shortlink of it (no versions yet: merged
   into it) or moved away; a redirect of a first fetch: the target is an alias;
3. no article text: ``not_an_article``; a live blog: ``live_blog``, retired;
4. same text as the latest version (either hash rule, or the same words in other paragraphs):
   ``unchanged``;
5. the page's canonical URL belongs to another article: ``duplicate``;
6. the latest version re-extracted today gives today's text: ``unchanged`` (the extractor
   changed, the stored version's text is brought up to date);
7. the body collapsed against the history: ``extraction_anomaly``;
8. back to a text already stored twice: ``flipflop``; otherwise a first or new version.

Hidden articles stay hidden whatever a check finds (the store enforces it too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from newsdiffs.core.anomaly import detect_extraction_anomaly
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.schedule import CheckKind, ScheduleDecision, ScheduleState, get_policy
from newsdiffs.core.urls import canonicalize_url, choose_article_url
from newsdiffs.core.versioning import PageContent, VersionDecision, decide_version, text_hash
from newsdiffs.core.word_counts import words_changed
from newsdiffs.errors import InputError
from newsdiffs.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
    LatestVersionUpdate,
    NewVersion,
    Version,
)

MAX_DETAIL = 500

# Fetch outcomes (newsdiffs.fetching.FetchOutcome values) that are not a page.
FAILED_FETCH: Mapping[str, CheckOutcome] = MappingProxyType(
    {
        "gone": CheckOutcome.GONE,
        "http_error": CheckOutcome.HTTP_ERROR,
        "timeout": CheckOutcome.TIMEOUT,
        "too_large": CheckOutcome.TOO_LARGE,
        "network_error": CheckOutcome.NETWORK_ERROR,
        "redirect_loop": CheckOutcome.NETWORK_ERROR,
        "too_many_redirects": CheckOutcome.NETWORK_ERROR,
        "robots_disallowed": CheckOutcome.ROBOTS_DISALLOWED,
        "blocked_address": CheckOutcome.NETWORK_ERROR,
    }
)
PAGE = "ok"
NOT_MODIFIED = "not_modified"

# Outcomes that saw the article's text at its own URL: a gone or redirected article is back.
_TEXT_SEEN = frozenset(
    {
        CheckOutcome.UNCHANGED,
        CheckOutcome.NEW_VERSION,
        CheckOutcome.FIRST_VERSION,
        CheckOutcome.FLIPFLOP,
    }
)
_AWAY = frozenset({ArticleStatus.GONE, ArticleStatus.REDIRECTED})


@dataclass(frozen=True)
class FetchFacts:
    """What the fetch found, as the decision needs it."""

    outcome: str  # a newsdiffs.fetching.FetchOutcome value
    status: int | None = None
    final_url: str = ""
    redirected: bool = False
    etag: str | None = None
    last_modified: str | None = None
    detail: str = ""
    body: bytes = b""
    duration_ms: float = 0.0
    # The body is byte-identical to one whose text was the latest version's (the caller's
    # memo): the text is known without extracting it.
    same_bytes: bool = False
    # The article owning the redirect target (canonicalised final URL), when redirected.
    redirect_owner: int | None = None


@dataclass(frozen=True)
class VersionHistory:
    """What the store keeps of an article's versions, read in one go for a changed page."""

    latest: Version | None = None
    hash_counts: Mapping[str, int] = field(default_factory=dict)
    word_counts: tuple[int, ...] = ()  # body words of every stored version, oldest first


@dataclass(frozen=True)
class NeedsLookup:
    """The page changed: call again with a :class:`Lookup`."""

    identity_url: str | None  # look up the owner of this URL (the page's canonical URL)


@dataclass(frozen=True)
class Lookup:
    """What the caller read because the decision asked (:class:`NeedsLookup`)."""

    history: VersionHistory
    identity_owner: int | None = None  # the article owning NeedsLookup.identity_url
    # The hash today's extractor gives for the latest version's stored page: only when the
    # latest version was made by another extractor than today's page (else None).
    reextracted_hash: str | None = None
    # The site adapter's layout markers on this page (extraction.sites.adapter_markers_state
    # with the latest version's extractor): None when no adapter is involved.
    markers_matched: bool | None = None


@dataclass(slots=True)  # not frozen: built on every check, a frozen init costs ~4 µs more
class _Verdict:
    """The part of a decision before status, schedule and validators are settled."""

    outcome: CheckOutcome
    detail: str = ""
    version: NewVersion | None = None
    events: tuple[tuple[EventKind, str], ...] = ()
    status: ArticleStatus | None = None  # None: the usual rule (see _status)
    aliases: tuple[str, ...] = ()
    merge_into: int | None = None
    latest_update: LatestVersionUpdate | None = None
    retire: bool = False


def decide_check(
    article: Article,
    latest_hash: str | None,
    content: PageContent | None,
    fetch: FetchFacts,
    now: datetime,
    lookup: Lookup | None = None,
) -> CheckResult | NeedsLookup:
    """Everything a check of ``article`` writes (see the module's rules), or what to look up.

    ``latest_hash`` is the content hash of the article's latest version (None before the
    first); ``content`` the page's text (None: no article text, or not needed because
    ``fetch.same_bytes``).
    """
    verdict = _verdict(article, latest_hash, content, fetch, now, lookup)
    if isinstance(verdict, NeedsLookup):
        return verdict
    return _result(article, fetch, now, verdict)


def internal_error_result(
    article: Article, fetch: FetchFacts | None, now: datetime, detail: str
) -> CheckResult:
    """The record of a check that failed on a bug: an error (it backs off), status and
    validators kept (a validator of a page never examined would hide it behind 304s)."""
    facts = fetch if fetch is not None else FetchFacts(outcome="")
    return _result(article, facts, now, _Verdict(CheckOutcome.INTERNAL_ERROR, detail))


# --- the rules ------------------------------------------------------------------------------


def _verdict(
    article: Article,
    latest_hash: str | None,
    content: PageContent | None,
    fetch: FetchFacts,
    now: datetime,
    lookup: Lookup | None,
) -> _Verdict | NeedsLookup:
    if fetch.outcome == NOT_MODIFIED:
        return _Verdict(CheckOutcome.NOT_MODIFIED, fetch.detail)
    if fetch.outcome != PAGE:
        return _failed(article, fetch)

    redirect = _redirect(article, fetch)
    if redirect is not None and redirect.outcome is not None:
        return redirect.outcome
    aliases = redirect.aliases if redirect is not None else ()
    events = redirect.events if redirect is not None else ()

    if fetch.same_bytes and latest_hash is not None:
        return _Verdict(CheckOutcome.UNCHANGED, "same bytes", aliases=aliases, events=events)
    if content is None:
        return _Verdict(
            CheckOutcome.NOT_AN_ARTICLE, "no article text", aliases=aliases, events=events
        )
    if content.page.is_live_blog:
        return _live_blog(article)
    if content.is_text_of(latest_hash):
        return _Verdict(
            CheckOutcome.UNCHANGED,
            aliases=aliases,
            events=events,
            latest_update=_rehash(latest_hash, content),
        )

    identity_url = _identity_url(article, fetch, content)
    if lookup is None:
        return NeedsLookup(identity_url)
    return _changed(article, content, fetch, now, lookup, identity_url, aliases, events)


def _failed(article: Article, fetch: FetchFacts) -> _Verdict:
    outcome = FAILED_FETCH.get(fetch.outcome, CheckOutcome.NETWORK_ERROR)
    if outcome is not CheckOutcome.GONE:
        return _Verdict(outcome, fetch.detail)
    events = (
        () if article.status is ArticleStatus.GONE else ((EventKind.GONE, f"HTTP {fetch.status}"),)
    )
    return _Verdict(outcome, fetch.detail, events=events, status=ArticleStatus.GONE)


@dataclass(frozen=True)
class _Redirect:
    outcome: _Verdict | None = None  # the check ends here
    aliases: tuple[str, ...] = ()
    events: tuple[tuple[EventKind, str], ...] = ()


def _redirect(article: Article, fetch: FetchFacts) -> _Redirect | None:
    """What a redirect to ``fetch.final_url`` says about the article, if it was redirected."""
    if not fetch.redirected:
        return None
    try:
        target = canonicalize_url(fetch.final_url)
    except InputError:
        return None
    owner = fetch.redirect_owner
    if owner is not None and owner != article.id:
        if article.version_count == 0:
            # A shortlink (or feed link) of an article already tracked: one article.
            return _Redirect(_duplicate(article, owner, f"redirects to {target}"))
        return _Redirect(_moved_away(target))
    if owner is None and article.version_count == 0:
        # A first fetch through a redirector: the target is this article's page.
        return _Redirect(aliases=(target,), events=((EventKind.URL_REDIRECT, target),))
    if owner is None and not _loosely_same(article.url, target):
        return _Redirect(_moved_away(target))
    return _Redirect()


def _moved_away(target: str) -> _Verdict:
    return _Verdict(
        CheckOutcome.REDIRECTED_AWAY,
        f"redirects to {target}",
        events=((EventKind.REDIRECTED, target),),
        status=ArticleStatus.REDIRECTED,
    )


def _duplicate(article: Article, owner: int, why: str) -> _Verdict:
    """The same article as ``owner``: merged into it when it has no version, else retired."""
    detail = f"same article as article {owner}: {why}"
    return _Verdict(
        CheckOutcome.DUPLICATE,
        detail,
        events=((EventKind.DUPLICATE, detail),),
        status=ArticleStatus.RETIRED,
        merge_into=owner if article.version_count == 0 else None,
        retire=True,
    )


def _live_blog(article: Article) -> _Verdict:
    """A live blog is not one article whose every new post is an edit: it is retired."""
    already = article.status is ArticleStatus.RETIRED
    detail = "live blog: not tracked as one article"
    return _Verdict(
        CheckOutcome.LIVE_BLOG,
        detail,
        events=() if already else ((EventKind.LIVE_BLOG, detail),),
        status=ArticleStatus.RETIRED,
        retire=True,
    )


def _identity_url(article: Article, fetch: FetchFacts, content: PageContent) -> str | None:
    """The page's identity URL when it is not the article's own URL (else None)."""
    try:
        chosen = choose_article_url(article.url, fetch.final_url, content.page.canonical_url)
    except InputError:
        return None
    return None if chosen == article.url else chosen


def _rehash(latest_hash: str | None, content: PageContent) -> LatestVersionUpdate | None:
    """Bring a latest version stored under the old hash rule to today's (same text)."""
    if latest_hash is None or latest_hash == content.hash:
        return None
    return LatestVersionUpdate(expected_hash=latest_hash, content_hash=content.hash)


def _changed(
    article: Article,
    content: PageContent,
    fetch: FetchFacts,
    now: datetime,
    lookup: Lookup,
    identity_url: str | None,
    aliases: tuple[str, ...],
    events: tuple[tuple[EventKind, str], ...],
) -> _Verdict:
    """A page whose hash is not the latest version's: what the history says it is."""
    history = lookup.history
    latest = history.latest
    if latest is not None and text_hash(latest.title, latest.paragraphs) == content.hash:
        # The same words in other paragraphs (or a hash stored under the old rule).
        return _Verdict(
            CheckOutcome.UNCHANGED,
            "same words, other paragraph breaks",
            aliases=aliases,
            events=events,
            latest_update=_rehash(latest.content_hash, content),
        )
    if identity_url is not None:
        owner = lookup.identity_owner
        if owner is not None and owner != article.id:
            return _duplicate(article, owner, f"its canonical URL is {identity_url}")
        if owner is None:
            aliases = (*aliases, identity_url)
    if (
        latest is not None
        and latest.extractor != content.page.extractor
        and lookup.reextracted_hash == content.hash
    ):
        update = LatestVersionUpdate(
            expected_hash=latest.content_hash,
            content_hash=content.hash,
            title=content.title,
            paragraphs=content.paragraphs,
            extractor=content.page.extractor,
        )
        return _Verdict(
            CheckOutcome.UNCHANGED,
            "extractor changed",
            aliases=aliases,
            events=events,
            latest_update=update,
        )
    if latest is not None:
        anomaly = detect_extraction_anomaly(
            content.page, history.word_counts, lookup.markers_matched
        )
        if anomaly is not None:
            detail = f"{anomaly.kind}: {anomaly.detail}"
            return _Verdict(
                CheckOutcome.EXTRACTION_ANOMALY,
                detail,
                aliases=aliases,
                events=(*events, (EventKind.EXTRACTION_ANOMALY, detail)),
            )
    seen = 0
    if history.hash_counts:  # (the legacy hash costs a second normalisation: only if needed)
        seen = history.hash_counts.get(content.hash, 0)
        seen += history.hash_counts.get(content.legacy_hash, 0)
    decision = decide_version(
        content.hash,
        None if latest is None else latest.content_hash,
        {content.hash: seen},
    )
    if decision is VersionDecision.FLIPFLOP:
        return _Verdict(
            CheckOutcome.FLIPFLOP, "reverted to a seen text", aliases=aliases, events=events
        )
    outcome = (
        CheckOutcome.FIRST_VERSION
        if decision is VersionDecision.FIRST
        else CheckOutcome.NEW_VERSION
    )
    return _Verdict(
        outcome,
        aliases=aliases,
        events=events,
        version=_new_version(content, fetch, now, latest),
    )


def _new_version(
    content: PageContent, fetch: FetchFacts, now: datetime, latest: Version | None
) -> NewVersion:
    page = content.page
    change = None
    words: tuple[int, int] | None = None
    if latest is not None:
        change = classify_versions(
            latest.title,
            latest.paragraphs,
            content.title,
            content.paragraphs,
            latest.byline,
            page.byline,
        )
        words = words_changed(change, latest.title, content.title, latest.byline, page.byline)
    return NewVersion(
        captured_at=now,
        title=content.title,
        paragraphs=content.paragraphs,
        content_hash=content.hash,
        extractor=page.extractor,
        raw_html=fetch.body,
        byline=page.byline,
        published=page.published,
        updated=page.updated,
        significance=change.significance if change else None,
        change_kinds=tuple(str(kind) for kind in change.kinds) if change else (),
        classification=change,
        words_added=words[0] if words else None,
        words_removed=words[1] if words else None,
    )


# --- status, schedule, validators -----------------------------------------------------------


def _status(article: Article, verdict: _Verdict) -> ArticleStatus:
    if article.status is ArticleStatus.HIDDEN:
        return ArticleStatus.HIDDEN  # until an admin unhides it
    if verdict.status is not None:
        return verdict.status
    if verdict.outcome in _TEXT_SEEN:
        return ArticleStatus.ACTIVE
    return article.status


def _schedule_kind(outcome: CheckOutcome) -> CheckKind:
    if outcome.is_change:
        return CheckKind.CHANGED
    if outcome.is_error or outcome is CheckOutcome.REDIRECTED_AWAY:
        return CheckKind.ERROR
    return CheckKind.UNCHANGED


def _schedule(article: Article, verdict: _Verdict, now: datetime) -> ScheduleDecision:
    if verdict.retire:
        return ScheduleDecision(next_check_at=None, interval=article.check_interval, retired=True)
    kind = _schedule_kind(verdict.outcome)
    state = ScheduleState(
        first_seen=article.first_seen,
        interval=article.check_interval,
        last_changed_at=now if kind is CheckKind.CHANGED else article.last_changed_at,
    )
    return get_policy(article.schedule_policy).after_check(state, kind, now)


def _result(article: Article, fetch: FetchFacts, now: datetime, verdict: _Verdict) -> CheckResult:
    status = _status(article, verdict)
    events = [ArticleEvent(article.id, now, kind, detail) for kind, detail in verdict.events]
    if status is ArticleStatus.ACTIVE and article.status in _AWAY:
        events.append(ArticleEvent(article.id, now, EventKind.RETURNED, "the page is back"))
    schedule = _schedule(article, verdict, now)
    if schedule.retired and not verdict.retire:
        if status is not ArticleStatus.HIDDEN:
            status = ArticleStatus.RETIRED
        events.append(
            ArticleEvent(
                article.id, now, EventKind.RETIRED, "interval reached the retirement limit"
            )
        )
    replace, etag, last_modified = _validators(fetch, verdict.outcome)
    return CheckResult(
        check=Check(
            article_id=article.id,
            checked_at=now,
            outcome=verdict.outcome,
            http_status=fetch.status,
            bytes_received=len(fetch.body),
            duration_ms=fetch.duration_ms,
            detail=verdict.detail[:MAX_DETAIL],
        ),
        new_version=verdict.version,
        events=tuple(events),
        status=status,
        next_check_at=schedule.next_check_at,
        check_interval=schedule.interval,
        etag=etag,
        last_modified=last_modified,
        replace_validators=replace,
        aliases=tuple(dict.fromkeys(verdict.aliases)) if verdict.aliases else (),
        merge_into=verdict.merge_into,
        latest_update=verdict.latest_update,
    )


def _validators(fetch: FetchFacts, outcome: CheckOutcome) -> tuple[bool, str | None, str | None]:
    """(replace the stored ones?, etag, last_modified) to write.

    Validators belong to the URL that sent them: a 200 at the article's own URL replaces
    them, a redirected answer clears them (they were the target's), a 304 at its own URL
    may refresh them; failures and internal errors keep them.
    """
    if outcome is CheckOutcome.INTERNAL_ERROR or fetch.outcome not in (PAGE, NOT_MODIFIED):
        return False, None, None
    if fetch.redirected:
        return True, None, None
    return fetch.outcome == PAGE, fetch.etag, fetch.last_modified


def _loosely_same(a: str, b: str) -> bool:
    """The same URL but for http/https, www. and a trailing slash (a cosmetic move)."""

    def key(url: str) -> str:
        rest = url.split("://", 1)[-1]
        host, _, path = rest.partition("/")
        return host.removeprefix("www.") + "/" + path.rstrip("/")

    return key(a) == key(b)
