"""Structured diff of two versions of an article: paragraphs aligned, words marked.

:func:`diff_versions` works in three steps:

1. **Align paragraphs** with a minimal (Myers) diff on whole paragraph texts: unchanged
   paragraphs anchor the alignment, everything between two anchors is a *gap*.
2. **Moves and pairs.** A paragraph deleted in one gap and inserted word for word in another
   is a ``move`` (matched by hashing its text). The rest are paired inside each gap by word
   similarity (:func:`affinity` >= :data:`PAIR_SIMILARITY`: Dice coefficient on word bags,
   or half the overlap coefficient; best order-preserving pairing by dynamic programming,
   bounded by :mod:`newsdiffs.core.pairing`'s cell budget), so a rewritten paragraph is one
   ``change`` with word marks rather than a ``delete`` plus an ``insert``. Paragraphs left
   over that are near-identical across gaps (Dice >= :data:`MOVE_SIMILARITY`, found by
   prefix filtering, not by comparing every pair) are ``move`` too.
3. **Diff words** inside each pair with :func:`~newsdiffs.core.wordiff.diff_words`.

Near-linear in the page size: a 1 MB page with 30 % of its paragraphs replaced and 10 %
moved takes ~0.2 s of CPU (was 28 s), 100 KB ~18 ms (was 0.3 s): benchmarks/bench_diff.py.

The result, :class:`ArticleDiff`, lists :class:`ParagraphOp` in reading order of the new
version (deleted paragraphs appear where they stood); renderers (web, feeds, exports, the
terminal) only walk it. Pass paragraphs already normalised
(:func:`newsdiffs.core.normalize.normalize_paragraphs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from newsdiffs.core.pairing import (
    CellBudget,
    WordBag,
    best_first_matches,
    dice,
    near_duplicates,
    pair_in_order,
)
from newsdiffs.core.pairing import affinity as bag_affinity
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


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Dice coefficient of two word bags (case-insensitive): 1.0 same words, 0.0 none shared."""
    return dice(WordBag.of(a), WordBag.of(b))


def affinity(a: Sequence[str], b: Sequence[str]) -> float:
    """How likely ``b`` is an edit of ``a`` (see :func:`newsdiffs.core.pairing.affinity`)."""
    return bag_affinity(WordBag.of(a), WordBag.of(b))


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
    least ``threshold``, maximising the total affinity (see
    :func:`newsdiffs.core.pairing.pair_in_order`)."""
    return pair_in_order(
        [WordBag.of(words) for words in a_words],
        [WordBag.of(words) for words in b_words],
        threshold,
        CellBudget(),
    )


class _ChangedParagraphs:
    """Tokens and word bags of one version's paragraphs, made when first needed (a paragraph
    moved unchanged is never tokenised)."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self._paragraphs = paragraphs
        self._tokens: dict[int, Tokens] = {}
        self._bags: dict[int, WordBag] = {}

    def tokens(self, index: int) -> Tokens:
        found = self._tokens.get(index)
        if found is None:
            found = self._tokens[index] = tokenize(self._paragraphs[index])
        return found

    def bag(self, index: int) -> WordBag:
        found = self._bags.get(index)
        if found is None:
            found = self._bags[index] = WordBag.of(self.tokens(index).words)
        return found


def _exact_moves(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str], gaps: Sequence[tuple[range, range]]
) -> dict[int, int]:
    """Map new index -> old index for paragraphs deleted in one gap and inserted, with the
    very same text, in another (never in the same gap: the alignment would have kept them).
    Repeated texts are matched in order."""
    deleted: dict[str, list[int]] = {}
    for a_ids, _ in gaps:
        for i in a_ids:
            deleted.setdefault(a_paragraphs[i], []).append(i)
    moves: dict[int, int] = {}
    for _, b_ids in gaps:
        for j in b_ids:
            waiting = deleted.get(b_paragraphs[j])
            if waiting:
                moves[j] = waiting.pop(0)
    return moves


def _pair_gaps(
    a: _ChangedParagraphs, b: _ChangedParagraphs, gaps: Sequence[tuple[list[int], list[int]]]
) -> list[list[tuple[int, int]]]:
    """Pairs (old index, new index) of similar paragraphs in each gap."""
    budget = CellBudget()
    gap_pairs: list[list[tuple[int, int]]] = []
    for a_ids, b_ids in gaps:
        if not a_ids or not b_ids:
            gap_pairs.append([])
            continue
        pairs = pair_in_order(
            [a.bag(i) for i in a_ids], [b.bag(j) for j in b_ids], PAIR_SIMILARITY, budget
        )
        gap_pairs.append([(a_ids[i], b_ids[j]) for i, j in pairs])
    return gap_pairs


def _near_moves(
    a: _ChangedParagraphs, b: _ChangedParagraphs, deleted: list[int], inserted: list[int]
) -> dict[int, int]:
    """Map new index -> old index for unpaired paragraphs that moved with a few words
    changed (Dice >= MOVE_SIMILARITY; greedy, best first)."""
    candidates = near_duplicates(
        [a.bag(i) for i in deleted], [b.bag(j) for j in inserted], MOVE_SIMILARITY
    )
    return {inserted[j]: deleted[i] for i, j in best_first_matches(candidates)}


def _word_op(
    kind: ParagraphKind, a_index: int, b_index: int, a: _ChangedParagraphs, b: _ChangedParagraphs
) -> ParagraphOp:
    a_tokens, b_tokens = a.tokens(a_index), b.tokens(b_index)
    if a_tokens.text == b_tokens.text:
        return _text_op(kind, a_index, b_index, b_tokens.text)
    spans = spans_from_opcodes(a_tokens, b_tokens, diff_sequences(a_tokens.words, b_tokens.words))
    return ParagraphOp(kind, a_index, b_index, spans)


def diff_paragraphs(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]
) -> tuple[ParagraphOp, ...]:
    """Align two paragraph lists into paragraph operations (see the module docstring)."""
    opcodes = diff_sequences(a_paragraphs, b_paragraphs)
    gaps = [(range(i1, i2), range(j1, j2)) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    moves = _exact_moves(a_paragraphs, b_paragraphs, gaps)
    moved_from = set(moves.values())
    left = [
        ([i for i in a_ids if i not in moved_from], [j for j in b_ids if j not in moves])
        for a_ids, b_ids in gaps
    ]
    a, b = _ChangedParagraphs(a_paragraphs), _ChangedParagraphs(b_paragraphs)
    gap_pairs = _pair_gaps(a, b, left)
    paired_a = {i for pairs in gap_pairs for i, _ in pairs}
    paired_b = {j for pairs in gap_pairs for _, j in pairs}
    moves.update(
        _near_moves(
            a,
            b,
            [i for a_ids, _ in left for i in a_ids if i not in paired_a],
            [j for _, b_ids in left for j in b_ids if j not in paired_b],
        )
    )
    moved_from = set(moves.values())

    ops: list[ParagraphOp] = []
    gap_pairs_in_order = iter(gap_pairs)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            ops.extend(_text_op("equal", i, j1 + i - i1, a_paragraphs[i]) for i in range(i1, i2))
            continue
        i, j = i1, j1
        for pair_a, pair_b in [*next(gap_pairs_in_order), (i2, j2)]:
            for deleted in range(i, pair_a):
                if deleted not in moved_from:
                    ops.append(_text_op("delete", deleted, None, a_paragraphs[deleted]))
            for inserted in range(j, pair_b):
                if inserted in moves:
                    ops.append(_word_op("move", moves[inserted], inserted, a, b))
                else:
                    ops.append(_text_op("insert", None, inserted, b_paragraphs[inserted]))
            if pair_a < i2:
                ops.append(_word_op("change", pair_a, pair_b, a, b))
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
