"""Minimal sequence diff (Myers, O(ND)) and word-level diffs of two texts.

:func:`diff_sequences` returns difflib-style opcodes for any two sequences of hashable
items. It trims the common prefix and suffix (galloping slice comparisons, so long equal runs
cost C speed, not a Python loop per item), then runs Myers' greedy algorithm on the middle.
When the middle needs more than :data:`MAX_EXACT_EDITS` edits (a moved sentence, a rewrite)
Myers' O(D^2) Python steps get costly and a bit-parallel LCS on Python integers takes over.
Both are exact, so the result is *minimal*: no other alignment has fewer inserted + deleted
items, and it never reports more edits than :class:`difflib.SequenceMatcher`.

:func:`diff_words` tokenises two texts into words and punctuation marks (whitespace is never
a token), diffs the tokens and returns :class:`Span` runs whose texts, concatenated, give back
the texts exactly: ``equal + delete`` spans spell ``a``, ``equal + insert`` spans spell ``b``.
A changed word is always marked whole; a change span may begin or end with the space that
separates it from its neighbours, which renderers keep outside the mark
(see :func:`split_outer_space`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

SpanOp = Literal["equal", "insert", "delete"]
OpcodeTag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[OpcodeTag, int, int, int, int]

# Myers costs about D^2 / 2 Python steps for D edits; beyond this many edits the
# bit-parallel LCS (about 10 big-integer operations per item, whatever D) is faster.
MAX_EXACT_EDITS = 40

# A word: letters/digits joined by inner apostrophes, hyphens, dots, commas, colons or
# slashes ("don't", "well-known", "3.5", "1,000", "10:30", "24/7"). Anything else that is
# not whitespace is a one-character punctuation token.
_WORD_PATTERN = r"\w+(?:[-'’.,:/]\w+)*"
_TOKEN_RE = re.compile(rf"\s*(?:{_WORD_PATTERN}|[^\w\s])")
_WORD_TOKEN_RE = re.compile(_WORD_PATTERN)


@dataclass(frozen=True)
class Span:
    """A run of text that is equal in both versions, inserted in b or deleted from a."""

    op: SpanOp
    text: str

    def to_json_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


# --- the sequence diff ----------------------------------------------------------------------


def _run_end(a: Sequence[Hashable], b: Sequence[Hashable], x: int, y: int, n: int, m: int) -> int:
    """First x >= given x where a[x] != b[y + (x - x0)] (or the end): follow a diagonal."""
    for _ in range(8):  # most runs are short: plain steps
        if x >= n or y >= m or a[x] != b[y]:
            return x
        x += 1
        y += 1
    step = 16
    while True:  # gallop with slice comparisons, then narrow down
        size = min(step, n - x, m - y)
        if size <= 0:
            return x
        if a[x : x + size] == b[y : y + size]:
            x += size
            y += size
            step *= 2
            continue
        low, high = 0, size  # a[x:x+low] == b[y:y+low]; the first mismatch is before high
        while high - low > 8:
            middle = (low + high) // 2
            if a[x : x + middle] == b[y : y + middle]:
                low = middle
            else:
                high = middle
        x += low
        y += low
        while a[x] == b[y]:
            x += 1
            y += 1
        return x


def _common_prefix(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    return _run_end(a, b, 0, 0, len(a), len(b))


def _common_suffix(a: Sequence[Hashable], b: Sequence[Hashable], prefix: int) -> int:
    n, m = len(a), len(b)
    limit = min(n, m) - prefix
    if limit <= 0:
        return 0
    reversed_a = a[n - 1 : n - 1 - limit : -1] if n - 1 - limit >= 0 else a[n - 1 :: -1]
    reversed_b = b[m - 1 : m - 1 - limit : -1] if m - 1 - limit >= 0 else b[m - 1 :: -1]
    return _run_end(reversed_a, reversed_b, 0, 0, limit, limit)


def _myers_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], max_edits: int
) -> list[tuple[int, int, int]] | None:
    """Matching blocks (i, j, size) of a shortest edit script, or None past ``max_edits``."""
    n, m = len(a), len(b)
    offset = n + m + 1
    frontier = [0] * (2 * offset + 1)
    history: list[list[int]] = []  # frontier[offset-d : offset+d+1] before round d
    final_d = -1
    for d in range(min(max_edits, n + m) + 1):
        history.append(frontier[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and frontier[offset + k - 1] < frontier[offset + k + 1]):
                x = frontier[offset + k + 1]
            else:
                x = frontier[offset + k - 1] + 1
            y = x - k
            if x < n and y < m and a[x] == b[y]:
                x = _run_end(a, b, x, y, n, m)
            frontier[offset + k] = x
            if x >= n and x - k >= m:
                final_d = d
                break
        if final_d >= 0:
            break
    if final_d < 0:
        return None
    return _backtrack(history, n, m, final_d)


def _backtrack(
    history: list[list[int]], n: int, m: int, final_d: int
) -> list[tuple[int, int, int]]:
    blocks: list[tuple[int, int, int]] = []
    x, y = n, m
    for d in range(final_d, -1, -1):
        before = history[d]  # index i holds k = i - d - 1
        k = x - y
        if d == 0:
            start_x = 0
        else:
            left = before[k - 1 + d + 1]
            down = before[k + 1 + d + 1]
            previous_k = k + 1 if k == -d or (k != d and left < down) else k - 1
            previous_x = before[previous_k + d + 1]
            start_x = previous_x if previous_k == k + 1 else previous_x + 1
        snake = x - start_x
        if snake > 0:
            blocks.append((start_x, start_x - k, snake))
        if d > 0:
            x = previous_x
            y = previous_x - previous_k
    blocks.reverse()
    return blocks


def _bit_parallel_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable]
) -> list[tuple[int, int, int]]:
    """Matching blocks of a longest common subsequence, by bit-parallel LCS (Hyyrö 2004).

    Row ``i`` is an ``len(b)``-bit integer whose zero bits mark the columns where
    LCS(a[:i], b[:j]) grows; each row costs a few big-integer operations (C speed), so the
    whole table costs O(len(a) * len(b) / 30) machine steps. The alignment is traced back
    from the stored rows, jumping over runs of insertions with bit tricks.
    """
    m = len(b)
    full = (1 << m) - 1
    positions: dict[Hashable, list[int]] = {}
    for j, item in enumerate(b):
        positions.setdefault(item, []).append(j)
    masks = {item: sum(1 << j for j in columns) for item, columns in positions.items()}
    rows = [full]
    row = full
    for item in a:
        match = masks.get(item, 0)
        if match:
            common = row & match
            row = ((row + common) | (row - common)) & full
        rows.append(row)
    blocks: list[tuple[int, int, int]] = []
    i, j = len(a), m
    while i > 0 and j > 0:
        below = (1 << j) - 1
        current = rows[i]
        if current >> (j - 1) & 1:  # LCS(i, j) == LCS(i, j - 1): b[j-1] is an insertion
            grows = ~current & below
            j = grows.bit_length()  # jump to the last column where LCS(i, .) grows
            continue
        if (rows[i - 1] & below).bit_count() == (current & below).bit_count() + 1:
            blocks.append((i - 1, j - 1, 1))  # LCS grows along both: a[i-1] == b[j-1]
            j -= 1
        i -= 1  # (otherwise LCS(i - 1, j) == LCS(i, j): a[i-1] is a deletion)
    blocks.reverse()
    return _merge_blocks(blocks)


def _blocks_to_opcodes(blocks: list[tuple[int, int, int]], n: int, m: int) -> list[Opcode]:
    opcodes: list[Opcode] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (n, m, 0)]:
        if i < block_i and j < block_j:
            opcodes.append(("replace", i, block_i, j, block_j))
        elif i < block_i:
            opcodes.append(("delete", i, block_i, j, j))
        elif j < block_j:
            opcodes.append(("insert", i, i, j, block_j))
        if size:
            opcodes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return opcodes


def _merge_blocks(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if size == 0:
            continue
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            last_i, last_j, last_size = merged[-1]
            merged[-1] = (last_i, last_j, last_size + size)
        else:
            merged.append((i, j, size))
    return merged


_SEPARATOR = "\x00"


def _char_prefix(s: str, t: str) -> int:
    """Length of the common prefix of two strings (binary search on slices: C speed)."""
    low, high = 0, min(len(s), len(t))
    if s[:high] == t[:high]:
        return high
    while high - low > 1:  # s[:low] == t[:low] and s[:high] != t[:high]
        middle = (low + high) // 2
        if s[low:middle] == t[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _char_suffix(s: str, t: str) -> int:
    """Length of the common suffix of two strings."""
    ls, lt = len(s), len(t)
    low, high = 0, min(ls, lt)
    if s[ls - high :] == t[lt - high :]:
        return high
    while high - low > 1:
        middle = (low + high) // 2
        if s[ls - middle : ls - low] == t[lt - middle : lt - low]:
            low = middle
        else:
            high = middle
    return low


def _trim_strings(a: Sequence[str], b: Sequence[str]) -> tuple[int, int] | None:
    """Common (prefix, suffix) item counts of two string sequences, found on their joined
    texts with C-speed slice comparisons; None if an item contains the separator."""
    s, t = _SEPARATOR.join(a), _SEPARATOR.join(b)
    if t.count(_SEPARATOR) != len(b) - 1 or s.count(_SEPARATOR) != len(a) - 1:
        return None
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return 0, 0
    chars = _char_prefix(s, t)
    prefix = s.count(_SEPARATOR, 0, chars)  # words ended by a common separator
    if (chars == len(s) and (chars == len(t) or t[chars] == _SEPARATOR)) or (
        chars == len(t) and s[chars] == _SEPARATOR
    ):
        prefix += 1  # the last word of the shorter text matched whole
    chars = _char_suffix(s, t)
    suffix = s.count(_SEPARATOR, len(s) - chars)
    if (chars == len(s) and (chars == len(t) or t[len(t) - chars - 1] == _SEPARATOR)) or (
        chars == len(t) and s[len(s) - chars - 1] == _SEPARATOR
    ):
        suffix += 1
    prefix = min(prefix, n, m)
    return prefix, min(suffix, min(n, m) - prefix)


def _trim(a: Sequence[Hashable], b: Sequence[Hashable]) -> tuple[int, int]:
    if a and b and isinstance(a[0], str) and isinstance(b[0], str):
        try:
            found = _trim_strings(a, b)  # type: ignore[arg-type]
        except TypeError:  # not all items are strings
            found = None
        if found is not None:
            return found
    prefix = _common_prefix(a, b)
    return prefix, _common_suffix(a, b, prefix)


def matching_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], max_edits: int = MAX_EXACT_EDITS
) -> list[tuple[int, int, int]]:
    """Blocks (i, j, size) with ``a[i:i+size] == b[j:j+size]``, in order, of a minimal diff."""
    prefix, suffix = _trim(a, b)
    n, m = len(a), len(b)
    middle_a = a[prefix : n - suffix]
    middle_b = b[prefix : m - suffix]
    blocks: list[tuple[int, int, int]] = [(0, 0, prefix)]
    if middle_a and middle_b:
        inner = _myers_blocks(middle_a, middle_b, max_edits)
        if inner is None:
            inner = _bit_parallel_blocks(middle_a, middle_b)
        blocks.extend((i + prefix, j + prefix, size) for i, j, size in inner)
    blocks.append((n - suffix, m - suffix, suffix))
    return _merge_blocks(blocks)


def diff_sequences(
    a: Sequence[Hashable], b: Sequence[Hashable], max_edits: int = MAX_EXACT_EDITS
) -> list[Opcode]:
    """difflib-style opcodes ``(tag, i1, i2, j1, j2)`` of a minimal diff of ``a`` and ``b``."""
    return _blocks_to_opcodes(matching_blocks(a, b, max_edits), len(a), len(b))


def edit_counts(opcodes: Sequence[tuple[str, int, int, int, int]]) -> tuple[int, int]:
    """(items inserted, items deleted) by difflib-style opcodes."""
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            deleted += i2 - i1
            inserted += j2 - j1
    return inserted, deleted


# --- words ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    """A text cut into word/punctuation tokens; ``starts[i]`` includes leading whitespace."""

    text: str
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def slice(self, first: int, last: int) -> str:
        """Text of tokens ``first`` to ``last - 1`` with the whitespace before each."""
        return self.text[self.starts[first] : self.ends[last - 1]]


def tokenize(text: str) -> Tokens:
    """Cut ``text`` into words and punctuation marks (whitespace is kept between them)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        starts.append(match.start())
        ends.append(match.end())
        words.append(token.lstrip())
    return Tokens(text, tuple(words), tuple(starts), tuple(ends))


def count_words(text: str) -> int:
    """Number of word tokens (punctuation marks do not count) in ``text``."""
    return len(_WORD_TOKEN_RE.findall(text))


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


def diff_words(a: str, b: str) -> tuple[Span, ...]:
    """Word-level diff of two texts as merged spans; marks always cover whole words."""
    tokens_a = tokenize(a)
    tokens_b = tokenize(b)
    return spans_from_opcodes(tokens_a, tokens_b, diff_sequences(tokens_a.words, tokens_b.words))


def spans_text(spans: Sequence[Span], side: Literal["a", "b"]) -> str:
    """The text of one side: ``a`` = equal + delete spans, ``b`` = equal + insert spans."""
    skip = "insert" if side == "a" else "delete"
    return "".join(span.text for span in spans if span.op != skip)
