"""JSON shapes of the statistics API (``/api/v1/stats``, ``/api/v1/sources/{name}/stats``).

``outlets`` holds exactly what ``newsdiffs stats --format json`` prints (the same
``OutletStats.to_json_dict``); the other parts are what the statistics pages draw.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from newsdiffs.core.stats import (
    DELAY_BUCKETS,
    DayCounts,
    EditedArticle,
    OutletStats,
    SourceBreakdown,
    StatsReport,
)


class OutletStatsOut(BaseModel):
    source: str
    articles: int
    edited_articles: int
    share_edited: float
    edits: int
    edits_per_article: float
    median_seconds_to_first_edit: float | None
    headline_change_rate: float
    headline_tests: int
    stealth_edits: int
    stealth_edit_rate: float

    @classmethod
    def of(cls, outlet: OutletStats) -> OutletStatsOut:
        return cls(**outlet.to_json_dict())


class DayOut(BaseModel):
    day: date
    source: str
    versions: int
    new_articles: int
    edits: int
    headline_edits: int
    stealth_edits: int

    @classmethod
    def of(cls, counts: DayCounts) -> DayOut:
        return cls(
            day=counts.day,
            source=counts.source,
            versions=counts.versions,
            new_articles=counts.new_articles,
            edits=counts.edits,
            headline_edits=counts.headline_edits,
            stealth_edits=counts.stealth_edits,
        )


class KindCountOut(BaseModel):
    kind: str
    changes: int


class DelayBucketOut(BaseModel):
    bucket: str
    articles: int


class BreakdownOut(BaseModel):
    source: str
    kinds: list[KindCountOut]
    first_edit_delays: list[DelayBucketOut]

    @classmethod
    def of(cls, breakdown: SourceBreakdown) -> BreakdownOut:
        return cls(
            source=breakdown.source,
            kinds=[KindCountOut(kind=kind, changes=n) for kind, n in breakdown.kinds],
            first_edit_delays=[
                DelayBucketOut(bucket=bucket, articles=n)
                for bucket, n in zip(DELAY_BUCKETS, breakdown.first_edit_delays, strict=True)
            ],
        )


class EditedArticleOut(BaseModel):
    id: int
    source: str
    title: str
    edits: int
    stealth_edits: int
    path: str  # the article's page on this site

    @classmethod
    def of(cls, article: EditedArticle) -> EditedArticleOut:
        return cls(
            id=article.article_id,
            source=article.source,
            title=article.title,
            edits=article.edits,
            stealth_edits=article.stealth_edits,
            path=f"/articles/{article.article_id}",
        )


class StatsOut(BaseModel):
    outlets: list[OutletStatsOut]
    days: list[DayOut]
    breakdowns: list[BreakdownOut]
    most_edited: list[EditedArticleOut]

    @classmethod
    def of(cls, report: StatsReport) -> StatsOut:
        return cls(
            outlets=[OutletStatsOut.of(outlet) for outlet in report.outlets],
            days=[DayOut.of(day) for day in report.days],
            breakdowns=[BreakdownOut.of(breakdown) for breakdown in report.breakdowns],
            most_edited=[EditedArticleOut.of(article) for article in report.most_edited],
        )
