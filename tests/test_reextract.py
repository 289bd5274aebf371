"""`newsdiffs reextract`: stored pages through today's page content, the tracker's rule."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from article_server import page
from fake_fetcher import FakeFetcher

from newsdiffs.clock import ManualClock
from newsdiffs.extraction import extract
from newsdiffs.models import ExtractedPage, Source
from newsdiffs.reextract import ReextractReport, reextract_article
from newsdiffs.storage import open_store
from newsdiffs.storage.sql import SqlStore
from newsdiffs.tracker import Tracker

URL = "https://news.example/news/1"
STORY = [
    "The council voted on Tuesday to close the old bridge for repairs.",
    "Engineers said the work would take at least six months.",
    "Residents asked for a ferry service in the meantime.",
]


def old_extractor(footer: str) -> Callable[[str | bytes, str], ExtractedPage]:
    """An older extractor that kept the page's footer line as a paragraph."""

    def run(document: str | bytes, url: str) -> ExtractedPage:
        found = extract(document, url)
        return replace(found, paragraphs=(*found.paragraphs, footer), extractor="old@1")

    return run


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "t.db"))
    opened.upsert_source(Source(name="s", home_url="https://news.example/"))
    yield opened
    opened.close()


def test_reextract_rewrites_text_and_counts_differences_the_old_extractor_invented(
    store: SqlStore,
) -> None:
    web = FakeFetcher()
    clock = ManualClock(datetime(2026, 3, 1, tzinfo=UTC))
    article, _ = store.add_article("s", URL, clock.now())
    web.page(URL, page("Bridge to close", STORY))
    # Two captures the old extractor told apart only by a footer that changed.
    for footer in ("Copyright 2025", "Copyright 2026"):
        tracker = Tracker(store, web, clock, old_extractor(footer))  # type: ignore[arg-type]
        asyncio.run(tracker.check(store.get_article(article.id)))
        clock.advance(3600)
    assert len(store.versions(article.id)) == 2
    report = ReextractReport()
    reextract_article(store, store.get_article(article.id), report)
    assert (report.versions, report.changed, report.now_identical, report.empty) == (2, 2, 1, 0)
    first, second = store.versions(article.id)
    assert first.paragraphs == tuple(STORY) and first.extractor.startswith("generic@")
    assert first.content_hash == second.content_hash
