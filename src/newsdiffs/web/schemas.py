"""JSON shapes of the API (pydantic models), built from the shared view models.

The CLI's ``--format json`` prints these same models (:func:`to_json`), so a command and the
API endpoint for the same thing answer the same JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from newsdiffs.core.stats import OutletStats
from newsdiffs.models import Article, Endpoint, Version
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from newsdiffs.web.listings import ChangeItem, Health, SourceRow
from newsdiffs.web.summaries import ChangeSummary
from newsdiffs.web.viewmodels import ArticleView, DiffView, VersionRow


def to_json(value: BaseModel | Sequence[BaseModel]) -> Any:
    """A model (or list of models) as the JSON data the API answers."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in value]


def stats_json(rows: Sequence[OutletStats]) -> list[dict[str, Any]]:
    """Per-source editing statistics, as ``/api/v1/stats`` and ``newsdiffs stats`` give them."""
    return [row.to_json_dict() for row in rows]


class EndpointOut(BaseModel):
    url: str
    kind: str
    poll_minutes: float

    @classmethod
    def of(cls, endpoint: Endpoint) -> EndpointOut:
        return cls(
            url=endpoint.url,
            kind=str(endpoint.kind),
            poll_minutes=endpoint.poll_interval.total_seconds() / 60,
        )


class SourceOut(BaseModel):
    name: str
    title: str
    home_url: str | None
    articles: int
    versions: int
    monitored: bool
    endpoints: list[EndpointOut]
    extraction_anomalies: int

    @classmethod
    def of(cls, row: SourceRow) -> SourceOut:
        return cls(
            name=row.name,
            title=row.title,
            home_url=row.home_href,
            articles=row.articles,
            versions=row.versions,
            monitored=not row.removed,
            endpoints=[EndpointOut.of(endpoint) for endpoint in row.endpoints],
            extraction_anomalies=row.extraction_anomalies,
        )


class ArticleOut(BaseModel):
    id: int
    source: str
    url: str
    title: str
    status: str
    first_seen: datetime
    last_checked_at: datetime | None
    last_changed_at: datetime | None
    next_check_at: datetime | None
    version_count: int
    changes: int

    @classmethod
    def of(cls, article: Article) -> ArticleOut:
        return cls(
            id=article.id,
            source=article.source,
            url=article.url,
            title=article.title,
            status=article.status.value,
            first_seen=article.first_seen,
            last_checked_at=article.last_checked_at,
            last_changed_at=article.last_changed_at,
            next_check_at=article.next_check_at,
            version_count=article.version_count,
            changes=max(0, article.version_count - 1),
        )


class CheckOut(BaseModel):
    """One check's result (``newsdiffs check --format json``): its article in the API's shape."""

    outcome: str
    new_version: int | None  # the number of the version the check recorded, if any
    article: ArticleOut


class ChangeOut(BaseModel):
    number: int
    captured_at: datetime
    seconds_since_previous: float
    later: str
    headline_changed: bool
    words_inserted: int
    words_deleted: int
    kinds: list[str]
    label: str  # the change in a few words, "Headline changed"
    significance: float  # 0 (cosmetic) to 1
    substantive: bool

    @classmethod
    def of(cls, change: ChangeSummary) -> ChangeOut:
        return cls(
            number=change.number,
            captured_at=change.captured_at,
            seconds_since_previous=change.since_previous.total_seconds(),
            later=change.later,
            headline_changed=change.headline_changed,
            words_inserted=change.words_inserted,
            words_deleted=change.words_deleted,
            kinds=list(change.kinds),
            label=change.label,
            significance=change.significance,
            substantive=change.substantive,
        )


class VersionSummaryOut(BaseModel):
    id: int
    number: int
    captured_at: datetime
    title: str
    change: ChangeOut | None

    @classmethod
    def of(cls, row: VersionRow) -> VersionSummaryOut:
        v = row.version
        change = ChangeOut.of(row.change) if row.change else None
        return cls(
            id=v.id, number=v.number, captured_at=v.captured_at, title=v.title, change=change
        )


class ArticleDetailOut(BaseModel):
    article: ArticleOut
    status_text: list[str]
    versions: list[VersionSummaryOut]

    @classmethod
    def of(cls, view: ArticleView) -> ArticleDetailOut:
        return cls(
            article=ArticleOut.of(view.article),
            status_text=list(view.status),
            versions=[VersionSummaryOut.of(row) for row in view.rows],
        )


class VersionOut(BaseModel):
    id: int
    article_id: int
    number: int
    captured_at: datetime
    title: str
    byline: str | None
    paragraphs: list[str]
    published: datetime | None
    updated: datetime | None
    content_hash: str
    extractor: str
    change: ChangeOut | None

    @classmethod
    def of(cls, v: Version, change: ChangeSummary | None) -> VersionOut:
        return cls(
            id=v.id,
            article_id=v.article_id,
            number=v.number,
            captured_at=v.captured_at,
            title=v.title,
            byline=v.byline,
            paragraphs=list(v.paragraphs),
            published=v.published,
            updated=v.updated,
            content_hash=v.content_hash,
            extractor=v.extractor,
            change=ChangeOut.of(change) if change else None,
        )


class DiffOut(BaseModel):
    article_id: int
    a: int
    b: int
    seconds_between: float
    diff: dict[str, Any]
    classification: dict[str, Any]

    @classmethod
    def of(cls, view: DiffView) -> DiffOut:
        return cls(
            article_id=view.article.id,
            a=view.a.number,
            b=view.b.number,
            seconds_between=(view.b.captured_at - view.a.captured_at).total_seconds(),
            diff=view.diff.to_json_dict(),
            classification=view.classification.to_json_dict(),
        )


class ChangeItemOut(BaseModel):
    article: ArticleOut
    version_id: int
    title: str
    change: ChangeOut

    @classmethod
    def of(cls, item: ChangeItem) -> ChangeItemOut:
        return cls(
            article=ArticleOut.of(item.article),
            version_id=item.version.id,
            title=item.version.title,
            change=ChangeOut.of(item.change),
        )


class ChangesOut(BaseModel):
    page: int
    has_next: bool
    items: list[ChangeItemOut]


class ArticlesOut(BaseModel):
    page: int
    has_next: bool
    items: list[ArticleOut]


class SearchHitOut(BaseModel):
    article: ArticleOut
    version_id: int
    version_number: int
    captured_at: datetime
    title: str
    snippet: str  # matched terms between [[ and ]]

    @classmethod
    def of(cls, hit: SearchHit) -> SearchHitOut:
        snippet = hit.snippet.replace(HIGHLIGHT_START, "[[").replace(HIGHLIGHT_END, "]]")
        return cls(
            article=ArticleOut.of(hit.article),
            version_id=hit.version_id,
            version_number=hit.version_number,
            captured_at=hit.captured_at,
            title=hit.title,
            snippet=snippet,
        )


class SearchOut(BaseModel):
    query: str
    page: int
    has_next: bool
    hits: list[SearchHitOut]


class LookupOut(BaseModel):
    found: bool
    article: ArticleOut | None


class HealthOut(BaseModel):
    ok: bool
    database: bool
    last_check_at: datetime | None
    stale_sources: list[str]
    extraction_anomalies: dict[str, int]  # source -> anomalies in the last day
    alerts_pending: int  # alerts in the outbox, not delivered yet
    alerts_dead: int  # alerts that failed every retry (newsdiffs alerts list --failed)
    detail: str

    @classmethod
    def of(cls, health: Health) -> HealthOut:
        return cls(
            ok=health.ok,
            database=health.database,
            last_check_at=health.last_check_at,
            stale_sources=list(health.stale_sources),
            extraction_anomalies=dict(health.extraction_anomalies),
            alerts_pending=health.alerts_pending,
            alerts_dead=health.alerts_dead,
            detail=health.detail,
        )


class ErrorOut(BaseModel):
    error: str
    status: int
