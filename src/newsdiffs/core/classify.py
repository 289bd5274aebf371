"""What kind of change one new version is, and how much it matters.

**Sentence operations** come from :func:`newsdiffs.core.sentence_ops.sentence_operations`
(NewsEdits' addition, deletion, edit and refactor).

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsdiffs.core.cosmetic import cosmetic_kind, folded_words
from newsdiffs.core.diffing import ArticleDiff, diff_versions
from newsdiffs.core.sentence_ops import (
    SentenceOp,
    SentenceOpKind,
    SentencePosition,
    sentence_operations,
)

__all__ = [
    "ChangeKind",
    "Classification",
    "SentenceOp",
    "SentenceOpKind",
    "SentencePosition",
    "classify",
    "classify_versions",
    "is_notice",
    "sentence_operations",
    "significance",
]


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

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Classification:
        """The inverse of :meth:`to_json_dict`. Raises ValueError for anything else."""
        try:
            return cls(
                substantive=bool(data["substantive"]),
                significance=float(data["significance"]),
                kinds=tuple(ChangeKind(kind) for kind in data["kinds"]),
                operations=tuple(SentenceOp.from_json_dict(op) for op in data["operations"]),
                stealth=bool(data["stealth"]),
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not a classification: {error!r}") from error


# --- kinds ----------------------------------------------------------------------------------

# Possessive runs (\W*+, \s*+): with two greedy \s* around the optional middle, "Note"
# followed by 2,000 spaces took seconds (cubic); giving nothing back loses no match, since
# what follows each run cannot start with what the run takes.
_NOTICE_START_RE = re.compile(
    r"^\W*+(?:corrections?|clarifications?|updated?|editor[’']?s[’']? notes?|note)\b"
    r"\s*+(?:\([^)]{0,40}\)|(?:on |at )?[\w ,.:]{0,30}?)?\s*+[:—–-]",
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
_QUOTE_MARK_RE = re.compile(r"[“”\"]")
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


def _quotations(text: str) -> list[str]:
    """The texts between an opening (“ or ") and the next closing (” or ") quote mark.

    One pass over the quote marks. It finds what ``[“"]([^”"]+)[”"]`` finds, but that regex
    read to the end of the text from every “ without a closing mark: 200,000 curly quotes
    never finished (quadratic).
    """
    found: list[str] = []
    opened = -1  # position of the opening mark of the quotation being read
    for mark in _QUOTE_MARK_RE.finditer(text):
        at, char = mark.start(), mark.group()
        if opened < 0:
            if char != "”":
                opened = at
        elif char != "“":  # a closing mark
            if at > opened + 1:
                found.append(text[opened + 1 : at])
                opened = -1
            else:  # nothing quoted: look again from the closing mark, itself an opening "
                opened = at if char == '"' else -1
    return found


def _quotes(text: str) -> list[str]:
    return [" ".join(folded_words(quote)) for quote in _quotations(text)]


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
    total_words = sum(map(len, map(str.split, (*diff.a_paragraphs, *diff.b_paragraphs))))
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
