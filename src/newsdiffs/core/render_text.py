"""Plain-text and ANSI rendering of an :class:`~newsdiffs.core.diffing.ArticleDiff`.

Used by ``newsdiffs diff URL [A B]``. Each paragraph gets a one-character gutter::

      unchanged paragraph
    - deleted paragraph
    + inserted paragraph
    ~ changed paragraph with [-deleted-]{+inserted+} words
    > moved paragraph (was 3, now 1)

With ``color=True`` deletions are red and struck through, insertions green and underlined,
unchanged paragraphs dim; without colour the ``[-…-]`` / ``{+…+}`` marks of ``wdiff`` are
used. ``context`` keeps only that many unchanged paragraphs around each change.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsdiffs.core.diffing import ArticleDiff, ParagraphOp
from newsdiffs.core.wordiff import Span, split_outer_space

_RESET = "\x1b[0m"
_STYLES = {
    "delete": "\x1b[31;9m",  # red, struck through
    "insert": "\x1b[32;4m",  # green, underlined
    "dim": "\x1b[2m",
    "bold": "\x1b[1m",
}
_PLAIN_MARKS = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
_GUTTER = {"equal": " ", "delete": "-", "insert": "+", "change": "~", "move": ">"}


def _mark(text: str, op: str, color: bool) -> str:
    if color:
        return f"{_STYLES[op]}{text}{_RESET}"
    opening, closing = _PLAIN_MARKS[op]
    return f"{opening}{text}{closing}"


def render_spans(spans: Sequence[Span], color: bool = True) -> str:
    """Inline word marks; spaces at the edges of a change stay outside its mark."""
    parts: list[str] = []
    for span in spans:
        if span.op == "equal":
            parts.append(span.text)
            continue
        lead, core, trail = split_outer_space(span.text)
        if not core:  # a change of whitespace only: show nothing for a deletion
            parts.append(span.text if span.op == "insert" else "")
            continue
        parts.append(lead + _mark(core, span.op, color) + trail)
    return "".join(parts)


def _paragraph(op: ParagraphOp, color: bool) -> str:
    gutter = _GUTTER[op.kind]
    if op.kind == "equal":
        body = op.b_text
        if color:
            body = f"{_STYLES['dim']}{body}{_RESET}"
    elif op.kind in ("insert", "delete"):
        text = op.b_text if op.kind == "insert" else op.a_text
        body = f"{_STYLES[op.kind]}{text}{_RESET}" if color else text
    else:
        body = render_spans(op.spans, color)
        if op.kind == "move" and op.a_index is not None and op.b_index is not None:
            body += f"  (moved: was paragraph {op.a_index + 1}, now {op.b_index + 1})"
    return f"{gutter} {body}"


def _visible(ops: Sequence[ParagraphOp], context: int | None) -> list[bool]:
    """Which paragraphs are within ``context`` of a change (one pass each way, not every
    paragraph against every change: that was quadratic on long articles)."""
    if context is None:
        return [True] * len(ops)
    visible = [False] * len(ops)
    for order in (range(len(ops)), range(len(ops) - 1, -1, -1)):
        since = context + 1  # paragraphs since the last change met in this direction
        for n in order:
            since = 0 if ops[n].kind != "equal" else since + 1
            visible[n] = visible[n] or since <= context
    return visible


def _header(label: str, op: ParagraphOp, color: bool) -> str:
    name = f"{_STYLES['bold']}{label}:{_RESET}" if color else f"{label}:"
    if op.kind == "equal":
        return f"{name} {op.b_text}"
    if op.kind in ("insert", "delete"):
        text = op.b_text if op.kind == "insert" else op.a_text
        return f"{name} {_mark(text, op.kind, color)}"
    return f"{name} {render_spans(op.spans, color)}"


def render_ansi(diff: ArticleDiff, color: bool = True, context: int | None = None) -> str:
    """The diff as terminal text (ANSI colours when ``color``), one line per paragraph."""
    lines = [_header("Title", diff.title, color)]
    if diff.byline is not None:
        lines.append(_header("Byline", diff.byline, color))
    lines.append("")
    visible = _visible(diff.paragraphs, context)
    hidden = 0
    for op, show in zip(diff.paragraphs, visible, strict=True):
        if not show:
            hidden += 1
            continue
        if hidden:
            lines.append(f"  … {hidden} unchanged paragraph{'s' if hidden > 1 else ''} …")
            hidden = 0
        lines.append(_paragraph(op, color))
    if hidden:
        lines.append(f"  … {hidden} unchanged paragraph{'s' if hidden > 1 else ''} …")
    if not diff.changed:
        lines.append("(no changes)")
    return "\n".join(lines) + "\n"
