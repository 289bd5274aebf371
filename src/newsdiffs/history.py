"""Article histories loaded from a Store, for the pure analyses in ``core``."""

from __future__ import annotations

from collections.abc import Sequence

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


def change_classification(versions: Sequence[Version], index: int) -> Classification | None:
    """How ``versions[index]`` differs from the version before it: the classification stored
    with it, or (for versions stored before classifications were) classified now."""
    if index == 0:
        return None
    current = versions[index]
    if current.classification is not None:
        return current.classification
    return classify_step(versions[index - 1], current)


def article_history(store: Store, article: Article) -> ArticleHistory:
    versions = store.versions(article.id)
    summaries = [
        VersionSummary(
            captured_at=version.captured_at,
            classification=change_classification(versions, i),
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
