"""`compare` judges captures with the tracker's decision, history included."""

from __future__ import annotations

from article_server import page

from newsdiffs.compare import compare_pages, compare_sequence

URL = "https://news.example/news/1"
STORY = [
    "The council voted on Tuesday to close the old bridge for repairs.",
    "Engineers said the work would take at least six months.",
    "Residents asked for a ferry service in the meantime.",
]


def test_a_vanished_body_is_not_an_article_as_the_tracker_records_it() -> None:
    # Issue 9: compare said "new version: 3 paragraphs removed" where the tracker records
    # not_an_article.
    vanished = b"<html><head><title>Bridge to close</title></head><body></body></html>"
    result = compare_pages(page("Bridge to close", STORY), vanished, URL)
    assert result.outcome == "not_an_article"
    assert not result.new_version
    assert result.reason == "no article text found in B"


def test_a_longer_history_sees_the_flip_flop() -> None:
    a, b = page("Headline A", STORY), page("Headline B", STORY)
    outcomes = [r.outcome for r in compare_sequence([a, b, a, b, a, b], URL)]
    assert outcomes == ["new_version", "new_version", "new_version", "flipflop", "unchanged"]


def test_paragraph_breaks_alone_are_no_version() -> None:
    merged = [f"{STORY[0]} {STORY[1]}", STORY[2]]
    result = compare_pages(page("Bridge to close", STORY), page("Bridge to close", merged), URL)
    assert result.outcome == "unchanged" and not result.new_version
    assert result.reason == "same words, only paragraph breaks differ"
    assert result.a_hash == result.b_hash
