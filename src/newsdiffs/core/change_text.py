"""THE summary of one change, in words: what alerts, feeds and diff cards' alt text say.

:func:`change_text` takes two versions (title, byline, paragraphs) and, when known, the
change's :class:`~newsdiffs.core.classify.Classification` (its sentence operations are
reused; without it they are computed) and returns a :class:`ChangeText`:

- ``headline``: ``(old, new)`` when the title changed at all (a typo fix too: the reader
  sees it), else None; ``byline`` likewise;
- ``passages``: the changed sentences as word-diff spans (:mod:`newsdiffs.core.wordiff`),
  most significant first: a correction/update notice, then edits and deletions of text
  readers had already seen (a stealth edit's substance), then additions, then sentences moved
  with changed words, then cosmetic fixes; within a tier, more changed words first, then
  reading order. Unchanged words around a change are kept as context, at most
  :data:`CONTEXT_WORDS` a side ("…" marks what was cut). At most :data:`MAX_PASSAGES`.

Renderings: :meth:`ChangeText.lines` (``[-old-]{+new+}`` marks, as ``wdiff``),
:meth:`ChangeText.html` (``<del>``/``<ins>``, escaped), :meth:`ChangeText.plain_summary`
(the lines cut at a word boundary with an ellipsis, marks kept balanced) and
:meth:`ChangeText.alt_text` (words only, no marks: for a card's image description).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdiffs.core.classify import Classification, is_notice
from newsdiffs.core.diffing import diff_versions
from newsdiffs.core.render_text import render_spans
from newsdiffs.core.sentence_ops import SentenceOp, SentenceOpKind, sentence_operations
from newsdiffs.core.wordiff import Span, count_words, diff_words, split_outer_space

__all__ = [
    "CONTEXT_WORDS",
    "MAX_PASSAGES",
    "ChangeText",
    "VersionText",
    "change_text",
    "cut_text",
]

CONTEXT_WORDS = 6
_CUT_AT_LEAST = 3  # context is trimmed only when that drops more than this many words
MAX_PASSAGES = 12
ELLIPSIS = "…"
# An edited sentence longer than this (both sides, in characters) is summarised from the
# part that changed, with this much text on each side (see _long_edit_spans).
LONG_SENTENCE = 8_000
LONG_SENTENCE_SIDE = 400
_MARKS_ROOM = 4  # a cut inside "[-…" and "{+…" needs "-]+}" after the ellipsis
# Whitespace-separated words, each with the whitespace before it. The look-behind starts a
# match only where a whitespace run starts: without it, a run of spaces not followed by a
# word was re-read from each of its positions (quadratic).
_WORD_RUN_RE = re.compile(r"(?<!\s)\s*+\S++")


@dataclass(frozen=True)
class VersionText:
    """What a reader sees of one version."""

    title: str
    byline: str | None
    paragraphs: tuple[str, ...]


def _quoted(text: str | None) -> str:
    return "(none)" if not text else f"'{text}'"


def _html_quoted(text: str | None, tag: str) -> str:
    return "<em>(none)</em>" if not text else f"<{tag}>{html.escape(text)}</{tag}>"


def _cut_marks_open(text: str) -> str:
    """The closing marks ``text`` needs: a cut inside ``[-…`` or ``{+…`` gets them back."""
    closing = ""
    for opening, close in (("[-", "-]"), ("{+", "+}")):
        if text.rfind(opening) > text.rfind(close):
            closing += close
    return closing


def cut_text(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else cut at a word boundary with "…"
    (and any ``[-``/``{+`` mark left open closed again), at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS) - _MARKS_ROOM
    if room <= 0:
        return ELLIPSIS[: max(0, limit)]
    cut = text[: room + 1]
    boundary = max(cut.rfind(" "), cut.rfind("\n"))
    cut = cut[:boundary] if boundary > room // 2 else cut[:room]
    cut = cut.rstrip()
    return cut + ELLIPSIS + _cut_marks_open(cut)


def _with_context(spans: Sequence[Span], context: int) -> tuple[Span, ...]:
    """Equal spans trimmed to ``context`` words next to each change ("…" where cut)."""
    trimmed: list[Span] = []
    last = len(spans) - 1
    for n, span in enumerate(spans):
        if span.op != "equal":
            trimmed.append(span)
            continue
        words = list(_WORD_RUN_RE.finditer(span.text))
        keep_before = context if n > 0 else 0  # words after the change before this span
        keep_after = context if n < last else 0  # words before the change after this span
        if len(words) <= keep_before + keep_after + _CUT_AT_LEAST:
            trimmed.append(span)
            continue
        head = span.text[: words[keep_before - 1].end()] + " " if keep_before else ""
        tail = span.text[words[len(words) - keep_after].start() :] if keep_after else ""
        trimmed.append(Span("equal", f"{head}{ELLIPSIS}{tail}"))
    return tuple(trimmed)


def _op_spans(op: SentenceOp) -> tuple[Span, ...]:
    if op.kind == SentenceOpKind.ADDITION:
        return (Span("insert", op.b_text),)
    if op.kind == SentenceOpKind.DELETION:
        return (Span("delete", op.a_text),)
    if len(op.a_text) + len(op.b_text) > LONG_SENTENCE:
        return _long_edit_spans(op.a_text, op.b_text)
    return diff_words(op.a_text, op.b_text)


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix: a binary search comparing slices (C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _long_edit_spans(a: str, b: str) -> tuple[Span, ...]:
    """A summary's spans of an edit inside a very long "sentence" (a paragraph with no
    sentence break): only the part between the common prefix and suffix is word-diffed,
    with some text on each side, so that a summary costs little whatever the paragraph's
    length (a 240,000-character one took 0.6 s of a diff page's CPU)."""
    start = _common_prefix(a, b)
    end = _common_prefix(a[start:][::-1], b[start:][::-1])
    before = max(0, start - LONG_SENTENCE_SIDE)
    a_mid, b_mid = a[before : len(a) - end], b[before : len(b) - end]
    after = a[len(a) - end :][:LONG_SENTENCE_SIDE]
    if len(a_mid) + len(b_mid) > LONG_SENTENCE:  # the change itself is huge: show its ends
        a_mid, b_mid = a_mid[:LONG_SENTENCE_SIDE], b_mid[:LONG_SENTENCE_SIDE]
        spans: tuple[Span, ...] = (
            Span("delete", a_mid + ELLIPSIS),
            Span("insert", b_mid + ELLIPSIS),
        )
    else:
        spans = diff_words(a_mid, b_mid)
    head = (Span("equal", ELLIPSIS),) if before else ()
    tail = (Span("equal", after + ELLIPSIS),) if after else ()
    return head + tuple(spans) + tail


def _tier(op: SentenceOp) -> int:
    """Lower is more significant (see the module docstring)."""
    if op.kind != SentenceOpKind.DELETION and is_notice(op.b_text) and not is_notice(op.a_text):
        return 0
    if op.cosmetic:
        return 4
    if op.kind in (SentenceOpKind.EDIT, SentenceOpKind.DELETION):
        return 1
    if op.kind == SentenceOpKind.ADDITION:
        return 2
    return 3


def _changed_words(spans: Sequence[Span]) -> int:
    return sum(count_words(span.text) for span in spans if span.op != "equal")


def _passages(ops: Sequence[SentenceOp]) -> tuple[tuple[Span, ...], ...]:
    ranked: list[tuple[int, int, int, tuple[Span, ...]]] = []
    for order, op in enumerate(ops):
        spans = _op_spans(op)
        changed = _changed_words(spans)
        if not changed and not any(s.op != "equal" and s.text.strip() for s in spans):
            continue  # a move with the very same words: nothing to show
        ranked.append((_tier(op), -changed, order, spans))
    ranked.sort(key=lambda item: item[:3])
    return tuple(_with_context(spans, CONTEXT_WORDS) for *_, spans in ranked[:MAX_PASSAGES])


def _spans_html(spans: Sequence[Span]) -> str:
    parts: list[str] = []
    for span in spans:
        if span.op == "equal":
            parts.append(html.escape(span.text))
            continue
        lead, core, trail = split_outer_space(span.text)
        if not core:
            parts.append(span.text if span.op == "insert" else "")
            continue
        tag = "ins" if span.op == "insert" else "del"
        parts.append(f"{lead}<{tag}>{html.escape(core)}</{tag}>{trail}")
    return "".join(parts)


def _change_words(removed: str, added: str) -> str:
    if removed and added:
        return f"'{removed}' became '{added}'"
    return f"added '{added}'" if added else f"removed '{removed}'"


def _spans_words(spans: Sequence[Span]) -> str:
    """A passage in words, one clause per run of changed words (alt text has no marks):
    "'met' became 'was due to meet'; removed 'was to see'"."""
    clauses: list[str] = []
    removed: list[str] = []
    added: list[str] = []
    for span in (*spans, Span("equal", "")):
        text = span.text.strip()
        if span.op == "delete" and text:
            removed.append(text)
        elif span.op == "insert" and text:
            added.append(text)
        elif span.op == "equal" and (removed or added):
            clauses.append(_change_words(" ".join(removed), " ".join(added)))
            removed, added = [], []
    sentence = "; ".join(clauses)
    return sentence[:1].upper() + sentence[1:]


@dataclass(frozen=True)
class ChangeText:
    """One change, summarised (see the module docstring)."""

    headline: tuple[str, str] | None
    byline: tuple[str | None, str | None] | None
    passages: tuple[tuple[Span, ...], ...]

    @property
    def empty(self) -> bool:
        return self.headline is None and self.byline is None and not self.passages

    def lines(self) -> list[str]:
        """ "Headline changed: 'old' → 'new'", the byline likewise, then each passage."""
        lines: list[str] = []
        if self.headline is not None:
            old, new = self.headline
            lines.append(f"Headline changed: {_quoted(old)} → {_quoted(new)}")
        if self.byline is not None:
            old_by, new_by = self.byline
            lines.append(f"Byline changed: {_quoted(old_by)} → {_quoted(new_by)}")
        lines.extend(render_spans(spans, color=False) for spans in self.passages)
        return lines

    def html(self) -> str:
        """The same as :meth:`lines`, one ``<p>`` each, ``<del>``/``<ins>`` marks, escaped."""
        parts: list[str] = []
        if self.headline is not None:
            old, new = self.headline
            parts.append(
                f"<p><strong>Headline changed:</strong> {_html_quoted(old, 'del')} → "
                f"{_html_quoted(new, 'ins')}</p>"
            )
        if self.byline is not None:
            old_by, new_by = self.byline
            parts.append(
                f"<p><strong>Byline changed:</strong> {_html_quoted(old_by, 'del')} → "
                f"{_html_quoted(new_by, 'ins')}</p>"
            )
        parts.extend(f"<p>{_spans_html(spans)}</p>" for spans in self.passages)
        return "\n".join(parts)

    def plain_summary(self, limit: int) -> str:
        """:meth:`lines` joined by newlines, cut to at most ``limit`` characters."""
        return cut_text("\n".join(self.lines()), limit)

    def alt_text(self, limit: int = 1000) -> str:
        """The change in words, without marks (an image description), at most ``limit``."""
        sentences: list[str] = []
        if self.headline is not None:
            old, new = self.headline
            sentences.append(f"Headline changed from {_quoted(old)} to {_quoted(new)}.")
        if self.byline is not None:
            old_by, new_by = self.byline
            sentences.append(f"Byline changed from {_quoted(old_by)} to {_quoted(new_by)}.")
        sentences.extend(_spans_words(spans) for spans in self.passages)
        sentences = [s if s.endswith((".", ".'")) else s + "." for s in sentences]
        return cut_text(" ".join(sentences) or "No visible change.", limit)


def change_text(
    a: VersionText, b: VersionText, classification: Classification | None = None
) -> ChangeText:
    """The change from ``a`` to ``b`` (see the module docstring)."""
    ops = classification.operations if classification is not None else None
    if ops is None:
        diff = diff_versions(a.title, a.paragraphs, b.title, b.paragraphs, a.byline, b.byline)
        ops = sentence_operations(diff)
    headline = (a.title, b.title) if a.title.strip() != b.title.strip() else None
    byline = (a.byline, b.byline) if (a.byline or "").strip() != (b.byline or "").strip() else None
    return ChangeText(headline=headline, byline=byline, passages=_passages(ops))
