"""Article-level events over a title history: real rewrites, flip-flops and A/B tests.

Sites that A/B-test headlines, or revert an edit, make the title alternate between a few
values. :func:`analyze_titles` recognises that so a history like ``A, B, A, B, A`` is
reported as one headline test with two variants, not as four headline edits.

Rules, on normalised titles with consecutive repeats collapsed into runs:

- a *change* is a step from one run to the next; a *revert* is a change back to a title
  seen earlier;
- ``stable``: no change; ``edited``: changes but no revert;
- ``ab_test``: at least two reverts, at most :data:`MAX_TEST_VARIANTS` distinct titles, and
  at least half of the changes are reverts (the titles keep alternating);
- ``flipflop``: any other history with a revert (``A, B, A``: an edit taken back).

A change is an *alternation switch* (not a headline edit) when it is a revert, or when it
leaves a title that occurs in two or more runs for a title that also does or that the next
change reverts. ``analyze_titles`` accepts any strings, so content hashes work the same way.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsdiffs.core.normalize import normalize_text

MAX_TEST_VARIANTS = 4


class TitlePattern(enum.StrEnum):
    STABLE = "stable"
    EDITED = "edited"
    FLIPFLOP = "flipflop"
    AB_TEST = "ab_test"


@dataclass(frozen=True)
class TitleHistory:
    pattern: TitlePattern
    variants: tuple[str, ...]  # distinct titles, in first-seen order
    changes: int
    reverts: int
    # Indexes (into the titles given) of versions whose title came from an alternation
    # switch: callers show these as part of a headline test, not as headline edits.
    switch_indexes: frozenset[int]

    @property
    def alternating(self) -> bool:
        return self.pattern in (TitlePattern.FLIPFLOP, TitlePattern.AB_TEST)

    def is_headline_edit(self, index: int) -> bool:
        """Whether the title at ``index`` differs from the previous one as a real edit."""
        return index not in self.switch_indexes

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern.value,
            "variants": list(self.variants),
            "changes": self.changes,
            "reverts": self.reverts,
            "switch_indexes": sorted(self.switch_indexes),
        }


def analyze_titles(titles: Sequence[str]) -> TitleHistory:
    """Classify a title history (oldest first); see the module docstring."""
    runs: list[tuple[str, int]] = []  # (title, index of the first version of the run)
    for index, raw in enumerate(titles):
        title = normalize_text(raw)
        if not runs or runs[-1][0] != title:
            runs.append((title, index))
    run_counts = Counter(title for title, _ in runs)
    seen: set[str] = set()
    reverted: list[bool] = []  # per run: is it a revert to an earlier title?
    for title, _ in runs:
        reverted.append(title in seen)
        seen.add(title)
    changes = len(runs) - 1
    reverts = sum(reverted)
    variants = tuple(dict.fromkeys(title for title, _ in runs))
    switches: set[int] = set()
    for n in range(1, len(runs)):
        title, index = runs[n]
        previous = runs[n - 1][0]
        next_is_revert = n + 1 < len(runs) and reverted[n + 1]
        leaves_recurring = run_counts[previous] >= 2
        if reverted[n] or (leaves_recurring and (run_counts[title] >= 2 or next_is_revert)):
            switches.add(index)
    return TitleHistory(
        pattern=_pattern(changes, reverts, len(variants)),
        variants=variants,
        changes=changes,
        reverts=reverts,
        switch_indexes=frozenset(switches),
    )


def _pattern(changes: int, reverts: int, variants: int) -> TitlePattern:
    if changes == 0:
        return TitlePattern.STABLE
    if reverts == 0:
        return TitlePattern.EDITED
    if reverts >= 2 and variants <= MAX_TEST_VARIANTS and 2 * reverts >= changes:
        return TitlePattern.AB_TEST
    return TitlePattern.FLIPFLOP


def detect_flipflop(titles: Sequence[str]) -> bool:
    """Whether the titles flip-flop or alternate like an A/B test."""
    return analyze_titles(titles).alternating


@dataclass(frozen=True)
class HeadlineTest:
    """Headline switches shown once, as a test: "headline test: 'A' / 'B'"."""

    variants: tuple[str, ...]  # the alternatives, as first shown, in first-seen order
    switches: frozenset[int]  # indexes of the steps given that are switches of the test


def headline_test(steps: Sequence[tuple[str, str]]) -> HeadlineTest | None:
    """The headline test in an article's changes, or None.

    ``steps``: each change's (title before, title after), oldest first; a change that kept
    its title is ``(t, t)``, and steps need not chain (versions between them may be left
    out). The titles are read in order (the rules of :func:`analyze_titles`): a step is a
    switch when the version it produced is an alternation switch. There is a test when at
    least two steps are switches: A→B→A is one test of 'A' / 'B', not two headline edits;
    A→B→C (no revert) is two edits. The variants are the titles the switches go between.
    """
    titles: list[str] = []
    after_index: list[int] = []  # per step, the index of its "after" title in ``titles``
    for before, after in steps:
        if not titles or normalize_text(titles[-1]) != normalize_text(before):
            titles.append(before)
        titles.append(after)
        after_index.append(len(titles) - 1)
    history = analyze_titles(titles)
    switches = frozenset(
        n for n, index in enumerate(after_index) if index in history.switch_indexes
    )
    if len(switches) < 2:
        return None
    shown: dict[str, str] = {}  # normalised -> as first shown
    for n in sorted(switches):
        for title in steps[n]:
            shown.setdefault(normalize_text(title), title)
    return HeadlineTest(tuple(shown.values()), switches)
