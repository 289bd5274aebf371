"""What one change was, for lists: from the classification the tracker stored, or computed.

Pure functions. The tracker stores each version's classification and the words it inserted
and deleted; lists read them instead of diffing every row. Versions stored before word
counts were are counted from their classification (a word diff of the changed sentences
only); versions stored before classifications were (``classification`` is None) are diffed
and classified by the caller, through :func:`summarize`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsdiffs.core.change_text import VersionText, change_text
from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.diffing import ArticleDiff
from newsdiffs.core.glance import Glance, glance_of
from newsdiffs.core.humanize import later
from newsdiffs.core.word_counts import words_changed
from newsdiffs.models import Version

KIND_LABELS: dict[str, str] = {
    ChangeKind.HEADLINE.value: "headline changed",
    ChangeKind.LEDE.value: "first paragraph changed",
    ChangeKind.BYLINE.value: "byline changed",
    ChangeKind.CORRECTION_NOTICE.value: "correction notice added",
    ChangeKind.NUMBERS.value: "numbers changed",
    ChangeKind.QUOTES.value: "quotes changed",
    ChangeKind.APPENDED.value: "text appended",
    ChangeKind.TYPO.value: "typo fixed",
    ChangeKind.COSMETIC.value: "cosmetic only",
}


@dataclass(frozen=True)
class ChangeSummary:
    """How version ``number`` differs from version ``number - 1``."""

    number: int
    captured_at: datetime
    since_previous: timedelta
    headline_changed: bool
    words_inserted: int
    words_deleted: int
    kinds: tuple[str, ...]
    significance: float  # 0 to 1, see newsdiffs.core.classify
    substantive: bool
    # The change itself in a line or two, for lists (None until :func:`with_glance`).
    glance: Glance | None = None

    @property
    def later(self) -> str:
        return later(self.since_previous)

    @property
    def size(self) -> str:
        """ "+12 / −3 words": headline, byline and body (newsdiffs.core.word_counts)."""
        return f"+{self.words_inserted} / −{self.words_deleted} words"

    @property
    def label(self) -> str:
        """The change in a few words: its most telling kind, "Headline changed"."""
        if self.kinds:
            text = KIND_LABELS.get(self.kinds[0], self.kinds[0].replace("_", " "))
        elif self.substantive:
            text = "text edited"
        else:
            text = "no visible change"
        return text[:1].upper() + text[1:]

    @property
    def score(self) -> str:
        """The significance with two decimals, "0.44"."""
        return f"{self.significance:.2f}"


def with_glance(summary: ChangeSummary, a: Version, b: Version) -> ChangeSummary:
    """``summary`` (of the change from ``a`` to ``b``) with its glance: from ``b``'s stored
    sentence operations when consecutive (only the changed sentences are word-diffed), else
    from a diff of the two versions."""
    if summary.glance is not None:
        return summary
    consecutive = a.article_id == b.article_id and b.number == a.number + 1
    classification = b.classification if consecutive else None
    change = change_text(_text(a), _text(b), classification)
    return replace(summary, glance=glance_of(change))


def _text(version: Version) -> VersionText:
    return VersionText(version.title, version.byline, version.paragraphs)


def summarize(
    diff: ArticleDiff, classification: Classification, a: Version, b: Version
) -> ChangeSummary:
    """The summary of a change diffed and classified on the spot."""
    return _summary(a, b, classification, diff.title_changed)


def stored_summary(a: Version, b: Version) -> ChangeSummary | None:
    """The summary of ``b`` (version ``a.number + 1``) from what the tracker stored with it.

    None when ``b`` has no classification (stored before classifications were, or it could
    not be read back): the caller diffs and classifies, through :func:`summarize`.
    """
    if b.classification is None:
        return None
    return _summary(a, b, b.classification, a.title != b.title)


def _summary(
    a: Version, b: Version, classification: Classification, headline_changed: bool
) -> ChangeSummary:
    if b.number == a.number + 1 and b.words_added is not None and b.words_removed is not None:
        added, removed = b.words_added, b.words_removed
    else:  # not consecutive, or stored before word counts were (migration 0004)
        added, removed = words_changed(classification, a.title, b.title, a.byline, b.byline)
    return ChangeSummary(
        number=b.number,
        captured_at=b.captured_at,
        since_previous=b.captured_at - a.captured_at,
        headline_changed=headline_changed,
        words_inserted=added,
        words_deleted=removed,
        kinds=tuple(kind.value for kind in classification.kinds),
        significance=classification.significance,
        substantive=classification.substantive,
    )
