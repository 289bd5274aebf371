"""Re-run the current extractor over stored raw pages (``newsdiffs reextract``).

Every version keeps the page exactly as fetched, so when an extractor improves, history is
re-extracted in place: the version keeps its number and capture time, only its text, hash
and ``extractor`` change. Nothing here creates a version, so an extractor change is never
reported as an edit. Consecutive versions whose re-extracted text is identical are counted
(``now_identical``): those were differences the old extractor invented.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from newsdiffs.core.normalize import content_hash, normalize_paragraphs, normalize_text
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


def reextract_article(store: Store, article: Article, report: ReextractReport) -> None:
    previous_hash: str | None = None
    for version in store.versions(article.id):
        report.versions += 1
        page = extract(store.raw_html(version.id), article.url)
        paragraphs = normalize_paragraphs(page.paragraphs)
        title = normalize_text(page.title)
        if not paragraphs:
            report.empty += 1
            previous_hash = version.content_hash
            continue
        new_hash = content_hash(title, paragraphs)
        if new_hash != version.content_hash or page.extractor != version.extractor:
            store.update_version_text(version.id, title, paragraphs, new_hash, page.extractor)
            report.changed += new_hash != version.content_hash
        if new_hash == previous_hash:
            report.now_identical += 1
        previous_hash = new_hash


def reextract(
    store: Store,
    source: str | None = None,
    progress: Callable[[ReextractReport], object] | None = None,
) -> ReextractReport:
    report = ReextractReport()
    offset = 0
    while True:
        batch = store.list_articles(source=source, offset=offset, limit=PAGE)
        if not batch:
            return report
        for article in batch:
            report.articles += 1
            reextract_article(store, article, report)
        offset += len(batch)
        if progress is not None:
            progress(report)
