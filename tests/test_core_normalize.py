from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdiffs.core.normalize import (
    INVISIBLE_CHARS,
    STRAY_CONTROL_CHARS,
    content_hash,
    is_noise_paragraph,
    normalize_paragraphs,
    normalize_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  hello   world  ", "hello world"),
        ("a\u00a0b", "a b"),
        ("a\u2009\u202f\u3000b", "a b"),
        ("line\nbreak\tand\r\ntab", "line break and tab"),
        ("zero\u200bwidth", "zerowidth"),
        ("co\u00adoperate", "cooperate"),
        ("\ufeffBOM first", "BOM first"),
        ("\u200eleft\u200f \u202aembedded\u202c", "left embedded"),
        ("word\u2060joiner", "wordjoiner"),
        ("bell\x07char", "bellchar"),
        ("\u201cQuoted\u201d \u2018It's\u2019 CASE", "\u201cQuoted\u201d \u2018It's\u2019 CASE"),
        ("", ""),
        ("   \u00a0\u200b ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_applies_nfc() -> None:
    decomposed = "Cafe\u0301"
    assert normalize_text(decomposed) == "Caf\u00e9"
    # An invisible character between base and combining mark must not block composition.
    assert normalize_text("Cafe\u200b\u0301") == "Caf\u00e9"


@given(st.text())
def test_normalize_text_is_idempotent_and_clean(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert not any(char in INVISIBLE_CHARS for char in once)
    assert "\x1e" not in once and "\x1d" not in once
    assert not any(char.isspace() and char != " " for char in once)
    assert unicodedata.is_normalized("NFC", once)


NOISE = [
    "Updated 5 minutes ago",
    "Last updated: 2 hours ago",
    "3 mins ago",
    "Published 1 day ago",
    "Posted an hour ago",
    "5h ago",
    "Updated just now",
    "Advertisement",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Share this article",
    "Share on Facebook",
    "Share",
    "Read more",
    "Read more:",
    "Read more »",
    "Related:",
    "Related articles",
    "Continue reading the main story",
    "Most read",
    "Updated: 4 March 2015, 17:05 GMT",
    "Published Wed 4 Mar 2015 12.05 EST",
    "Last modified on Tue 3 Mar 2015 09:14 GMT",
]

REAL = [
    "Read more about the plan on the council's website, the mayor said.",
    "Advertisement revenue fell by 5% last year.",
    "The report was updated 5 minutes ago, officials said.",
    "Share prices fell sharply on Monday.",
    "Related: the minister resigned on Tuesday.",
    "Published in 2015, the report found no evidence.",
    "3 days",
    "Updated guidance will follow in March.",
    "He said: \u201cRead more.\u201d",
    "Comments from the minister were not available.",
    "Posted on Tuesday by the minister himself, the message was later deleted.",
]


@pytest.mark.parametrize("line", NOISE)
def test_noise_lines_are_noise(line: str) -> None:
    assert is_noise_paragraph(line)


@pytest.mark.parametrize("line", REAL)
def test_real_sentences_are_kept(line: str) -> None:
    assert not is_noise_paragraph(line)


def test_long_lines_are_never_noise() -> None:
    assert not is_noise_paragraph("Updated " + "5 " * 60 + "ago")


def test_date_stamp_matching_is_fast_on_long_digit_runs() -> None:
    # Would backtrack catastrophically if date tokens could be split without separators.
    assert is_noise_paragraph("Updated " + "1234 " * 10)
    assert not is_noise_paragraph("Updated " + "1" * 70 + "x")


def test_normalize_paragraphs_drops_empty_and_noise() -> None:
    raw = ["  First\u00a0paragraph. ", "", "\u200b", "Advertisement", "Second  one.", "3 mins ago"]
    assert normalize_paragraphs(raw) == ("First paragraph.", "Second one.")
    assert normalize_paragraphs(iter(raw)) == ("First paragraph.", "Second one.")


@given(st.lists(st.text()))
def test_normalize_paragraphs_is_idempotent(paragraphs: list[str]) -> None:
    once = normalize_paragraphs(paragraphs)
    assert normalize_paragraphs(once) == once
    assert all(once)


def test_content_hash_shape() -> None:
    digest = content_hash("Title", ["Body."])
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_content_hash_keeps_paragraph_boundaries() -> None:
    assert content_hash("T", ["ab", "c"]) != content_hash("T", ["a", "bc"])
    assert content_hash("T", ["a b"]) != content_hash("T", ["a", "b"])


def test_content_hash_separates_title_from_body() -> None:
    assert content_hash("a", ["b"]) != content_hash("", ["a", "b"])
    assert content_hash("a", []) != content_hash("", ["a"])


def test_content_hash_ignores_whitespace_and_invisibles() -> None:
    base = content_hash("The title", ["One two.", "Three."])
    assert content_hash("  The\u00a0title ", ["One  two.\n", "", "Thre\u00ade."]) == base
    assert content_hash("The title", ["One two.", "Advertisement", "Three."]) == base


def test_content_hash_sees_real_edits() -> None:
    base = content_hash("The title", ["One two."])
    assert content_hash("The Title", ["One two."]) != base
    assert content_hash("The title", ["One two!"]) != base
    assert content_hash("The title", ["One \u201ctwo\u201d."]) != content_hash(
        "The title", ['One "two".']
    )


@given(st.text(), st.lists(st.text()))
def test_content_hash_same_for_normalised_input(title: str, paragraphs: list[str]) -> None:
    expected = content_hash(title, paragraphs)
    assert content_hash(normalize_text(title), normalize_paragraphs(paragraphs)) == expected


def test_every_control_character_in_unicode_is_covered() -> None:
    """The drop table is built from code points below U+00A0: no Cc character lies above."""
    controls = [code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"]
    assert max(controls) < 0xA0
    for code in controls:
        char = chr(code)
        assert (char in STRAY_CONTROL_CHARS) is (not char.isspace())


def _reference_normalize(text: str) -> str:
    """The definition, one character at a time (slow; what normalize_text must equal)."""
    kept = "".join(
        char
        for char in text
        if char not in INVISIBLE_CHARS
        and not (unicodedata.category(char) == "Cc" and not char.isspace())
    )
    return unicodedata.normalize("NFC", " ".join(kept.split()))


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_normalize_text_matches_its_definition(text: str) -> None:
    assert normalize_text(text) == _reference_normalize(text)


@given(
    st.text(
        alphabet=st.sampled_from(
            ["a", "e", "\u0301", "\u0308", " ", "\t", "\x00", "\x85", "\u200b", "\u00a0", "Å"]
        ),
        max_size=60,
    )
)
def test_normalize_text_matches_its_definition_on_tricky_characters(text: str) -> None:
    assert normalize_text(text) == _reference_normalize(text)
