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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, filterfalse
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
# The same tokens for ASCII text, matched by the ASCII engine: 30 % faster on ASCII prose.
# On ASCII characters the Unicode \w is [A-Za-z0-9_] too, and the Unicode \s also takes
# the separators \x1c-\x1f, hence the explicit class (tests/test_diff_scale.py checks both).
_ASCII_BARE_TOKEN_RE = re.compile(rf"{_WORD_PATTERN_POSSESSIVE}|[^\w\s\x1c-\x1f]", re.ASCII)


@dataclass(frozen=True)
class Span:
    """A run of text that is equal in both versions, inserted in b or deleted from a."""

    op: SpanOp
    text: str

    def to_json_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


class Tokens:
    """A text cut into word/punctuation tokens; ``starts[i]`` includes leading whitespace.

    The offsets are computed when first needed: comparing word bags needs only ``words``.
    Immutable; a plain class with slots, not a dataclass: a 1 MB diff makes thousands, and
    each one kept in a diff is one object for the garbage collector to walk, not three.
    """

    __slots__ = ("_ends", "_starts", "text", "words")

    def __init__(self, text: str, words: tuple[str, ...]) -> None:
        self.text = text
        self.words = words
        self._ends: tuple[int, ...] | None = None
        self._starts: tuple[int, ...] | None = None

    @property
    def ends(self) -> tuple[int, ...]:
        ends = self._ends
        if ends is None:
            # Tokens with their leading whitespace tile the text from its start (only
            # trailing whitespace is left out): their ends are running sums of their lengths.
            ends = self._ends = tuple(accumulate(map(len, _TOKEN_RE.findall(self.text))))
        return ends

    @property
    def starts(self) -> tuple[int, ...]:
        starts = self._starts
        if starts is None:
            ends = self.ends
            starts = self._starts = (0, *ends[:-1]) if ends else ()
        return starts

    def slice(self, first: int, last: int) -> str:
        """Text of tokens ``first`` to ``last - 1`` with the whitespace before each."""
        return self.text[self.starts[first] : self.ends[last - 1]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tokens):
            return NotImplemented
        return self.text == other.text and self.words == other.words

    def __hash__(self) -> int:
        return hash((self.text, self.words))

    def __repr__(self) -> str:
        return f"Tokens(text={self.text!r}, words={self.words!r})"


def tokenize(text: str) -> Tokens:
    """Cut ``text`` into words and punctuation marks (whitespace is kept between them)."""
    return Tokens(text, _bare_tokens(text))


def tokenize_all(texts: Sequence[str]) -> list[Tokens]:
    """:func:`tokenize` of each text."""
    return list(map(tokenize, texts))


def _bare_tokens(text: str) -> tuple[str, ...]:
    r"""What ``_BARE_TOKEN_RE.findall(text)`` finds, with a third fewer instructions.

    No token holds whitespace, so each whitespace-separated chunk (``str.split`` splits on
    the very characters ``\s`` matches) is tokenised alone. A chunk of letters and digits
    only (``str.isalnum``: ``\w`` but "_") is one word; one that also ends with a single
    punctuation mark ("said,") is that word and that mark; only the others (8 % of prose
    chunks) go to the regex. On the 600 KB a 1 MB diff tokenises: 157 M instructions
    against 247 M for ``findall`` (valgrind), 18.5 ms of CPU against 21.8 ms
    (tests/test_diff_scale.py checks both find the same tokens).
    """
    find = (_ASCII_BARE_TOKEN_RE if text.isascii() else _BARE_TOKEN_RE).findall
    tokens: list[str] = []
    add = tokens.append
    for chunk in text.split():
        if chunk.isalnum():
            add(chunk)
            continue
        head, last = chunk[:-1], chunk[-1]
        if head.isalnum() and not last.isalnum() and last != "_":
            add(head)
            add(last)
        else:
            tokens += find(chunk)
    return tuple(tokens)


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


class TokenDiff:
    """A minimal diff of two texts' tokens, as matching blocks ``(i, j, size)``.

    It keeps the two texts and the blocks, not the tokens: its spans are made when first
    asked for, from the texts tokenised again (counting words needs only the blocks, and
    only renderers read spans: at 1 MB, building spans nobody renders took a fifth of
    :func:`newsdiffs.core.diffing.diff_versions`' time). What a diff keeps, the garbage
    collector walks once after it: at 1 MB that walk took 4.4 ms with the tokens and the
    blocks as tuples of tuples kept, 1.1 ms with the blocks one flat tuple. Immutable.
    """

    __slots__ = ("_flat_blocks", "_spans", "a_text", "b_text")

    def __init__(self, a_text: str, b_text: str, blocks: Iterable[tuple[int, int, int]]) -> None:
        self.a_text = a_text
        self.b_text = b_text
        self._flat_blocks = tuple(chain.from_iterable(blocks))
        self._spans: tuple[Span, ...] | None = None

    @classmethod
    def of(cls, a: Tokens, b: Tokens) -> TokenDiff:
        return cls(a.text, b.text, matching_blocks(a.words, b.words))

    @property
    def blocks(self) -> tuple[tuple[int, int, int], ...]:
        """The matching blocks ``(i, j, size)``, in order."""
        flat = iter(self._flat_blocks)
        return tuple(zip(flat, flat, flat, strict=True))

    @property
    def spans(self) -> tuple[Span, ...]:
        spans = self._spans
        if spans is None:
            spans = self._spans = _spans_of(
                tokenize(self.a_text), tokenize(self.b_text), self.blocks
            )
        return spans

    @property
    def matched(self) -> int:
        """Tokens kept (the length of the longest common subsequence)."""
        return sum(self._flat_blocks[2::3])

    def changed_tokens(self, side: Literal["a", "b"], tokens: Tokens) -> list[str]:
        """The tokens deleted from ``a`` (side "a") or inserted in ``b`` (side "b"): the
        tokens of its delete or insert spans. ``tokens`` are that side's tokens."""
        words = tokens.words
        flat = self._flat_blocks
        changed: list[str] = []
        start = 0
        for at, size in zip(flat[0 if side == "a" else 1 :: 3], flat[2::3], strict=True):
            changed += words[start:at]
            start = at + size
        changed += words[start:]
        return changed

    def _key(self) -> tuple[str, str, tuple[int, ...]]:
        return (self.a_text, self.b_text, self._flat_blocks)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TokenDiff):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"TokenDiff(a_text={self.a_text!r}, b_text={self.b_text!r}, blocks={self.blocks!r})"


def _spans_of(a: Tokens, b: Tokens, blocks: Sequence[tuple[int, int, int]]) -> tuple[Span, ...]:
    return spans_from_opcodes(a, b, opcodes_from_blocks(blocks, len(a.words), len(b.words)))


def diff_words(a: str, b: str) -> tuple[Span, ...]:
    """Word-level diff of two texts as merged spans; marks always cover whole words."""
    tokens_a, tokens_b = tokenize(a), tokenize(b)
    return _spans_of(tokens_a, tokens_b, matching_blocks(tokens_a.words, tokens_b.words))


def spans_text(spans: Sequence[Span], side: Literal["a", "b"]) -> str:
    """The text of one side: ``a`` = equal + delete spans, ``b`` = equal + insert spans."""
    skip = "insert" if side == "a" else "delete"
    return "".join(span.text for span in spans if span.op != skip)
