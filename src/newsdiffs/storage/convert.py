"""Rows to domain objects and back. No SQL is executed here."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import zstandard

from newsdiffs.core.classify import Classification
from newsdiffs.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    DiscoveryKind,
    Endpoint,
    EventKind,
    NewVersion,
    Source,
    Version,
)
from newsdiffs.storage.base import EndpointState
from newsdiffs.storage.schema import articles, versions

ZSTD_LEVEL = 6

# Rows are unpacked by position (several times faster than by name): article_from_row and
# version_from_row expect exactly these columns in this order.
ARTICLE_FIELDS = (
    "id",
    "source",
    "url",
    "first_seen",
    "status",
    "next_check_at",
    "check_interval_s",
    "last_checked_at",
    "last_changed_at",
    "version_count",
    "title",
    "etag",
    "last_modified",
    "schedule_policy",
)
ARTICLE_COLUMNS = tuple(articles.c[name] for name in ARTICLE_FIELDS)
# Everything but the (large) raw page.
VERSION_FIELDS = (
    "id",
    "article_id",
    "number",
    "captured_at",
    "title",
    "paragraphs",
    "content_hash",
    "extractor",
    "byline",
    "published",
    "updated",
    "significance",
    "change_kinds",
    "classification",
    "words_added",
    "words_removed",
)
VERSION_COLUMNS = tuple(versions.c[name] for name in VERSION_FIELDS)


def compress(raw: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(raw)


def decompress(stored: bytes) -> bytes:
    # max_output_size covers frames written without a content size.
    return zstandard.ZstdDecompressor().decompress(stored, max_output_size=1 << 30)


def article_from_row(row: Sequence[Any]) -> Article:
    """An Article from the values of ARTICLE_COLUMNS, in that order."""
    (
        id_,
        source,
        url,
        first_seen,
        status,
        next_check_at,
        check_interval_s,
        last_checked_at,
        last_changed_at,
        version_count,
        title,
        etag,
        last_modified,
        schedule_policy,
    ) = row
    return Article(
        id_,
        source,
        url,
        first_seen,
        ArticleStatus(status),
        next_check_at,
        timedelta(seconds=check_interval_s),
        last_checked_at,
        last_changed_at,
        version_count,
        title,
        etag,
        last_modified,
        schedule_policy,
    )


def version_from_row(row: Sequence[Any]) -> Version:
    """A Version from the values of VERSION_COLUMNS, in that order."""
    (
        id_,
        article_id,
        number,
        captured_at,
        title,
        paragraphs,
        content_hash,
        extractor,
        byline,
        published,
        updated,
        significance,
        change_kinds,
        classification,
        words_added,
        words_removed,
    ) = row
    return Version(
        id=id_,
        article_id=article_id,
        number=number,
        captured_at=captured_at,
        title=title,
        paragraphs=tuple(paragraphs),
        content_hash=content_hash,
        extractor=extractor,
        byline=byline,
        published=published,
        updated=updated,
        significance=significance,
        change_kinds=split_kinds(change_kinds),
        classification=classification_from_json(classification),
        words_added=words_added,
        words_removed=words_removed,
    )


def split_kinds(stored: str | None) -> tuple[str, ...]:
    return tuple(kind for kind in (stored or "").split(",") if kind)


def join_kinds(kinds: Sequence[str]) -> str | None:
    return f",{','.join(kinds)}," if kinds else None


def classification_json(classification: Classification | None) -> str | None:
    if classification is None:
        return None
    return json.dumps(classification.to_json_dict(), ensure_ascii=False, separators=(",", ":"))


def classification_from_json(stored: str | None) -> Classification | None:
    """The stored classification, or None if there is none or it cannot be read (an old or
    damaged row must not break a page: readers then classify the change themselves)."""
    if stored is None:
        return None
    try:
        return Classification.from_json_dict(json.loads(stored))
    except ValueError:  # json.JSONDecodeError is one
        return None


def version_values(
    article_id: int, number: int, new: NewVersion, raw_page: Mapping[str, Any]
) -> dict[str, Any]:
    """Insert parameters for a new version; ``raw_page``: its stored raw page's columns
    (``rawpages.StoredPage.values``)."""
    return {
        "article_id": article_id,
        "number": number,
        "captured_at": new.captured_at,
        "title": new.title,
        "byline": new.byline,
        "published": new.published,
        "updated": new.updated,
        "paragraphs": list(new.paragraphs),
        "content_hash": new.content_hash,
        "extractor": new.extractor,
        **raw_page,
        "significance": new.significance,
        "change_kinds": join_kinds(new.change_kinds),
        "classification": classification_json(new.classification),
        "words_added": new.words_added,
        "words_removed": new.words_removed,
    }


def check_values(check: Check) -> dict[str, Any]:
    return {
        "article_id": check.article_id,
        "checked_at": check.checked_at,
        "outcome": check.outcome.value,
        "http_status": check.http_status,
        "bytes": check.bytes_received,
        "duration_ms": check.duration_ms,
        "detail": check.detail,
    }


def check_from_row(row: Any) -> Check:
    return Check(
        article_id=row.article_id,
        checked_at=row.checked_at,
        outcome=CheckOutcome(row.outcome),
        http_status=row.http_status,
        bytes_received=row.bytes,
        duration_ms=row.duration_ms,
        detail=row.detail,
    )


def event_values(event: ArticleEvent) -> dict[str, Any]:
    return {
        "article_id": event.article_id,
        "at": event.at,
        "kind": str(event.kind),
        "detail": event.detail,
    }


def event_from_row(row: Any) -> ArticleEvent:
    """An ArticleEvent; a kind this version does not know reads as UNKNOWN, the stored kind
    first in the detail ("live_ticker: ..."), so an old or newer row never breaks a page."""
    try:
        kind, detail = EventKind(row.kind), row.detail
    except ValueError:
        kind, detail = EventKind.UNKNOWN, f"{row.kind}: {row.detail}" if row.detail else row.kind
    return ArticleEvent(article_id=row.article_id, at=row.at, kind=kind, detail=detail)


def source_values(source: Source) -> dict[str, Any]:
    return {
        "name": source.name,
        "title": source.title,
        "home_url": source.home_url,
        "endpoints": [_endpoint_json(endpoint) for endpoint in source.endpoints],
        "include_patterns": list(source.include_patterns),
        "exclude_patterns": list(source.exclude_patterns),
    }


def source_from_row(row: Any) -> Source:
    return Source(
        name=row.name,
        title=row.title,
        home_url=row.home_url,
        endpoints=tuple(_endpoint_from_json(item) for item in row.endpoints),
        include_patterns=tuple(row.include_patterns),
        exclude_patterns=tuple(row.exclude_patterns),
    )


def _endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "kind": endpoint.kind.value,
        "poll_interval_s": endpoint.poll_interval.total_seconds(),
        "link_pattern": endpoint.link_pattern,
    }


def _endpoint_from_json(item: dict[str, Any]) -> Endpoint:
    return Endpoint(
        url=item["url"],
        kind=DiscoveryKind(item["kind"]),
        poll_interval=timedelta(seconds=item["poll_interval_s"]),
        link_pattern=item.get("link_pattern"),
    )


def endpoint_state_from_row(row: Any) -> EndpointState:
    return EndpointState(
        url=row.url,
        last_polled_at=row.last_polled_at,
        etag=row.etag,
        last_modified=row.last_modified,
    )
