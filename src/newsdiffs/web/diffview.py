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
