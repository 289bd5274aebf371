from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.stats import ArticleHistory, OutletStats, VersionSummary, outlet_stats

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
