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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.headlines import analyze_titles


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
class _ArticleFacts:
    edits: int
    stealth_edits: int
    first_edit_after: timedelta | None
    headline_edited: bool
    headline_test: bool


def _facts(article: ArticleHistory) -> _ArticleFacts:
    versions = article.versions
    titles = [v.title for v in versions]
    history = analyze_titles([t for t in titles if t is not None]) if None not in titles else None
    edits = stealth = 0
    first_edit: datetime | None = None
    headline_edited = False
    for index, version in enumerate(versions):
        classification = version.classification
        if index == 0 or classification is None or not classification.substantive:
            continue
        edits += 1
        stealth += classification.stealth
        if first_edit is None:
            first_edit = version.captured_at
        if ChangeKind.HEADLINE in classification.kinds and (
            history is None or history.is_headline_edit(index)
        ):
            headline_edited = True
    return _ArticleFacts(
        edits=edits,
        stealth_edits=stealth,
        first_edit_after=first_edit - article.first_seen if first_edit else None,
        headline_edited=headline_edited,
        headline_test=history is not None and history.alternating,
    )


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def source_stats(source: str, articles: Iterable[ArticleHistory]) -> OutletStats:
    """Statistics of one source's articles (see the module docstring)."""
    facts = [_facts(article) for article in articles]
    delays = [f.first_edit_after for f in facts if f.first_edit_after is not None]
    return OutletStats(
        source=source,
        articles=len(facts),
        edited_articles=sum(1 for f in facts if f.edits),
        edits=sum(f.edits for f in facts),
        stealth_edits=sum(f.stealth_edits for f in facts),
        headline_changed_articles=sum(1 for f in facts if f.headline_edited),
        headline_tests=sum(1 for f in facts if f.headline_test),
        median_time_to_first_edit=_median(delays),
    )


def outlet_stats(articles: Iterable[ArticleHistory]) -> tuple[OutletStats, ...]:
    """Statistics per source, sorted by source name."""
    by_source: dict[str, list[ArticleHistory]] = defaultdict(list)
    for article in articles:
        by_source[article.source].append(article)
    return tuple(source_stats(name, by_source[name]) for name in sorted(by_source))
