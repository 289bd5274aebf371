"""Word-level diffs of two texts, as spans that mark whole words.

:func:`diff_words` tokenises two texts into words and punctuation marks (whitespace is never
a token), diffs the tokens with :func:`newsdiffs.core.seqdiff.matching_blocks` (minimal; a
:class:`TokenDiff`, whose spans are built only when read) and returns :class:`Span` runs
whose texts, concatenated, give back the texts exactly: ``equal + delete`` spans spell
``a``, ``equal + insert`` spans spell ``b``. A changed word is always marked whole; a change
span may begin or end with the space that separates it from its neighbours, which renderers
keep outside the mark (see :func:`split_outer_space`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, filterfalse
from typing import Literal

from newsdiffs.core.seqdiff import (
    Opcode,
    diff_sequences,
    edit_counts,
    matching_blocks,
    opcodes_from_blocks,
)

__all__ = [  # diff_sequences and edit_counts re-exported for callers of the old home
    "Span",
    "TokenDiff",
    "Tokens",
    "count_word_tokens",
    "count_words",
    "diff_sequences",
    "diff_words",
    "edit_counts",
    "spans_from_opcodes",
    "spans_text",
    "split_leading_space",
    "split_outer_space",
    "tokenize",
    "tokenize_all",
]

SpanOp = Literal["equal", "insert", "delete"]

# A word: letters/digits joined by inner apostrophes, hyphens, dots, commas, colons or
# slashes ("don't", "well-known", "3.5", "1,000", "10:30", "24/7"). Anything else that is
# not whitespace is a one-character punctuation token.
_WORD_PATTERN = r"\w+(?:[-'’.,:/]\w+)*"
# The same words with possessive quantifiers (a joiner is never \w, so nothing is ever given
# back): 8 % faster on prose; tests/test_diff_scale.py checks both find the same tokens.
_WORD_PATTERN_POSSESSIVE = r"\w++(?:[-'’.,:/]\w++)*+"
_BARE_TOKEN_RE = re.compile(rf"{_WORD_PATTERN_POSSESSIVE}|[^\w\s]")
# A token with the whitespace before it. The look-behind starts a match only where a run of
# whitespace starts: with a bare \s*, trailing whitespace was re-read from each of its
# positions (quadratic: 20,000 spaces took 30 s).
_TOKEN_RE = re.compile(rf"(?<!\s)\s*+(?:{_WORD_PATTERN_POSSESSIVE}|[^\w\s])")
_WORD_TOKEN_RE = re.compile(_WORD_PATTERN_POSSESSIVE)
# Paragraphs tokenised together are joined by this (a punctuation token of its own, which
# whitespace keeps apart from any word): one findall for all of them is 12 % faster than
# one per paragraph.
_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Span:
    """A run of text that is equal in both versions, inserted in b or deleted from a."""

    op: SpanOp
    text: str

    def to_json_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


@dataclass(frozen=True)
class Tokens:
    """A text cut into word/punctuation tokens; ``starts[i]`` includes leading whitespace.

    The offsets are computed when first needed: comparing word bags needs only ``words``.
    """

    text: str
    words: tuple[str, ...]

    @cached_property
    def ends(self) -> tuple[int, ...]:
        # Tokens with their leading whitespace tile the text from its start (only trailing
        # whitespace is left out), so their ends are running sums of their lengths.
        return tuple(accumulate(map(len, _TOKEN_RE.findall(self.text))))

    @cached_property
    def starts(self) -> tuple[int, ...]:
        ends = self.ends
        return (0, *ends[:-1]) if ends else ()

    def slice(self, first: int, last: int) -> str:
        """Text of tokens ``first`` to ``last - 1`` with the whitespace before each."""
        return self.text[self.starts[first] : self.ends[last - 1]]


def tokenize(text: str) -> Tokens:
    """Cut ``text`` into words and punctuation marks (whitespace is kept between them)."""
    return Tokens(text, tuple(_BARE_TOKEN_RE.findall(text)))


def tokenize_all(texts: Sequence[str]) -> list[Tokens]:
    """:func:`tokenize` of each text, with one pass of the regex over them all."""
    if len(texts) < 2 or any(_SEPARATOR in text for text in texts):
        return [tokenize(text) for text in texts]
    found = _BARE_TOKEN_RE.findall(f" {_SEPARATOR} ".join(texts))
    words = tuple(found)  # slices of a tuple are tuples: one copy each
    tokens: list[Tokens] = []
    start = 0
    for text in texts[:-1]:
        end = found.index(_SEPARATOR, start)
        tokens.append(Tokens(text, words[start:end]))
        start = end + 1
    tokens.append(Tokens(texts[-1], words[start:]))
    return tokens


def count_words(text: str) -> int:
    """Number of word tokens (punctuation marks do not count) in ``text``."""
    return len(_WORD_TOKEN_RE.findall(text))


def count_word_tokens(tokens: Sequence[str]) -> int:
    """Number of word tokens among tokens made by :func:`tokenize`: what :func:`count_words`
    says of their text, without reading the text again.

    A punctuation token is one character that is not ``\\w`` (``str.isalnum`` or "_"), so it
    is counted among the non-alphanumeric tokens, in C: a Python test per token took 15 %
    of a 1 MB diff.
    """
    others = list(filterfalse(str.isalnum, tokens))
    single = sum(map((1).__eq__, map(len, others)))
    return len(tokens) - single + others.count("_")


def split_leading_space(text: str) -> tuple[str, str]:
    """``(" ", "word")`` for ``" word"``."""
    stripped = text.lstrip()
    return text[: len(text) - len(stripped)], stripped


def split_outer_space(text: str) -> tuple[str, str, str]:
    """``(" ", "two words", " ")`` for ``" two words "``: renderers mark only the middle."""
    lead, rest = split_leading_space(text)
    core = rest.rstrip()
    return lead, core, rest[len(core) :]


def _append(spans: list[Span], op: SpanOp, text: str) -> None:
    if not text:
        return
    if spans and spans[-1].op == op:
        spans[-1] = Span(op, spans[-1].text + text)
    else:
        spans.append(Span(op, text))


def _append_equal(
    spans: list[Span], a: Tokens, b: Tokens, i1: int, i2: int, j1: int, j2: int
) -> None:
    """Equal tokens; a whitespace difference between them becomes a delete/insert of space."""
    text_a, text_b = a.slice(i1, i2), b.slice(j1, j2)
    if text_a == text_b:
        _append(spans, "equal", text_b)
        return
    space_a = split_leading_space(a.slice(i1, i1 + 1))[0]
    space_b, rest_b = split_leading_space(text_b)
    if text_a[len(space_a) :] == rest_b:  # only the space before the run differs
        _append(spans, "delete", space_a)
        _append(spans, "insert", space_b)
        _append(spans, "equal", rest_b)
        return
    for i, j in zip(range(i1, i2), range(j1, j2), strict=True):  # rare: "said ." -> "said."
        space_a, word = split_leading_space(a.slice(i, i + 1))
        space_b = split_leading_space(b.slice(j, j + 1))[0]
        if space_a == space_b:
            _append(spans, "equal", space_b)
        else:
            _append(spans, "delete", space_a)
            _append(spans, "insert", space_b)
        _append(spans, "equal", word)


def spans_from_opcodes(a: Tokens, b: Tokens, opcodes: Sequence[Opcode]) -> tuple[Span, ...]:
    """Turn token opcodes into merged text spans (see the module docstring)."""
    spans: list[Span] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            _append_equal(spans, a, b, i1, i2, j1, j2)
        elif tag == "delete":
            _append(spans, "delete", a.slice(i1, i2))
        elif tag == "insert":
            _append(spans, "insert", b.slice(j1, j2))
        else:
            old_space, old = split_leading_space(a.slice(i1, i2))
            new_space, new = split_leading_space(b.slice(j1, j2))
            if old_space and old_space == new_space:
                _append(spans, "equal", new_space)
                old_space = new_space = ""
            _append(spans, "delete", old_space + old)
            _append(spans, "insert", new_space + new)
    return tuple(spans)


@dataclass(frozen=True)
class TokenDiff:
    """A minimal diff of two token lists, as matching blocks ``(i, j, size)``. Its spans are
    made when first asked for: counting words needs only the blocks (at 1 MB, building spans
    nobody renders took a fifth of :func:`newsdiffs.core.diffing.diff_versions`' time)."""

    a: Tokens
    b: Tokens
    blocks: tuple[tuple[int, int, int], ...]

    @classmethod
    def of(cls, a: Tokens, b: Tokens) -> TokenDiff:
        return cls(a, b, tuple(matching_blocks(a.words, b.words)))

    @cached_property
    def spans(self) -> tuple[Span, ...]:
        opcodes = opcodes_from_blocks(self.blocks, len(self.a.words), len(self.b.words))
        return spans_from_opcodes(self.a, self.b, opcodes)

    @property
    def matched(self) -> int:
        """Tokens kept (the length of the longest common subsequence)."""
        return sum(size for _, _, size in self.blocks)

    def changed_tokens(self, side: Literal["a", "b"]) -> list[str]:
        """The tokens deleted from ``a`` (side "a") or inserted in ``b`` (side "b"): the
        tokens of its delete or insert spans."""
        words = self.a.words if side == "a" else self.b.words
        at = 0 if side == "a" else 1
        changed: list[str] = []
        start = 0
        for block in self.blocks:
            changed += words[start : block[at]]
            start = block[at] + block[2]
        changed += words[start:]
        return changed


def diff_words(a: str, b: str) -> tuple[Span, ...]:
    """Word-level diff of two texts as merged spans; marks always cover whole words."""
    return TokenDiff.of(tokenize(a), tokenize(b)).spans


def spans_text(spans: Sequence[Span], side: Literal["a", "b"]) -> str:
    """The text of one side: ``a`` = equal + delete spans, ``b`` = equal + insert spans."""
    skip = "insert" if side == "a" else "delete"
    return "".join(span.text for span in spans if span.op != skip)
