"""How many words a change inserted and deleted: the "+12 / −3 words" shown next to it.

Counted once, when a version is stored (``Version.words_added``/``words_removed``), from the
classification the tracker has just made, so lists never diff again to show it:

- body: an added sentence counts all its words as inserted, a deleted one all its words as
  deleted; an edited or moved sentence counts the words its word diff inserts and deletes
  (a sentence moved unchanged counts nothing);
- headline and byline: the words their word diff inserts and deletes (so a headline-only
  change no longer reads "+0 / −0 words").

Words are word tokens (:func:`newsdiffs.core.wordiff.count_words`): punctuation does not
count.
"""

from __future__ import annotations

from newsdiffs.core.classify import Classification
from newsdiffs.core.sentence_ops import SentenceOpKind
from newsdiffs.core.wordiff import count_words, diff_words


def text_words_changed(old: str, new: str) -> tuple[int, int]:
    """Words inserted and deleted by the word diff from ``old`` to ``new``."""
    if old == new:
        return 0, 0
    inserted = deleted = 0
    for span in diff_words(old, new):
        if span.op == "insert":
            inserted += count_words(span.text)
        elif span.op == "delete":
            deleted += count_words(span.text)
    return inserted, deleted


def words_changed(
    classification: Classification,
    old_title: str,
    new_title: str,
    old_byline: str | None = None,
    new_byline: str | None = None,
) -> tuple[int, int]:
    """(words added, words removed) by a change: body, headline and byline together."""
    added, removed = text_words_changed(old_title, new_title)
    byline_added, byline_removed = text_words_changed(old_byline or "", new_byline or "")
    added += byline_added
    removed += byline_removed
    for op in classification.operations:
        if op.kind == SentenceOpKind.ADDITION:
            added += count_words(op.b_text)
        elif op.kind == SentenceOpKind.DELETION:
            removed += count_words(op.a_text)
        else:
            op_added, op_removed = text_words_changed(op.a_text, op.b_text)
            added += op_added
            removed += op_removed
    return added, removed
