"""One article, its versions and diffs as view models: the data path pages, feeds and the
JSON API all share. Functions read through the :class:`~newsdiffs.storage.base.Store` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from newsdiffs.core.classify import Classification
from newsdiffs.core.diffing import ArticleDiff
from newsdiffs.core.headlines import TitleHistory, analyze_titles
from newsdiffs.core.humanize import about, ago, fmt_datetime, later
from newsdiffs.core.schedule import get_policy
from newsdiffs.errors import ConfigError, HiddenError, NotFoundError
from newsdiffs.models import Article, ArticleStatus, Version
from newsdiffs.storage.base import Store
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
    """The honest status of an article's checking, News Sniffer's wording where it fits."""
    lines: list[str] = []
    if article.last_changed_at is None:
        lines.append("No version of it has been captured yet.")
    elif article.version_count <= 1:
        lines.append(
            f"It has not changed since it was first captured {ago(article.last_changed_at, now)}."
        )
    else:
        lines.append(f"It last changed {ago(article.last_changed_at, now)}.")
    if article.status is ArticleStatus.GONE:
        when = (
            fmt_datetime(article.last_checked_at) if article.last_checked_at else "its last check"
        )
        lines.append(f"The original page was gone when it was checked on {when}.")
    elif article.status is ArticleStatus.REDIRECTED:
        lines.append(
            "The original page now redirects to another page, so it won't be checked again "
            "for changes."
        )
        return tuple(lines)
    if article.status is ArticleStatus.RETIRED or article.next_check_at is None:
        lines.append("It won't be checked again for changes.")
        rule = _retirement_rule(article.schedule_policy)
        if rule and article.status is ArticleStatus.RETIRED:
            lines.append(f"Articles are retired once they have gone {rule} without changing.")
        return tuple(lines)
    if article.next_check_at <= now:
        lines.append("The next check for changes is due now.")
    else:
        lines.append(
            f"The next check for changes will be in {about(article.next_check_at - now)} "
            f"({fmt_datetime(article.next_check_at)})."
        )
    return tuple(lines)


def _retirement_rule(policy: str) -> str:
    try:
        return get_policy(policy).retire_after_description
    except ConfigError:
        return ""


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
    if a_number == b_number:
        raise NotFoundError("a diff needs two different versions")
    a = context.store.version_at(article_id, a_number)
    b = context.store.version_at(article_id, b_number)
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
