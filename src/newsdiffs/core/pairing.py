"""Which texts of two versions are one text edited, or one text moved: word-bag similarity.

Paragraphs (:mod:`newsdiffs.core.diffing`) and sentences
(:mod:`newsdiffs.core.sentence_ops`) are compared as :class:`WordBag`: case-folded multisets
of their words. Two searches use them:

- :func:`pair_in_order`: inside one gap of an alignment, the best order-preserving pairs
  above a threshold (dynamic programming over every cell of the gap, so it is bounded by a
  :class:`CellBudget` shared by the whole diff);
- :func:`near_duplicates`: across a whole diff, every pair with a Dice coefficient above a
  high threshold (a moved text), found by *prefix filtering* (Chaudhuri et al. 2006): with
  words ranked rarest first, two bags with Dice >= t share a word among the first
  ``|A| - ceil(t·|A|/(2-t)) + 1`` of each, so only pairs that share one of those rare
  words are compared. It is exact, and on prose it compares a few pairs per text instead of
  all of them.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from rapidfuzz.distance import LCSseq

__all__ = [
    "CellBudget",
    "WordBag",
    "affinity",
    "best_first_matches",
    "dice",
    "near_duplicates",
    "pair_in_order",
    "shared_words",
]

# One gap is paired by DP only up to this many cells (old texts x new texts): ~0.3 s of CPU
# for 200 x 200 paragraphs before bags were compared by set intersection; now ~40 ms.
MAX_GAP_CELLS = 40_000
# All the gaps of one diff together: ~1 µs per cell on this host (bags of 20 to 80 words,
# DP included), so a rewrite in many large gaps stays well under a second of CPU.
MAX_DIFF_CELLS = 250_000
# Candidate pairs met by near_duplicates (pairs sharing a rare word): prose meets a few per
# text; only texts made of the same few words (". . .", "a a a") reach the cap, which keeps
# them under ~0.2 s.
MAX_NEAR_CHECKS = 100_000


@dataclass(frozen=True)
class WordBag:
    """Case-folded word counts of one text (``size``: number of words)."""

    counts: Counter[str]
    size: int

    @classmethod
    def of(cls, words: Sequence[str]) -> WordBag:
        return cls(Counter(map(str.casefold, words)), len(words))


@dataclass
class CellBudget:
    """How many similarity cells a diff may still compute (shared by all its gaps)."""

    cells: int = MAX_DIFF_CELLS
    exhausted: bool = field(default=False)

    def spend(self, cells: int) -> bool:
        """Take ``cells`` if they are left (True), or record that the budget ran out."""
        if cells > self.cells:
            self.exhausted = True
            return False
        self.cells -= cells
        return True


def shared_words(a: WordBag, b: WordBag) -> int:
    """Size of the multiset intersection of two bags."""
    counts_a, counts_b = a.counts, b.counts
    common = counts_a.keys() & counts_b.keys()
    return sum(map(min, map(counts_a.__getitem__, common), map(counts_b.__getitem__, common)))


def dice(a: WordBag, b: WordBag) -> float:
    """Dice coefficient: 1.0 for the same words, 0.0 for none shared (and 1.0 for two empties)."""
    if not a.size and not b.size:
        return 1.0
    return 2.0 * shared_words(a, b) / (a.size + b.size)


def _affinity(shared: int, size_a: int, size_b: int) -> float:
    if not size_a or not size_b:
        return 1.0 if size_a == size_b else 0.0
    dice_value = 2.0 * shared / (size_a + size_b)
    return max(dice_value, shared / (2 * min(size_a, size_b)))


def affinity(a: WordBag, b: WordBag) -> float:
    """How likely ``b`` is an edit of ``a``: the Dice coefficient, or half the overlap
    coefficient (shared words / the shorter text's words) when that is higher, so a short
    text that grew by a sentence still pairs with its longer self."""
    return _affinity(shared_words(a, b), a.size, b.size)


def pair_in_order(
    a: Sequence[WordBag], b: Sequence[WordBag], threshold: float, budget: CellBudget
) -> list[tuple[int, int]]:
    """Best order-preserving pairs ``(i, j)`` with ``affinity(a[i], b[j]) >= threshold``,
    maximising the total affinity (dynamic programming, O(len(a) * len(b)) cells).

    A gap of more than :data:`MAX_GAP_CELLS` cells, or beyond what is left of ``budget``,
    is not paired (its texts stay deletions and insertions, or moves).
    """
    rows, cols = len(a), len(b)
    if rows == 0 or cols == 0 or rows * cols > MAX_GAP_CELLS or not budget.spend(rows * cols):
        return []
    # score[i][j]: best total affinity pairing a[i:] with b[j:]
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    take = [[False] * cols for _ in range(rows)]
    for i in range(rows - 1, -1, -1):
        bag_a, below, here, taken = a[i], score[i + 1], score[i], take[i]
        for j in range(cols - 1, -1, -1):
            best = max(below[j], here[j + 1])
            bag_b = b[j]
            value = _affinity(shared_words(bag_a, bag_b), bag_a.size, bag_b.size)
            if value >= threshold and value + below[j + 1] > best:
                best = value + below[j + 1]
                taken[j] = True
            here[j] = best
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < rows and j < cols:
        if take[i][j]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif score[i + 1][j] >= score[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


class _Ranked:
    """Bags seen through one ranking of their words, rarest first."""

    def __init__(self, bags: Sequence[WordBag]) -> None:
        frequency = Counter(chain.from_iterable(bag.counts for bag in bags))
        # most_common: by descending frequency, ties in first-seen order (deterministic)
        self._rank = {word: n for n, (word, _) in enumerate(reversed(frequency.most_common()))}
        self._bags = bags
        self._codes: dict[int, str] = {}

    def prefix(self, n: int, threshold: float) -> list[int]:
        """The rarest distinct words of bag ``n`` (as ranks), as many as prefix filtering
        needs. Taken over distinct words but sized on the word count: the rarest shared word
        has at most ``|A| - shared`` word occurrences before it, so it is still among the
        first ``|A| - ceil(t·|A|/(2-t)) + 1`` distinct words of both bags."""
        bag = self._bags[n]
        least_shared = math.ceil(threshold * bag.size / (2 - threshold) - 1e-9)
        return sorted(map(self._rank.__getitem__, bag.counts))[: bag.size - least_shared + 1]

    def shared(self, n: int, m: int) -> int:
        """Multiset intersection of bags ``n`` and ``m``: the longest common subsequence of
        their sorted codes (every word occurrence as the character chr(rank)), which
        rapidfuzz computes in C++, 5 times faster than intersecting Counters."""
        if len(self._rank) > sys.maxunicode:
            return shared_words(self._bags[n], self._bags[m])
        return int(LCSseq.similarity(self._code(n), self._code(m)))

    def _code(self, n: int) -> str:
        code = self._codes.get(n)
        if code is None:
            ranks = map(self._rank.__getitem__, self._bags[n].counts.elements())
            code = self._codes[n] = "".join(sorted(map(chr, ranks)))
        return code


def near_duplicates(
    a: Sequence[WordBag], b: Sequence[WordBag], threshold: float
) -> list[tuple[float, int, int]]:
    """Every ``(dice, i, j)`` with ``dice(a[i], b[j]) >= threshold`` (>= 0.5), best first
    (ties by i, then j). Empty bags match nothing. Exact until :data:`MAX_NEAR_CHECKS`
    candidate pairs have been compared; pairs beyond that are not reported.
    """
    if not a or not b:
        return []
    ranked = _Ranked([*a, *b])
    index: dict[int, list[tuple[int, int]]] = {}  # word rank -> (i, position in a[i]'s prefix)
    for i, bag_a in enumerate(a):
        if bag_a.size:
            for position, element in enumerate(ranked.prefix(i, threshold)):
                index.setdefault(element, []).append((i, position))
    ratio = threshold / (2 - threshold)  # Dice >= t needs min(size) >= ratio * max(size)
    found: list[tuple[float, int, int]] = []
    checks = MAX_NEAR_CHECKS
    for j, bag_b in enumerate(b):
        size_b = bag_b.size
        seen: set[int] = set()
        candidates: list[int] = []
        for position_b, element in enumerate(ranked.prefix(len(a) + j, threshold)):
            for i, position_a in index.get(element, ()):
                if i in seen:
                    continue
                seen.add(i)  # first met at the rarest word they share: the words before it
                size_a = a[i].size  # in either bag are not shared (positional filter)
                most = min(size_a - position_a, size_b - position_b)
                if most >= threshold * (size_a + size_b) / 2 - 1e-9 and min(
                    size_a, size_b
                ) >= ratio * max(size_a, size_b):
                    candidates.append(i)
        for i in sorted(candidates):
            size_a = a[i].size
            shared = ranked.shared(i, len(a) + j)
            if shared >= threshold * (size_a + size_b) / 2 - 1e-9:
                found.append((-2.0 * shared / (size_a + size_b), i, j))
        checks -= len(seen)
        if checks < 0:
            break
    found.sort()
    return [(-negated, i, j) for negated, i, j in found]


def best_first_matches(candidates: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """One-to-one ``(i, j)`` matches taken greedily from candidates sorted best first."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches: list[tuple[int, int]] = []
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j))
    return matches
