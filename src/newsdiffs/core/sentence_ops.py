"""Sentence-level operations between two versions, in NewsEdits' terms.

Both versions are cut into sentences (:mod:`newsdiffs.core.sentences`) and the two sentence
lists are diffed (minimal Myers diff on whole sentences). A sentence deleted in one gap and
added with the same words in another is a ``refactor`` (moved). In each changed gap the
remaining sentences are paired by similarity (affinity on content words >=
:data:`SENTENCE_PAIR_SIMILARITY`, best order-preserving pairing): a pair is an ``edit``,
flagged ``cosmetic`` when :func:`~newsdiffs.core.cosmetic.cosmetic_kind` says so. Unpaired
sentences are ``addition`` or ``deletion``, except that a deleted and an added sentence with
near-identical words (Dice >= :data:`REFACTOR_SIMILARITY`) are one ``refactor``.
"""

from __future__ import annotations

import enum
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import filterfalse
from typing import Any, NamedTuple

from newsdiffs.core.cosmetic import cosmetic_kind, folded_words
from newsdiffs.core.diffing import ArticleDiff
from newsdiffs.core.pairing import (
    MAX_GAP_CELLS,
    CellBudget,
    WordBag,
    best_first_matches,
    near_duplicates,
    pair_in_order,
)
from newsdiffs.core.sentences import split_sentences
from newsdiffs.core.seqdiff import diff_sequences

SENTENCE_PAIR_SIMILARITY = 0.5
REFACTOR_SIMILARITY = 0.9
# Near-identical sentences are searched for moves among at most this many deleted and added
# sentences: beyond, a rewrite is so large that its moved sentences hardly matter, and the
# search was a quarter of the CPU of classifying a 1 MB page against an unrelated 1 MB page
# (9,600 sentences a side; 1.7 s of CPU in all). Moves with the very same words are still
# found at any size.
MAX_MOVE_SEARCH = 4_000


class SentenceOpKind(enum.StrEnum):
    ADDITION = "addition"
    DELETION = "deletion"
    EDIT = "edit"
    REFACTOR = "refactor"  # moved


@dataclass(frozen=True)
class SentencePosition:
    paragraph: int  # 0-based paragraph index in its version
    sentence: int  # 0-based sentence index inside that paragraph


@dataclass(frozen=True)
class SentenceOp:
    """One sentence-level operation. ``a``/``b`` are None on the side it does not exist."""

    kind: SentenceOpKind
    a: SentencePosition | None
    b: SentencePosition | None
    a_text: str
    b_text: str
    cosmetic: bool = False

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "op": self.kind.value,
            "a": [self.a.paragraph, self.a.sentence] if self.a else None,
            "b": [self.b.paragraph, self.b.sentence] if self.b else None,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "cosmetic": self.cosmetic,
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> SentenceOp:
        """The inverse of :meth:`to_json_dict`. Raises ValueError for anything else."""
        try:
            a, b = data["a"], data["b"]
            return cls(
                kind=SentenceOpKind(data["op"]),
                a=None if a is None else SentencePosition(int(a[0]), int(a[1])),
                b=None if b is None else SentencePosition(int(b[0]), int(b[1])),
                a_text=str(data["a_text"]),
                b_text=str(data["b_text"]),
                cosmetic=bool(data["cosmetic"]),
            )
        except (KeyError, IndexError, TypeError) as error:
            raise ValueError(f"not a sentence operation: {error!r}") from error


_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """
        a an the and or but if of to in on at by for with from as is are was were be been
        has have had it its this that these those he she they we you i his her their our
        not no so than then there which who whom what when where will would can could said
        """,
    )
)


class _Sentence(NamedTuple):  # a named tuple: 3 times cheaper to make than a dataclass
    position: SentencePosition
    text: str
    words: tuple[str, ...]  # folded words
    content: tuple[str, ...]  # folded words without stop words: what pairing compares


def _sentences(paragraphs: Iterable[tuple[int, str]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for p, paragraph in paragraphs:
        for n, text in enumerate(split_sentences(paragraph)):
            words = tuple(folded_words(text))
            content = tuple(filterfalse(_STOPWORDS.__contains__, words)) or words
            sentences.append(_Sentence(SentencePosition(p, n), text, words, content))
    return sentences


_Unit = _Sentence | tuple[int, str]  # a sentence, or an unchanged paragraph kept whole


def _units(paragraphs: Iterable[tuple[int, str, bool]]) -> tuple[list[str], list[_Unit]]:
    """Diff keys and units: sentences of changed paragraphs, unchanged paragraphs whole."""
    keys: list[str] = []
    units: list[_Unit] = []
    for index, text, unchanged in sorted(paragraphs):
        if unchanged:
            keys.append("\x00" + text)  # never equal to a sentence
            units.append((index, text))
        else:
            for sentence in _sentences([(index, text)]):
                keys.append(sentence.text)
                units.append(sentence)
    return keys, units


def _expand(units: Sequence[_Unit]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for unit in units:
        sentences.extend([unit] if isinstance(unit, _Sentence) else _sentences([unit]))
    return sentences


def _move(before: _Sentence, after: _Sentence) -> SentenceOp:
    return SentenceOp(
        SentenceOpKind.REFACTOR, before.position, after.position, before.text, after.text
    )


def _exact_moves(
    gaps: Sequence[tuple[Sequence[_Sentence], Sequence[_Sentence]]],
) -> list[SentenceOp]:
    """Sentences deleted in one gap and added, with the same words, in another gap.

    (Within one gap the same words are a cosmetic edit, found by pairing.) Each new sentence
    takes the first waiting old one from another gap; waiting sentences are grouped by gap,
    so that is the first or the second group, however many wait in the sentence's own gap.
    """
    waiting: dict[tuple[str, ...], deque[tuple[int, deque[_Sentence]]]] = {}
    for gap, (gap_old, _) in enumerate(gaps):
        for sentence in gap_old:
            groups = waiting.setdefault(sentence.words, deque())
            if not groups or groups[-1][0] != gap:
                groups.append((gap, deque()))
            groups[-1][1].append(sentence)
    moves: list[SentenceOp] = []
    for gap, (_, gap_new) in enumerate(gaps):
        for sentence in gap_new:
            elsewhere = waiting.get(sentence.words)
            if not sentence.words or not elsewhere:
                continue
            n = 0 if elsewhere[0][0] != gap else 1
            if n < len(elsewhere):
                found = elsewhere[n][1]
                moves.append(_move(found.popleft(), sentence))
                if not found:
                    del elsewhere[n]
    return moves


def sentence_operations(diff: ArticleDiff) -> tuple[SentenceOp, ...]:
    """Sentence-level additions, deletions, edits and refactors (see the module docstring).

    Paragraphs the diff shows as equal take part as single units (they keep the order, so a
    sentence moved across them is seen) and are split only if the alignment leaves them in
    a gap. A moved paragraph's sentences are refactors (or edits/additions/deletions, if
    its words changed too).
    """
    old_keys, old_units = _units(
        (op.a_index, op.a_text, op.kind == "equal")
        for op in diff.paragraphs
        if op.a_index is not None and op.kind != "move"
    )
    new_keys, new_units = _units(
        (op.b_index, op.b_text, op.kind == "equal")
        for op in diff.paragraphs
        if op.b_index is not None and op.kind != "move"
    )
    gaps = [
        (_expand(old_units[i1:i2]), _expand(new_units[j1:j2]))
        for tag, i1, i2, j1, j2 in diff_sequences(old_keys, new_keys)
        if tag != "equal"
    ]
    for op in diff.paragraphs:  # a moved paragraph leaves one place and arrives in another
        if op.kind == "move" and op.a_index is not None and op.b_index is not None:
            gaps.append((_sentences([(op.a_index, op.a_text)]), []))
            gaps.append(([], _sentences([(op.b_index, op.b_text)])))
    ops = _exact_moves(gaps)
    moved_old = {op.a for op in ops}
    moved_new = {op.b for op in ops}
    deleted: list[_Sentence] = []
    added: list[_Sentence] = []
    budget = CellBudget()
    for gap_old_all, gap_new_all in gaps:
        gap_old = [s for s in gap_old_all if s.position not in moved_old]
        gap_new = [s for s in gap_new_all if s.position not in moved_new]
        pairs = []
        if len(gap_old) * len(gap_new) <= MAX_GAP_CELLS:
            pairs = pair_in_order(
                [WordBag.of_folded(s.content) for s in gap_old],
                [WordBag.of_folded(s.content) for s in gap_new],
                SENTENCE_PAIR_SIMILARITY,
                budget,
            )
        for i, j in pairs:
            before, after = gap_old[i], gap_new[j]
            cosmetic = cosmetic_kind(before.text, after.text) is not None
            ops.append(
                SentenceOp(
                    SentenceOpKind.EDIT,
                    before.position,
                    after.position,
                    before.text,
                    after.text,
                    cosmetic,
                )
            )
        paired_old = {i for i, _ in pairs}
        paired_new = {j for _, j in pairs}
        deleted.extend(s for i, s in enumerate(gap_old) if i not in paired_old)
        added.extend(s for j, s in enumerate(gap_new) if j not in paired_new)
    ops.extend(_moves_and_leftovers(deleted, added))
    ops.sort(key=_op_order)
    return tuple(ops)


def _moves_and_leftovers(deleted: list[_Sentence], added: list[_Sentence]) -> list[SentenceOp]:
    """Near-identical deleted/added sentences are moves; the rest deletions and additions.

    Moves are looked for only while both sides have at most :data:`MAX_MOVE_SEARCH`
    sentences (a bound on the CPU a check may take: see there)."""
    candidates: list[tuple[float, int, int]] = []
    if max(len(deleted), len(added)) <= MAX_MOVE_SEARCH:
        candidates = near_duplicates(
            [WordBag.of_folded(s.words) for s in deleted],
            [WordBag.of_folded(s.words) for s in added],
            REFACTOR_SIMILARITY,
        )
    moved_old: set[int] = set()
    moved_new: set[int] = set()
    ops: list[SentenceOp] = []
    for n, m in best_first_matches(candidates):
        moved_old.add(n)
        moved_new.add(m)
        ops.append(_move(deleted[n], added[m]))
    ops.extend(
        SentenceOp(SentenceOpKind.DELETION, s.position, None, s.text, "")
        for n, s in enumerate(deleted)
        if n not in moved_old
    )
    ops.extend(
        SentenceOp(SentenceOpKind.ADDITION, None, s.position, "", s.text)
        for m, s in enumerate(added)
        if m not in moved_new
    )
    return ops


def _op_order(op: SentenceOp) -> tuple[int, int, int, int]:
    new = (op.b.paragraph, op.b.sentence) if op.b else (-1, -1)
    old = (op.a.paragraph, op.a.sentence) if op.a else (-1, -1)
    if op.b is None:  # deletions sort by where they stood
        return (*old, 0, 0)
    return (*new, *old)
