"""The change summary alerts, feeds and cards' alt text share (core/change_text.py)."""

from __future__ import annotations

import time

import pytest

from newsdiffs.core.change_text import (
    CONTEXT_WORDS,
    MAX_PASSAGES,
    ChangeText,
    VersionText,
    change_text,
    cut_text,
)
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.wordiff import Span

LEDE = "The city council voted on Monday to close the central library on Sundays."
QUOTE = 'The mayor said: "We will not cut a single job this year."'
NOTICE = "Correction: An earlier version of this article misstated the day of the vote."


def _version(
    title: str = "Council closes library", *paragraphs: str, byline: str | None = None
) -> VersionText:
    return VersionText(title, byline, paragraphs or (LEDE, QUOTE))


def _words(n: int, word: str) -> str:
    return " ".join(f"{word}{i}" for i in range(n)) + "."


CASES: list[tuple[str, VersionText, VersionText, list[str]]] = [
    (
        "headline",
        _version("Council closes library"),
        _version("Council shuts library on Sundays"),
        ["Headline changed: 'Council closes library' → 'Council shuts library on Sundays'"],
    ),
    (
        "byline",
        _version(byline="By Ann Lee"),
        _version(byline="By Ann Lee and Bo Ray"),
        ["Byline changed: 'By Ann Lee' → 'By Ann Lee and Bo Ray'"],
    ),
    (
        "byline added",
        _version(byline=None),
        _version(byline="By Ann Lee"),
        ["Byline changed: (none) → 'By Ann Lee'"],
    ),
    (
        "quote edit",
        _version(),
        _version("Council closes library", LEDE, QUOTE.replace("single job", "job")),
        ['The mayor said: "We will not cut a [-single-] job this year."'],
    ),
    (
        "correction notice first",
        _version(),
        _version(
            "Council closes library",
            LEDE.replace("Monday", "Tuesday"),
            QUOTE,
            NOTICE,
        ),
        [
            "{+" + NOTICE + "+}",
            "The city council voted on [-Monday-]{+Tuesday+} to close the central library"
            " on Sundays.",
        ],
    ),
    (
        "deleted sentence",
        _version(),
        _version("Council closes library", LEDE),
        ["[-" + QUOTE + "-]"],
    ),
    ("no change", _version(), _version(), []),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES, ids=[c[0] for c in CASES])
def test_lines(name: str, a: VersionText, b: VersionText, expected: list[str]) -> None:
    assert change_text(a, b).lines() == expected


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES, ids=[c[0] for c in CASES])
def test_classification_gives_the_same_text(
    name: str, a: VersionText, b: VersionText, expected: list[str]
) -> None:
    known = classify_versions(a.title, a.paragraphs, b.title, b.paragraphs, a.byline, b.byline)
    assert change_text(a, b, known) == change_text(a, b)


def test_context_is_cut_to_a_few_words_each_side() -> None:
    long = _words(40, "w")
    edited = long.replace("w20 ", "CHANGED ")
    text = change_text(_version("T", long), _version("T", edited))
    (line,) = text.lines()
    assert line == ("… w14 w15 w16 w17 w18 w19 [-w20-]{+CHANGED+} w21 w22 w23 w24 w25 w26 …")
    assert CONTEXT_WORDS == 6


def test_html_escapes_and_marks() -> None:
    a = _version("Tom & Jerry <b>", "Prices rose 5 % <script>alert(1)</script> today.")
    b = _version("Tom & Jerry <i>", "Prices rose 7 % <script>alert(1)</script> today.")
    rendered = change_text(a, b).html()
    assert "<script>" not in rendered and "<b>" not in rendered and "<i>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "<del>Tom &amp; Jerry &lt;b&gt;</del> → <ins>Tom &amp; Jerry &lt;i&gt;</ins>" in (
        rendered
    )
    assert "<del>5</del><ins>7</ins>" in rendered


def test_a_300_word_rewrite_is_cut_with_an_ellipsis() -> None:
    old = tuple(_words(30, f"old{p}x") for p in range(10))
    new = tuple(_words(30, f"new{p}x") for p in range(10))
    text = change_text(_version("T", *old), _version("T", *new))
    assert len(text.passages) == MAX_PASSAGES
    for limit in (40, 100, 280, 1000):
        summary = text.plain_summary(limit)
        assert len(summary) <= limit
        assert summary.endswith(("…", "…-]", "…+}", "…-]+}"))
        assert summary.count("[-") == summary.count("-]")
        assert summary.count("{+") == summary.count("+}")
        cut_word = summary.rstrip("-]+}").removesuffix("…").split()[-1]
        assert cut_word.strip("[-{+.") in " ".join(old + new)  # a whole word, not half
    assert len(text.alt_text(300)) <= 300


@pytest.mark.parametrize("limit", [0, 1, 2, 5, 17, 300])
def test_cut_text_respects_any_limit(limit: int) -> None:
    text = "[-" + "word " * 100 + "-]{+" + "other " * 100 + "+}"
    assert len(cut_text(text, limit)) <= limit
    assert cut_text("short", limit) == ("short" if limit >= 5 else cut_text("short", limit))


def test_alt_text_has_words_not_marks() -> None:
    a = _version()
    b = _version("Council shuts library", LEDE.replace("Sundays", "weekends"), QUOTE, NOTICE)
    alt = change_text(a, b).alt_text()
    assert "[-" not in alt and "{+" not in alt
    assert "Headline changed from 'Council closes library' to 'Council shuts library'." in alt
    assert "'Sundays' became 'weekends'." in alt
    assert f"Added '{NOTICE}'" in alt
    several = change_text(
        _version("T", "He met the foreign minister in Moscow on Tuesday morning."),
        _version("T", "He was due to meet the prime minister in Moscow on Tuesday morning."),
    )
    assert several.alt_text() == "'met' became 'was due to meet'; 'foreign' became 'prime'."


def test_empty() -> None:
    assert ChangeText(None, None, ()).empty
    assert ChangeText(None, None, ()).alt_text() == "No visible change."
    assert not ChangeText(("a", "b"), None, ()).empty
    assert ChangeText(None, None, ((Span("insert", "x"),),)).lines() == ["{+x+}"]


@pytest.mark.parametrize(
    "paragraph", [" " * 1_000_000, "a" * 1_000_000, "." * 100_000 + " a. B.", "“a " * 60_000]
)
def test_pathological_text_finishes_in_under_a_second(paragraph: str) -> None:
    start = time.process_time()
    text = change_text(_version("T", paragraph), _version("T", paragraph + " Officials said."))
    text.plain_summary(300)
    text.html()
    assert time.process_time() - start < 1.0


def test_an_edit_inside_a_very_long_sentence_is_summarised_from_where_it_changed() -> None:
    """A paragraph with no sentence break is one huge sentence: the summary word-diffs only
    the part that changed (0.6 s of a diff page's CPU at 240,000 characters before)."""
    words = " ".join(f"w{n}" for n in range(30_000))
    edited = words.replace("w15000 w15001", "w15000 CHANGED w15001")
    a = VersionText("Title", None, (words,))
    b = VersionText("Title", None, (edited,))
    started = time.process_time()
    text = change_text(a, b, None)
    assert time.process_time() - started < 1.0
    [line] = [line for line in text.lines() if "CHANGED" in line]
    assert "{+CHANGED+}" in line and len(line) < 2_000
    assert "w14990" in line or "w15000" in line  # context around the change
