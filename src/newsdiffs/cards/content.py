"""What a diff card says: the outlet, both capture times, the headline and the changed
passages, taken from :func:`newsdiffs.core.change_text.change_text` (the one change summary
alerts, feeds and cards share). Pure: versions in, a :class:`CardContent` out.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsdiffs.core.change_text import ChangeText, VersionText, change_text
from newsdiffs.core.humanize import about, fmt_datetime, later
from newsdiffs.core.wordiff import Span, diff_words
from newsdiffs.models import Version

__all__ = ["CardContent", "card_content", "version_change_text", "version_text"]


def version_text(version: Version) -> VersionText:
    """What a reader sees of a stored version."""
    return VersionText(version.title, version.byline, version.paragraphs)


def version_change_text(a: Version, b: Version) -> ChangeText:
    """The change from ``a`` to ``b``: ``b``'s stored sentence operations when it is the next
    version (no diff needed), else diffed here."""
    consecutive = a.article_id == b.article_id and b.number == a.number + 1
    classification = b.classification if consecutive else None
    return change_text(version_text(a), version_text(b), classification)


@dataclass(frozen=True)
class CardContent:
    """Everything a card shows, as text and word-diff spans."""

    outlet: str
    before: str  # "Version 1 · 2015-12-15 09:00 UTC"
    after: str  # "Version 2 · 2015-12-15 16:00 UTC (about 7 hours later)"
    headline: tuple[Span, ...]  # the title's word diff: one equal span when unchanged
    passages: tuple[tuple[Span, ...], ...]  # the byline change first, then change_text's
    alt_text: str  # what changed, in words (the image description)

    @property
    def headline_changed(self) -> bool:
        return any(span.op != "equal" for span in self.headline)


def _time_label(a: Version, b: Version) -> str:
    delta = b.captured_at - a.captured_at
    return later(delta) if delta.total_seconds() >= 0 else f"{about(delta)} earlier"


def _byline_passage(byline: tuple[str | None, str | None]) -> tuple[Span, ...]:
    old, new = byline
    spans = [Span("equal", "Byline:")]
    if old:
        spans.append(Span("delete", f" {old}"))
    if new:
        spans.append(Span("insert", f" {new}"))
    return tuple(spans)


def card_content(outlet: str, a: Version, b: Version, change: ChangeText) -> CardContent:
    """The card of the change ``change`` from ``a`` to ``b``, published by ``outlet``."""
    headline = (
        diff_words(a.title, b.title) if change.headline is not None else (Span("equal", b.title),)
    )
    passages = change.passages
    if change.byline is not None:
        passages = (_byline_passage(change.byline), *passages)
    return CardContent(
        outlet=outlet,
        before=f"Version {a.number} · {fmt_datetime(a.captured_at)}",
        after=f"Version {b.number} · {fmt_datetime(b.captured_at)} ({_time_label(a, b)})",
        headline=headline,
        passages=passages,
        alt_text=change.alt_text(),
    )
