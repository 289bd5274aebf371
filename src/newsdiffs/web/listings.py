"""Lists as view models: latest changes, sources, articles, search, lookup, health.

Shared by the HTML pages, the feeds and the JSON API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from newsdiffs.core.headlines import HeadlineTest, headline_test
from newsdiffs.core.urls import lookup_variants
from newsdiffs.errors import InputError, NotFoundError, StorageError
from newsdiffs.models import Article, ArticleStatus, Endpoint, EventKind, Source, Version
from newsdiffs.storage.base import SearchHit
from newsdiffs.storage.search_syntax import without_controls
from newsdiffs.web.context import WebContext
from newsdiffs.web.summaries import KIND_LABELS, ChangeSummary
from newsdiffs.web.viewmodels import changes_to, safe_href

CHANGES_PER_PAGE = 30
ARTICLES_PER_PAGE = 50
SEARCH_PER_PAGE = 20
STALE_SOURCE_AFTER = timedelta(days=1)
ANOMALY_WINDOW = timedelta(days=1)
EXTRACTION_ANOMALY_EVENT = EventKind.EXTRACTION_ANOMALY


# Days a listing can show: one day inside date's range on each side, so that the day's end
# and the previous/next-day links never overflow (9999-12-31 + 1 day is an OverflowError).
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=1)


def parse_day(text: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day from FIRST_DAY to LAST_DAY, None for no day; InputError otherwise."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a day (YYYY-MM-DD): {text!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(
            f"no changes can be listed for {text}: days run from {FIRST_DAY} to {LAST_DAY}"
        )
    return day


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class ChangeItem:
    article: Article
    version: Version
    change: ChangeSummary


@dataclass(frozen=True)
class ChangeEntry:
    """One entry of a list of changes: a change, or a headline test's switches shown once
    (``item`` is then the newest switch; ``switches`` how many were folded into it)."""

    item: ChangeItem
    headline_test: HeadlineTest | None = None
    switches: int = 1


def _title_step(item: ChangeItem) -> tuple[str, str]:
    glance = item.change.glance
    if glance is not None and glance.headline is not None:
        return glance.headline
    return item.version.title, item.version.title


def _headline_only(item: ChangeItem) -> bool:
    glance = item.change.glance
    return (
        glance is not None
        and glance.headline is not None
        and not glance.passage
        and (glance.byline is None)
    )


def fold_headline_tests(items: Sequence[ChangeItem]) -> tuple[ChangeEntry, ...]:
    """The items as list entries, an article's headline-only switches between alternatives
    (:func:`newsdiffs.core.headlines.headline_test`) folded into one entry where the newest
    of them stood. Changes that also edit the text stay entries of their own."""
    by_article: dict[int, list[int]] = {}
    for n, item in enumerate(items):
        by_article.setdefault(item.article.id, []).append(n)
    folded: dict[int, ChangeEntry] = {}
    dropped: set[int] = set()
    for indexes in by_article.values():
        if len(indexes) < 2:
            continue
        oldest_first = sorted(indexes, key=lambda n: items[n].version.number)
        test = headline_test([_title_step(items[n]) for n in oldest_first])
        if test is None:
            continue
        members = [oldest_first[k] for k in sorted(test.switches)]
        members = [n for n in members if _headline_only(items[n])]
        if len(members) < 2:
            continue
        newest = max(members, key=lambda n: items[n].version.number)
        folded[newest] = ChangeEntry(items[newest], test, len(members))
        dropped.update(n for n in members if n != newest)
    return tuple(
        folded.get(n, ChangeEntry(item)) for n, item in enumerate(items) if n not in dropped
    )


@dataclass(frozen=True)
class ChangesPage:
    items: tuple[ChangeItem, ...]
    page: int
    has_next: bool
    day: date | None
    source: str | None
    kind: str | None

    @property
    def entries(self) -> tuple[ChangeEntry, ...]:
        """The items as a list shows them: headline tests folded."""
        return fold_headline_tests(self.items)

    @property
    def previous_day(self) -> date | None:
        return self.day - timedelta(days=1) if self.day and self.day > FIRST_DAY else None

    @property
    def next_day(self) -> date | None:
        return self.day + timedelta(days=1) if self.day and self.day < LAST_DAY else None


def latest_changes(
    context: WebContext,
    page: int = 1,
    day: date | None = None,
    source: str | None = None,
    kind: str | None = None,
    per_page: int = CHANGES_PER_PAGE,
    *,
    glance: bool = False,
) -> ChangesPage:
    """Changes newest first, optionally of one day, one source, one kind of change;
    ``glance``: each change with its glance (what the HTML lists show)."""
    if kind and kind not in KIND_LABELS:
        raise InputError(f"unknown kind of change {kind!r}")
    page = max(1, page)
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InputError(
            f"no changes can be listed for {day}: days run from {FIRST_DAY} to {LAST_DAY}"
        )
    since, until = day_bounds(day) if day else (None, None)
    rows = context.store.latest_changes(
        offset=(page - 1) * per_page,
        limit=per_page + 1,
        source=source,
        since=since,
        until=until,
        kind=kind or None,
    )
    changes = changes_to(context, [version for _, version in rows[:per_page]], glance=glance)
    items = tuple(
        ChangeItem(article, version, changes[version.id])
        for article, version in rows[:per_page]
        if version.id in changes
    )
    return ChangesPage(
        items=items,
        page=page,
        has_next=len(rows) > per_page,
        day=day,
        source=source,
        kind=kind or None,
    )


@dataclass(frozen=True)
class SourceRow:
    name: str
    title: str
    home_href: str | None
    articles: int
    versions: int
    removed: bool  # articles remain but the source is no longer configured
    endpoints: tuple[Endpoint, ...] = ()
    extraction_anomalies: int = 0  # pages whose body collapsed, not stored (all time)


def source_rows(context: WebContext) -> tuple[SourceRow, ...]:
    configured = {source.name: source for source in context.store.list_sources()}
    rows = []
    counts = context.source_counts.get(context.store.source_counts)
    anomalies = context.store.event_counts(EXTRACTION_ANOMALY_EVENT)
    for name, (articles, versions) in counts.items():
        source = configured.get(name)
        rows.append(
            SourceRow(
                name=name,
                title=source.title if source and source.title else name,
                home_href=safe_href(source.home_url) if source else None,
                articles=articles,
                versions=versions,
                removed=source is None,
                endpoints=source.endpoints if source else (),
                extraction_anomalies=anomalies.get(name, 0),
            )
        )
    return tuple(rows)


def source_row(context: WebContext, name: str) -> SourceRow:
    for row in source_rows(context):
        if row.name == name:
            return row
    raise NotFoundError(f"no source called {name!r}")


@dataclass(frozen=True)
class ArticlesPage:
    articles: tuple[Article, ...]
    page: int
    has_next: bool
    source: str | None


def articles_page(
    context: WebContext, page: int = 1, source: str | None = None, per_page: int = ARTICLES_PER_PAGE
) -> ArticlesPage:
    """Newest tracked first; hidden articles are left out."""
    page = max(1, page)
    found = context.store.list_articles(
        source=source, offset=(page - 1) * per_page, limit=per_page + 1
    )
    shown = tuple(a for a in found[:per_page] if a.status is not ArticleStatus.HIDDEN)
    return ArticlesPage(shown, page, len(found) > per_page, source)


@dataclass(frozen=True)
class SearchPage:
    query: str
    hits: tuple[SearchHit, ...]
    page: int
    has_next: bool


def search_page(
    context: WebContext, query: str, page: int = 1, per_page: int = SEARCH_PER_PAGE
) -> SearchPage:
    page = max(1, page)
    terms = without_controls(query)
    if not terms.strip():
        return SearchPage(query, (), page, False)
    found = context.store.search(terms, offset=(page - 1) * per_page, limit=per_page + 1)
    return SearchPage(query, tuple(found[:per_page]), page, len(found) > per_page)


def lookup(context: WebContext, url: str) -> Article | None:
    """The tracked (visible) article for a pasted link in any form; InputError if not a URL."""
    for variant in lookup_variants(url):
        article = context.store.find_article(variant)
        if article is not None:
            return None if article.status is ArticleStatus.HIDDEN else article
    return None


@dataclass(frozen=True)
class Health:
    database: bool
    last_check_at: datetime | None
    stale_sources: tuple[str, ...]  # configured sources with no new article for a day
    detail: str = ""
    # Source -> extraction anomalies (page body collapsed, not stored) in the last day.
    extraction_anomalies: dict[str, int] = field(default_factory=dict)
    alerts_pending: int = 0  # in the outbox, not delivered yet
    alerts_dead: int = 0  # dead letters: gave up after every retry (newsdiffs alerts list --failed)

    @property
    def ok(self) -> bool:
        return self.database


def health(context: WebContext) -> Health:
    """Database reachable, when the tracker last ran, sources that went quiet, extraction
    anomalies per source in the last day."""
    try:
        last = context.store.last_check_at()
        sources: list[Source] = context.store.list_sources()
        now = context.clock.now()
        stale = []
        for source in sources:
            newest = context.store.list_articles(source=source.name, limit=1)
            if not newest or now - newest[0].first_seen > STALE_SOURCE_AFTER:
                stale.append(source.name)
        anomalies = context.store.event_counts(EXTRACTION_ANOMALY_EVENT, since=now - ANOMALY_WINDOW)
        alerts = context.store.alert_counts()
    except StorageError as error:
        return Health(False, None, (), str(error))
    return Health(
        True,
        last,
        tuple(stale),
        extraction_anomalies=dict(sorted(anomalies.items())),
        alerts_pending=alerts.get("pending", 0),
        alerts_dead=alerts.get("dead", 0),
    )
