from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdiffs.core.versioning import VersionDecision, decide_version
from newsdiffs.errors import ConfigError


def test_first_when_no_latest() -> None:
    assert decide_version("a", None, {}) is VersionDecision.FIRST


def test_unchanged_when_equal_to_latest() -> None:
    assert decide_version("a", "a", {"a": 2}) is VersionDecision.UNCHANGED


def test_new_when_different() -> None:
    assert decide_version("b", "a", {"a": 1}) is VersionDecision.NEW


def test_reverting_once_is_allowed_then_flipflop() -> None:
    # a -> b -> a is recorded (a appears twice), a third a is a flip-flop.
    assert decide_version("a", "b", {"a": 1, "b": 1}) is VersionDecision.NEW
    assert decide_version("a", "b", {"a": 2, "b": 1}) is VersionDecision.FLIPFLOP


def test_max_repeats_is_configurable() -> None:
    assert decide_version("a", "b", {"a": 1}, max_repeats=1) is VersionDecision.FLIPFLOP
    assert decide_version("a", "b", {"a": 2}, max_repeats=3) is VersionDecision.NEW
    with pytest.raises(ConfigError):
        decide_version("a", "b", {}, max_repeats=0)


def test_values_are_strings() -> None:
    assert {d.value for d in VersionDecision} == {"first", "new", "unchanged", "flipflop"}


@given(st.lists(st.sampled_from("abc"), max_size=40))
def test_no_hash_is_stored_more_than_twice(captures: list[str]) -> None:
    stored: list[str] = []
    for digest in captures:
        decision = decide_version(digest, stored[-1] if stored else None, Counter(stored))
        if decision in (VersionDecision.FIRST, VersionDecision.NEW):
            stored.append(digest)
    counts = Counter(stored)
    assert all(count <= 2 for count in counts.values())
    assert all(x != y for x, y in itertools.pairwise(stored))
    if captures:
        assert stored[0] == captures[0]
