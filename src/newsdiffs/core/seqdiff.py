"""Minimal sequence diff: trimming, the O(NP) algorithm and a bit-parallel LCS.

:func:`diff_sequences` returns difflib-style opcodes for any two sequences of hashable
items. It trims the common prefix and suffix (galloping list-slice comparisons, so long equal
runs cost C speed, not a Python loop per item), then runs the O(NP) algorithm of Wu, Manber,
Myers and Miller (a refinement of Myers' O(ND) diff: P is the number of deletions from the
longer side, so an added or removed sentence costs a single pass) on the middle; only states
that follow a snake (a run of equal items) are recorded for the trace-back, so the many
snake-less states of a moved sentence cost a few list reads each. When the search needs too
many states (a rewrite: see :data:`STATES_PER_ROW`) a bit-parallel LCS on Python integers
takes over. Both are exact, so the result is *minimal*: no other
alignment has fewer inserted + deleted items, and it never reports more edits than
:class:`difflib.SequenceMatcher`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence
from itertools import chain
from typing import Literal

from rapidfuzz.distance import Indel

OpcodeTag = Literal["equal", "insert", "delete", "replace"]
Opcode = tuple[OpcodeTag, int, int, int, int]

# The O(NP) search costs one loop step per state (states without a snake are not even
# recorded), the bit-parallel LCS about this many steps' worth per row (item of the shorter
# side) whatever the edits, mask building and trace-back included: the search gives up after
# that many states (plus MIN_STATES). Measured with benchmarks/bench_diff.py: moved sentences
# need a few thousand states, still cheaper than the LCS.
STATES_PER_ROW = 12
MIN_STATES = 200
# An exact LCS of n x m items costs n x m cells: rapidfuzz's bit-parallel LCS, trace-back
# matrix included, took 9 ms for 5,000 x 5,000 words, 121 ms and 65 MB for 20,000 x 20,000,
# 1.6 s and 320 MB for 50,000 x 50,000 (6 s and 1.2 GB for 100,000 x 100,000). Beyond this
# many cells (~30 ms, ~15 MB) the middle is anchored on unique items instead.
MAX_EXACT_CELLS = 100_000_000
# Stretches between anchors this small are diffed exactly even when the budget is spent
# (each item is in one stretch, so this adds at most 2,500 cells per item; looking for
# anchors again in every small stretch cost more: 0.3 s for two 1 MB paragraphs).
_SMALL_CELLS = 2_500


def _run_end(a: Sequence[Hashable], b: Sequence[Hashable], x: int, y: int, n: int, m: int) -> int:
    """First x >= given x where a[x] != b[y + (x - x0)] (or the end): follow a diagonal."""
    for _ in range(8):  # most runs are short: plain steps
        if x >= n or y >= m or a[x] != b[y]:
            return x
        x += 1
        y += 1
    step = 16
    while True:  # gallop with slice comparisons, then narrow down
        size = min(step, n - x, m - y)
        if size <= 0:
            return x
        if a[x : x + size] == b[y : y + size]:
            x += size
            y += size
            step *= 2
            continue
        low, high = 0, size  # a[x:x+low] == b[y:y+low]; the first mismatch is before high
        while high - low > 8:
            middle = (low + high) // 2
            if a[x + low : x + middle] == b[y + low : y + middle]:
                low = middle
            else:
                high = middle
        x += low
        y += low
        while a[x] == b[y]:
            x += 1
            y += 1
        return x


def _common_prefix(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    return _run_end(a, b, 0, 0, len(a), len(b))


def _common_suffix(a: Sequence[Hashable], b: Sequence[Hashable], prefix: int) -> int:
    """Length of the common suffix not overlapping ``prefix`` (galloping backwards)."""
    n, m = len(a), len(b)
    limit = min(n, m) - prefix
    size = 0  # a[n-size:] == b[m-size:]
    step = 1
    while size < limit:
        grow = min(step, limit - size)
        if a[n - size - grow : n - size] != b[m - size - grow : m - size]:
            break
        size += grow
        step *= 4
    else:
        return size
    low, high = size, size + grow  # the first mismatch (from the end) is within (low, high]
    while high - low > 1:
        middle = (low + high) // 2
        if a[n - middle : n - low] == b[m - middle : m - low]:
            low = middle
        else:
            high = middle
    return low


def _onp_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], max_states: int
) -> list[tuple[int, int, int]] | None:
    """Matching blocks of a shortest edit script, by the O(NP) algorithm of Wu, Manber,
    Myers and Miller (1990), or None once more than ``max_states`` states are needed.

    ``a`` must not be longer than ``b``. With D = len(b) - len(a) + 2P edits (P deletions),
    it visits about (P + 1) * (len(b) - len(a) + P + 1) states: a pure insertion costs one
    pass, where Myers' O(ND) would cost D^2 / 2.
    """
    m, n = len(a), len(b)
    delta = n - m
    offset = m + 1
    furthest = [-1] * (m + n + 3)  # furthest y reached on diagonal k = y - x, at k + offset
    latest = [-1] * (m + n + 3)  # index in states of the last snake on the path there
    # Only states that follow a snake are recorded: (k, y at snake start, y at end, previous
    # recorded state on the path); a diagonal reached without a snake links to its previous.
    states: list[tuple[int, int, int, int]] = []
    record = states.append
    recorded = 0
    p = -1
    visited = 0  # states visited so far, counted per pass
    while furthest[delta + offset] < n:
        p += 1
        visited += delta + 2 * p + 1
        if visited > max_states:
            return None
        for k in chain(range(-p, delta), range(delta + p, delta, -1), (delta,)):
            index = k + offset
            down = furthest[index - 1] + 1  # from diagonal k - 1: b[y] inserted
            right = furthest[index + 1]  # from diagonal k + 1: a[x] deleted
            if down > right:
                y, previous = down, latest[index - 1]
            else:
                y, previous = right, latest[index + 1]
            x = y - k
            if x < m and y < n and a[x] == b[y]:  # a snake: record it as a state
                start = y
                if x + 1 < m and y + 1 < n and a[x + 1] == b[y + 1]:
                    y = _run_end(a, b, x + 2, y + 2, m, n) + k
                else:
                    y += 1
                latest[index] = recorded
                record((k, start, y, previous))
                recorded += 1
            else:  # no snake: nothing to trace back here, link to the previous state
                latest[index] = previous
            furthest[index] = y
    blocks: list[tuple[int, int, int]] = []
    state = latest[delta + offset]
    while state >= 0:
        k, start, end, state = states[state]
        blocks.append((start - k, start, end - start))
    blocks.reverse()
    return blocks


def _bit_parallel_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable]
) -> list[tuple[int, int, int]]:
    """Matching blocks of a longest common subsequence, by bit-parallel LCS (Hyyrö 2004).

    Row ``i`` is an ``len(b)``-bit integer whose zero bits mark the columns where
    LCS(a[:i], b[:j]) grows; each row costs a few big-integer operations (C speed), so the
    whole table costs O(len(a) * len(b) / 30) machine steps. The alignment is traced back
    from the stored rows, jumping over runs of insertions with bit tricks.
    """
    m = len(b)
    positions: dict[Hashable, list[int]] = {}
    for j, item in enumerate(b):
        positions.setdefault(item, []).append(j)
    masks = {item: sum(1 << j for j in columns) for item, columns in positions.items()}
    row = (1 << m) - 1
    rows = [row]
    for item in a:
        match = masks.get(item, 0)
        if match:  # bits above m - 1 may fill with carries: every reader masks them off
            common = row & match
            row = (row + common) | (row - common)
        rows.append(row)
    blocks: list[tuple[int, int, int]] = []
    i, j = len(a), m
    while i > 0 and j > 0:
        if a[i - 1] == b[j - 1]:  # matching equal last items is always optimal: follow them
            run = 1
            while run < i and run < j and a[i - 1 - run] == b[j - 1 - run]:
                run += 1
            blocks.append((i - run, j - run, run))
            i -= run
            j -= run
            continue
        current = rows[i]
        if current >> (j - 1) & 1:  # LCS(i, j) == LCS(i, j - 1): b[j-1] is an insertion;
            j = (~current & ((1 << j) - 1)).bit_length()  # jump to where LCS(i, .) grows
        else:  # LCS(i, j) == LCS(i - 1, j): a[i-1] is a deletion
            i -= 1
    blocks.reverse()
    return _merge_blocks(blocks)


def opcodes_from_blocks(blocks: Sequence[tuple[int, int, int]], n: int, m: int) -> list[Opcode]:
    """difflib-style opcodes of a diff of sequences of ``n`` and ``m`` items, from its
    matching blocks."""
    opcodes: list[Opcode] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (n, m, 0)]:
        if i < block_i and j < block_j:
            opcodes.append(("replace", i, block_i, j, block_j))
        elif i < block_i:
            opcodes.append(("delete", i, block_i, j, j))
        elif j < block_j:
            opcodes.append(("insert", i, i, j, block_j))
        if size:
            opcodes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return opcodes


def _merge_blocks(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if size == 0:
            continue
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            last_i, last_j, last_size = merged[-1]
            merged[-1] = (last_i, last_j, last_size + size)
        else:
            merged.append((i, j, size))
    return merged


def matching_blocks(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    max_states: int | None = None,
    max_cells: int = MAX_EXACT_CELLS,
) -> list[tuple[int, int, int]]:
    """Blocks (i, j, size) with ``a[i:i+size] == b[j:j+size]``, in order, of a minimal diff.

    By default the middle (after trimming) goes to rapidfuzz's C++ LCS. With ``max_states``
    the pure-Python O(NP) search runs instead, capped at that many states before the
    bit-parallel LCS takes over. The result is minimal either way, as long as the middle
    has at most ``max_cells`` cells (items of a x items of b): beyond, see
    :func:`_anchored_blocks`.
    """
    if max_states is None and len(a) * len(b) <= max_cells:
        # rapidfuzz trims the common prefix and suffix itself, in C++ (our Python trimming
        # cost half as much as the whole LCS: measured with benchmarks/bench_diff.py).
        return _indel_blocks(a, b) if a and b else []
    prefix = _common_prefix(a, b)
    suffix = _common_suffix(a, b, prefix)
    n, m = len(a), len(b)
    middle_a = a[prefix : n - suffix]
    middle_b = b[prefix : m - suffix]
    blocks: list[tuple[int, int, int]] = [(0, 0, prefix)]
    if middle_a and middle_b:
        if len(middle_a) * len(middle_b) > max_cells:
            inner = _anchored_blocks(middle_a, middle_b, max_cells)
        elif max_states is None:
            inner = _indel_blocks(middle_a, middle_b)
        else:
            inner = _searched_blocks(middle_a, middle_b, max_states)
        blocks.extend((i + prefix, j + prefix, size) for i, j, size in inner)
    blocks.append((n - suffix, m - suffix, suffix))
    return _merge_blocks(blocks)


def _searched_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], max_states: int
) -> list[tuple[int, int, int]]:
    swap = len(a) > len(b)  # both algorithms want the shorter side first
    short, long = (b, a) if swap else (a, b)
    searched = _onp_blocks(short, long, max_states)
    inner = _bit_parallel_blocks(short, long) if searched is None else searched
    return [(i, j, size) for j, i, size in inner] if swap else inner


def _unique_anchors(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Pairs (i, j) of items that occur once in a and once in b, the longest run of them in
    the same order in both (patience sorting: O(U log U) for U such items)."""
    count_a = Counter(a)
    count_b = Counter(b)
    where_b = {item: j for j, item in enumerate(b) if count_b[item] == 1}
    pairs = [
        (i, where_b[item]) for i, item in enumerate(a) if count_a[item] == 1 and item in where_b
    ]
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_at: list[int] = []  # index in pairs of that run's last pair
    previous = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k] = j
            tail_at[k] = n
        previous[n] = tail_at[k - 1] if k else -1
    anchors: list[tuple[int, int]] = []
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        anchors.append(pairs[n])
        n = previous[n]
    anchors.reverse()
    return anchors


def _anchored_blocks(
    a: Sequence[Hashable], b: Sequence[Hashable], max_cells: int
) -> list[tuple[int, int, int]]:
    """Matching blocks of a diff too large for an exact LCS (more than ``max_cells`` cells).

    Items unique to both sides anchor the alignment (as in patience diff); each stretch
    between anchors is diffed exactly while the cells spent stay within ``max_cells`` in
    all, split again at its own unique items when it is too large, and otherwise left as
    one replacement. Near-linear, and no longer minimal: only enormous texts (a 100,000-word
    paragraph against a rewrite of it) get here.
    """
    blocks: list[tuple[int, int, int]] = []
    budget = max_cells
    work = [(0, len(a), 0, len(b))]
    while work:
        a1, a2, b1, b2 = work.pop()
        cells = (a2 - a1) * (b2 - b1)
        if not cells:
            continue
        if cells <= budget or cells <= _SMALL_CELLS:
            budget -= cells
            blocks.extend(
                (i + a1, j + b1, size) for i, j, size in _indel_blocks(a[a1:a2], b[b1:b2])
            )
            continue
        anchors = _unique_anchors(a[a1:a2], b[b1:b2])
        if not anchors:
            continue  # one replacement
        previous_i, previous_j = a1, b1
        for i, j in anchors:
            work.append((previous_i, a1 + i, previous_j, b1 + j))
            blocks.append((a1 + i, b1 + j, 1))
            previous_i, previous_j = a1 + i + 1, b1 + j + 1
        work.append((previous_i, a2, previous_j, b2))
    blocks.sort()
    return _merge_blocks(blocks)


def _indel_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """Matching blocks of a minimal insert/delete script, from rapidfuzz's C++ Indel (LCS).

    rapidfuzz's bit-parallel LCS is exact, like the pure-Python search above (which still
    runs when a ``max_states`` budget is given, and in the tests that check both against
    brute force), and one to two orders of magnitude faster on moved sentences.
    """
    return [
        (block.a, block.b, block.size)
        for block in Indel.opcodes(a, b).as_matching_blocks()
        if block.size
    ]


def common_length(a: Sequence[Hashable], b: Sequence[Hashable]) -> int | None:
    """Length of a longest common subsequence of ``a`` and ``b``, without the alignment
    (rapidfuzz's C++ Indel distance: no trace-back, a few times cheaper than the opcodes),
    or None beyond :data:`MAX_EXACT_CELLS` cells."""
    if len(a) * len(b) > MAX_EXACT_CELLS:
        return None
    return (len(a) + len(b) - int(Indel.distance(a, b))) // 2


def diff_sequences(
    a: Sequence[Hashable],
    b: Sequence[Hashable],
    max_states: int | None = None,
    max_cells: int = MAX_EXACT_CELLS,
) -> list[Opcode]:
    """difflib-style opcodes ``(tag, i1, i2, j1, j2)`` of a minimal diff of ``a`` and ``b``
    (of a near-minimal one beyond ``max_cells``: see :func:`matching_blocks`)."""
    return opcodes_from_blocks(matching_blocks(a, b, max_states, max_cells), len(a), len(b))


def edit_counts(opcodes: Sequence[tuple[str, int, int, int, int]]) -> tuple[int, int]:
    """(items inserted, items deleted) by difflib-style opcodes."""
    inserted = deleted = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            deleted += i2 - i1
            inserted += j2 - j1
    return inserted, deleted
