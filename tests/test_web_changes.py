"""Lists read the classification the tracker stored: label and score next to each change,
the kind filter in SQL, a computed fallback for versions stored without one, and extraction
anomalies in /healthz."""

from __future__ import annotations

import json
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
    KERRY_V1_TITLE,
    KERRY_V2,
    KERRY_V2_TITLE,
    START,
    Seeded,
    record,
    seed,
)

from newsdiffs.core.classify import classify_versions
from newsdiffs.core.diffing import diff_versions
from newsdiffs.models import ArticleEvent, Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.web import create_app
from newsdiffs.web.summaries import KIND_LABELS, stored_summary, words_changed


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
    assert second.classification is not None
    assert json.loads(second.classification) == expected.to_json_dict()


def test_article_page_shows_label_and_score(seeded: Seeded) -> None:
    second = seeded.store.versions(seeded.kerry_id)[1]
    assert second.significance is not None and second.change_kinds
    text = text_of(client_for(seeded).get(f"/articles/{seeded.kerry_id}").text)
    assert f"{label_of(second.change_kinds[0])} score {second.significance:.2f}" in text
    diff = diff_versions(KERRY_V1_TITLE, KERRY_V1, KERRY_V2_TITLE, KERRY_V2)
    assert f"+{diff.words_inserted} / −{diff.words_deleted} words" in text


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
    made_up = {
        "substantive": True,
        "significance": 0.777,
        "kinds": ["quotes"],
        "stealth": True,
        "operations": [
            {"op": "addition", "a": None, "b": [0, 0], "a_text": "", "b_text": "one two three"},
            {"op": "edit", "a": [1, 0], "b": [1, 0], "a_text": "x y", "b_text": "x z w"},
        ],
    }
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
        classification=json.dumps(made_up),
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


def test_words_from_operations_match_the_diff() -> None:
    change = classify_versions("t", KERRY_V1, "t", KERRY_V2)
    diff = diff_versions("t", KERRY_V1, "t", KERRY_V2)
    operations = change.to_json_dict()["operations"]
    assert words_changed(operations) == (diff.words_inserted, diff.words_deleted)


def test_unreadable_stored_classification_falls_back(seeded: Seeded) -> None:
    first, second = seeded.store.versions(seeded.kerry_id)
    assert stored_summary(first, second) is not None
    for broken in ("not json", "[1, 2]", '{"operations": [1]}'):
        assert stored_summary(first, replace(second, classification=broken)) is None


def test_healthz_reports_extraction_anomalies_of_the_last_day(seeded: Seeded) -> None:
    now = seeded.clock.now()
    for article_id, when in (
        (seeded.kerry_id, now - timedelta(hours=2)),
        (seeded.kerry_id, now - timedelta(hours=1)),
        (seeded.hostile_id, now - timedelta(days=3)),  # too old to count
    ):
        anomaly = ArticleEvent(article_id, when, "extraction_anomaly", "body collapsed")
        check = Check(article_id, when, CheckOutcome.EXTRACTION_ANOMALY)
        seeded.store.record_check(CheckResult(check=check, events=(anomaly,)))
    report = client_for(seeded).get("/healthz").json()
    assert report["ok"] is True
    assert report["extraction_anomalies"] == {"nytimes": 2}
