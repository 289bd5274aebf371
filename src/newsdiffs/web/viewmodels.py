"""One article, its versions and diffs as view models: the data path pages, feeds and the
JSON API all share. Functions read through the :class:`~newsdiffs.storage.base.Store` only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from newsdiffs.cards import card_url, version_text
from newsdiffs.core.change_text import ChangeText, change_text
from newsdiffs.core.classify import Classification
from newsdiffs.core.diffing import ArticleDiff
from newsdiffs.core.headlines import TitleHistory, analyze_titles
from newsdiffs.core.humanize import about, ago, fmt_datetime, later
from newsdiffs.core.schedule import (
    CheckKind,
    NewsSnifferPolicy,
    SchedulePolicy,
    ScheduleState,
    get_policy,
)
from newsdiffs.errors import ConfigError, HiddenError
from newsdiffs.models import Article, ArticleEvent, ArticleStatus, EventKind, Version
from newsdiffs.storage.base import Store
from newsdiffs.usecases import pick_versions
from newsdiffs.web.context import WebContext
from newsdiffs.web.diffview import DiffRow, RowGroup, diff_rows, first_change, fold_rows, title_row
from newsdiffs.web.summaries import ChangeSummary, stored_summary, summarize, with_glance

DESCRIPTION_LIMIT = 300  # characters of og:description: previews show two or three lines


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (never link javascript: etc.)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def visible_article(store: Store, article_id: int) -> Article:
    """The article, or NotFoundError; HiddenError when an admin hid it."""
    article = store.get_article(article_id)
    if article.status is ArticleStatus.HIDDEN:
        raise HiddenError(f"article {article_id} has been removed")
    return article


def change_between(context: WebContext, a: Version, b: Version) -> ChangeSummary:
    """How ``b`` differs from ``a``: stored classification when consecutive, else diffed."""
    consecutive = a.article_id == b.article_id and a.number + 1 == b.number
    if consecutive:
        cached: ChangeSummary | None = context.summaries.get(b.id)
        if cached is not None:
            return cached
        summary = stored_summary(a, b)
        if summary is not None:
            context.summaries.put(b.id, summary)
            return summary
    change = context.changes.get(a, b)
    summary = summarize(change.diff, change.classification, a, b)
    if consecutive:
        context.summaries.put(b.id, summary)
    return summary


def change_to(context: WebContext, version: Version) -> ChangeSummary | None:
    """The change that produced ``version`` (None for a first version)."""
    return changes_to(context, [version]).get(version.id)


def changes_to(
    context: WebContext, versions: Sequence[Version], *, glance: bool = False
) -> dict[int, ChangeSummary]:
    """The change that produced each version, by version id (first versions left out);
    ``glance``: each with its glance (the change itself, for lists).

    Cached summaries first; the previous versions of the others in one query.
    """
    found: dict[int, ChangeSummary] = {}
    missing: list[Version] = []
    for version in versions:
        if version.number < 2:
            continue
        cached: ChangeSummary | None = context.summaries.get(version.id)
        if cached is not None and (cached.glance is not None or not glance):
            found[version.id] = cached
        else:
            missing.append(version)
    if missing:
        previous = context.store.previous_versions([version.id for version in missing])
        for version in missing:
            before = previous.get(version.id)
            if before is None:
                continue
            summary = change_between(context, before, version)
            if glance:
                summary = with_glance(summary, before, version)
                context.summaries.put(version.id, summary)
            found[version.id] = summary
    return found


def changes_by_id(context: WebContext, version_ids: Sequence[int]) -> dict[int, ChangeSummary]:
    """:func:`changes_to` with glances, for versions known by id (search hits): cached
    summaries are used without reading the versions."""
    found: dict[int, ChangeSummary] = {}
    missing: list[int] = []
    for version_id in version_ids:
        cached: ChangeSummary | None = context.summaries.get(version_id)
        if cached is not None and cached.glance is not None:
            found[version_id] = cached
        else:
            missing.append(version_id)
    read = context.store.versions_by_id(missing)
    found.update(changes_to(context, [read[id_] for id_ in missing if id_ in read], glance=True))
    return found


@dataclass(frozen=True)
class VersionRow:
    version: Version
    change: ChangeSummary | None  # None for version 1


def status_sentences(article: Article, now: datetime) -> tuple[str, ...]:
    """The honest status of an article's checking, News Sniffer's wording where it fits.

    What the tracker really does: a gone (404/410) or redirected page counts as a failed
    check, so it is re-checked on the same backed-off schedule (in case it comes back) until
    the policy retires it; only a retired article is never checked again.
    """
    lines: list[str] = []
    if article.last_changed_at is None:
        lines.append("No version of it has been captured yet.")
    elif article.version_count <= 1:
        lines.append(
            f"It has not changed since it was first captured {ago(article.last_changed_at, now)}."
        )
    else:
        lines.append(f"It last changed {ago(article.last_changed_at, now)}.")
    checked = fmt_datetime(article.last_checked_at) if article.last_checked_at else None
    still_checked = "It is still checked, less and less often, in case it comes back."
    if article.status is ArticleStatus.GONE:
        lines.append(
            f"The original page was gone when it was checked on {checked or 'its last check'}."
        )
        if article.next_check_at is not None:
            lines.append(still_checked)
    elif article.status is ArticleStatus.REDIRECTED:
        lines.append("The original page now redirects to another page.")
        if article.next_check_at is not None:
            lines.append(still_checked)
    if article.status is ArticleStatus.RETIRED or article.next_check_at is None:
        lines.append("It won't be checked again for changes.")
        rule = _retirement_rule(article.schedule_policy)
        if rule and article.status is ArticleStatus.RETIRED:
            lines.append(rule)
        return tuple(lines)
    if article.next_check_at <= now:
        lines.append("The next check for changes is due now.")
    else:
        lines.append(
            f"The next check for changes will be in {about(article.next_check_at - now)} "
            f"({fmt_datetime(article.next_check_at)})."
        )
    return tuple(lines)


@dataclass(frozen=True)
class Retirement:
    """When a policy retires an article that stops changing."""

    unchanged_checks: int  # checks after the last change, the retiring one included
    after: timedelta  # from the last change to the retiring check


_RETIREMENT_CHECKS_LIMIT = 100_000  # a policy that never retires stops the count here


def retirement_of(policy: SchedulePolicy) -> Retirement:
    """Played out on the policy itself, so the numbers follow its constants."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    decision = policy.after_check(ScheduleState(start, timedelta(0)), CheckKind.CHANGED, start)
    checks, at = 0, start
    while not decision.retired and decision.next_check_at and checks < _RETIREMENT_CHECKS_LIMIT:
        at = decision.next_check_at
        state = ScheduleState(start, decision.interval, last_changed_at=start)
        decision = policy.after_check(state, CheckKind.UNCHANGED, at)
        checks += 1
    return Retirement(checks, at - start)


@cache
def _retirement_rule(policy_name: str) -> str:
    """The retirement rule in one sentence, with numbers computed from the policy."""
    try:
        policy = get_policy(policy_name)
    except ConfigError:
        return ""
    retirement = retirement_of(policy)
    when = (
        f"{retirement.unchanged_checks} unchanged checks, "
        f"about {about(retirement.after).removeprefix('about ')} after the last change"
    )
    if isinstance(policy, NewsSnifferPolicy):
        return (
            f"Articles are retired once the wait between two checks reaches "
            f"{policy.retire_after_description.removeprefix('over ')}: the first check after "
            f"a change comes "
            f"{about(policy.base)} later and each wait is {policy.factor:g} times the one "
            f"before, so that is after {when}."
        )
    return f"Articles are retired after {when}."


EVENT_LABELS: dict[EventKind, str] = {
    EventKind.GONE: "The page was gone (it answered 404 or 410)",
    EventKind.RETURNED: "The page came back",
    EventKind.REDIRECTED: "The page redirected to another article",
    EventKind.URL_REDIRECT: "The article moved to a new address",
    EventKind.EXTRACTION_ANOMALY: "Extraction anomaly: the text collapsed; not stored",
    EventKind.RETIRED: "Retired: it stopped changing, so it is no longer checked",
    EventKind.DUPLICATE: "The page named another article as its own",
    EventKind.LIVE_BLOG: "The page turned out to be a live blog",
    EventKind.UNKNOWN: "Event",
}
EXTRACTOR_UPGRADED = "extractor_upgraded"  # derived from versions: not a stored event kind


@dataclass(frozen=True)
class EventRow:
    """Something that happened to the article between versions (a row of its history)."""

    at: datetime
    kind: str  # an EventKind value, or EXTRACTOR_UPGRADED
    label: str
    detail: str = ""


def event_row(event: ArticleEvent) -> EventRow:
    label = EVENT_LABELS.get(event.kind) or event.kind.value.replace("_", " ").capitalize()
    return EventRow(event.at, event.kind.value, label, event.detail)


def extractor_upgrades(versions: Sequence[Version]) -> list[EventRow]:
    """A row where a version was read by another extractor than the one before it."""
    return [
        EventRow(
            version.captured_at,
            EXTRACTOR_UPGRADED,
            "Extractor upgraded",
            f"{before.extractor} → {version.extractor}",
        )
        for before, version in itertools.pairwise(versions)
        if version.extractor != before.extractor
    ]


def history_rows(
    rows: Sequence[VersionRow], events: Sequence[EventRow]
) -> tuple[VersionRow | EventRow, ...]:
    """Versions and events in time order; an event at a version's very time after it, an
    extractor upgrade before the version it produced."""

    def key(row: VersionRow | EventRow) -> tuple[datetime, int]:
        if isinstance(row, VersionRow):
            return row.version.captured_at, 1
        return row.at, 0 if row.kind == EXTRACTOR_UPGRADED else 2

    return tuple(sorted([*rows, *events], key=key))


@dataclass(frozen=True)
class ArticleView:
    article: Article
    original_href: str | None
    rows: tuple[VersionRow, ...]
    status: tuple[str, ...]
    titles: TitleHistory | None = None
    snapshots: Mapping[int, str] = field(default_factory=dict)  # version id -> Wayback URL
    events: tuple[EventRow, ...] = ()

    @property
    def history(self) -> tuple[VersionRow | EventRow, ...]:
        """The version table: versions and events in time order."""
        return history_rows(self.rows, self.events)

    @property
    def headline_test(self) -> bool:
        """Titles alternating between a few values: an A/B test or a flip-flop."""
        return self.titles is not None and self.titles.alternating

    @property
    def changes(self) -> int:
        """Changes, not versions: the first capture is not a change."""
        return max(0, len(self.rows) - 1)


def article_view(context: WebContext, article_id: int) -> ArticleView:
    article = visible_article(context.store, article_id)
    versions = context.store.versions(article_id)
    rows: list[VersionRow] = []
    for n, version in enumerate(versions):
        change = change_between(context, versions[n - 1], version) if n else None
        rows.append(VersionRow(version, change))
    now = context.clock.now()
    titles = analyze_titles([version.title for version in versions]) if versions else None
    return ArticleView(
        article,
        safe_href(article.url),
        tuple(rows),
        status_sentences(article, now),
        titles,
        archived_versions(context.store, article_id),
        (*map(event_row, context.store.events(article_id)), *extractor_upgrades(versions)),
    )


def archived_versions(store: Store, article_id: int) -> dict[int, str]:
    """Version id -> its Wayback snapshot, for the versions that have one (safe links only)."""
    found = store.snapshots(article_id)
    return {version_id: href for version_id, url in found.items() if (href := safe_href(url))}


@dataclass(frozen=True)
class DiffView:
    article: Article
    a: Version
    b: Version
    count: int  # versions of the article
    diff: ArticleDiff
    classification: Classification
    headline: DiffRow
    rows: tuple[DiffRow, ...]
    change: ChangeText  # the change in words: og:description, the card's alt text
    card_url: str  # absolute: og:image
    summary: ChangeSummary  # its size counts headline and byline words too

    @property
    def groups(self) -> tuple[RowGroup, ...]:
        """The rows with long unchanged runs folded (``<details>``)."""
        return fold_rows(self.rows)

    @property
    def first_change(self) -> str | None:
        """The anchor of the first change ("headline", "p3"), for "jump to first change"."""
        return first_change(self.headline, self.rows)

    @property
    def description(self) -> str:
        """The change summary for link previews (``og:description``)."""
        return self.change.plain_summary(DESCRIPTION_LIMIT)

    @property
    def later(self) -> str:
        delta = self.b.captured_at - self.a.captured_at
        return later(delta) if delta >= timedelta(0) else f"{about(delta)} earlier"

    @property
    def previous(self) -> tuple[int, int] | None:
        return (
            (self.a.number - 1, self.b.number - 1)
            if min(self.a.number, self.b.number) > 1
            else None
        )

    @property
    def next(self) -> tuple[int, int] | None:
        return (
            (self.a.number + 1, self.b.number + 1)
            if max(self.a.number, self.b.number) < self.count
            else None
        )


def diff_view(context: WebContext, article_id: int, a_number: int, b_number: int) -> DiffView:
    article = visible_article(context.store, article_id)
    a, b = pick_versions(context.store, article, a_number, b_number)
    change = context.changes.get(a, b)
    return DiffView(
        article=article,
        a=a,
        b=b,
        count=max(article.version_count, a.number, b.number),
        diff=change.diff,
        classification=change.classification,
        headline=title_row(change.diff.title),
        rows=diff_rows(change.diff.paragraphs),
        change=change_text(version_text(a), version_text(b), change.classification),
        card_url=card_url(context.settings.base_url, article_id, a.number, b.number),
        summary=change_between(context, a, b),
    )


@dataclass(frozen=True)
class VersionView:
    article: Article
    version: Version
    change: ChangeSummary | None
    snapshot: str | None = None  # the Wayback Machine's copy of this version


def _version_view(context: WebContext, article: Article, version: Version) -> VersionView:
    snapshot = archived_versions(context.store, article.id).get(version.id)
    return VersionView(article, version, change_to(context, version), snapshot)


def version_view(context: WebContext, version_id: int) -> VersionView:
    version = context.store.get_version(version_id)
    article = visible_article(context.store, version.article_id)
    return _version_view(context, article, version)


def version_by_number(context: WebContext, article_id: int, number: int) -> VersionView:
    article = visible_article(context.store, article_id)
    return _version_view(context, article, context.store.version_at(article_id, number))
