"""An :class:`~newsdiffs.core.diffing.ArticleDiff` laid out for the diff page.

Pure functions: each paragraph operation becomes a :class:`DiffRow` with the old text (left),
the new text (right) and both merged (inline). Unchanged paragraphs sit level, added and
removed ones face a blank (``None``), changed ones carry word marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsdiffs.core.diffing import ParagraphOp
from newsdiffs.core.wordiff import Span, split_leading_space

PieceOp = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Piece:
    """A run of text; ``space`` is whitespace shown before it, outside any mark."""

    op: PieceOp
    space: str
    text: str


@dataclass(frozen=True)
class DiffRow:
    anchor: str  # fragment id, "p3"
    kind: str  # equal, insert, delete, change, move
    left: tuple[Piece, ...] | None  # None: the paragraph is not in the old version
    right: tuple[Piece, ...] | None  # None: the paragraph is not in the new version
    inline: tuple[Piece, ...]
    note: str = ""  # "moved from paragraph 4"


def pieces(spans: Sequence[Span], side: Literal["a", "b", "both"]) -> tuple[Piece, ...]:
    """The spans one side shows: a = equal + delete, b = equal + insert, both = all."""
    hidden = {"a": "insert", "b": "delete", "both": ""}[side]
    result: list[Piece] = []
    for span in spans:
        if span.op == hidden:
            continue
        if span.op == "equal":
            result.append(Piece("equal", "", span.text))
        else:
            space, text = split_leading_space(span.text)
            if side == "both" and span.op == "insert" and not space:
                space = _separator(result[-1] if result else None, text)
            result.append(Piece(span.op, space, text))
    return tuple(result)


def _separator(previous: Piece | None, inserted: str) -> str:
    """Space between deleted and inserted words shown one after the other (inline view):
    "~~Syrian~~ Syria", but "said~~.~~," for punctuation."""
    if previous is None or previous.op != "delete":
        return ""
    if previous.space:
        return previous.space
    return " " if previous.text[-1:].isalnum() and inserted[:1].isalnum() else ""


def row_for(op: ParagraphOp, anchor: str) -> DiffRow:
    left = None if op.a_index is None and op.kind != "equal" else pieces(op.spans, "a")
    right = None if op.b_index is None and op.kind != "equal" else pieces(op.spans, "b")
    note = ""
    if op.kind == "move" and op.a_index is not None and op.b_index is not None:
        note = f"moved from paragraph {op.a_index + 1} to paragraph {op.b_index + 1}"
    return DiffRow(anchor, op.kind, left, right, pieces(op.spans, "both"), note)


def title_row(op: ParagraphOp) -> DiffRow:
    """The headline: always present on both sides (an empty title shows as empty)."""
    return DiffRow(
        "headline", op.kind, pieces(op.spans, "a"), pieces(op.spans, "b"), pieces(op.spans, "both")
    )


def diff_rows(ops: Sequence[ParagraphOp]) -> tuple[DiffRow, ...]:
    """One row per paragraph operation, anchored ``p1``, ``p2``, ... in reading order."""
    return tuple(row_for(op, f"p{n}") for n, op in enumerate(ops, start=1))


# A run of at least this many unchanged paragraphs (besides those kept open) folds away.
FOLD_AT_LEAST = 3
KEEP_OPEN = 1  # unchanged paragraphs kept open next to a change, for context


@dataclass(frozen=True)
class RowGroup:
    """Rows shown together: open, or ``folded`` (a long unchanged run, in ``<details>``)."""

    rows: tuple[DiffRow, ...]
    folded: bool = False


def fold_rows(rows: Sequence[DiffRow]) -> tuple[RowGroup, ...]:
    """``rows`` in groups: each run of unchanged paragraphs keeps :data:`KEEP_OPEN` of them
    open next to a change and folds the rest when that is :data:`FOLD_AT_LEAST` or more."""
    groups: list[RowGroup] = []
    open_rows: list[DiffRow] = []

    def close_open() -> None:
        if open_rows:
            groups.append(RowGroup(tuple(open_rows)))
            open_rows.clear()

    n = 0
    while n < len(rows):
        if rows[n].kind != "equal":
            open_rows.append(rows[n])
            n += 1
            continue
        end = n
        while end < len(rows) and rows[end].kind == "equal":
            end += 1
        run = rows[n:end]
        before = KEEP_OPEN if n > 0 else 0
        after = KEEP_OPEN if end < len(rows) else 0
        if len(run) - before - after >= FOLD_AT_LEAST:
            open_rows.extend(run[:before])
            close_open()
            groups.append(RowGroup(tuple(run[before : len(run) - after]), folded=True))
            open_rows.extend(run[len(run) - after :])
        else:
            open_rows.extend(run)
        n = end
    close_open()
    return tuple(groups)


def first_change(headline: DiffRow, rows: Sequence[DiffRow]) -> str | None:
    """The anchor of the first changed row ("headline" when the headline changed), or None."""
    if headline.kind != "equal":
        return headline.anchor
    return next((row.anchor for row in rows if row.kind != "equal"), None)
