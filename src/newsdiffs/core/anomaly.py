"""Redesign safety: notice when an extraction looks broken rather than edited.

A site redesign or a template hiccup typically shows up as an empty body, a body far
shorter than every earlier version of the article, or a site adapter whose layout markers
no longer match. Storing such a result would record a bogus "edit" (and another one when
the page recovers), so the tracker records an ``extraction_anomaly`` event instead.

Pure: no I/O. The caller supplies word counts of earlier versions (see :func:`word_count`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsdiffs.models import ExtractedPage

EMPTY_BODY = "empty_body"
BODY_COLLAPSED = "body_collapsed"
LAYOUT_CHANGED = "layout_changed"


@dataclass(frozen=True)
class Anomaly:
    """Why an extraction should not be stored as a new version."""

    kind: str  # EMPTY_BODY, BODY_COLLAPSED or LAYOUT_CHANGED
    detail: str  # one line for the event log


@dataclass(frozen=True)
class AnomalyThresholds:
    """When a shorter body counts as collapsed rather than cut by an editor."""

    min_history: int = 2  # earlier versions needed before judging length
    min_median_words: int = 80  # short pieces vary too much to judge
    collapse_ratio: float = 0.4  # flagged below this fraction of the median


DEFAULT_THRESHOLDS = AnomalyThresholds()


def word_count(paragraphs: Iterable[str]) -> int:
    """Words in a body, counted the way ``history_lengths`` must be counted."""
    return sum(len(paragraph.split()) for paragraph in paragraphs)


def detect_extraction_anomaly(
    page: ExtractedPage,
    history_lengths: Sequence[int],
    adapter_markers_matched: bool | None,
    *,
    thresholds: AnomalyThresholds = DEFAULT_THRESHOLDS,
) -> Anomaly | None:
    """The anomaly in ``page``, or None when it looks like a normal version.

    ``history_lengths`` are the word counts of the article's earlier versions, oldest
    first. ``adapter_markers_matched`` is None when no site adapter is involved; False
    means the outlet's adapter produced the earlier versions but its layout markers are
    missing from this page (a redesign); True means they matched.
    """
    words = word_count(page.paragraphs)
    if words == 0:
        return Anomaly(EMPTY_BODY, f"no body text (title {page.title.strip()[:80]!r})")
    if adapter_markers_matched is False and history_lengths:
        return Anomaly(
            LAYOUT_CHANGED,
            f"site adapter layout markers missing; {words} words extracted by {page.extractor}",
        )
    if len(history_lengths) >= thresholds.min_history:
        median = statistics.median(history_lengths)
        if median >= thresholds.min_median_words and words < thresholds.collapse_ratio * median:
            return Anomaly(
                BODY_COLLAPSED,
                f"{words} words against a median of {median:g} over "
                f"{len(history_lengths)} earlier versions",
            )
    return None
