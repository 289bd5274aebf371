from __future__ import annotations

import json

import pytest

from newsdiffs.core.classify import (
    ChangeKind,
    Classification,
    SentenceOpKind,
    classify,
    classify_versions,
    is_notice,
)
from newsdiffs.core.cosmetic import cosmetic_kind, edit_distance
from newsdiffs.core.diffing import diff_versions
from newsdiffs.core.headlines import TitlePattern, analyze_titles, detect_flipflop
from newsdiffs.core.sentences import split_sentences

TITLE = "Council votes to close library on Sundays"
BODY = (
    "The city council voted 7-2 on Monday to close the central library on Sundays. "
    "The change takes effect in March.",
    "Residents had campaigned for months against the plan, collecting 4,000 signatures.",
    "“This is a sad day for our town,” said Maria Lopez, who organised the petition.",
    "The mayor said the decision was difficult but necessary to balance the budget.",
    "A final review of opening hours will take place next spring.",
)


def _classify(
    b_title: str = TITLE, b_body: tuple[str, ...] = BODY, b_byline: str | None = "By Ann Lee"
) -> Classification:
    return classify_versions(TITLE, BODY, b_title, b_body, "By Ann Lee", b_byline)


def _replace(index: int, old: str, new: str) -> tuple[str, ...]:
    body = list(BODY)
    assert old in body[index]
    body[index] = body[index].replace(old, new)
    return tuple(body)


def _ops(result: Classification) -> list[str]:
    return [op.kind.value for op in result.operations]


def test_no_change() -> None:
    result = _classify()
    assert result == Classification(False, 0.0, (), (), False)


def test_headline_rewrite() -> None:
    result = _classify(b_title="Library to close on Sundays after council vote")
    assert result.kinds == (ChangeKind.HEADLINE,)
    assert result.substantive and result.stealth
    assert 0.4 <= result.significance <= 0.6


def test_headline_typo_is_cosmetic() -> None:
    result = _classify(b_title="Council votes to close librray on Sundays")
    assert set(result.kinds) == {ChangeKind.TYPO, ChangeKind.COSMETIC}
    assert not result.substantive and not result.stealth
    assert 0 < result.significance <= 0.05


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("collecting 4,000 signatures.", "collecting 4,000  signatures ."),  # whitespace
        ("against the plan,", "against the plan;"),  # punctuation
        ("Residents had", "RESIDENTS had"),  # case
        ("campaigned", "campaigend"),  # swapped letters
        ("campaigned for months", "campagned for monhts"),  # two letters in two words
    ],
)
def test_cosmetic_changes(old: str, new: str) -> None:
    result = _classify(b_body=_replace(1, old, new))
    assert ChangeKind.COSMETIC in result.kinds
    assert not result.substantive
    assert result.significance <= 0.05
    assert all(op.cosmetic for op in result.operations)


def test_three_letter_change_is_not_a_typo() -> None:
    result = _classify(b_body=_replace(1, "campaigned for months", "campagned fro monhts"))
    assert result.substantive and ChangeKind.COSMETIC not in result.kinds


def test_number_change_is_substantive_even_if_one_digit() -> None:
    result = _classify(b_body=_replace(1, "4,000", "5,000"))
    assert _ops(result) == ["edit"]
    assert ChangeKind.NUMBERS in result.kinds and ChangeKind.TYPO not in result.kinds
    assert result.substantive and result.stealth


def test_quote_change() -> None:
    result = _classify(b_body=_replace(2, "a sad day", "a terrible day"))
    assert ChangeKind.QUOTES in result.kinds
    assert _ops(result) == ["edit"]


def test_lede_change_and_sentence_positions() -> None:
    result = _classify(b_body=_replace(0, "voted 7-2 on Monday", "narrowly voted on Monday"))
    assert ChangeKind.LEDE in result.kinds
    (op,) = result.operations
    assert op.kind == SentenceOpKind.EDIT
    assert (op.a.paragraph, op.a.sentence) == (0, 0) if op.a else False
    assert "narrowly" in op.b_text


def test_appended_paragraphs_are_a_developing_story_not_stealth() -> None:
    body = (*BODY, "Update at 5pm: the council has agreed to meet again on Thursday.")
    result = _classify(b_body=(*BODY, "Library staff will be redeployed to other branches."))
    assert result.kinds == (ChangeKind.APPENDED,)
    assert _ops(result) == ["addition"]
    assert result.substantive and not result.stealth
    noticed = _classify(b_body=body)
    assert ChangeKind.CORRECTION_NOTICE in noticed.kinds
    assert ChangeKind.APPENDED not in noticed.kinds


def test_correction_notice_makes_an_edit_not_stealth() -> None:
    body = (
        *_replace(1, "4,000", "3,000"),
        "Correction: An earlier version of this article misstated the number of signatures.",
    )
    result = _classify(b_body=body)
    assert {ChangeKind.CORRECTION_NOTICE, ChangeKind.NUMBERS} <= set(result.kinds)
    assert result.substantive and not result.stealth
    assert sorted(_ops(result)) == ["addition", "edit"]


def test_deletion_and_stealth() -> None:
    body = tuple(p for n, p in enumerate(BODY) if n != 2)
    result = _classify(b_body=body)
    assert _ops(result) == ["deletion"]
    assert ChangeKind.QUOTES in result.kinds  # a quotation was removed
    assert result.stealth


def test_moved_sentence_is_a_refactor() -> None:
    body = list(BODY)
    body[0] = "The city council voted 7-2 on Monday to close the central library on Sundays."
    body[4] = body[4] + " The change takes effect in March."
    result = _classify(b_body=tuple(body))
    assert _ops(result) == ["refactor"]
    assert result.substantive


def test_moved_paragraph_is_a_refactor_of_its_sentences() -> None:
    body = (BODY[0], BODY[3], BODY[1], BODY[2], BODY[4])
    result = _classify(b_body=body)
    assert set(_ops(result)) == {"refactor"}


def test_byline_change() -> None:
    assert ChangeKind.BYLINE in _classify(b_byline="By Ann Lee and Tom Roe").kinds
    assert ChangeKind.COSMETIC in _classify(b_byline="by ann lee").kinds


def test_paragraph_split_is_cosmetic() -> None:
    body = (*BODY[0].split(" The change"), *BODY[1:])
    body = (body[0], "The change" + body[1], *body[2:])
    result = _classify(b_body=body)
    assert result.kinds == (ChangeKind.COSMETIC,)
    assert result.operations == ()


def test_significance_grows_with_the_change() -> None:
    small = _classify(b_body=_replace(4, "next spring", "next autumn"))
    rewrite = _classify(
        b_title="Sunday closures approved",
        b_body=(
            "Libraries across the city will close on Sundays and Mondays from March.",
            *BODY[2:4],
            "Correction: An earlier version of this story misstated the vote.",
        ),
    )
    assert 0 < small.significance < rewrite.significance <= 1
    assert rewrite.significance > 0.8


def test_json_dict_shape() -> None:
    data = _classify(b_body=_replace(1, "4,000", "5,000")).to_json_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"substantive", "significance", "kinds", "operations", "stealth"}
    assert data["kinds"] == ["numbers"]
    assert data["operations"][0]["op"] == "edit"
    assert data["operations"][0]["a"] == [1, 0]


def test_classify_accepts_a_diff() -> None:
    diff = diff_versions(TITLE, BODY, "Another headline entirely now", BODY)
    assert classify(diff).kinds == (ChangeKind.HEADLINE,)


@pytest.mark.parametrize(
    "text",
    [
        "Correction: An earlier version of this article misstated the date.",
        "CLARIFICATION: The report was published by the agency.",
        "Update (3:15 p.m.): Police have named the victim.",
        "Updated at 5pm: more details.",
        "Editor's note: This story has been updated.",
        "This article has been updated to reflect new figures.",
        "An earlier version of this story misspelled her name.",
    ],
)
def test_notices_are_recognised(text: str) -> None:
    assert is_notice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Updated figures show unemployment fell in March.",
        "The correction in share prices continued on Friday.",
        "Officials will update the public later today.",
    ],
)
def test_ordinary_sentences_are_not_notices(text: str) -> None:
    assert not is_notice(text)


def test_cosmetic_kind_and_edit_distance() -> None:
    assert cosmetic_kind("It is, he said.", "it is he said") == "format"
    assert cosmetic_kind("recieve", "receive") == "typo"
    assert cosmetic_kind("every one agreed", "everyone agreed") == "typo"
    assert cosmetic_kind("23 people", "28 people") is None
    assert cosmetic_kind("the cat", "the dog") is None
    assert edit_distance("abcd", "abdc") == 1
    assert edit_distance("kitten", "sitting", limit=5) == 3
    assert edit_distance("kitten", "sitting") == 3  # capped at limit + 1


def test_split_sentences_handles_abbreviations_and_quotes() -> None:
    text = "Mr. Smith met U.S. officials on Nov. 27 in Washington. “It went well.” Then he left!"
    assert split_sentences(text) == [
        "Mr. Smith met U.S. officials on Nov. 27 in Washington.",
        "“It went well.”",
        "Then he left!",
    ]


@pytest.mark.parametrize(
    ("titles", "pattern", "switches"),
    [
        (["A", "A", "A"], TitlePattern.STABLE, set()),
        (["A", "B", "C"], TitlePattern.EDITED, set()),
        (["A", "B", "A"], TitlePattern.FLIPFLOP, {1, 2}),
        (["A", "B", "A", "B", "A"], TitlePattern.AB_TEST, {1, 2, 3, 4}),
        (["A", "A", "B", "B", "A", "A", "B"], TitlePattern.AB_TEST, {2, 4, 6}),
        (["A", "B", "C", "D", "E", "B"], TitlePattern.FLIPFLOP, {5}),
        (["A", "B", "A", "C"], TitlePattern.FLIPFLOP, {1, 2}),
    ],
)
def test_title_history_patterns(
    titles: list[str], pattern: TitlePattern, switches: set[int]
) -> None:
    history = analyze_titles(titles)
    assert history.pattern == pattern
    assert history.switch_indexes == switches
    assert detect_flipflop(titles) == (pattern in (TitlePattern.FLIPFLOP, TitlePattern.AB_TEST))


def test_title_history_ignores_whitespace_and_reports_variants() -> None:
    history = analyze_titles(["Big  news", "Big news", "Huge news", "Big news ", "Huge news"])
    assert history.variants == ("Big news", "Huge news")
    assert (history.changes, history.reverts) == (3, 2)
    assert history.to_json_dict()["pattern"] == "ab_test"
    assert not history.is_headline_edit(2)
