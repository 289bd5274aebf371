"""What a perfect tracker would have recorded, and how close a real one came. Pure.

The newsroom logs every article-page response as a :class:`ServedEntry`. Walking one
article's entries in order, an entry is an *expected version* when it served editorial
content that differs from the last expected version and that content has been expected
fewer than :data:`FLIPFLOP_LIMIT` times so far (News Sniffer's flip-flop guard). Noise, the
redesign, 404s and redirects are never expected versions.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

GONE = "gone"
REDIRECT = "redirect"
FLIPFLOP_LIMIT = 2


@dataclass(frozen=True)
class ServedEntry:
    """One response to a request for an article page."""

    url: str  # canonical article URL
    at: datetime  # sim time of the request
    state: str  # state id, or GONE / REDIRECT
    content: str | None = None  # digest of the editorial content; None when GONE / REDIRECT


@dataclass(frozen=True)
class Score:
    articles: int  # articles with at least one recorded version
    multi_version_articles: int  # ... with at least two
    versions: int  # recorded versions
    precision: float  # true_positives / versions (1.0 when nothing was recorded)
    recall: float  # true_positives / expected_versions (1.0 when nothing was expected)
    expected_versions: int
    true_positives: int


def entries_by_url(log: Sequence[ServedEntry]) -> dict[str, list[ServedEntry]]:
    """The log split per article, each list in sim-time order (log order on ties)."""
    grouped: dict[str, list[ServedEntry]] = defaultdict(list)
    for entry in log:
        grouped[entry.url].append(entry)
    return {url: sorted(entries, key=lambda e: e.at) for url, entries in grouped.items()}


def expected_flags(entries: Sequence[ServedEntry]) -> list[bool]:
    """For one article's entries in order: which ones are expected new versions."""
    flags = []
    last: str | None = None
    times_expected: dict[str, int] = defaultdict(int)
    for entry in entries:
        content = entry.content
        is_new = (
            content is not None and content != last and times_expected[content] < FLIPFLOP_LIMIT
        )
        if is_new and content is not None:
            last = content
            times_expected[content] += 1
        flags.append(is_new)
    return flags


def expected_versions(log: Sequence[ServedEntry]) -> dict[str, list[ServedEntry]]:
    """Per canonical URL, the entries a perfect tracker would have stored as versions."""
    expected = {}
    for url, entries in entries_by_url(log).items():
        flags = expected_flags(entries)
        chosen = [entry for entry, flag in zip(entries, flags, strict=True) if flag]
        if chosen:
            expected[url] = chosen
    return expected


def score(log: Sequence[ServedEntry], recorded: Mapping[str, Sequence[datetime]]) -> Score:
    """Compare what a tracker stored (URL -> captured_at of each version) with the truth.

    Each recorded version is matched to the served entry for its URL nearest in sim time
    (ties go to the later entry). A version is dated when its answer arrived, so its entry
    is normally the one just before it. It is a true positive when that entry is an expected
    version not already matched.
    """
    grouped = entries_by_url(log)
    expected_total = sum(sum(expected_flags(entries)) for entries in grouped.values())
    true_positives = 0
    for url, times in recorded.items():
        entries = grouped.get(url, [])
        flags = expected_flags(entries)
        instants = [entry.at for entry in entries]
        matched: set[int] = set()
        for captured_at in sorted(times):
            index = _nearest(instants, captured_at)
            if index is not None and flags[index] and index not in matched:
                matched.add(index)
                true_positives += 1
    versions = sum(len(times) for times in recorded.values())
    return Score(
        articles=sum(1 for times in recorded.values() if times),
        multi_version_articles=sum(1 for times in recorded.values() if len(times) >= 2),
        versions=versions,
        precision=true_positives / versions if versions else 1.0,
        recall=true_positives / expected_total if expected_total else 1.0,
        expected_versions=expected_total,
        true_positives=true_positives,
    )


def _nearest(instants: Sequence[datetime], when: datetime) -> int | None:
    if not instants:
        return None
    after = bisect_left(instants, when)
    if after == len(instants):
        return after - 1
    if after == 0:
        return 0
    before = after - 1
    return before if when - instants[before] < instants[after] - when else after
