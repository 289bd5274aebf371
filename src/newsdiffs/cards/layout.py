"""Where everything on a diff card goes: pure layout, no drawing.

A :class:`CardContent` becomes positioned :class:`Run` s of text (and :class:`Rule` s) on a
1200×675 canvas, every one inside the margins. Text is wrapped by *measured* width (the
caller passes a :class:`Measure`: the drawing module's fonts); a word wider than a line is
broken between characters (CJK has no spaces); a section out of lines ends with "…" on its
last line. Nothing is ever placed past the margins, whatever the text.

Layout, top to bottom: the outlet (and "newsdiffs" on the right); both capture times; a
rule; the headline — before (deleted words struck) and after (inserted words underlined)
when it changed, once otherwise — at most :data:`HEADLINE_LINES` lines each; then the
changed passages, deletions and insertions inline, down to the bottom margin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from newsdiffs.cards.content import CardContent
from newsdiffs.cards.fonts import FontRole
from newsdiffs.core.wordiff import Span

__all__ = [
    "HEIGHT",
    "MARGIN",
    "WIDTH",
    "CardLayout",
    "FontRole",
    "Mark",
    "Measure",
    "Rule",
    "Run",
    "layout_card",
]

WIDTH, HEIGHT = 1200, 675  # the Open Graph / Twitter large-image size (1.91:1, 16:9-ish)
MARGIN = 48
HEADLINE_LINES = 2  # per side: a long headline is cut, the passages keep their room
LINE_SPACING = 1.2  # line height as a multiple of the font's ascent + descent
# Lines are filled to this much less than their width: runs are measured whole once placed
# (kerning across words) and may come out a pixel or two wider than the sum of their words.
FIT_SLACK = 4
ELLIPSIS = "…"
BRAND = "newsdiffs"
NO_TEXT_CHANGE = "No change in the text: only the headline or byline."
NOTHING_VISIBLE = "No visible change."

# plain: body text; muted: secondary text; delete/insert: the change (struck / underlined)
Mark = Literal["plain", "muted", "delete", "insert"]

_WORD_RE = re.compile(r"(\s*)(\S+)")


class Measure(Protocol):
    """Font metrics the layout needs (the drawing module implements it with Pillow)."""

    def width(self, text: str, role: FontRole) -> float:
        """Advance width of ``text`` in pixels."""
        ...

    def ascent_descent(self, role: FontRole) -> tuple[int, int]: ...
    def displayable(self, text: str) -> str:
        """``text`` as the font can draw it (:meth:`.fonts.Fonts.displayable`)."""
        ...


@dataclass(frozen=True)
class Run:
    """Text drawn in one font and mark; ``top`` is the line's top, ``height`` its ink
    height (ascent + descent)."""

    x: float
    top: float
    text: str
    role: FontRole
    mark: Mark
    width: float
    height: int


@dataclass(frozen=True)
class Rule:
    """A horizontal line."""

    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class CardLayout:
    runs: tuple[Run, ...]
    rules: tuple[Rule, ...]
    truncated: bool  # some text did not fit and was cut with "…"
    width: int = WIDTH
    height: int = HEIGHT


@dataclass(frozen=True)
class _Word:
    space: bool  # a space before it (dropped at the start of a line)
    text: str
    mark: Mark


class _Fitter:
    """Wraps words into lines of one font, measuring each word once."""

    def __init__(self, measure: Measure, role: FontRole) -> None:
        self.measure = measure
        self.role = role
        self._widths: dict[str, float] = {}
        self.space = self.width(" ")
        self.ellipsis = measure.displayable(ELLIPSIS)
        ascent, descent = measure.ascent_descent(role)
        self.ink = ascent + descent
        self.line_height = round(self.ink * LINE_SPACING)

    def width(self, text: str) -> float:
        found = self._widths.get(text)
        if found is None:
            found = self._widths[text] = self.measure.width(text, self.role)
        return found

    def line_width(self, line: Sequence[_Word]) -> float:
        total = 0.0
        for n, word in enumerate(line):
            total += self.width(word.text) + (self.space if word.space and n else 0.0)
        return total

    def fits(self, text: str, room: float) -> bool:
        """``text`` is at most ``room`` pixels wide. A text of more characters than pixels
        is not measured (no glyph that matters is under a pixel wide): a 100 KB "word"
        (CJK, a URL, junk) costs no more than a line's worth."""
        return len(text) <= room and self.width(text) <= room

    def _longest_prefix(self, text: str, room: float) -> int:
        """How many leading characters of ``text`` fit in ``room`` (at least one)."""
        low, high = 1, max(1, min(len(text), int(room)))
        while low < high:
            middle = (low + high + 1) // 2
            if self.width(text[:middle]) <= room:
                low = middle
            else:
                high = middle - 1
        return low

    def _pieces(self, word: _Word, room: float) -> Iterator[_Word]:
        """``word``, broken between characters into pieces of at most ``room`` pixels when
        it is wider (made as they are placed: only the pieces that fit are measured)."""
        text, space = word.text, word.space
        while text:
            cut = len(text) if self.fits(text, room) else self._longest_prefix(text, room)
            yield _Word(space, text[:cut], word.mark)
            text, space = text[cut:], False

    def wrap(self, words: Sequence[_Word], room: float, max_lines: int) -> list[list[_Word]]:
        """``words`` in lines of at most ``room`` pixels; at most ``max_lines + 1`` lines
        (one more than asked says that more text follows)."""
        room -= FIT_SLACK
        lines: list[list[_Word]] = []
        line: list[_Word] = []
        used = 0.0
        for whole in words:
            for word in self._pieces(whole, room):
                gap = self.space if word.space and line else 0.0
                size = self.width(word.text)
                if line and used + gap + size > room:
                    lines.append(line)
                    if len(lines) > max_lines:
                        return lines
                    line, used, gap = [], 0.0, 0.0
                line.append(word)
                used += gap + size
        if line:
            lines.append(line)
        return lines

    def with_ellipsis(self, line: list[_Word], room: float) -> list[_Word]:
        """``line`` shortened until "…" fits after it, then "…" added."""
        room -= FIT_SLACK
        line = list(line)
        ellipsis = self.width(self.ellipsis)
        while line and self.line_width(line) + ellipsis > room:
            last = line.pop()
            if not line and len(last.text) > 1:  # one long word: keep what fits of it
                keep = self._longest_prefix(last.text, max(1.0, room - ellipsis))
                line.append(_Word(last.space, last.text[: max(1, keep - 1)], last.mark))
                break
        mark: Mark = line[-1].mark if line else "plain"
        return [*line, _Word(False, self.ellipsis, mark)]

    def runs(self, line: Sequence[_Word], x: float, top: float) -> list[Run]:
        """One run per stretch of words with the same mark; the space before a changed
        stretch stays outside its mark (as on the diff page)."""
        runs: list[Run] = []
        text, mark, start = "", line[0].mark if line else "plain", x
        for n, word in enumerate(line):
            gap = " " if word.space and n else ""
            if word.mark == mark:
                text += gap + word.text
                continue
            runs.append(self._run(start, top, text, mark))
            start = runs[-1].x + runs[-1].width + (self.space if gap else 0.0)
            text, mark = word.text, word.mark
        if text:
            runs.append(self._run(start, top, text, mark))
        return runs

    def _run(self, x: float, top: float, text: str, mark: Mark) -> Run:
        return Run(x, top, text, self.role, mark, self.width(text), self.ink)


def _words(measure: Measure, pieces: Iterable[tuple[str, Mark]]) -> list[_Word]:
    """Words of marked text, as the font can draw them. Space ending one piece goes before
    the next piece's first word; an insertion right after a deletion without a space between
    them gets one when both touch letters ("~~Syrian~~ Syria", but "said~~.~~,")."""
    words: list[_Word] = []
    pending = False  # the previous piece ended with whitespace
    for text, mark in pieces:
        for space, word in _WORD_RE.findall(text):
            spaced = bool(space) or pending
            pending = False
            if not spaced and words and words[-1].mark == "delete" and mark == "insert":
                spaced = words[-1].text[-1:].isalnum() and word[:1].isalnum()
            words.append(_Word(spaced, measure.displayable(word), mark))
        pending = pending or (text[-1:].isspace() if text else False)
    return words


def _span_pieces(
    spans: Sequence[Span], side: Literal["a", "b", "both"], equal: Mark
) -> list[tuple[str, Mark]]:
    hidden = {"a": "insert", "b": "delete", "both": ""}[side]
    marks: dict[str, Mark] = {"equal": equal, "delete": "delete", "insert": "insert"}
    return [(span.text, marks[span.op]) for span in spans if span.op != hidden]


class _Column:
    """Places lines from the top down, and knows how much room is left."""

    def __init__(self, measure: Measure) -> None:
        self.measure = measure
        self.top = float(MARGIN)
        self.runs: list[Run] = []
        self.rules: list[Rule] = []
        self.truncated = False
        self.room = float(WIDTH - 2 * MARGIN)

    def lines_left(self, fitter: _Fitter) -> int:
        return max(0, int((HEIGHT - MARGIN - self.top - fitter.ink) // fitter.line_height) + 1)

    def block(
        self, fitter: _Fitter, words: Sequence[_Word], max_lines: int, more: bool = False
    ) -> None:
        """``words`` wrapped, at most ``max_lines`` lines (and as many as are left). ``more``:
        more text follows, so filling the last line left cuts it too ("…")."""
        left = self.lines_left(fitter)
        limit = min(max_lines, left)
        lines = fitter.wrap(words, self.room, limit)
        if len(lines) > limit or (more and len(lines) == left):
            self.truncated = True
            lines = lines[:limit]
            if lines:
                lines[-1] = fitter.with_ellipsis(lines[-1], self.room)
        for line in lines:
            self.runs.extend(fitter.runs(line, MARGIN, self.top))
            self.top += fitter.line_height

    def gap(self, pixels: float) -> None:
        self.top += pixels

    def rule(self) -> None:
        self.rules.append(Rule(MARGIN, WIDTH - MARGIN, self.top))


def _header(column: _Column, content: CardContent) -> None:
    outlet = _Fitter(column.measure, "outlet")
    meta = _Fitter(column.measure, "meta")
    brand = meta.width(BRAND)
    baseline = column.top + column.measure.ascent_descent("outlet")[0]
    brand_top = baseline - column.measure.ascent_descent("meta")[0]
    column.runs.append(
        Run(WIDTH - MARGIN - brand, brand_top, BRAND, "meta", "muted", brand, meta.ink)
    )
    room = column.room - brand - 2 * MARGIN
    lines = outlet.wrap(_words(column.measure, [(content.outlet, "plain")]), room, 1)
    if lines:
        line = lines[0] if len(lines) == 1 else outlet.with_ellipsis(lines[0], room)
        column.runs.extend(outlet.runs(line, MARGIN, column.top))
    column.gap(outlet.line_height)
    times = f"{content.before}  →  {content.after}"
    column.block(meta, _words(column.measure, [(times, "muted")]), 1)
    column.gap(12)
    column.rule()
    column.gap(20)


def _headline(column: _Column, content: CardContent) -> None:
    """Before (deletions struck) and after (insertions underlined), or once if unchanged."""
    fitter = _Fitter(column.measure, "headline")
    sides: tuple[tuple[Literal["a", "b"], Mark], ...] = (("b", "plain"),)
    if content.headline_changed:
        sides = (("a", "muted"), ("b", "plain"))
    for n, (side, equal) in enumerate(sides):
        if n:
            column.gap(6)
        words = _words(column.measure, _span_pieces(content.headline, side, equal))
        column.block(fitter, words, HEADLINE_LINES)


def _passages(column: _Column, content: CardContent) -> None:
    fitter = _Fitter(column.measure, "body")
    if not content.passages:
        note = NO_TEXT_CHANGE if content.headline_changed else NOTHING_VISIBLE
        column.block(fitter, _words(column.measure, [(note, "muted")]), 1)
        return
    for n, spans in enumerate(content.passages):
        left = column.lines_left(fitter)
        if left == 0:
            column.truncated = True
            break
        words = _words(column.measure, _span_pieces(spans, "both", "plain"))
        column.block(fitter, words, left, more=n < len(content.passages) - 1)
        column.gap(fitter.line_height * 0.4)


def layout_card(content: CardContent, measure: Measure) -> CardLayout:
    """Every run and rule of ``content``'s card, inside the margins."""
    column = _Column(measure)
    _header(column, content)
    _headline(column, content)
    column.gap(18)
    _passages(column, content)
    return CardLayout(tuple(column.runs), tuple(column.rules), column.truncated)
