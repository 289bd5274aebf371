"""One article, its versions and diffs as view models: the data path pages, feeds and the
JSON API all share. Functions read through the :class:`~newsdiffs.storage.base.Store` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

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
from newsdiffs.models import Article, ArticleStatus, Version
from newsdiffs.storage.base import Store
from newsdiffs.usecases import pick_versions
from newsdiffs.web.context import WebContext
from newsdiffs.web.diffview import DiffRow, diff_rows, title_row
from newsdiffs.web.summaries import ChangeSummary, stored_summary, summarize


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


def changes_to(context: WebContext, versions: Sequence[Version]) -> dict[int, ChangeSummary]:
    """The change that produced each version, by version id (first versions left out).

    Cached summaries first; the previous versions of the others in one query.
    """
    found: dict[int, ChangeSummary] = {}
    missing: list[Version] = []
    for version in versions:
        if version.number < 2:
            continue
        cached: ChangeSummary | None = context.summaries.get(version.id)
        if cached is not None:
            found[version.id] = cached
        else:
            missing.append(version)
    if missing:
        previous = context.store.previous_versions([version.id for version in missing])
        for version in missing:
            before = previous.get(version.id)
            if before is not None:
                found[version.id] = change_between(context, before, version)
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


@dataclass(frozen=True)
class ArticleView:
    article: Article
    original_href: str | None
    rows: tuple[VersionRow, ...]
    status: tuple[str, ...]
    titles: TitleHistory | None = None

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
        article, safe_href(article.url), tuple(rows), status_sentences(article, now), titles
    )


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
    )


@dataclass(frozen=True)
class VersionView:
    article: Article
    version: Version
    change: ChangeSummary | None


def version_view(context: WebContext, version_id: int) -> VersionView:
    version = context.store.get_version(version_id)
    article = visible_article(context.store, version.article_id)
    return VersionView(article, version, change_to(context, version))


def version_by_number(context: WebContext, article_id: int, number: int) -> VersionView:
    article = visible_article(context.store, article_id)
    version = context.store.version_at(article_id, number)
    return VersionView(article, version, change_to(context, version))
