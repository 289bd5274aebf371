"""Per-outlet editing statistics from article histories (pure: callers load the data).

Definitions, per source:

- ``share_edited``: articles with at least one substantive edit / articles;
- ``edits_per_article``: substantive edits / articles (an *edit* is a version after the
  first whose classification is substantive);
- ``median_time_to_first_edit``: median, over edited articles, of the first substantive
  edit's capture time minus the article's ``first_seen``;
- ``headline_change_rate``: articles whose headline was edited / articles. When titles are
  given, switches of a flip-flop or A/B test (:mod:`newsdiffs.core.headlines`) do not count;
  such articles are counted in ``headline_tests`` instead;
- ``stealth_edit_rate``: stealth edits / substantive edits (0 when there are none).

:func:`stats_report` computes these and, in the same pass, what the statistics pages draw:
per UTC day and source the versions captured, edits, headline edits and stealth edits; per
source the kinds of change (over every change after a first version, cosmetic ones too) and
how long articles waited for their first edit (:data:`DELAY_BUCKETS`); and the most-edited
articles (hidden ones never: :attr:`ArticleHistory.hidden`).
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.headlines import analyze_titles

MOST_EDITED = 10
# Upper bounds of the time-to-first-edit buckets; the last bucket has none.
DELAY_BOUNDS = (
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=3),
)
DELAY_BUCKETS = (
    "under 1 hour",
    "1–3 hours",
    "3–12 hours",
    "12–24 hours",
    "1–3 days",
    "over 3 days",
)
KINDS = tuple(kind.value for kind in ChangeKind)


@dataclass(frozen=True)
class VersionSummary:
    """One version: when it was captured, its title, how it differs from the previous one."""

    captured_at: datetime
    classification: Classification | None  # None for the first version
    title: str | None = None


@dataclass(frozen=True)
class ArticleHistory:
    source: str
    first_seen: datetime
    versions: Sequence[VersionSummary]  # oldest first
    article_id: int = 0
    title: str = ""  # the latest title, shown in the most-edited list
    hidden: bool = False  # hidden for legal reasons: counted, never listed


@dataclass(frozen=True)
class OutletStats:
    source: str
    articles: int
    edited_articles: int
    edits: int
    stealth_edits: int
    headline_changed_articles: int
    headline_tests: int  # articles whose titles flip-flop or alternate (A/B tests)
    median_time_to_first_edit: timedelta | None

    @property
    def share_edited(self) -> float:
        return self.edited_articles / self.articles if self.articles else 0.0

    @property
    def edits_per_article(self) -> float:
        return self.edits / self.articles if self.articles else 0.0

    @property
    def headline_change_rate(self) -> float:
        return self.headline_changed_articles / self.articles if self.articles else 0.0

    @property
    def stealth_edit_rate(self) -> float:
        return self.stealth_edits / self.edits if self.edits else 0.0

    def to_json_dict(self) -> dict[str, Any]:
        median = self.median_time_to_first_edit
        return {
            "source": self.source,
            "articles": self.articles,
            "edited_articles": self.edited_articles,
            "share_edited": round(self.share_edited, 4),
            "edits": self.edits,
            "edits_per_article": round(self.edits_per_article, 4),
            "median_seconds_to_first_edit": median.total_seconds() if median else None,
            "headline_change_rate": round(self.headline_change_rate, 4),
            "headline_tests": self.headline_tests,
            "stealth_edits": self.stealth_edits,
            "stealth_edit_rate": round(self.stealth_edit_rate, 4),
        }


@dataclass(frozen=True)
class DayCounts:
    """One source's versions on one UTC day (by capture time)."""

    day: date
    source: str
    versions: int  # every version captured, first versions included
    new_articles: int  # first versions
    edits: int
    headline_edits: int
    stealth_edits: int


@dataclass(frozen=True)
class SourceBreakdown:
    """What one source's changes were, and how long its articles waited for a first edit."""

    source: str
    kinds: tuple[tuple[str, int], ...]  # (ChangeKind value, changes with it), in KINDS order
    first_edit_delays: tuple[int, ...]  # edited articles per DELAY_BUCKETS entry


@dataclass(frozen=True)
class EditedArticle:
    article_id: int
    source: str
    title: str
    edits: int
    stealth_edits: int


@dataclass(frozen=True)
class StatsReport:
    """Everything the statistics pages, their JSON and CSV show (sources sorted by name)."""

    outlets: tuple[OutletStats, ...]
    days: tuple[DayCounts, ...]  # by day, then source
    breakdowns: tuple[SourceBreakdown, ...]
    most_edited: tuple[EditedArticle, ...]  # every source
    most_edited_by_source: dict[str, tuple[EditedArticle, ...]] = field(default_factory=dict)

    def for_source(self, source: str) -> StatsReport:
        """The part about one source (empty parts when it has no articles)."""
        return StatsReport(
            outlets=tuple(o for o in self.outlets if o.source == source),
            days=tuple(d for d in self.days if d.source == source),
            breakdowns=tuple(b for b in self.breakdowns if b.source == source),
            most_edited=self.most_edited_by_source.get(source, ()),
            most_edited_by_source={source: self.most_edited_by_source.get(source, ())},
        )


@dataclass(frozen=True)
class _Step:
    """One version after the first, as the statistics count it."""

    day: date
    substantive: bool
    stealth: bool
    headline_edit: bool
    kinds: tuple[ChangeKind, ...]


@dataclass(frozen=True)
class _ArticleFacts:
    edits: int
    stealth_edits: int
    first_edit_after: timedelta | None
    headline_edited: bool
    headline_test: bool
    steps: tuple[_Step, ...]


def _title_switches(versions: Sequence[VersionSummary]) -> tuple[frozenset[int], bool]:
    """Indexes whose new title is an alternation switch, and whether the titles alternate.

    A history needs two title changes to contain a revert, so histories with fewer raw
    changes skip :func:`analyze_titles` (they have no switch); most articles are those."""
    titles = [v.title for v in versions]
    if None in titles:
        return frozenset(), False
    changes = sum(1 for a, b in pairwise(titles) if a != b)
    if changes < 2:
        return frozenset(), False
    history = analyze_titles([t for t in titles if t is not None])
    return history.switch_indexes, history.alternating


def _facts(article: ArticleHistory) -> _ArticleFacts:
    versions = article.versions
    switches, alternating = _title_switches(versions)
    edits = stealth = 0
    first_edit: datetime | None = None
    headline_edited = False
    steps = []
    for index, version in enumerate(versions):
        classification = version.classification
        if index == 0 or classification is None:
            continue
        substantive = classification.substantive
        headline_edit = (
            substantive and ChangeKind.HEADLINE in classification.kinds and index not in switches
        )
        steps.append(
            _Step(
                day=version.captured_at.date(),
                substantive=substantive,
                stealth=substantive and classification.stealth,
                headline_edit=headline_edit,
                kinds=classification.kinds,
            )
        )
        if not substantive:
            continue
        edits += 1
        stealth += classification.stealth
        if first_edit is None:
            first_edit = version.captured_at
        headline_edited = headline_edited or headline_edit
    return _ArticleFacts(
        edits=edits,
        stealth_edits=stealth,
        first_edit_after=first_edit - article.first_seen if first_edit else None,
        headline_edited=headline_edited,
        headline_test=alternating,
        steps=tuple(steps),
    )


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def delay_bucket(delay: timedelta) -> int:
    """The index in :data:`DELAY_BUCKETS` of a time to first edit."""
    for index, bound in enumerate(DELAY_BOUNDS):
        if delay < bound:
            return index
    return len(DELAY_BOUNDS)


class _SourceTally:
    """Running totals of one source while the articles stream past."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.articles = self.edited = self.edits = self.stealth = 0
        self.headline_changed = self.headline_tests = 0
        self.delays: list[timedelta] = []
        self.kinds: Counter[ChangeKind] = Counter()
        self.delay_buckets = [0] * len(DELAY_BUCKETS)
        self.days: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        self.top: list[tuple[int, int, EditedArticle]] = []  # a min-heap of the most edited

    def add(self, article: ArticleHistory, facts: _ArticleFacts, keep: int) -> None:
        self.articles += 1
        self.edits += facts.edits
        self.stealth += facts.stealth_edits
        self.headline_changed += facts.headline_edited
        self.headline_tests += facts.headline_test
        if article.versions:
            self.days[article.versions[0].captured_at.date()][1] += 1
        for version in article.versions:
            self.days[version.captured_at.date()][0] += 1
        kinds = self.kinds
        for step in facts.steps:
            for kind in step.kinds:
                kinds[kind] += 1
            if step.substantive:
                day = self.days[step.day]
                day[2] += 1
                day[3] += step.headline_edit
                day[4] += step.stealth
        if facts.first_edit_after is not None:
            self.edited += 1
            self.delays.append(facts.first_edit_after)
            self.delay_buckets[delay_bucket(facts.first_edit_after)] += 1
        if facts.edits and not article.hidden and keep:
            entry = EditedArticle(
                article.article_id, article.source, article.title, facts.edits, facts.stealth_edits
            )
            # ties: the older article (smaller id) ranks first, so the heap drops newer ones
            item = (facts.edits, -article.article_id, entry)
            if len(self.top) < keep:
                heapq.heappush(self.top, item)
            elif item[:2] > self.top[0][:2]:
                heapq.heapreplace(self.top, item)

    def outlet(self) -> OutletStats:
        return OutletStats(
            source=self.source,
            articles=self.articles,
            edited_articles=self.edited,
            edits=self.edits,
            stealth_edits=self.stealth,
            headline_changed_articles=self.headline_changed,
            headline_tests=self.headline_tests,
            median_time_to_first_edit=_median(self.delays),
        )

    def breakdown(self) -> SourceBreakdown:
        return SourceBreakdown(
            source=self.source,
            kinds=tuple((kind.value, self.kinds[kind]) for kind in ChangeKind),
            first_edit_delays=tuple(self.delay_buckets),
        )

    def day_counts(self) -> list[DayCounts]:
        return [DayCounts(day, self.source, *counts) for day, counts in self.days.items()]

    def most_edited(self) -> list[EditedArticle]:
        return [entry for _, _, entry in sorted(self.top, key=lambda item: item[:2], reverse=True)]


def _ranked(articles: Iterable[EditedArticle], keep: int) -> tuple[EditedArticle, ...]:
    return tuple(sorted(articles, key=lambda a: (-a.edits, a.article_id))[:keep])


def stats_report(articles: Iterable[ArticleHistory], most_edited: int = MOST_EDITED) -> StatsReport:
    """Every statistic of every source in one pass over ``articles`` (see the docstring)."""
    tallies: dict[str, _SourceTally] = {}
    for article in articles:
        tally = tallies.get(article.source)
        if tally is None:
            tally = tallies[article.source] = _SourceTally(article.source)
        tally.add(article, _facts(article), most_edited)
    ordered = [tallies[name] for name in sorted(tallies)]
    by_source = {t.source: tuple(t.most_edited()) for t in ordered}
    return StatsReport(
        outlets=tuple(t.outlet() for t in ordered),
        days=tuple(sorted((d for t in ordered for d in t.day_counts()), key=_day_key)),
        breakdowns=tuple(t.breakdown() for t in ordered),
        most_edited=_ranked((a for top in by_source.values() for a in top), most_edited),
        most_edited_by_source=by_source,
    )


def _day_key(counts: DayCounts) -> tuple[date, str]:
    return counts.day, counts.source


def source_stats(source: str, articles: Iterable[ArticleHistory]) -> OutletStats:
    """Statistics of one source's articles (see the module docstring)."""
    renamed = (ArticleHistory(source, a.first_seen, a.versions) for a in articles)
    outlets = stats_report(renamed, most_edited=0).outlets
    return outlets[0] if outlets else _SourceTally(source).outlet()


def outlet_stats(articles: Iterable[ArticleHistory]) -> tuple[OutletStats, ...]:
    """Statistics per source, sorted by source name."""
    return stats_report(articles, most_edited=0).outlets
