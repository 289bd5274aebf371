"""What one change was, for lists: from the classification the tracker stored, or computed.

Pure functions. The tracker stores each version's classification (significance, kinds and
the sentence operations as JSON); lists read it instead of diffing every row. Versions
stored before classifications were (``classification`` is None) are diffed and classified
by the caller, through :func:`summarize`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.diffing import ArticleDiff
from newsdiffs.core.humanize import later
from newsdiffs.core.wordiff import count_words, diff_words
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

    @property
    def later(self) -> str:
        return later(self.since_previous)

    @property
    def size(self) -> str:
        """ "+12 / −3 words" """
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


def summarize(
    diff: ArticleDiff, classification: Classification, a: Version, b: Version
) -> ChangeSummary:
    """The summary of a change diffed and classified on the spot."""
    return ChangeSummary(
        number=b.number,
        captured_at=b.captured_at,
        since_previous=b.captured_at - a.captured_at,
        headline_changed=diff.title_changed,
        words_inserted=diff.words_inserted,
        words_deleted=diff.words_deleted,
        kinds=tuple(kind.value for kind in classification.kinds),
        significance=classification.significance,
        substantive=classification.substantive,
    )


def words_changed(operations: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """Words inserted and deleted by stored sentence operations (``SentenceOp`` JSON).

    Additions count the new sentence's words, deletions the old one's, edits (and moves
    that were edited) the words their word diff inserts and deletes.
    """
    inserted = deleted = 0
    for op in operations:
        a_text, b_text = str(op.get("a_text") or ""), str(op.get("b_text") or "")
        kind = op.get("op")
        if kind == "addition":
            inserted += count_words(b_text)
        elif kind == "deletion":
            deleted += count_words(a_text)
        elif a_text != b_text:
            for span in diff_words(a_text, b_text):
                if span.op == "insert":
                    inserted += count_words(span.text)
                elif span.op == "delete":
                    deleted += count_words(span.text)
    return inserted, deleted


def stored_summary(a: Version, b: Version) -> ChangeSummary | None:
    """The summary of ``b`` (version ``a.number + 1``) from its stored classification.

    None when ``b`` has none (stored before classifications) or it cannot be read.
    """
    if b.classification is None:
        return None
    try:
        stored = json.loads(b.classification)
        operations = stored.get("operations") or []
        inserted, deleted = words_changed(operations)
        significance = b.significance if b.significance is not None else stored["significance"]
        substantive = bool(stored.get("substantive", True))
        kinds = b.change_kinds or tuple(str(kind) for kind in stored.get("kinds") or ())
        score = float(significance)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return ChangeSummary(
        number=b.number,
        captured_at=b.captured_at,
        since_previous=b.captured_at - a.captured_at,
        headline_changed=a.title != b.title,
        words_inserted=inserted,
        words_deleted=deleted,
        kinds=kinds,
        significance=score,
        substantive=substantive,
    )
