"""Words a change inserted and deleted (core.word_counts), and the classification's JSON
round trip storage relies on."""

from __future__ import annotations

from typing import Any

import pytest
from web_seed import KERRY_V1, KERRY_V2

from newsdiffs.core.classify import Classification, SentenceOp, classify_versions
from newsdiffs.core.diffing import diff_versions
from newsdiffs.core.word_counts import text_words_changed, words_changed

BODY = ("The council met on Monday.", "It voted on the budget.")


def test_body_words_match_the_word_diff() -> None:
    change = classify_versions("t", KERRY_V1, "t", KERRY_V2)
    diff = diff_versions("t", KERRY_V1, "t", KERRY_V2)
    assert words_changed(change, "t", "t") == (diff.words_inserted, diff.words_deleted)


def test_a_headline_only_change_counts_its_words() -> None:
    """The headline's words were left out: a headline-only change read "+0 / −0 words"."""
    old, new = "Council meets", "Council meets, then votes to close the library"
    change = classify_versions(old, BODY, new, BODY)
    assert change.operations == ()
    assert words_changed(change, old, new) == (6, 0)
    assert words_changed(change, new, old) == (0, 6)


def test_a_byline_change_counts_its_words() -> None:
    change = classify_versions("t", BODY, "t", BODY, "By Ann Lee", "By Ann Lee and Bo Chen")
    assert words_changed(change, "t", "t", "By Ann Lee", "By Ann Lee and Bo Chen") == (3, 0)
    assert words_changed(change, "t", "t", "By Ann Lee", None) == (0, 3)


def test_punctuation_is_not_a_word() -> None:
    assert text_words_changed("Council meets", "Council meets!") == (0, 0)
    assert text_words_changed("same", "same") == (0, 0)


def test_additions_and_deletions_count_whole_sentences() -> None:
    change = classify_versions("t", BODY, "t", (BODY[0], "A new paragraph of five."))
    assert words_changed(change, "t", "t") == (5, 5)


def test_classification_json_round_trip() -> None:
    change = classify_versions("Old title", KERRY_V1, "New title", KERRY_V2, "By A", "By B")
    assert change.operations
    assert Classification.from_json_dict(change.to_json_dict()) == change
    for op in change.operations:
        assert SentenceOp.from_json_dict(op.to_json_dict()) == op


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kinds": []},
        {"substantive": True, "significance": 0.5, "kinds": ["nope"], "operations": []},
        {"substantive": True, "significance": "x", "kinds": [], "operations": [], "stealth": 0},
        {"substantive": True, "significance": 1, "kinds": [], "operations": [1], "stealth": 0},
        {
            "substantive": True,
            "significance": 1,
            "kinds": [],
            "stealth": False,
            "operations": [{"op": "edit", "a": [1], "b": None, "a_text": "", "b_text": ""}],
        },
        [1, 2],
    ],
)
def test_unreadable_classification_json_is_a_value_error(data: Any) -> None:
    with pytest.raises(ValueError):
        Classification.from_json_dict(data)
