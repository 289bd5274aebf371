"""Structured diff of two versions of an article: paragraphs aligned, words marked.

:func:`diff_versions` works in three steps:

1. **Align paragraphs** with a minimal (Myers) diff on whole paragraph texts: unchanged
   paragraphs anchor the alignment, everything between two anchors is a *gap*.
2. **Pair changed paragraphs** inside each gap by word similarity (:func:`affinity` >=
   :data:`PAIR_SIMILARITY`: Dice coefficient on word bags, or half the overlap coefficient;
   best order-preserving pairing by dynamic programming), so a rewritten paragraph is one
   ``change`` with word marks rather than a ``delete`` plus an ``insert``. Paragraphs left
   over are matched across gaps: an identical or near-identical one (Dice >=
   :data:`MOVE_SIMILARITY`) is a ``move``.
3. **Diff words** inside each pair with :func:`~newsdiffs.core.wordiff.diff_words`.

The result, :class:`ArticleDiff`, lists :class:`ParagraphOp` in reading order of the new
version (deleted paragraphs appear where they stood); renderers (web, feeds, exports, the
terminal) only walk it. Pass paragraphs already normalised
(:func:`newsdiffs.core.normalize.normalize_paragraphs`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from newsdiffs.core.seqdiff import diff_sequences
from newsdiffs.core.wordiff import (
    Span,
    Tokens,
    count_words,
    diff_words,
    spans_from_opcodes,
    spans_text,
    tokenize,
)

__all__ = [
    "ArticleDiff",
    "ParagraphOp",
    "Span",
    "affinity",
    "diff_versions",
    "diff_words",
    "pair_similar",
    "similarity",
]

ParagraphKind = Literal["equal", "insert", "delete", "change", "move"]

# Two paragraphs in the same gap are shown as one edited paragraph from this similarity up.
PAIR_SIMILARITY = 0.4
# A deleted and an inserted paragraph in different places are a move from this similarity up.
MOVE_SIMILARITY = 0.75
# Gaps with more candidate pairs than this are not paired (pure deletes + inserts).
_MAX_PAIRING_CELLS = 40_000


@dataclass(frozen=True)
class ParagraphOp:
    """One paragraph of the diff.

    ``a_index``/``b_index`` are 0-based positions in the old/new paragraph lists (None for
    the side where the paragraph does not exist, and for the title and byline). ``spans``
    hold the text: one ``equal`` span for an unchanged paragraph, one ``insert``/``delete``
    span for an added/removed one, word-level spans for ``change`` and ``move``.
    """

    kind: ParagraphKind
    a_index: int | None
    b_index: int | None
    spans: tuple[Span, ...]

    @property
    def a_text(self) -> str:
        """The paragraph as it was (empty for an insert)."""
        return spans_text(self.spans, "a")

    @property
    def b_text(self) -> str:
        """The paragraph as it is now (empty for a delete)."""
        return spans_text(self.spans, "b")

    @property
    def changed(self) -> bool:
        """Whether any word differs (a move with identical text is not a change of words)."""
        return any(span.op != "equal" for span in self.spans)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a_index": self.a_index,
            "b_index": self.b_index,
            "spans": [span.to_json_dict() for span in self.spans],
        }


@dataclass(frozen=True)
class ArticleDiff:
    """What changed between two versions: title, byline and body paragraphs.

    ``words_inserted``/``words_deleted`` count word tokens (not punctuation) in the body's
    insert/delete spans; a paragraph moved unchanged counts zero.
    """

    title: ParagraphOp
    byline: ParagraphOp | None  # None when neither version has a byline
    paragraphs: tuple[ParagraphOp, ...]
    words_inserted: int
    words_deleted: int

    @property
    def title_changed(self) -> bool:
        return self.title.kind != "equal"

    @property
    def byline_changed(self) -> bool:
        return self.byline is not None and self.byline.kind != "equal"

    @property
    def body_changed(self) -> bool:
        return any(op.kind != "equal" for op in self.paragraphs)

    @property
    def changed(self) -> bool:
        return self.title_changed or self.byline_changed or self.body_changed

    @property
    def a_paragraphs(self) -> tuple[str, ...]:
        """The old version's paragraphs, rebuilt from the diff."""
        indexed = [(op.a_index, op.a_text) for op in self.paragraphs if op.a_index is not None]
        return tuple(text for _, text in sorted(indexed))

    @property
    def b_paragraphs(self) -> tuple[str, ...]:
        """The new version's paragraphs, rebuilt from the diff."""
        indexed = [(op.b_index, op.b_text) for op in self.paragraphs if op.b_index is not None]
        return tuple(text for _, text in sorted(indexed))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "title": self.title.to_json_dict(),
            "byline": self.byline.to_json_dict() if self.byline else None,
            "paragraphs": [op.to_json_dict() for op in self.paragraphs],
            "words_inserted": self.words_inserted,
            "words_deleted": self.words_deleted,
        }


def _bag(words: Sequence[str]) -> Counter[str]:
    return Counter(word.casefold() for word in words)


def _dice(bag_a: Counter[str], size_a: int, bag_b: Counter[str], size_b: int) -> float:
    if not size_a and not size_b:
        return 1.0
    shared = sum((bag_a & bag_b).values())
    return 2.0 * shared / (size_a + size_b)


def _affinity(bag_a: Counter[str], size_a: int, bag_b: Counter[str], size_b: int) -> float:
    dice = _dice(bag_a, size_a, bag_b, size_b)
    if not size_a or not size_b:
        return dice
    overlap = dice * (size_a + size_b) / (2 * min(size_a, size_b))
    return max(dice, overlap / 2)


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Dice coefficient of two word bags (case-insensitive): 1.0 same words, 0.0 none shared."""
    return _dice(_bag(a), len(a), _bag(b), len(b))


def affinity(a: Sequence[str], b: Sequence[str]) -> float:
    """How likely ``b`` is an edit of ``a``: the Dice coefficient, or half the overlap
    coefficient (shared words / the shorter text's words) when that is higher, so a short
    paragraph that grew by a sentence still pairs with its longer self."""
    return _affinity(_bag(a), len(a), _bag(b), len(b))


def _text_op(
    kind: ParagraphKind, a_index: int | None, b_index: int | None, text: str
) -> ParagraphOp:
    op: Literal["equal", "insert", "delete"] = (
        "insert" if kind == "insert" else "delete" if kind == "delete" else "equal"
    )
    return ParagraphOp(kind, a_index, b_index, (Span(op, text),) if text else ())


def _line_op(a_text: str | None, b_text: str | None) -> ParagraphOp:
    """Diff of a one-line field (title, byline)."""
    if a_text == b_text:
        return _text_op("equal", None, None, a_text or "")
    if a_text is None:
        return _text_op("insert", None, None, b_text or "")
    if b_text is None:
        return _text_op("delete", None, None, a_text)
    return ParagraphOp("change", None, None, diff_words(a_text, b_text))


def pair_similar(
    a_words: Sequence[Sequence[str]], b_words: Sequence[Sequence[str]], threshold: float
) -> list[tuple[int, int]]:
    """Best order-preserving pairs ``(i, j)`` with ``affinity(a_words[i], b_words[j])`` at
    least ``threshold``, maximising the total affinity (dynamic programming, O(len * len)).
    """
    rows, cols = len(a_words), len(b_words)
    if rows == 0 or cols == 0 or rows * cols > _MAX_PAIRING_CELLS:
        return []
    bags_a = [_bag(words) for words in a_words]
    bags_b = [_bag(words) for words in b_words]
    # score[i][j]: best total affinity pairing a_words[i:] with b_words[j:]
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    take = [[False] * cols for _ in range(rows)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            value = _affinity(bags_a[i], len(a_words[i]), bags_b[j], len(b_words[j]))
            if value >= threshold and value + score[i + 1][j + 1] > best:
                best = value + score[i + 1][j + 1]
                take[i][j] = True
            score[i][j] = best
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        if take[i][j]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _pair_gap(
    a_tokens: Mapping[int, Tokens], b_tokens: Mapping[int, Tokens], a_ids: range, b_ids: range
) -> list[tuple[int, int]]:
    """Pairs (old index, new index) of similar paragraphs in one gap."""
    pairs = pair_similar(
        [a_tokens[i].words for i in a_ids], [b_tokens[j].words for j in b_ids], PAIR_SIMILARITY
    )
    return [(a_ids[i], b_ids[j]) for i, j in pairs]


def _find_moves(
    a_tokens: Mapping[int, Tokens],
    b_tokens: Mapping[int, Tokens],
    deleted: Sequence[int],
    inserted: Sequence[int],
) -> dict[int, int]:
    """Map new index -> old index for unpaired paragraphs that moved (greedy, best first)."""
    candidates: list[tuple[float, int, int]] = []
    for b_index in inserted:
        for a_index in deleted:
            value = similarity(a_tokens[a_index].words, b_tokens[b_index].words)
            if value >= MOVE_SIMILARITY:
                candidates.append((value, a_index, b_index))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    moves: dict[int, int] = {}
    used_a: set[int] = set()
    for _, a_index, b_index in candidates:
        if a_index not in used_a and b_index not in moves:
            moves[b_index] = a_index
            used_a.add(a_index)
    return moves


def _word_op(kind: ParagraphKind, a_index: int, b_index: int, a: Tokens, b: Tokens) -> ParagraphOp:
    if a.text == b.text:
        return _text_op(kind, a_index, b_index, b.text)
    spans = spans_from_opcodes(a, b, diff_sequences(a.words, b.words))
    return ParagraphOp(kind, a_index, b_index, spans)


def diff_paragraphs(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]
) -> tuple[ParagraphOp, ...]:
    """Align two paragraph lists into paragraph operations (see the module docstring)."""
    opcodes = diff_sequences(a_paragraphs, b_paragraphs)
    changed_a = [i for tag, i1, i2, _, _ in opcodes if tag != "equal" for i in range(i1, i2)]
    changed_b = [j for tag, _, _, j1, j2 in opcodes if tag != "equal" for j in range(j1, j2)]
    a_tokens: dict[int, Tokens] = {i: tokenize(a_paragraphs[i]) for i in changed_a}
    b_tokens: dict[int, Tokens] = {j: tokenize(b_paragraphs[j]) for j in changed_b}

    gap_pairs: list[list[tuple[int, int]]] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "replace":
            gap_pairs.append(_pair_gap(a_tokens, b_tokens, range(i1, i2), range(j1, j2)))
        else:
            gap_pairs.append([])
    paired_a = {i for pairs in gap_pairs for i, _ in pairs}
    paired_b = {j for pairs in gap_pairs for _, j in pairs}
    moves = _find_moves(
        a_tokens,
        b_tokens,
        [i for i in changed_a if i not in paired_a],
        [j for j in changed_b if j not in paired_b],
    )
    moved_from = set(moves.values())

    ops: list[ParagraphOp] = []
    for (tag, i1, i2, j1, j2), pairs in zip(opcodes, gap_pairs, strict=True):
        if tag == "equal":
            ops.extend(_text_op("equal", i, j1 + i - i1, a_paragraphs[i]) for i in range(i1, i2))
            continue
        i, j = i1, j1
        for pair_a, pair_b in [*pairs, (i2, j2)]:
            for deleted in range(i, pair_a):
                if deleted not in moved_from:
                    ops.append(_text_op("delete", deleted, None, a_paragraphs[deleted]))
            for inserted in range(j, pair_b):
                if inserted in moves:
                    old = moves[inserted]
                    ops.append(_word_op("move", old, inserted, a_tokens[old], b_tokens[inserted]))
                else:
                    ops.append(_text_op("insert", None, inserted, b_paragraphs[inserted]))
            if pair_a < i2:
                ops.append(_word_op("change", pair_a, pair_b, a_tokens[pair_a], b_tokens[pair_b]))
            i, j = pair_a + 1, pair_b + 1
    return tuple(ops)


def _count(ops: Sequence[ParagraphOp], op: Literal["insert", "delete"]) -> int:
    return sum(count_words(span.text) for para in ops for span in para.spans if span.op == op)


def diff_versions(
    a_title: str,
    a_paragraphs: Sequence[str],
    b_title: str,
    b_paragraphs: Sequence[str],
    a_byline: str | None = None,
    b_byline: str | None = None,
) -> ArticleDiff:
    """Diff two versions of an article (title, body paragraphs, optional bylines)."""
    paragraphs = diff_paragraphs(a_paragraphs, b_paragraphs)
    byline = None if a_byline is None and b_byline is None else _line_op(a_byline, b_byline)
    return ArticleDiff(
        title=_line_op(a_title, b_title),
        byline=byline,
        paragraphs=paragraphs,
        words_inserted=_count(paragraphs, "insert"),
        words_deleted=_count(paragraphs, "delete"),
    )
