"""Is a change only cosmetic? Whitespace, punctuation, case, or a typo of one or two letters.

:func:`cosmetic_kind` compares two texts on their *folded* words (case-folded ``\\w+`` runs,
so punctuation and whitespace vanish). Equal folded words: a ``"format"`` change. Otherwise the
folded words are diffed; the change is a ``"typo"`` when every difference is a same-length
run of word replacements, or a split/merge of words ("every one" -> "everyone"), costing two
character edits or fewer in total (optimal string alignment distance: insertion, deletion,
substitution, transposition), and no changed word contains a digit (a changed figure is
never a typo).
"""

from __future__ import annotations

import re
from typing import Literal

from newsdiffs.core.seqdiff import diff_sequences

CosmeticKind = Literal["format", "typo"]

# Most character edits that still count as a typo fix, over a whole sentence or headline.
MAX_TYPO_EDITS = 2
# Longest word whose fix can be a typo. The distance is a Python DP over both words (O(n·m)):
# a "word" of 1 MB without a break, changed in two places, would take hours; no word in a
# language is this long, so such a change is simply not a typo.
MAX_TYPO_WORD = 100

_FOLD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")


def folded_words(text: str) -> list[str]:
    """Case-folded words of ``text`` without punctuation or whitespace."""
    return _FOLD_RE.findall(text.casefold())


def edit_distance(a: str, b: str, limit: int = MAX_TYPO_EDITS) -> int:
    """Optimal string alignment distance, or ``limit + 1`` as soon as it exceeds ``limit``.

    Words longer than :data:`MAX_TYPO_WORD` characters count as over the limit unless equal.
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit or min(len(a), len(b)) > MAX_TYPO_WORD:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[-1], limit + 1)


def _typo_cost(old: list[str], new: list[str]) -> int:
    """Character edits needed to turn folded words ``old`` into ``new`` (capped)."""
    over = MAX_TYPO_EDITS + 1
    total = 0
    for tag, i1, i2, j1, j2 in diff_sequences(old, new):
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        if any(_DIGIT_RE.search(word) for word in (*removed, *added)):
            return over
        if len(removed) == len(added):
            for a, b in zip(removed, added, strict=True):
                total += edit_distance(a, b)
                if total > MAX_TYPO_EDITS:
                    return over
        elif removed and added and "".join(removed) == "".join(added):
            total += abs(len(removed) - len(added))  # words split or merged
        else:
            return over
        if total > MAX_TYPO_EDITS:
            return over
    return total


def cosmetic_kind(old: str, new: str) -> CosmeticKind | None:
    """``"format"``, ``"typo"`` or None (a real change) for two versions of one text."""
    old_words, new_words = folded_words(old), folded_words(new)
    if old_words == new_words:
        return "format"
    if _typo_cost(old_words, new_words) <= MAX_TYPO_EDITS:
        return "typo"
    return None
