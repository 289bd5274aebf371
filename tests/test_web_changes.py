"""Lists read the classification and word counts the tracker stored: label, score and size
next to each change, the kind filter in SQL, a computed fallback for versions stored without
them, and extraction anomalies in /healthz."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from html import unescape
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient
from web_seed import (
    KERRY_V1,
    KERRY_V2,
    KERRY_V2_TITLE,
    START,
    Seeded,
    record,
    seed,
)

from newsdiffs.core.classify import (
    ChangeKind,
    Classification,
    SentenceOp,
    SentenceOpKind,
    SentencePosition,
    classify_versions,
)
from newsdiffs.core.diffing import diff_versions
from newsdiffs.core.word_counts import text_words_changed
from newsdiffs.models import ArticleEvent, Check, CheckOutcome, CheckResult, EventKind, NewVersion
from newsdiffs.web import create_app
from newsdiffs.web.summaries import KIND_LABELS, stored_summary


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


def client_for(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def label_of(kind: str) -> str:
    label = KIND_LABELS[kind]
    return label[:1].upper() + label[1:]


def test_seeded_versions_carry_their_classification(seeded: Seeded) -> None:
    first, second = seeded.store.versions(seeded.kerry_id)
    assert first.classification is None and first.significance is None
    expected = classify_versions(first.title, KERRY_V1, second.title, KERRY_V2)
    assert second.significance == expected.significance
    assert second.change_kinds == tuple(kind.value for kind in expected.kinds)
    assert second.classification == expected
    diff = diff_versions(first.title, KERRY_V1, second.title, KERRY_V2)
    headline = text_words_changed(first.title, second.title)
    assert (second.words_added, second.words_removed) == (
        diff.words_inserted + headline[0],
        diff.words_deleted + headline[1],
    )


def test_article_page_shows_label_and_score(seeded: Seeded) -> None:
    second = seeded.store.versions(seeded.kerry_id)[1]
    assert second.significance is not None and second.change_kinds
    text = text_of(client_for(seeded).get(f"/articles/{seeded.kerry_id}").text)
    assert f"{label_of(second.change_kinds[0])} score {second.significance:.2f}" in text
    assert f"+{second.words_added} / −{second.words_removed} words" in text


def test_latest_changes_show_label_and_score_of_every_row(seeded: Seeded) -> None:
    text = text_of(client_for(seeded).get("/").text)
    for _, version in seeded.store.latest_changes():
        assert version.significance is not None
        assert f"score {version.significance:.2f}" in text, version
        if version.change_kinds:
            assert label_of(version.change_kinds[0]) in text


def test_the_stored_classification_is_what_lists_show(seeded: Seeded) -> None:
    """A stored classification unlike what diffing would give proves nothing is recomputed."""
    previous = seeded.store.latest_version(seeded.three_id)
    assert previous is not None
    made_up = Classification(
        substantive=True,
        significance=0.777,
        kinds=(ChangeKind.QUOTES,),
        operations=(
            SentenceOp(SentenceOpKind.ADDITION, None, SentencePosition(0, 0), "", "one two"),
            SentenceOp(
                SentenceOpKind.EDIT, SentencePosition(1, 0), SentencePosition(1, 0), "x", "z"
            ),
        ),
        stealth=True,
    )
    at = START + timedelta(days=1, hours=5)
    version = NewVersion(
        captured_at=at,
        title=previous.title,
        paragraphs=("A new paragraph.",),
        content_hash="made-up",
        extractor="test@1",
        raw_html=b"<html></html>",
        significance=0.777,
        change_kinds=("quotes",),
        classification=made_up,
        words_added=5,  # not what the operations give: proves lists read the stored counts
        words_removed=1,
    )
    check = Check(seeded.three_id, at, CheckOutcome.NEW_VERSION)
    seeded.store.record_check(CheckResult(check=check, new_version=version))
    client = client_for(seeded)
    text = text_of(client.get("/?kind=quotes").text)
    assert "Quotes changed score 0.78" in text and "+5 / −1 words" in text
    change = client.get("/api/v1/changes", params={"kind": "quotes"}).json()["items"][0]
    assert change["change"]["label"] == "Quotes changed"
    assert change["change"]["significance"] == 0.777
    assert change["change"]["kinds"] == ["quotes"]
    assert (change["change"]["words_inserted"], change["change"]["words_deleted"]) == (5, 1)
    feed = feedparser.parse(client.get("/feeds/changes.atom?kind=quotes").content)
    assert feed.entries[0].summary.startswith("Quotes changed (score 0.78). +5 / −1 words")


def test_versions_stored_without_classification_are_computed(seeded: Seeded) -> None:
    before = seeded.store.latest_version(seeded.three_id)
    assert before is not None
    paragraphs = ("The council voted 7 times on the budget.", "The mayor left early.")
    at = START + timedelta(days=1, hours=6)
    record(seeded.store, seeded.three_id, at, "Budget vote, final", paragraphs, classified=False)
    stored = seeded.store.latest_version(seeded.three_id)
    assert stored is not None and stored.classification is None
    expected = classify_versions(before.title, before.paragraphs, stored.title, paragraphs)
    client = client_for(seeded)
    text = text_of(client.get(f"/articles/{seeded.three_id}").text)
    assert f"score {expected.significance:.2f}" in text
    item = client.get("/api/v1/changes").json()["items"][0]
    assert item["version_id"] == stored.id
    assert item["change"]["significance"] == expected.significance
    assert item["change"]["kinds"] == [kind.value for kind in expected.kinds]


def test_kind_filter_follows_the_stored_kinds(seeded: Seeded) -> None:
    client = client_for(seeded)
    kerry = seeded.store.versions(seeded.kerry_id)[1]
    for kind in KIND_LABELS:
        text = text_of(client.get("/", params={"kind": kind}).text)
        assert (KERRY_V2_TITLE in text) == (kind in kerry.change_kinds), kind
        for _, version in seeded.store.latest_changes(kind=kind):
            assert kind in version.change_kinds


def test_a_headline_only_change_counts_the_headline_words(seeded: Seeded) -> None:
    """It read "+0 / −0 words": only body words were counted."""
    before = seeded.store.latest_version(seeded.three_id)
    assert before is not None
    at = START + timedelta(days=1, hours=6)
    title = before.title + " after a long night"
    record(seeded.store, seeded.three_id, at, title, before.paragraphs)
    stored = seeded.store.latest_version(seeded.three_id)
    assert stored is not None and (stored.words_added, stored.words_removed) == (4, 0)
    text = text_of(client_for(seeded).get(f"/articles/{seeded.three_id}").text)
    assert "Headline changed score" in text and "+4 / −0 words" in text


def test_versions_stored_before_word_counts_are_counted_from_the_classification(
    seeded: Seeded,
) -> None:
    first, second = seeded.store.versions(seeded.kerry_id)
    uncounted = replace(second, words_added=None, words_removed=None)
    summary = stored_summary(first, uncounted)
    assert summary is not None
    assert (summary.words_inserted, summary.words_deleted) == (
        second.words_added,
        second.words_removed,
    )


def test_versions_without_a_stored_classification_have_no_stored_summary(
    seeded: Seeded,
) -> None:
    first, second = seeded.store.versions(seeded.kerry_id)
    assert stored_summary(first, second) is not None
    assert stored_summary(first, replace(second, classification=None)) is None


def test_healthz_reports_extraction_anomalies_of_the_last_day(seeded: Seeded) -> None:
    now = seeded.clock.now()
    for article_id, when in (
        (seeded.kerry_id, now - timedelta(hours=2)),
        (seeded.kerry_id, now - timedelta(hours=1)),
        (seeded.hostile_id, now - timedelta(days=3)),  # too old to count
    ):
        anomaly = ArticleEvent(article_id, when, EventKind.EXTRACTION_ANOMALY, "body collapsed")
        check = Check(article_id, when, CheckOutcome.EXTRACTION_ANOMALY)
        seeded.store.record_check(CheckResult(check=check, events=(anomaly,)))
    report = client_for(seeded).get("/healthz").json()
    assert report["ok"] is True
    assert report["extraction_anomalies"] == {"nytimes": 2}
