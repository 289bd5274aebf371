"""Article histories loaded from a Store, for the pure analyses in ``core``."""

from __future__ import annotations

from newsdiffs.core.classify import Classification, classify_versions
from newsdiffs.core.stats import ArticleHistory, OutletStats, VersionSummary, outlet_stats
from newsdiffs.models import Article, Version
from newsdiffs.storage.base import Store

PAGE = 500


def classify_step(previous: Version, current: Version) -> Classification:
    return classify_versions(
        previous.title,
        previous.paragraphs,
        current.title,
        current.paragraphs,
        previous.byline,
        current.byline,
    )


def article_history(store: Store, article: Article) -> ArticleHistory:
    versions = store.versions(article.id)
    summaries = [
        VersionSummary(
            captured_at=version.captured_at,
            classification=classify_step(versions[i - 1], version) if i else None,
            title=version.title,
        )
        for i, version in enumerate(versions)
    ]
    return ArticleHistory(source=article.source, first_seen=article.first_seen, versions=summaries)


def outlet_statistics(store: Store, source: str | None = None) -> tuple[OutletStats, ...]:
    histories: list[ArticleHistory] = []
    offset = 0
    while True:
        batch = store.list_articles(source=source, offset=offset, limit=PAGE)
        if not batch:
            break
        histories.extend(article_history(store, article) for article in batch)
        offset += len(batch)
    return outlet_stats(histories)
