from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.stats import (
    DELAY_BUCKETS,
    KINDS,
    ArticleHistory,
    OutletStats,
    VersionSummary,
    delay_bucket,
    outlet_stats,
    stats_report,
)
from newsdiffs.models import Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.storage import SqlStore, open_store
from newsdiffs.storage.convert import classification_json
from newsdiffs.storage.schema import versions
from newsdiffs.storage.stats_reads import stored_classification
from newsdiffs.usecases.sources import statistics_report

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _change(*kinds: ChangeKind, substantive: bool = True, stealth: bool = False) -> Classification:
    return Classification(substantive, 0.5 if substantive else 0.01, kinds, (), stealth)


def _article(
    source: str, changes: list[tuple[float, Classification]], titles: list[str] | None = None
) -> ArticleHistory:
    versions = [VersionSummary(START, None)]
    versions += [VersionSummary(START + timedelta(hours=h), c) for h, c in changes]
    if titles is not None:
        versions = [
            VersionSummary(v.captured_at, v.classification, title)
            for v, title in zip(versions, titles, strict=True)
        ]
    return ArticleHistory(source, START, versions)


def test_per_source_statistics() -> None:
    articles = [
        _article("daily", []),  # never edited
        _article("daily", [(1, _change(stealth=True)), (5, _change(ChangeKind.HEADLINE))]),
        _article("daily", [(3, _change(ChangeKind.CORRECTION_NOTICE))]),
        _article("daily", [(2, _change(ChangeKind.COSMETIC, substantive=False))]),
        _article("wire", [(10, _change(ChangeKind.HEADLINE, stealth=True))]),
    ]
    daily, wire = outlet_stats(articles)
    assert isinstance(daily, OutletStats)
    assert (daily.source, daily.articles, daily.edited_articles, daily.edits) == ("daily", 4, 2, 3)
    assert daily.share_edited == 0.5
    assert daily.edits_per_article == 0.75
    assert daily.median_time_to_first_edit == timedelta(hours=2)  # median of 1 h and 3 h
    assert daily.headline_change_rate == 0.25
    assert daily.stealth_edit_rate == 1 / 3
    assert wire.median_time_to_first_edit == timedelta(hours=10)
    assert wire.stealth_edit_rate == 1.0 and wire.headline_change_rate == 1.0


def test_empty_and_unedited_sources() -> None:
    assert outlet_stats([]) == ()
    (quiet,) = outlet_stats([_article("quiet", [])])
    assert quiet.share_edited == 0.0 and quiet.stealth_edit_rate == 0.0
    assert quiet.median_time_to_first_edit is None
    data = quiet.to_json_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["median_seconds_to_first_edit"] is None


def test_headline_ab_test_is_not_counted_as_headline_edits() -> None:
    headline = _change(ChangeKind.HEADLINE)
    ab = _article(
        "site",
        [(1, headline), (2, headline), (3, headline)],
        titles=["Variant A", "Variant B", "Variant A", "Variant B"],
    )
    rewritten = _article("site", [(1, headline)], titles=["Old headline", "New headline"])
    (stats,) = outlet_stats([ab, rewritten])
    assert stats.headline_tests == 1
    assert stats.headline_changed_articles == 1  # only the real rewrite
    assert stats.edits == 4
    assert stats.to_json_dict()["headline_change_rate"] == 0.5


# --- the report the statistics pages draw (stats_report) ------------------------------------


def _numbered(article: ArticleHistory, article_id: int, hidden: bool = False) -> ArticleHistory:
    return replace(article, article_id=article_id, title=f"Story {article_id}", hidden=hidden)


def test_report_counts_per_day_kinds_and_delays() -> None:
    articles = [
        _article("daily", [(1, _change(ChangeKind.HEADLINE, stealth=True)), (30, _change())]),
        _article("daily", [(2, _change(ChangeKind.COSMETIC, substantive=False))]),
        _article("daily", []),
    ]
    report = stats_report(articles)
    assert report.outlets == outlet_stats(articles)
    day1, day2 = START.date(), (START + timedelta(days=1)).date()
    assert [(d.day, d.versions, d.new_articles, d.edits, d.headline_edits, d.stealth_edits)
            for d in report.days] == [(day1, 5, 3, 1, 1, 1), (day2, 1, 0, 1, 0, 0)]  # fmt: skip
    (breakdown,) = report.breakdowns
    kinds = dict(breakdown.kinds)
    assert tuple(kinds) == KINDS  # every kind, in a fixed order
    assert (kinds["headline"], kinds["cosmetic"], kinds["lede"]) == (1, 1, 0)
    # one edited article, first edited after 1 hour: the "1–3 hours" bucket
    assert breakdown.first_edit_delays == (0, 1, 0, 0, 0, 0)
    assert DELAY_BUCKETS[1] == "1–3 hours"


def test_delay_buckets_have_exclusive_upper_bounds() -> None:
    assert delay_bucket(timedelta(minutes=59)) == 0
    assert delay_bucket(timedelta(hours=1)) == 1
    assert delay_bucket(timedelta(days=3)) == len(DELAY_BUCKETS) - 1
    assert delay_bucket(timedelta(days=300)) == len(DELAY_BUCKETS) - 1


def test_most_edited_ranks_by_edits_and_never_lists_hidden_articles() -> None:
    edit = _change()
    articles = [
        _numbered(_article("daily", [(1, edit)]), 1),
        _numbered(_article("daily", [(1, edit), (2, edit), (3, edit)]), 2, hidden=True),
        _numbered(_article("daily", [(1, edit), (2, edit)]), 3),
        _numbered(_article("wire", [(1, edit), (2, edit)]), 4),
        _numbered(_article("wire", []), 5),
    ]
    report = stats_report(articles, most_edited=2)
    assert [(a.article_id, a.edits) for a in report.most_edited] == [(3, 2), (4, 2)]
    daily = report.for_source("daily")
    assert [a.article_id for a in daily.most_edited] == [3, 1]
    assert daily.most_edited[0].title == "Story 3"
    assert daily.outlets[0].edits == 6  # the hidden article's edits still count
    assert report.for_source("nobody").outlets == ()


def test_titles_that_changed_once_need_no_title_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most articles: a title history with fewer than two changes has no alternation."""
    import newsdiffs.core.stats as stats_module

    def analyze(titles: list[str]) -> None:
        raise AssertionError("analysed a history that cannot alternate")

    monkeypatch.setattr(stats_module, "analyze_titles", analyze)
    headline = _change(ChangeKind.HEADLINE)
    once = _article("site", [(1, headline), (2, _change())], titles=["Old", "New", "New"])
    (stats,) = outlet_stats([once])
    assert (stats.headline_changed_articles, stats.headline_tests) == (1, 0)


# --- from the store: stored classifications, read without the text -------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(str(tmp_path / "stats.db"))
    yield opened
    opened.close()


def _record(store: SqlStore, article_id: int, hours: int, body: str, change: Any) -> None:
    at = START + timedelta(hours=hours)
    version = NewVersion(
        captured_at=at,
        title="Budget vote",
        paragraphs=(body,),
        content_hash=body,
        extractor="test@1",
        raw_html=b"<html></html>",
        classification=change,
    )
    check = Check(article_id, at, CheckOutcome.NEW_VERSION)
    store.record_check(CheckResult(check=check, new_version=version, next_check_at=at))


def test_the_store_report_reads_stored_classifications_only(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdiffs import history

    stored = _change(ChangeKind.HEADLINE, stealth=True)  # not what the texts would give
    article, _ = store.add_article("daily", "https://daily.example/1", START)
    _record(store, article.id, 0, "The council met.", None)
    _record(store, article.id, 1, "The council met!", stored)
    store.add_article("daily", "https://daily.example/never-fetched", START)

    def no_classifying(*args: object) -> Classification:
        raise AssertionError("a stored classification was computed again")

    monkeypatch.setattr(history, "classify_versions", no_classifying)
    report = statistics_report(store)
    (daily,) = report.outlets
    assert (daily.articles, daily.edits, daily.stealth_edits) == (2, 1, 1)
    assert daily.headline_changed_articles == 1
    assert [a.article_id for a in report.most_edited] == [article.id]


def test_versions_without_a_readable_classification_are_classified(store: SqlStore) -> None:
    article, _ = store.add_article("daily", "https://daily.example/1", START)
    _record(store, article.id, 0, "The council met on Monday.", None)
    _record(store, article.id, 1, "The council met on Monday and voted 7 to 2.", None)
    with store.engine.begin() as connection:  # a damaged row reads as "not classified"
        connection.execute(
            versions.update().where(versions.c.number == 2).values(classification="{broken")
        )
    (daily,) = statistics_report(store).outlets
    assert daily.edits == 1


def test_stored_classifications_are_read_in_any_key_order() -> None:
    change = Classification(True, 0.4, (ChangeKind.LEDE, ChangeKind.NUMBERS), (), True)
    compact = classification_json(change)
    assert compact is not None and compact.index('"stealth"') < compact.index('"operations"')
    reordered = json.dumps({"operations": [], **change.to_json_dict()})
    for text in (compact, reordered):
        assert stored_classification(text) == change
    assert stored_classification("{broken") is None
    assert stored_classification(None) is None
