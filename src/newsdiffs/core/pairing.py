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

import collections
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from itertools import chain

from rapidfuzz.distance import LCSseq

__all__ = [
    "CellBudget",
    "WordBag",
    "affinity",
    "affinity_of_counts",
    "best_first_matches",
    "dice",
    "near_duplicates",
    "pair_in_order",
    "shared_words",
]

# The C loop behind Counter.update (CPython's, since 3.2), called without update's Python
# frames; see WordBag.
_count_elements: Callable[[MutableMapping[str, int], Iterable[str]], None] = (
    collections._count_elements  # type: ignore[attr-defined]
)

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


class WordBag:
    """Case-folded word counts of one text (``size``: number of words). Immutable.

    A plain class with slots around a plain dict, filled by the C counting loop that
    :class:`Counter` itself calls: a 1 MB diff makes a few thousand bags (classifying it,
    tens of thousands), and a frozen dataclass around a Counter built through
    ``Counter.update`` cost a fifth more per bag of a 40-word paragraph.
    """

    __slots__ = ("_repeated", "counts", "size")

    def __init__(self, counts: dict[str, int], size: int) -> None:
        self.counts = counts
        self.size = size
        self._repeated: dict[str, int] | None = None

    @classmethod
    def of(cls, words: Sequence[str]) -> WordBag:
        counts: dict[str, int] = {}
        _count_elements(counts, map(str.casefold, words))
        return cls(counts, len(words))

    @classmethod
    def of_folded(cls, words: Sequence[str]) -> WordBag:
        """The bag of words already case-folded (``str.casefold`` maps each character on its
        own, and a folded character folds to itself: folding again changes nothing, and
        cost half of making a bag)."""
        counts: dict[str, int] = {}
        _count_elements(counts, words)
        return cls(counts, len(words))

    def repeated(self) -> dict[str, int]:
        """The words found more than once, with their counts (made when first asked for)."""
        found = self._repeated
        if found is None:
            found = self._repeated = (
                {word: n for word, n in self.counts.items() if n > 1}
                if self.size > len(self.counts)
                else {}
            )
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WordBag):
            return NotImplemented
        return self.size == other.size and self.counts == other.counts

    __hash__ = None  # type: ignore[assignment]  # counts are mutable, as in the dataclass

    def __repr__(self) -> str:
        return f"WordBag(counts={self.counts!r}, size={self.size!r})"


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
    """Size of the multiset intersection of two bags.

    Each word found in both counts once, and a word repeated in both counts its smaller
    count less one more: most words occur once, so only the few repeated in both are
    looked at (the sum of min() over all shared words cost twice as much: 28,000
    instructions a pair of 40-word paragraphs).
    """
    shared = len(a.counts.keys() & b.counts.keys())
    if a.size > len(a.counts) and b.size > len(b.counts):  # both repeat words
        repeated_a, repeated_b = a.repeated(), b.repeated()
        for word in repeated_a.keys() & repeated_b.keys():
            count_a, count_b = repeated_a[word], repeated_b[word]
            shared += (count_a if count_a < count_b else count_b) - 1
    return shared


def dice(a: WordBag, b: WordBag) -> float:
    """Dice coefficient: 1.0 for the same words, 0.0 for none shared (and 1.0 for two empties)."""
    if not a.size and not b.size:
        return 1.0
    return 2.0 * shared_words(a, b) / (a.size + b.size)


def affinity_of_counts(shared: int, size_a: int, size_b: int) -> float:
    """:func:`affinity` of two bags of ``size_a`` and ``size_b`` words sharing ``shared``
    (it grows with ``shared``: a lower bound of the shared words gives one of the affinity)."""
    if not size_a or not size_b:
        return 1.0 if size_a == size_b else 0.0
    dice_value = 2.0 * shared / (size_a + size_b)
    return max(dice_value, shared / (2 * min(size_a, size_b)))


def affinity(a: WordBag, b: WordBag) -> float:
    """How likely ``b`` is an edit of ``a``: the Dice coefficient, or half the overlap
    coefficient (shared words / the shorter text's words) when that is higher, so a short
    text that grew by a sentence still pairs with its longer self."""
    return affinity_of_counts(shared_words(a, b), a.size, b.size)


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
    if rows == cols == 1:  # most gaps: one text replaced by one
        value = affinity(a[0], b[0])
        return [(0, 0)] if value >= threshold and value > 0 else []
    # score[i][j]: best total affinity pairing a[i:] with b[j:]
    score = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    take = [[False] * cols for _ in range(rows)]
    for i in range(rows - 1, -1, -1):
        bag_a, below, here, taken = a[i], score[i + 1], score[i], take[i]
        for j in range(cols - 1, -1, -1):
            best = max(below[j], here[j + 1])
            bag_b = b[j]
            value = affinity_of_counts(shared_words(bag_a, bag_b), bag_a.size, bag_b.size)
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
    """Bags seen through one ranking of their words, rarest first.

    Only words found on both sides (in an old and in a new text) can be shared by a pair:
    the others rank before them all, and are never indexed, probed or coded, only counted
    (they still fill places in their bag's prefix), and a bag with too few of the others
    to reach the threshold is never indexed or probed. With small bags compared as dicts
    (coding them cost more than it saved), near_duplicates on the 723 x 723 unpaired
    paragraphs of the 1 MB row of benchmarks/bench_diff.py went from 37 ms to 23 ms.
    """

    def __init__(self, a: Sequence[WordBag], b: Sequence[WordBag]) -> None:
        bags = [*a, *b]
        # Rarest first among the old texts: the index of old texts' prefixes, probed by the
        # new ones, then has the shortest lists (fewer probes than ranking over both sides).
        frequency = Counter(chain.from_iterable(bag.counts for bag in a))
        on_b_side = set(chain.from_iterable(bag.counts for bag in b))
        shared = list(filter(on_b_side.__contains__, frequency))
        shared.sort(key=frequency.__getitem__)  # ties in first-seen order: deterministic
        # ranks from 1: no word ranks 0, so filter(None, map(rank.get, words)) keeps the
        # ranks of the words found on both sides in one lookup each
        self._rank = dict(zip(shared, range(1, len(shared) + 1), strict=True))
        self._bags = bags
        self._codes: dict[int, str] = {}

    def prefix(self, n: int, threshold: float) -> tuple[int, list[int]]:
        """The rarest distinct words of bag ``n``, as many as prefix filtering needs, as
        (how many of them are on one side only, ranks of the others in order). Taken over
        distinct words but sized on the word count: the rarest shared word has at most
        ``|A| - shared`` word occurrences before it, so it is still among the first
        ``|A| - ceil(t·|A|/(2-t)) + 1`` distinct words of both bags."""
        bag = self._bags[n]
        least_shared = math.ceil(threshold * bag.size / (2 - threshold) - 1e-9)
        counts, rank = bag.counts, self._rank
        ranks = sorted(filter(None, map(rank.get, counts)))
        alone = len(counts) - len(ranks)  # words of one side only: they rank first
        # too few words found on both sides to reach the threshold: their occurrences are
        # at most one each plus all the bag's repeats, and when that is not enough, they
        # are not counted
        if len(ranks) < least_shared and (
            len(ranks) + bag.size - len(counts) < least_shared
            or sum(map(counts.__getitem__, filter(rank.__contains__, counts))) < least_shared
        ):
            return alone, []
        return alone, ranks[: max(0, bag.size - least_shared + 1 - alone)]

    def shared(self, n: int, m: int) -> int:
        """Multiset intersection of bags ``n`` and ``m``: for long texts, the longest common
        subsequence of their sorted codes (every occurrence of a word found on both sides as
        the character chr(rank)), which rapidfuzz computes in C++, 5 times faster than
        intersecting Counters once the codes are made."""
        bag_n, bag_m = self._bags[n], self._bags[m]
        if len(self._rank) >= sys.maxunicode or min(len(bag_n.counts), len(bag_m.counts)) < 100:
            return shared_words(bag_n, bag_m)  # short texts: cheaper than coding them
        return int(LCSseq.similarity(self._code(n), self._code(m)))

    def _code(self, n: int) -> str:
        code = self._codes.get(n)
        if code is None:
            counts, rank = self._bags[n].counts, self._rank
            code = self._codes[n] = "".join(
                sorted(chr(rank[word]) * counts[word] for word in counts.keys() & rank.keys())
            )
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
    ranked = _Ranked(a, b)
    # word rank -> (i, words of a[i] from this word of its prefix on, words of a[i])
    index: defaultdict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i, bag_a in enumerate(a):
        size_a = bag_a.size
        if size_a:
            alone, ranks = ranked.prefix(i, threshold)
            for position, element in enumerate(ranks, alone):
                index[element].append((i, size_a - position, size_a))
    ratio = threshold / (2 - threshold)  # Dice >= t needs min(size) >= ratio * max(size)
    half = threshold / 2  # Dice >= t needs shared >= half * (size_a + size_b)
    sizes_a = [bag.size for bag in a]
    found: list[tuple[float, int, int]] = []
    checks = MAX_NEAR_CHECKS
    for j, bag_b in enumerate(b):
        size_b = bag_b.size
        seen: set[int] = set()
        candidates: list[int] = []
        alone, ranks = ranked.prefix(len(a) + j, threshold)
        for position_b, element in enumerate(ranks, alone):
            postings = index.get(element)
            if postings is None:
                continue
            room_b = size_b - position_b
            for i, room_a, size_a in postings:
                if i in seen:
                    continue
                seen.add(i)  # first met at the rarest word they share: the words before it
                # in either bag are not shared (positional filter); min() and max() spelt
                # out (builtin calls cost more than the comparisons)
                small, large = (size_a, size_b) if size_a < size_b else (size_b, size_a)
                if (room_a if room_a < room_b else room_b) >= half * (
                    size_a + size_b
                ) - 1e-9 and small >= ratio * large:
                    candidates.append(i)
        for i in sorted(candidates):
            size_a = sizes_a[i]
            shared = ranked.shared(i, len(a) + j)
            if shared >= half * (size_a + size_b) - 1e-9:
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
