"""Diff rows for the diff page: alignment, blanks, word marks and spaces outside marks."""

from __future__ import annotations

from newsdiffs.core.diffing import diff_versions
from newsdiffs.web.diffview import Piece, diff_rows, pieces, title_row


def test_rows_align_paragraphs() -> None:
    diff = diff_versions(
        "Title",
        ["Same start.", "Old only paragraph about the harbour.", "He was due to meet them."],
        "Title",
        ["Same start.", "He met them.", "A brand new closing line here."],
    )
    rows = diff_rows(diff.paragraphs)
    by_kind = {row.kind: row for row in rows}
    assert rows[0].kind == "equal" and rows[0].left == rows[0].right
    assert by_kind["delete"].right is None and by_kind["delete"].left is not None
    assert by_kind["insert"].left is None and by_kind["insert"].right is not None
    assert [row.anchor for row in rows] == [f"p{n}" for n in range(1, len(rows) + 1)]


def test_change_pieces_keep_spaces_outside_marks() -> None:
    op = title_row(
        diff_versions(
            "In Russia, John Kerry Pushes Forward on Syrian Peace Process",
            [],
            "In Russia, John Kerry Pushes Forward on Syria Talks",
            [],
        ).title
    )
    assert op.left is not None and op.right is not None
    assert all(not piece.text.startswith(" ") for piece in op.inline if piece.op != "equal")
    left = "".join(p.space + p.text for p in op.left)
    right = "".join(p.space + p.text for p in op.right)
    assert left == "In Russia, John Kerry Pushes Forward on Syrian Peace Process"
    assert right == "In Russia, John Kerry Pushes Forward on Syria Talks"
    inserted = [piece for piece in op.inline if piece.op == "insert"]
    assert inserted and inserted[0].space == " "  # "~~Syrian~~ Syria", not "~~Syrian~~Syria"


def test_pieces_by_side() -> None:
    from newsdiffs.core.wordiff import Span

    spans = (Span("equal", "a"), Span("delete", " b"), Span("insert", " c"))
    assert pieces(spans, "a") == (Piece("equal", "", "a"), Piece("delete", " ", "b"))
    assert pieces(spans, "b") == (Piece("equal", "", "a"), Piece("insert", " ", "c"))
    assert len(pieces(spans, "both")) == 3
