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
3. **Diff words** inside each pair (:class:`~newsdiffs.core.wordiff.TokenDiff`, minimal).

Only what has to be looked at is: paragraphs equal or moved unchanged are never tokenised;
the others are tokenised once (:func:`~newsdiffs.core.wordiff.tokenize`); a one-for-one
replacement whose common token subsequence already makes it a pair gets no word bag; the
word counts come from the token diffs, and the spans of a changed paragraph are built only
when a renderer reads them. A 1 MB page with 30 % of its paragraphs replaced and 10 % moved
takes 713 M instructions (valgrind; 917 M before tokens were cut without the regex, bags
made without Counter's Python code, shared words counted from the repeated ones and word
diffs kept without their tokens): 108-118 ms of CPU on the shared 2-core host under load,
timed in one process against the code before, which took 122-131 ms (f7dfa81: 222-253 ms,
before it 28 s); 100 KB 70 M instructions (90 M), 8.8-11.1 ms (10.1-12.6 ms):
``benchmarks/bench_diff.py --scale-only``. The cyclic garbage collector
is held off while paragraphs are aligned (:class:`_CollectorPause`): it walked the diff's
short-lived containers ~50 times per 1 MB diff.

The result, :class:`ArticleDiff`, lists :class:`ParagraphOp` in reading order of the new
version (deleted paragraphs appear where they stood); renderers (web, feeds, exports, the
terminal) only walk it. Pass paragraphs already normalised
(:func:`newsdiffs.core.normalize.normalize_paragraphs`).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
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
from newsdiffs.core.pairing import affinity_of_counts as pair_affinity
from newsdiffs.core.seqdiff import common_length, diff_sequences
from newsdiffs.core.wordiff import (
    Span,
    SpanOp,
    TokenDiff,
    Tokens,
    count_word_tokens,
    count_words,
    diff_words,
    spans_text,
    tokenize,
    tokenize_all,
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


class ParagraphOp:
    """One paragraph of the diff (immutable).

    ``a_index``/``b_index`` are 0-based positions in the old/new paragraph lists (None for
    the side where the paragraph does not exist, and for the title and byline). ``spans``
    hold the text: one ``equal`` span for an unchanged paragraph, one ``insert``/``delete``
    span for an added/removed one, word-level spans for ``change`` and ``move``. The spans
    are built when first read (renderers read them; counting and classifying do not).
    """

    __slots__ = ("_a_index", "_b_index", "_kind", "_source", "_spans")

    def __init__(
        self,
        kind: ParagraphKind,
        a_index: int | None,
        b_index: int | None,
        spans: tuple[Span, ...],
    ) -> None:
        self._kind = kind
        self._a_index = a_index
        self._b_index = b_index
        self._spans: tuple[Span, ...] | None = spans
        # the whole text (one span of _whole_op(kind)), or a word diff, when spans is None
        self._source: str | TokenDiff | None = None

    @classmethod
    def _of(
        cls,
        kind: ParagraphKind,
        a_index: int | None,
        b_index: int | None,
        source: str | TokenDiff,
    ) -> ParagraphOp:
        op = cls.__new__(cls)
        op._kind, op._a_index, op._b_index = kind, a_index, b_index
        op._spans, op._source = None, source
        return op

    @property
    def kind(self) -> ParagraphKind:
        return self._kind

    @property
    def a_index(self) -> int | None:
        return self._a_index

    @property
    def b_index(self) -> int | None:
        return self._b_index

    @property
    def spans(self) -> tuple[Span, ...]:
        spans = self._spans
        if spans is None:
            source = self._source
            if isinstance(source, TokenDiff):
                spans = source.spans
            else:
                spans = (Span(_whole_op(self._kind), source),) if source else ()
            self._spans = spans
        return spans

    def _side_text(self, side: Literal["a", "b"]) -> str:
        source = self._source
        if self._spans is not None or source is None:
            return spans_text(self.spans, side)
        if isinstance(source, TokenDiff):
            # the spans spell each text up to its last token (trailing space is not a token)
            return (source.a_text if side == "a" else source.b_text).rstrip()
        absent = "insert" if side == "a" else "delete"
        return "" if _whole_op(self._kind) == absent else source

    @property
    def a_text(self) -> str:
        """The paragraph as it was (empty for an insert)."""
        return self._side_text("a")

    @property
    def b_text(self) -> str:
        """The paragraph as it is now (empty for a delete)."""
        return self._side_text("b")

    @property
    def changed(self) -> bool:
        """Whether any word differs (a move with identical text is not a change of words)."""
        if self._spans is None and isinstance(self._source, TokenDiff):
            return self.a_text != self.b_text
        return any(span.op != "equal" for span in self.spans)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a_index": self.a_index,
            "b_index": self.b_index,
            "spans": [span.to_json_dict() for span in self.spans],
        }

    def _key(self) -> tuple[str, int | None, int | None, tuple[Span, ...]]:
        return (self._kind, self._a_index, self._b_index, self.spans)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParagraphOp):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"ParagraphOp(kind={self._kind!r}, a_index={self._a_index!r}, "
            f"b_index={self._b_index!r}, spans={self.spans!r})"
        )


def _whole_op(kind: ParagraphKind) -> SpanOp:
    """The span op of a paragraph shown whole (inserted, deleted or unchanged)."""
    return "insert" if kind == "insert" else "delete" if kind == "delete" else "equal"


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

    @cached_property
    def a_paragraphs(self) -> tuple[str, ...]:
        """The old version's paragraphs, rebuilt from the diff (once: classifying reads them
        several times)."""
        indexed = [(op.a_index, op.a_text) for op in self.paragraphs if op.a_index is not None]
        return tuple(text for _, text in sorted(indexed))

    @cached_property
    def b_paragraphs(self) -> tuple[str, ...]:
        """The new version's paragraphs, rebuilt from the diff (once)."""
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
    return ParagraphOp._of(kind, a_index, b_index, text)


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
    moved unchanged is never tokenised, and one paired at sight is never put in a bag)."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.texts = paragraphs
        self._tokens: dict[int, Tokens] = {}
        self._bags: dict[int, WordBag] = {}

    def tokenize(self, indices: Sequence[int]) -> None:
        """Tokenise these paragraphs now, all at once (cheaper than one by one)."""
        paragraphs = self.texts
        self._tokens.update(
            zip(indices, tokenize_all([paragraphs[i] for i in indices]), strict=True)
        )

    def tokens(self, index: int) -> Tokens:
        found = self._tokens.get(index)
        if found is None:
            found = self._tokens[index] = tokenize(self.texts[index])
        return found

    def bag(self, index: int) -> WordBag:
        found = self._bags.get(index)
        if found is None:
            found = self._bags[index] = WordBag.of(self.tokens(index).words)
        return found

    def count_words(self, index: int, tokens: list[str]) -> int:
        """Words of a paragraph inserted or deleted whole: its tokens, when it was tokenised,
        go to ``tokens`` (counted all at once), else its words are counted here."""
        found = self._tokens.get(index)
        if found is None:
            return count_words(self.texts[index])
        tokens.extend(found.words)
        return 0


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
    a: _ChangedParagraphs,
    b: _ChangedParagraphs,
    gaps: Sequence[tuple[list[int], list[int]]],
) -> list[list[tuple[int, int]]]:
    """Pairs (old index, new index) of similar paragraphs in each gap.

    A gap of one old and one new paragraph (most edits) is looked at first through the
    length of their longest common token subsequence (C++, no alignment): a lower bound
    of their shared words, so when it already reaches :data:`PAIR_SIMILARITY` they pair
    without word bags (a bag costs about as much as tokenising: 30 ns a character).
    """
    budget = CellBudget()
    gap_pairs: list[list[tuple[int, int]]] = []
    for a_ids, b_ids in gaps:
        if not a_ids or not b_ids:
            gap_pairs.append([])
            continue
        if len(a_ids) == 1 and len(b_ids) == 1 and budget.cells >= 1:
            a_words, b_words = a.tokens(a_ids[0]).words, b.tokens(b_ids[0]).words
            common = common_length(a_words, b_words)
            if (
                common is not None
                and pair_affinity(common, len(a_words), len(b_words)) >= PAIR_SIMILARITY
            ):
                budget.spend(1)
                gap_pairs.append([(a_ids[0], b_ids[0])])
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


class _Ops:
    """Paragraph operations in reading order, and the words they insert and delete (the
    tokens of tokenised paragraphs are counted all at once at the end)."""

    def __init__(self, a: _ChangedParagraphs, b: _ChangedParagraphs) -> None:
        self.ops: list[ParagraphOp] = []
        self._a, self._b = a, b
        self._inserted = self._deleted = 0
        self._inserted_tokens: list[str] = []
        self._deleted_tokens: list[str] = []

    def equal(self, i1: int, i2: int, j1: int) -> None:
        of = ParagraphOp._of
        self.ops.extend(
            of("equal", i, j, text)
            for i, j, text in zip(
                range(i1, i2), range(j1, j1 + i2 - i1), self._a.texts[i1:i2], strict=True
            )
        )

    def delete(self, i: int) -> None:
        self.ops.append(ParagraphOp._of("delete", i, None, self._a.texts[i]))
        self._deleted += self._a.count_words(i, self._deleted_tokens)

    def insert(self, j: int) -> None:
        self.ops.append(ParagraphOp._of("insert", None, j, self._b.texts[j]))
        self._inserted += self._b.count_words(j, self._inserted_tokens)

    def words(self, kind: ParagraphKind, i: int, j: int) -> None:
        """A paragraph changed in place or moved: word marks, unless moved unchanged."""
        if self._a.texts[i] == self._b.texts[j]:  # never tokenised
            self.ops.append(ParagraphOp._of(kind, i, j, self._b.texts[j]))
            return
        tokens_a, tokens_b = self._a.tokens(i), self._b.tokens(j)
        word_diff = TokenDiff.of(tokens_a, tokens_b)
        self.ops.append(ParagraphOp._of(kind, i, j, word_diff))
        self._deleted_tokens += word_diff.changed_tokens("a", tokens_a)
        self._inserted_tokens += word_diff.changed_tokens("b", tokens_b)

    def counts(self) -> tuple[int, int]:
        """(words inserted, words deleted)."""
        return (
            self._inserted + count_word_tokens(self._inserted_tokens),
            self._deleted + count_word_tokens(self._deleted_tokens),
        )


class _CollectorPause:
    """Automatic garbage collection held off while diffs run (shared by threads).

    A diff makes many short-lived containers (token tuples, bags, gap lists: ~20,000 alive
    at once at 1 MB) and no reference cycles, yet they set off the cyclic collector ~50
    times per 1 MB diff, which then walks them all: 27 ms of a 117 ms diff on this host
    (timed with ``gc.callbacks`` on the 1 MB row of benchmarks/bench_diff.py). Held off,
    it runs once after the diff, over what survives it (6 ms). Nothing is leaked: the
    collector runs as usual once the last diff in flight ends. Only the outermost pause
    switches it off, and only one that found it on switches it back on (code that switches
    it off while a diff is in flight sees it switched back on when that diff ends).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = False

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if not self._running:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if not self._running and self._was_enabled:
                    gc.enable()


_COLLECTOR_PAUSE = _CollectorPause()


def _align(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]
) -> tuple[tuple[ParagraphOp, ...], int, int]:
    """Paragraph operations (see the module docstring), words inserted, words deleted."""
    with _COLLECTOR_PAUSE.held():
        return _align_paragraphs(a_paragraphs, b_paragraphs)


def _align_paragraphs(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]
) -> tuple[tuple[ParagraphOp, ...], int, int]:
    opcodes = diff_sequences(a_paragraphs, b_paragraphs)
    gaps = [(range(i1, i2), range(j1, j2)) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    moves = _exact_moves(a_paragraphs, b_paragraphs, gaps)
    moved_from = set(moves.values())
    left = [
        ([i for i in a_ids if i not in moved_from], [j for j in b_ids if j not in moves])
        for a_ids, b_ids in gaps
    ]
    a, b = _ChangedParagraphs(a_paragraphs), _ChangedParagraphs(b_paragraphs)
    a.tokenize([i for a_ids, _ in left for i in a_ids])  # each is paired or bagged: all are
    b.tokenize([j for _, b_ids in left for j in b_ids])  # tokenised
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

    ops = _Ops(a, b)
    gap_pairs_in_order = iter(gap_pairs)
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            ops.equal(i1, i2, j1)
            continue
        i, j = i1, j1
        for pair_a, pair_b in [*next(gap_pairs_in_order), (i2, j2)]:
            for gone in range(i, pair_a):
                if gone not in moved_from:
                    ops.delete(gone)
            for new in range(j, pair_b):
                if new in moves:
                    ops.words("move", moves[new], new)
                else:
                    ops.insert(new)
            if pair_a < i2:
                ops.words("change", pair_a, pair_b)
            i, j = pair_a + 1, pair_b + 1
    return (tuple(ops.ops), *ops.counts())


def diff_paragraphs(
    a_paragraphs: Sequence[str], b_paragraphs: Sequence[str]
) -> tuple[ParagraphOp, ...]:
    """Align two paragraph lists into paragraph operations (see the module docstring)."""
    return _align(a_paragraphs, b_paragraphs)[0]


def diff_versions(
    a_title: str,
    a_paragraphs: Sequence[str],
    b_title: str,
    b_paragraphs: Sequence[str],
    a_byline: str | None = None,
    b_byline: str | None = None,
) -> ArticleDiff:
    """Diff two versions of an article (title, body paragraphs, optional bylines)."""
    paragraphs, inserted, deleted = _align(a_paragraphs, b_paragraphs)
    byline = None if a_byline is None and b_byline is None else _line_op(a_byline, b_byline)
    return ArticleDiff(
        title=_line_op(a_title, b_title),
        byline=byline,
        paragraphs=paragraphs,
        words_inserted=inserted,
        words_deleted=deleted,
    )
