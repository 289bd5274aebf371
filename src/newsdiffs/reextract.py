"""Re-run the current extractor over stored raw pages (``newsdiffs reextract``).

Every version keeps the page exactly as fetched, so when an extractor improves, history is
re-extracted in place: the version keeps its number and capture time, only its text, hash
and ``extractor`` change. Nothing here creates a version, so an extractor change is never
reported as an edit. Consecutive versions whose re-extracted text is identical are counted
(``now_identical``): those were differences the old extractor invented. Text and identity
come from :func:`newsdiffs.content.page_content`, as in every check, so re-extracted
versions also carry today's hash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsdiffs.content import Extract, page_content
from newsdiffs.extraction import extract
from newsdiffs.models import Article
from newsdiffs.storage.base import Store

PAGE = 200


@dataclass
class ReextractReport:
    articles: int = 0
    versions: int = 0
    changed: int = 0
    now_identical: int = 0
    empty: int = 0

    def describe(self) -> str:
        return (
            f"re-extracted {self.versions} versions of {self.articles} articles: "
            f"{self.changed} got new text, {self.empty} gave no text (kept as they were), "
            f"{self.now_identical} are now identical to the version before them"
        )


def reextract_article(
    store: Store, article: Article, report: ReextractReport, extractor: Extract = extract
) -> None:
    previous_hash: str | None = None
    for version in store.versions(article.id):
        report.versions += 1
        content = page_content(store.raw_html(version.id), article.url, extractor)
        if content is None:
            report.empty += 1
            previous_hash = version.content_hash
            continue
        extractor_name = content.page.extractor
        if content.hash != version.content_hash or extractor_name != version.extractor:
            store.update_version_text(
                version.id, content.title, content.paragraphs, content.hash, extractor_name
            )
            # A hash stored under the old rule for the same text is not new text.
            report.changed += not content.is_text_of(version.content_hash)
        # The tracker's rule for "the same text as the version before" (either hash rule).
        if content.is_text_of(previous_hash):
            report.now_identical += 1
        previous_hash = content.hash


def versions_to_reextract(store: Store, source: str | None = None) -> int:
    """How many versions :func:`reextract` will go through (for a progress bar)."""
    if source is None:
        return store.totals().versions
    return store.source_counts().get(source, (0, 0))[1]


def reextract(
    store: Store,
    source: str | None = None,
    progress: Callable[[ReextractReport], object] | None = None,
) -> ReextractReport:
    """Re-extract every version (of ``source``'s articles); ``progress`` after each article."""
    report = ReextractReport()
    offset = 0
    while True:
        batch = store.list_articles(source=source, offset=offset, limit=PAGE)
        if not batch:
            return report
        for article in batch:
            report.articles += 1
            reextract_article(store, article, report)
            if progress is not None:
                progress(report)
        offset += len(batch)
