"""What kind of change one new version is, and how much it matters.

**Sentence operations** (NewsEdits' terms). Both versions are cut into sentences
(:mod:`newsdiffs.core.sentences`) and the two sentence lists are diffed (minimal Myers diff on
whole sentences). A sentence deleted in one gap and added with the same words in another is a
``refactor`` (moved). In each changed gap the remaining sentences are paired by similarity
(Dice on content words >= :data:`SENTENCE_PAIR_SIMILARITY`, best order-preserving pairing):
a pair is an ``edit``, flagged ``cosmetic`` when
:func:`~newsdiffs.core.cosmetic.cosmetic_kind` says so. Unpaired sentences are ``addition``
or ``deletion``, except that a deleted and an added sentence with near-identical words (Dice
>= :data:`REFACTOR_SIMILARITY`) are one ``refactor``.

**Kinds** (:class:`ChangeKind`), the changes readers care about:

- ``headline``: the title changed (beyond a typo or punctuation);
- ``lede``: the first paragraph changed (ignoring correction/update notices);
- ``byline``: the byline changed (beyond case/punctuation);
- ``correction_notice``: a correction, clarification, update or editor's note was added;
- ``numbers``: a figure replaced by another in an edited sentence or in the headline;
- ``quotes``: quoted words changed, or a quotation (3+ words) was added or removed;
- ``appended``: paragraphs added after the end of the old text (a developing story);
- ``typo``: a word fixed by one or two character edits (the title or a sentence);
- ``cosmetic``: the *only* changes are whitespace, punctuation, case or typos.

**Significance** (0 to 1) combines independent factors with a noisy-OR::

    significance = 1 - Π (1 - w_f · x_f)        (x_f in [0, 1])

    factor             w_f   x_f
    volume             0.60  min(1, sqrt(4 · (words inserted + deleted) / (words a + words b)))
                           (words a/b: whitespace-separated words of each version's body)
    headline           0.45  1 if the headline changed
    lede               0.30  1 if the lede changed
    correction_notice  0.25  1 if a notice was added
    numbers            0.25  1 if a figure changed
    quotes             0.20  1 if a quotation changed
    deletions          0.20  min(1, sentences deleted / 3)
    appended           0.10  1 if paragraphs were appended
    refactor           0.15  min(1, sentences moved / 5)
    byline             0.10  1 if the byline changed

A cosmetic-only change scores ``min(0.05, 0.01 · cosmetic operations)`` (at least 0.01);
no change scores 0. The value is rounded to three decimals.

**Substantive** means changed and not cosmetic-only. **Stealth** means a substantive change
to text readers had already seen (an edit, deletion or move of sentences, a new headline or
byline) with no correction/update notice added. Pure additions (a developing story) are not
stealth edits.
"""

from __future__ import annotations

import enum
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newsdiffs.core.cosmetic import cosmetic_kind, folded_words
from newsdiffs.core.diffing import ArticleDiff, diff_versions, pair_similar, similarity
from newsdiffs.core.sentences import split_sentences
from newsdiffs.core.wordiff import diff_sequences

SENTENCE_PAIR_SIMILARITY = 0.5
REFACTOR_SIMILARITY = 0.9


class ChangeKind(enum.StrEnum):
    HEADLINE = "headline"
    LEDE = "lede"
    BYLINE = "byline"
    CORRECTION_NOTICE = "correction_notice"
    NUMBERS = "numbers"
    QUOTES = "quotes"
    APPENDED = "appended"
    TYPO = "typo"
    COSMETIC = "cosmetic"


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


@dataclass(frozen=True)
class Classification:
    substantive: bool
    significance: float
    kinds: tuple[ChangeKind, ...]
    operations: tuple[SentenceOp, ...]
    stealth: bool

    def count(self, kind: SentenceOpKind, *, cosmetic: bool | None = None) -> int:
        """Number of operations of ``kind`` (optionally only (non-)cosmetic ones)."""
        return sum(
            1
            for op in self.operations
            if op.kind == kind and (cosmetic is None or op.cosmetic == cosmetic)
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "substantive": self.substantive,
            "significance": self.significance,
            "kinds": [kind.value for kind in self.kinds],
            "stealth": self.stealth,
            "operations": [op.to_json_dict() for op in self.operations],
        }


# --- sentence operations --------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Sentence:
    position: SentencePosition
    text: str
    words: tuple[str, ...]  # folded words
    content: tuple[str, ...]  # folded words without stop words: what pairing compares


def _sentences(paragraphs: Iterable[tuple[int, str]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    for p, paragraph in paragraphs:
        for n, text in enumerate(split_sentences(paragraph)):
            words = tuple(folded_words(text))
            content = tuple(word for word in words if word not in _STOPWORDS) or words
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
        sentences.extend(_sentences([unit]) if isinstance(unit, tuple) else [unit])
    return sentences


def _move(before: _Sentence, after: _Sentence) -> SentenceOp:
    return SentenceOp(
        SentenceOpKind.REFACTOR, before.position, after.position, before.text, after.text
    )


def _exact_moves(
    gaps: Sequence[tuple[Sequence[_Sentence], Sequence[_Sentence]]],
) -> list[SentenceOp]:
    """Sentences deleted in one gap and added, with the same words, in another gap.

    (Within one gap the same words are a cosmetic edit, found by pairing.)
    """
    waiting: dict[tuple[str, ...], list[tuple[int, _Sentence]]] = {}
    for gap, (gap_old, _) in enumerate(gaps):
        for sentence in gap_old:
            waiting.setdefault(sentence.words, []).append((gap, sentence))
    moves: list[SentenceOp] = []
    for gap, (_, gap_new) in enumerate(gaps):
        for sentence in gap_new:
            candidates = waiting.get(sentence.words, [])
            found = next((n for n, (g, _) in enumerate(candidates) if g != gap), None)
            if found is not None and sentence.words:
                moves.append(_move(candidates.pop(found)[1], sentence))
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
    for gap_old_all, gap_new_all in gaps:
        gap_old = [s for s in gap_old_all if s.position not in moved_old]
        gap_new = [s for s in gap_new_all if s.position not in moved_new]
        pairs = pair_similar(
            [s.content for s in gap_old], [s.content for s in gap_new], SENTENCE_PAIR_SIMILARITY
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
    """Near-identical deleted/added sentences are moves; the rest deletions and additions."""
    candidates = sorted(
        (-value, n, m)
        for n, d in enumerate(deleted)
        for m, a in enumerate(added)
        if d.words and (value := similarity(d.words, a.words)) >= REFACTOR_SIMILARITY
    )
    moved_old: set[int] = set()
    moved_new: set[int] = set()
    ops: list[SentenceOp] = []
    for _, n, m in candidates:
        if n in moved_old or m in moved_new:
            continue
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


# --- kinds ----------------------------------------------------------------------------------

_NOTICE_START_RE = re.compile(
    r"^\W*(?:corrections?|clarifications?|updated?|editor[’']?s[’']? notes?|note)\b"
    r"\s*(?:\([^)]{0,40}\)|(?:on |at )?[\w ,.:]{0,30}?)?\s*[:—–-]",
    re.IGNORECASE,
)
_NOTICE_PHRASE_RE = re.compile(
    r"\b(?:an? (?:earlier|previous|prior) version of this (?:article|story|report|post|piece)"
    r"|this (?:article|story|report|post|piece) (?:has been|was|is being) "
    r"(?:updated|corrected|amended|revised|changed)"
    r"|(?:we|the (?:times|post|guardian)) (?:have |has )?(?:corrected|amended|updated) this"
    r"|(?:has been|was) corrected to (?:reflect|show|say|state|remove|clarify))",
    re.IGNORECASE,
)
_NUMBER_RE = re.compile(r"\d+(?:[.,:/]\d+)*")
_QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")
_MIN_QUOTE_WORDS = 3


def is_notice(text: str) -> bool:
    """Whether a sentence or paragraph is a correction, clarification or update notice."""
    return bool(_NOTICE_START_RE.search(text) or _NOTICE_PHRASE_RE.search(text))


def _numbers(text: str) -> Counter[str]:
    return Counter(_NUMBER_RE.findall(text))


def _figure_changed(old: str, new: str) -> bool:
    """Whether a number was replaced by another (not merely dropped with its words)."""
    old_numbers, new_numbers = _numbers(old), _numbers(new)
    return bool(old_numbers - new_numbers) and bool(new_numbers - old_numbers)


def _quotes(text: str) -> list[str]:
    return [" ".join(folded_words(quote)) for quote in _QUOTE_RE.findall(text)]


def _has_quotation(text: str) -> bool:
    return any(len(quote.split()) >= _MIN_QUOTE_WORDS for quote in _quotes(text))


def _first_real_paragraph(paragraphs: Sequence[str]) -> int:
    return next((n for n, p in enumerate(paragraphs) if not is_notice(p)), -1)


def _lede_changed(diff: ArticleDiff, ops: Sequence[SentenceOp]) -> bool:
    a_lede = _first_real_paragraph(diff.a_paragraphs)
    b_lede = _first_real_paragraph(diff.b_paragraphs)
    return any(
        not op.cosmetic
        and (
            (op.a is not None and op.a.paragraph == a_lede)
            or (op.b is not None and op.b.paragraph == b_lede)
        )
        and not (op.kind == SentenceOpKind.ADDITION and is_notice(op.b_text))
        for op in ops
    )


def _appended(diff: ArticleDiff, ops: Sequence[SentenceOp]) -> bool:
    """New sentences in paragraphs added after the last paragraph of the old text."""
    last_old = max(
        (n for n, op in enumerate(diff.paragraphs) if op.a_index is not None), default=-1
    )
    trailing = {op.b_index for op in diff.paragraphs[last_old + 1 :] if op.kind == "insert"}
    return any(
        op.kind == SentenceOpKind.ADDITION
        and op.b is not None
        and op.b.paragraph in trailing
        and not is_notice(op.b_text)
        for op in ops
    )


def _line_cosmetic(old: str, new: str) -> bool:
    return cosmetic_kind(old, new) is not None


def _kinds(diff: ArticleDiff, ops: Sequence[SentenceOp]) -> list[ChangeKind]:
    kinds: set[ChangeKind] = set()
    a_title, b_title = diff.title.a_text, diff.title.b_text
    if diff.title_changed:
        title_kind = cosmetic_kind(a_title, b_title)
        if title_kind is None:
            kinds.add(ChangeKind.HEADLINE)
            if _figure_changed(a_title, b_title):
                kinds.add(ChangeKind.NUMBERS)
        elif title_kind == "typo":
            kinds.add(ChangeKind.TYPO)
    byline = diff.byline
    if (
        byline is not None
        and diff.byline_changed
        and not _line_cosmetic(byline.a_text, byline.b_text)
    ):
        kinds.add(ChangeKind.BYLINE)
    for op in ops:
        kinds.update(_op_kinds(op))
    if _lede_changed(diff, ops):
        kinds.add(ChangeKind.LEDE)
    if _appended(diff, ops):
        kinds.add(ChangeKind.APPENDED)
    return [kind for kind in ChangeKind if kind in kinds]


def _op_kinds(op: SentenceOp) -> set[ChangeKind]:
    kinds: set[ChangeKind] = set()
    if op.kind == SentenceOpKind.ADDITION:
        if is_notice(op.b_text):
            kinds.add(ChangeKind.CORRECTION_NOTICE)
        elif _has_quotation(op.b_text):
            kinds.add(ChangeKind.QUOTES)
    elif op.kind == SentenceOpKind.DELETION:
        if _has_quotation(op.a_text) and not is_notice(op.a_text):
            kinds.add(ChangeKind.QUOTES)
    elif op.kind == SentenceOpKind.EDIT:
        if op.cosmetic:
            if cosmetic_kind(op.a_text, op.b_text) == "typo":
                kinds.add(ChangeKind.TYPO)
            return kinds
        if _figure_changed(op.a_text, op.b_text):
            kinds.add(ChangeKind.NUMBERS)
        if _quotes(op.a_text) != _quotes(op.b_text):
            kinds.add(ChangeKind.QUOTES)
        if is_notice(op.b_text) and not is_notice(op.a_text):
            kinds.add(ChangeKind.CORRECTION_NOTICE)
    return kinds


# --- significance ---------------------------------------------------------------------------

_KIND_WEIGHTS: dict[ChangeKind, float] = {
    ChangeKind.HEADLINE: 0.45,
    ChangeKind.LEDE: 0.30,
    ChangeKind.CORRECTION_NOTICE: 0.25,
    ChangeKind.NUMBERS: 0.25,
    ChangeKind.QUOTES: 0.20,
    ChangeKind.APPENDED: 0.10,
    ChangeKind.BYLINE: 0.10,
}
_VOLUME_WEIGHT = 0.60
_DELETION_WEIGHT = 0.20
_REFACTOR_WEIGHT = 0.15


def significance(
    diff: ArticleDiff, kinds: Sequence[ChangeKind], ops: Sequence[SentenceOp]
) -> float:
    """The noisy-OR significance score documented in the module docstring."""
    if not diff.changed:
        return 0.0
    if ChangeKind.COSMETIC in kinds:
        return round(max(0.01, min(0.05, 0.01 * len(ops))), 3)
    total_words = sum(len(text.split()) for text in (*diff.a_paragraphs, *diff.b_paragraphs))
    share = (diff.words_inserted + diff.words_deleted) / max(1, total_words)
    factors = [(_VOLUME_WEIGHT, min(1.0, math.sqrt(4 * share)))]
    factors.extend((weight, 1.0) for kind, weight in _KIND_WEIGHTS.items() if kind in kinds)
    deletions = sum(1 for op in ops if op.kind == SentenceOpKind.DELETION)
    moves = sum(1 for op in ops if op.kind == SentenceOpKind.REFACTOR)
    factors.append((_DELETION_WEIGHT, min(1.0, deletions / 3)))
    factors.append((_REFACTOR_WEIGHT, min(1.0, moves / 5)))
    remaining = 1.0
    for weight, value in factors:
        remaining *= 1.0 - weight * value
    return round(1.0 - remaining, 3)


# --- entry points ---------------------------------------------------------------------------

_CHANGES_SEEN_TEXT = frozenset({ChangeKind.HEADLINE, ChangeKind.BYLINE})


def classify(diff: ArticleDiff) -> Classification:
    """Classify the change an :class:`ArticleDiff` describes."""
    ops = sentence_operations(diff)
    kinds = _kinds(diff, ops)
    substantive_ops = [op for op in ops if not op.cosmetic]
    cosmetic_only = (
        diff.changed and not substantive_ops and not any(kind in kinds for kind in _KIND_WEIGHTS)
    )
    if cosmetic_only:
        kinds.append(ChangeKind.COSMETIC)
    substantive = diff.changed and not cosmetic_only
    rewrites_seen_text = any(kind in _CHANGES_SEEN_TEXT for kind in kinds) or any(
        op.kind != SentenceOpKind.ADDITION for op in substantive_ops
    )
    return Classification(
        substantive=substantive,
        significance=significance(diff, kinds, ops),
        kinds=tuple(kinds),
        operations=ops,
        stealth=substantive and rewrites_seen_text and ChangeKind.CORRECTION_NOTICE not in kinds,
    )


def classify_versions(
    a_title: str,
    a_paragraphs: Sequence[str],
    b_title: str,
    b_paragraphs: Sequence[str],
    a_byline: str | None = None,
    b_byline: str | None = None,
) -> Classification:
    """Diff two versions and classify the change in one call."""
    return classify(diff_versions(a_title, a_paragraphs, b_title, b_paragraphs, a_byline, b_byline))
