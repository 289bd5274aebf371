from __future__ import annotations

import difflib
import itertools
import json
import subprocess
import sys
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdiffs.core.diffing import ArticleDiff, diff_versions, similarity
from newsdiffs.core.render_text import render_ansi, render_spans
from newsdiffs.core.seqdiff import diff_sequences, edit_counts
from newsdiffs.core.wordiff import Span, count_words, diff_words, spans_text, tokenize


def _lcs_length(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[len(a)][len(b)]


def _apply(
    a: list[str], b: list[str], opcodes: Sequence[tuple[str, int, int, int, int]]
) -> list[str]:
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
            out.extend(a[i1:i2])
        else:
            out.extend(b[j1:j2])
    return out


small_lists = st.lists(st.sampled_from("abcde"), max_size=25)


@settings(max_examples=300, deadline=None)
@given(small_lists, small_lists)
def test_diff_sequences_is_minimal_and_correct(a: list[str], b: list[str]) -> None:
    opcodes = diff_sequences(a, b)
    assert _apply(a, b, opcodes) == b
    inserted, deleted = edit_counts(opcodes)
    assert inserted + deleted == len(a) + len(b) - 2 * _lcs_length(a, b)
    difflib_opcodes = difflib.SequenceMatcher(None, a, b).get_opcodes()
    assert inserted + deleted <= sum(edit_counts(difflib_opcodes))


@settings(max_examples=100, deadline=None)
@given(small_lists, small_lists)
def test_bit_parallel_beyond_the_search_budget_is_minimal_too(a: list[str], b: list[str]) -> None:
    opcodes = diff_sequences(a, b, max_states=0)
    assert _apply(a, b, opcodes) == b
    assert sum(edit_counts(opcodes)) == len(a) + len(b) - 2 * _lcs_length(a, b)


@st.composite
def _edited_texts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """A text of common and rare words and a copy with a block moved, plus small edits."""
    words = st.sampled_from(["the", "a", ",", ".", *(f"w{i}" for i in range(30))])
    a = draw(st.lists(words, min_size=2, max_size=70))
    b = list(a)
    start = draw(st.integers(0, len(b) - 1))
    end = draw(st.integers(start + 1, len(b)))
    block = b[start:end]
    del b[start:end]
    at = draw(st.integers(0, len(b)))
    b[at:at] = block
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(b)))
        b[where:where] = [draw(words)]
    return a, b


@settings(max_examples=200, deadline=None)
@given(_edited_texts())
def test_moved_blocks_are_diffed_minimally_by_both_algorithms(
    texts: tuple[list[str], list[str]],
) -> None:
    a, b = texts
    minimal = len(a) + len(b) - 2 * _lcs_length(a, b)
    # rapidfuzz's LCS, the pure-Python O(NP) search, the pure-Python bit-parallel LCS
    for max_states in (None, 10**9, 0):
        opcodes = diff_sequences(a, b, max_states=max_states)
        assert _apply(a, b, opcodes) == b
        assert sum(edit_counts(opcodes)) == minimal


def test_long_equal_runs_are_trimmed_and_galloped() -> None:
    base = [f"w{i}" for i in range(5000)]
    changed = [*base[:1000], "new", *base[1001:4000], *base[4010:]]
    opcodes = diff_sequences(base, changed)
    assert edit_counts(opcodes) == (1, 11)
    assert [tag for tag, *_ in opcodes] == ["equal", "replace", "equal", "delete", "equal"]


def test_identical_and_empty_inputs() -> None:
    assert diff_sequences([], []) == []
    assert diff_sequences(["a"], ["a"]) == [("equal", 0, 1, 0, 1)]
    assert diff_sequences([], ["a", "b"]) == [("insert", 0, 0, 0, 2)]
    assert diff_sequences(["a"], []) == [("delete", 0, 1, 0, 0)]


def test_tokenize_keeps_words_whole_and_punctuation_apart() -> None:
    words = tokenize("He said: “It’s 3.5% of $1,000 — well-known.”").words
    assert words == (
        "He", "said", ":", "“", "It’s", "3.5", "%", "of", "$", "1,000", "—", "well-known", ".", "”",
    )  # fmt: skip


def test_diff_words_marks_whole_words_and_keeps_punctuation() -> None:
    spans = diff_words("The minister said the plan failed.", "The minister says the plan failed!")
    assert Span("delete", "said") in spans
    assert Span("insert", "says") in spans
    assert Span("delete", ".") in spans and Span("insert", "!") in spans
    assert all(span.text.strip() for span in spans if span.op != "equal")


words_and_marks = st.lists(
    st.sampled_from(["cat", "dog", "the", "3.5", ",", ".", "“", "”", "well-known", "don't"]),
    max_size=15,
)


@settings(max_examples=300, deadline=None)
@given(words_and_marks, words_and_marks, st.sampled_from([" ", "  ", ""]))
def test_diff_words_spells_both_texts_exactly(
    a_words: list[str], b_words: list[str], joiner: str
) -> None:
    a, b = joiner.join(a_words), " ".join(b_words)
    spans = diff_words(a, b)
    assert spans_text(spans, "a") == a
    assert spans_text(spans, "b") == b
    assert all(span.text for span in spans)
    assert all(x.op != y.op for x, y in itertools.pairwise(spans))


def test_similarity_is_a_dice_coefficient() -> None:
    assert similarity(["a", "b"], ["A", "b"]) == 1.0
    assert similarity(["a", "b"], ["c"]) == 0.0
    assert similarity(["a", "b", "c", "d"], ["a", "b"]) == 2 * 2 / 6
    assert similarity([], []) == 1.0


PARAGRAPHS = [
    "The council voted on Monday to close the library on Sundays.",
    "Residents had campaigned for months against the plan.",
    "The mayor said the decision was difficult but necessary.",
    "A final review will take place next spring.",
]


def _kinds(diff: ArticleDiff) -> list[str]:
    return [op.kind for op in diff.paragraphs]


def test_unchanged_versions() -> None:
    diff = diff_versions("Title", PARAGRAPHS, "Title", PARAGRAPHS)
    assert not diff.changed
    assert _kinds(diff) == ["equal"] * 4
    assert (diff.words_inserted, diff.words_deleted) == (0, 0)


def test_rewritten_paragraph_is_one_change_not_delete_plus_insert() -> None:
    edited = list(PARAGRAPHS)
    edited[1] = "Residents had campaigned for many months against the closure plan."
    diff = diff_versions("Title", PARAGRAPHS, "Title", edited)
    assert _kinds(diff) == ["equal", "change", "equal", "equal"]
    change = diff.paragraphs[1]
    assert (change.a_index, change.b_index) == (1, 1)
    assert change.a_text == PARAGRAPHS[1] and change.b_text == edited[1]
    assert (diff.words_inserted, diff.words_deleted) == (2, 0)  # "many", "closure"


def test_unrelated_replacement_is_delete_plus_insert() -> None:
    edited = list(PARAGRAPHS)
    edited[2] = "Weather forecasters expect heavy snow across the region tonight."
    diff = diff_versions("Title", PARAGRAPHS, "Title", edited)
    assert _kinds(diff) == ["equal", "equal", "delete", "insert", "equal"]


def test_moved_paragraph_is_detected() -> None:
    moved = [PARAGRAPHS[3], *PARAGRAPHS[:3]]
    diff = diff_versions("Title", PARAGRAPHS, "Title", moved)
    assert _kinds(diff) == ["move", "equal", "equal", "equal"]
    assert (diff.paragraphs[0].a_index, diff.paragraphs[0].b_index) == (3, 0)
    assert not diff.paragraphs[0].changed
    assert (diff.words_inserted, diff.words_deleted) == (0, 0)


def test_added_and_removed_paragraphs_keep_their_positions() -> None:
    edited = [*PARAGRAPHS[:2], *PARAGRAPHS[3:], "Officials will publish the minutes on Friday."]
    diff = diff_versions("Title", PARAGRAPHS, "Title", edited)
    assert _kinds(diff) == ["equal", "equal", "delete", "equal", "insert"]
    assert diff.paragraphs[2].a_index == 2 and diff.paragraphs[2].b_index is None
    assert diff.paragraphs[4].b_index == 3
    assert diff.words_deleted == count_words(PARAGRAPHS[2])
    assert diff.words_inserted == count_words(edited[3])


def test_title_and_byline() -> None:
    diff = diff_versions(
        "In Russia, John Kerry Pushes Forward on Syrian Peace Process",
        PARAGRAPHS,
        "In Russia, John Kerry Pushes Forward on Syria Talks",
        PARAGRAPHS,
        a_byline="By Jane Doe",
        b_byline="By Jane Doe and John Roe",
    )
    assert diff.title_changed and diff.byline_changed and not diff.body_changed
    assert diff.title.a_text.endswith("Syrian Peace Process")
    assert diff.title.b_text.endswith("Syria Talks")
    assert diff_versions("T", [], "T", [], None, None).byline is None
    assert diff_versions("T", [], "T", [], None, "By X").byline is not None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*PARAGRAPHS, "Extra words here.", "The council voted."]), max_size=7),
    st.lists(st.sampled_from([*PARAGRAPHS, "Extra words here.", "The mayor voted."]), max_size=7),
)
def test_diff_versions_rebuilds_both_versions(a: list[str], b: list[str]) -> None:
    diff = diff_versions("A", a, "B", b)
    assert diff.a_paragraphs == tuple(a)
    assert diff.b_paragraphs == tuple(b)
    assert sorted(op.a_index for op in diff.paragraphs if op.a_index is not None) == list(
        range(len(a))
    )
    b_order = [op.b_index for op in diff.paragraphs if op.b_index is not None]
    assert b_order == list(range(len(b)))  # listed in reading order of the new version


def test_json_dict_is_serialisable_and_complete() -> None:
    edited = [*PARAGRAPHS[:3], "A final review will take place next autumn."]
    data = diff_versions("Old", PARAGRAPHS, "New", edited).to_json_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["changed"] is True
    assert data["paragraphs"][3]["kind"] == "change"
    assert {"op": "delete", "text": "spring"} in data["paragraphs"][3]["spans"]
    assert {"op": "insert", "text": "autumn"} in data["paragraphs"][3]["spans"]


def test_render_plain_and_ansi() -> None:
    edited = [*PARAGRAPHS[:3], "A final review will take place next autumn."]
    diff = diff_versions("Old title", PARAGRAPHS, "New title", edited)
    plain = render_ansi(diff, color=False, context=1)
    assert "Title: [-Old-]{+New+} title" in plain
    assert "~ A final review will take place next [-spring-]{+autumn+}." in plain
    assert "… 2 unchanged paragraphs …" in plain
    assert "\x1b[" not in plain
    colored = render_ansi(diff)
    assert "\x1b[31;9mspring\x1b[0m" in colored and "\x1b[32;4mautumn\x1b[0m" in colored
    assert "(no changes)" in render_ansi(diff_versions("T", PARAGRAPHS, "T", PARAGRAPHS), False)


def test_render_spans_keeps_spaces_outside_marks() -> None:
    spans = diff_words("The big cat sat", "The cat sat")
    assert render_spans(spans, color=False) == "The [-big-] cat sat"


def test_diff_and_classify_modules_import_nothing_with_io() -> None:
    code = (
        "import sys\n"
        "import newsdiffs.core.classify, newsdiffs.core.stats, newsdiffs.core.render_text\n"
        "heavy = {'sqlalchemy', 'httpx', 'fastapi', 'lxml', 'asyncio', 'socket', 'difflib'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
