"""The near-linear pieces of the diff: exact against brute force, and the same answers as the
(super-linear) code they replaced."""

from __future__ import annotations

import gc
import random
import re
import threading
from collections import Counter
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdiffs.core import sentences
from newsdiffs.core.classify import _NOTICE_START_RE, _quotations
from newsdiffs.core.diffing import _COLLECTOR_PAUSE, ParagraphOp, diff_versions
from newsdiffs.core.pairing import (
    WordBag,
    best_first_matches,
    dice,
    near_duplicates,
    shared_words,
)
from newsdiffs.core.render_text import _visible
from newsdiffs.core.seqdiff import common_length, diff_sequences, edit_counts, matching_blocks
from newsdiffs.core.wordiff import (
    _ASCII_BARE_TOKEN_RE,
    _BARE_TOKEN_RE,
    _TOKEN_RE,
    _WORD_PATTERN,
    _WORD_TOKEN_RE,
    TokenDiff,
    count_word_tokens,
    count_words,
    diff_words,
    spans_text,
    tokenize,
    tokenize_all,
)

bags = st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=9), max_size=8)


@settings(max_examples=300, deadline=None)
@given(bags, bags, st.sampled_from([0.5, 0.75, 0.9]))
def test_near_duplicates_finds_exactly_what_brute_force_finds(
    a_words: list[list[str]], b_words: list[list[str]], threshold: float
) -> None:
    a = [WordBag.of(words) for words in a_words]
    b = [WordBag.of(words) for words in b_words]
    brute = sorted(
        (-dice(x, y), i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if x.size and dice(x, y) >= threshold
    )
    expected = [(-negated, i, j) for negated, i, j in brute]
    assert near_duplicates(a, b, threshold) == expected


def test_best_first_matches_are_one_to_one() -> None:
    assert best_first_matches([(1.0, 0, 0), (0.9, 0, 1), (0.8, 1, 0), (0.7, 1, 1)]) == [
        (0, 0),
        (1, 1),
    ]


def _apply(a: list[str], b: list[str], opcodes: list[tuple[str, int, int, int, int]]) -> list[str]:
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        out.extend(b[j1:j2])
    return out


words = st.lists(st.sampled_from([*"abcdefgh", *(f"u{n}" for n in range(12))]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(words, words, st.sampled_from([0, 4, 30, 10**9]))
def test_anchored_diff_beyond_the_cell_budget_is_still_a_diff(
    a: list[str], b: list[str], max_cells: int
) -> None:
    opcodes = diff_sequences(a, b, max_cells=max_cells)
    assert _apply(a, b, opcodes) == b
    exact = sum(edit_counts(diff_sequences(a, b)))
    assert sum(edit_counts(opcodes)) >= exact
    if len(a) * len(b) <= max_cells:
        assert sum(edit_counts(opcodes)) == exact


def test_huge_rewrite_is_anchored_not_quadratic() -> None:
    """200,000 words against a copy with 10 % replaced: an exact LCS would need 4e10 cells
    (minutes, gigabytes); anchored on unique words it stays a correct diff."""
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(50_000)]
    a = [rng.choice(vocabulary) for _ in range(200_000)]
    b = list(a)
    for _ in range(20_000):
        b[rng.randrange(len(b))] = rng.choice(vocabulary)
    opcodes = diff_sequences(a, b)
    assert _apply(a, b, opcodes) == b
    assert sum(edit_counts(opcodes)) <= 2 * 20_000 * 1.1


def _paragraph(rng: random.Random, n: int) -> str:
    return " ".join(f"w{rng.randrange(5_000)}" for _ in range(20)) + f" p{n}."


def test_moved_paragraphs_of_a_long_article_are_moves() -> None:
    rng = random.Random(1)
    old = [_paragraph(rng, n) for n in range(2_000)]
    new = list(old)
    moved = rng.sample(range(2_000), 200)
    for n in sorted(moved, reverse=True):
        del new[n]
    for n in moved:
        new.insert(rng.randrange(len(new) + 1), old[n])
    # and a few moved paragraphs lose a word on the way
    for n in range(len(new)):
        if new[n] in {old[m] for m in moved[:20]}:
            new[n] = new[n].split(" ", 1)[1]
    diff = diff_versions("T", old, "T", new)
    assert diff.b_paragraphs == tuple(new)
    shown = sum(1 for op in diff.paragraphs if op.kind == "move")
    assert shown == len(moved)  # minimal alignment keeps 1,800 in place, the rest move
    assert diff.words_inserted == 0 and diff.words_deleted == 20


def _rewritten_article() -> tuple[list[str], list[str]]:
    """2,000 paragraphs, a third replaced by unrelated ones: thousands of tokenised texts."""
    rng = random.Random(2)
    old = [_paragraph(rng, n) for n in range(2_000)]
    new = [_paragraph(rng, n + 10_000) if n % 3 == 0 else text for n, text in enumerate(old)]
    return old, new


def test_a_large_diff_does_not_set_off_the_garbage_collector_again_and_again() -> None:
    """The containers a diff makes used to start ~50 collections per 1 MB diff, each
    walking them all (a fifth of its time); now at most the one due when it ends."""
    old, new = _rewritten_article()
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        diff = diff_versions("T", old, "T", new)
    finally:
        gc.callbacks.remove(count)
    assert diff.b_paragraphs == tuple(new)
    assert len(collections) <= 1


def _collector_states(enabled_before: bool) -> Iterator[bool]:
    (gc.enable if enabled_before else gc.disable)()
    try:
        with _COLLECTOR_PAUSE.held():
            yield gc.isenabled()
            with _COLLECTOR_PAUSE.held():
                yield gc.isenabled()
            yield gc.isenabled()
        yield gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_pause_nests_and_restores_the_state_it_found() -> None:
    assert list(_collector_states(True)) == [False, False, False, True]
    assert list(_collector_states(False)) == [False, False, False, False]


def test_diffs_in_threads_leave_the_collector_on() -> None:
    old, new = _rewritten_article()
    old, new = old[:300], new[:300]
    gc.enable()
    start = threading.Barrier(4)
    results: list[tuple[str, ...]] = []

    def work() -> None:
        start.wait()
        for _ in range(5):
            results.append(diff_versions("T", old, "T", new).b_paragraphs)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [tuple(new)] * 20
    assert gc.isenabled()


def test_identical_paragraph_moved_wins_over_a_similar_one_in_place() -> None:
    """Exact moves are matched first: the paragraph that reappears word for word at the end
    is a move, and its rewrite in place an insert (it was paired as a change before)."""
    moved = "Alpha beta gamma delta said the mayor."
    rewrite = "Alpha beta gamma delta epsilon said the mayor."
    kept = ["One two three.", "Four five six.", "Seven eight nine.", "Ten eleven twelve."]
    diff = diff_versions("T", [moved, *kept], "T", [rewrite, *kept, moved])
    assert [(op.kind, op.a_index, op.b_index) for op in diff.paragraphs if op.kind != "equal"] == [
        ("insert", None, 0),
        ("move", 0, 5),
    ]
    assert diff.words_inserted == 8 and diff.words_deleted == 0


# --- the linear rewrites answer what the regexes they replace answered ----------------------

_OLD_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
_OLD_LAST_WORD = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]]*\s*$")
_OLD_QUOTE = re.compile(r"[“\"]([^”\"]+)[”\"]")
_OLD_NOTICE_START = re.compile(
    r"^\W*(?:corrections?|clarifications?|updated?|editor[’']?s[’']? notes?|note)\b"
    r"\s*(?:\([^)]{0,40}\)|(?:on |at )?[\w ,.:]{0,30}?)?\s*[:—–-]",
    re.IGNORECASE,
)
_OLD_TOKEN = re.compile(rf"\s*(?:{_WORD_PATTERN}|[^\w\s])")
_OLD_BARE_TOKEN = re.compile(rf"{_WORD_PATTERN}|[^\w\s]")
_OLD_WORD_TOKEN = re.compile(_WORD_PATTERN)


def _old_split(text: str) -> list[str]:
    found: list[str] = []
    start = 0
    for match in _OLD_BOUNDARY.finditer(text):
        if text[match.start()] == ".":
            last = _OLD_LAST_WORD.search(text[start : match.start() + 1])
            word = last.group(1).rstrip(".").casefold() if last else ""
            if (len(word) == 1 and word.isalpha()) or word in sentences._ABBREVIATIONS:
                continue
        if sentence := text[start : match.end()].strip():
            found.append(sentence)
        start = match.end()
    if tail := text[start:].strip():
        found.append(tail)
    return found


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=14).map("".join)


@settings(max_examples=500, deadline=None)
@given(_texts(["Mr", "U.S", "a", "A", "J", ".", "!", "…", " ", '"', "”", ")", "“", "No", "1"]))
def test_sentence_split_is_unchanged(text: str) -> None:
    assert sentences.split_sentences(text) == _old_split(text)


@settings(max_examples=500, deadline=None)
@given(_texts(["“", "”", '"', "a", " "]))
def test_quotations_are_unchanged(text: str) -> None:
    assert _quotations(text) == _OLD_QUOTE.findall(text)


@settings(max_examples=500, deadline=None)
@given(_texts(["Note", "Update", " ", "  ", "\n", ":", "-", "(", ")", "on ", "x", ",", "1"]))
def test_notice_start_is_unchanged(text: str) -> None:
    assert bool(_NOTICE_START_RE.search(text)) == bool(_OLD_NOTICE_START.search(text))


@settings(max_examples=500, deadline=None)
@given(_texts([" ", "  ", "\n", "a", "b1", ".", ",", "'", "-", ":", "/", "“", "é"]))
def test_tokens_are_unchanged(text: str) -> None:
    assert _TOKEN_RE.findall(text) == _OLD_TOKEN.findall(text)
    assert _BARE_TOKEN_RE.findall(text) == _OLD_BARE_TOKEN.findall(text)
    assert _WORD_TOKEN_RE.findall(text) == _OLD_WORD_TOKEN.findall(text)


_TOKEN_PIECES = [
    " ",
    "  ",
    "\n",
    "a",
    "B1",
    "_",
    ".",
    ",",
    "'",
    "’",
    "-",
    ":",
    "/",
    "“",
    "ß",
    "İ",
    "²",
]


@settings(max_examples=300, deadline=None)
@given(_texts(_TOKEN_PIECES))
def test_words_counted_from_tokens_are_the_words_of_the_text(text: str) -> None:
    assert count_word_tokens(tokenize(text).words) == count_words(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(_texts([*_TOKEN_PIECES, "\x00"]), max_size=5))
def test_tokenising_together_is_tokenising_one_by_one(texts: list[str]) -> None:
    assert tokenize_all(texts) == [tokenize(text) for text in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.booleans(), max_size=15), st.sampled_from([None, 0, 1, 2, 3]))
def test_context_shows_the_paragraphs_near_a_change(
    changed: list[bool], context: int | None
) -> None:
    ops = [ParagraphOp("insert" if flag else "equal", None, None, ()) for flag in changed]
    changes = [n for n, flag in enumerate(changed) if flag]
    expected = [
        context is None or any(abs(n - c) <= context for c in changes) for n in range(len(ops))
    ]
    assert _visible(ops, context) == expected


# --- lazy spans: what is known without them is what the spans say ----------------------------

_PARAGRAPH_PIECES = ["One", " two", " Two", " three.", " four,", " 5.5", "  ", " “six”", "-"]
_paragraphs = st.lists(_texts(_PARAGRAPH_PIECES), max_size=6)


@settings(max_examples=300, deadline=None)
@given(_paragraphs, _paragraphs)
def test_texts_and_counts_known_before_the_spans_are_what_the_spans_say(
    old: list[str], new: list[str]
) -> None:
    lazy = diff_versions("T", old, "T", new)
    texts = [(op.a_text, op.b_text, op.changed) for op in lazy.paragraphs]
    spans = [op.spans for op in lazy.paragraphs]  # now built
    assert texts == [
        (spans_text(s, "a"), spans_text(s, "b"), any(span.op != "equal" for span in s))
        for s in spans
    ]
    for side, count in (("insert", lazy.words_inserted), ("delete", lazy.words_deleted)):
        assert count == sum(count_words(span.text) for s in spans for span in s if span.op == side)
    assert diff_versions("T", old, "T", new) == lazy  # equality compares the spans


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_common_length_is_the_longest_common_subsequence(a: list[str], b: list[str]) -> None:
    blocks = sum(i2 - i1 for tag, i1, i2, _, _ in diff_sequences(a, b) if tag == "equal")
    assert common_length(a, b) == blocks


# --- tokens without the regex, word diffs kept small ---------------------------------------

_SPACES_AND_MARKS = [" ", "\n", "\t", "\u00a0", "\u2003", "\x1c", "\x1f", "\x0b", "_", "\x00"]


@settings(max_examples=500, deadline=None)
@given(_texts([*_TOKEN_PIECES, *_SPACES_AND_MARKS, "a.", "b,", "c!", "“d", "e”", "1.5", "x_"]))
def test_tokens_cut_on_whitespace_are_the_tokens_the_regex_finds(text: str) -> None:
    assert tokenize(text).words == tuple(_BARE_TOKEN_RE.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_texts_get_the_tokens_of_the_unicode_regex(text: str) -> None:
    assert _ASCII_BARE_TOKEN_RE.findall(text) == _BARE_TOKEN_RE.findall(text)
    assert tokenize(text).words == tuple(_BARE_TOKEN_RE.findall(text))


@settings(max_examples=300, deadline=None)
@given(_texts(_PARAGRAPH_PIECES), _texts(_PARAGRAPH_PIECES))
def test_a_word_diff_kept_without_its_tokens_still_spells_both_texts(a: str, b: str) -> None:
    tokens_a, tokens_b = tokenize(a), tokenize(b)
    word_diff = TokenDiff.of(tokens_a, tokens_b)
    assert word_diff.blocks == tuple(matching_blocks(tokens_a.words, tokens_b.words))
    assert word_diff.spans == diff_words(a, b)
    assert word_diff.matched == sum(size for _, _, size in word_diff.blocks)
    for side, op in (("a", "delete"), ("b", "insert")):
        tokens = tokens_a if side == "a" else tokens_b
        changed = word_diff.changed_tokens(side, tokens)
        assert changed == [
            token
            for span in word_diff.spans
            if span.op == op
            for token in tokenize(span.text).words
        ]


def _tracked_reachable(root: object) -> int:
    """Objects the garbage collector tracks among those reachable from ``root`` (not
    through classes: every object refers to its class, and a class to its module)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or not gc.is_tracked(item) or isinstance(item, type):
            continue
        seen.add(id(item))
        stack.extend(gc.get_referents(item))
    return len(seen)


def test_a_diff_keeps_few_objects_for_the_collector() -> None:
    """What a diff keeps, the collector walks once after it (_CollectorPause): a changed
    paragraph keeps its operation, its word diff and one tuple of blocks, not its tokens
    (at 1 MB the walk took 4.4 ms with them, 1.1 ms without)."""
    rng = random.Random(2)
    old = [_paragraph(rng, n) for n in range(200)]
    new = [p.replace(p.split()[3], "changed", 1) for p in old]
    diff = diff_versions("T", old, "T", new)
    assert all(op.kind == "change" for op in diff.paragraphs)
    kept = _tracked_reachable(diff.paragraphs)
    assert kept <= 3 * len(diff.paragraphs) + 1, kept


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "b", "c", ".", "ß", "SS"]), max_size=12), words)
def test_shared_words_is_the_multiset_intersection(a: list[str], b: list[str]) -> None:
    expected = Counter(map(str.casefold, a)) & Counter(map(str.casefold, b))
    assert shared_words(WordBag.of(a), WordBag.of(b)) == sum(expected.values())
    folded = WordBag.of_folded([word.casefold() for word in a])
    assert (folded.counts, folded.size) == (WordBag.of(a).counts, len(a))
