"""A change at a glance: what a list entry shows of it in a line or two, without a click.

Made from the one change summary (:func:`newsdiffs.core.change_text.change_text`): the
headline before and after, the byline likewise, and the most significant changed passage
(``change_text`` ranks them) clipped to :data:`GLANCE_WORDS` words, so that one long added
paragraph does not fill the list. ``more`` counts the other changed passages. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdiffs.core.change_text import ELLIPSIS, ChangeText
from newsdiffs.core.wordiff import Span

__all__ = ["GLANCE_WORDS", "Glance", "clip_spans", "glance_of"]

# About two lines of a 42rem list column at 1280 px (seven words a line at 390 px: six).
GLANCE_WORDS = 30
_WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Glance:
    """One change in a line or two (see the module docstring)."""

    headline: tuple[str, str] | None  # (before, after)
    byline: tuple[str | None, str | None] | None
    passage: tuple[Span, ...]  # the most significant changed passage, clipped; () if none
    more: int  # changed passages not shown

    @property
    def empty(self) -> bool:
        return self.headline is None and self.byline is None and not self.passage

    def passage_html(self) -> str:
        """The passage as one ``<p>``, deletions in ``<del>``, insertions in ``<ins>``,
        everything else escaped ("" when there is none)."""
        if not self.passage:
            return ""
        return ChangeText(headline=None, byline=None, passages=(self.passage,)).html()


def clip_spans(spans: Sequence[Span], max_words: int) -> tuple[Span, ...]:
    """The spans cut after ``max_words`` whitespace-separated words, "…" where cut."""
    clipped: list[Span] = []
    budget = max_words
    for span in spans:
        words = list(_WORD_RE.finditer(span.text))
        if len(words) <= budget:
            clipped.append(span)
            budget -= len(words)
            continue
        if budget > 0:
            clipped.append(Span(span.op, span.text[: words[budget - 1].end()] + ELLIPSIS))
        else:
            clipped.append(Span("equal", ELLIPSIS))
        break
    return tuple(clipped)


def glance_of(change: ChangeText, max_words: int = GLANCE_WORDS) -> Glance:
    """The glance of ``change``: its headline, byline and first (most significant) passage."""
    passage = clip_spans(change.passages[0], max_words) if change.passages else ()
    more = max(0, len(change.passages) - 1)
    return Glance(change.headline, change.byline, passage, more)
