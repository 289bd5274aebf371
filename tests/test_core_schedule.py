from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdiffs.core.schedule import (
    AGE_TIERS,
    DEFAULT_POLICY,
    POLICIES,
    AgeTiersPolicy,
    CheckKind,
    NewsSnifferPolicy,
    SchedulePolicy,
    ScheduleState,
    first_check_at,
    get_policy,
)
from newsdiffs.errors import ConfigError

T0 = datetime(2015, 3, 4, 17, 5, tzinfo=UTC)
BASE = timedelta(minutes=30)
RETIRE = timedelta(days=40)
# Unchanged checks after which News Sniffer's policy must have retired a fresh article.
RETIREMENT_BOUND = math.ceil(math.log(RETIRE / BASE) / math.log(1.2))

NEWSSNIFFER = NewsSnifferPolicy()
AGETIERS = AgeTiersPolicy()

kinds = st.sampled_from(list(CheckKind))
quiet_kinds = st.sampled_from([CheckKind.UNCHANGED, CheckKind.ERROR])
intervals = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400))
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))
policies = st.sampled_from(list(POLICIES.values()))


def fresh(first_seen: datetime = T0) -> ScheduleState:
    return ScheduleState(first_seen=first_seen, interval=timedelta(0), last_changed_at=None)


def test_registry() -> None:
    assert DEFAULT_POLICY == "newssniffer"
    assert set(POLICIES) == {"newssniffer", "agetiers"}
    for name, policy in POLICIES.items():
        assert policy.name == name
        assert get_policy(name) is policy
    assert get_policy(" NewsSniffer ") is POLICIES["newssniffer"]
    with pytest.raises(ConfigError, match="unknown schedule policy"):
        get_policy("hourly")


def test_descriptions() -> None:
    assert NEWSSNIFFER.retire_after_description == "over 40 days"
    assert AGETIERS.retire_after_description == "over a year"
    assert NewsSnifferPolicy(retire_at=timedelta(days=1)).retire_after_description == "over 1 day"
    assert NewsSnifferPolicy(retire_at=timedelta(hours=5)).retire_after_description == (
        "over 5 hours"
    )


def test_first_check_is_immediate() -> None:
    assert first_check_at(T0) == T0
    for policy in POLICIES.values():
        assert policy.first_check_at(T0) == T0


class TestNewsSniffer:
    def test_change_resets_to_base(self) -> None:
        state = ScheduleState(T0, timedelta(days=3), T0)
        decision = NEWSSNIFFER.after_check(state, CheckKind.CHANGED, T0)
        assert decision.interval == BASE
        assert decision.next_check_at == T0 + BASE
        assert not decision.retired

    def test_unchanged_grows_by_factor(self) -> None:
        state = ScheduleState(T0, timedelta(hours=1), None)
        decision = NEWSSNIFFER.after_check(state, CheckKind.UNCHANGED, T0)
        assert decision.interval == timedelta(hours=1.2)
        assert decision.next_check_at == T0 + timedelta(hours=1.2)

    def test_zero_interval_backs_off_from_base(self) -> None:
        decision = NEWSSNIFFER.after_check(fresh(), CheckKind.ERROR, T0)
        assert decision.interval == BASE * 1.2

    def test_retires_at_exact_bound(self) -> None:
        assert RETIREMENT_BOUND == 42
        state, now = fresh(), T0
        for check in range(1, RETIREMENT_BOUND + 1):
            decision = NEWSSNIFFER.after_check(state, CheckKind.UNCHANGED, now)
            if check < RETIREMENT_BOUND:
                assert not decision.retired, check
                assert decision.next_check_at is not None
                now = decision.next_check_at
            state = ScheduleState(T0, decision.interval, None)
        assert decision.retired
        assert decision.next_check_at is None
        assert decision.interval >= RETIRE

    def test_configurable(self) -> None:
        policy = NewsSnifferPolicy(
            base=timedelta(minutes=10), factor=2.0, retire_at=timedelta(hours=1)
        )
        first = policy.after_check(fresh(), CheckKind.UNCHANGED, T0)
        assert first.interval == timedelta(minutes=20)
        second = policy.after_check(ScheduleState(T0, first.interval), CheckKind.UNCHANGED, T0)
        assert second.interval == timedelta(minutes=40)
        third = policy.after_check(ScheduleState(T0, second.interval), CheckKind.UNCHANGED, T0)
        assert third.retired

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"base": timedelta(0)},
            {"factor": 1.0},
            {"factor": 0.5},
            {"retire_at": timedelta(minutes=10)},
        ],
    )
    def test_invalid_parameters(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ConfigError):
            NewsSnifferPolicy(**kwargs)  # type: ignore[arg-type]


class TestAgeTiers:
    @pytest.mark.parametrize(
        ("age", "expected"),
        [
            (timedelta(0), timedelta(minutes=15)),
            (timedelta(hours=2, minutes=59), timedelta(minutes=15)),
            (timedelta(hours=3), timedelta(hours=1)),
            (timedelta(hours=23), timedelta(hours=1)),
            (timedelta(days=1), timedelta(hours=3)),
            (timedelta(days=6), timedelta(hours=3)),
            (timedelta(days=7), timedelta(days=3)),
            (timedelta(days=29), timedelta(days=3)),
            (timedelta(days=30), timedelta(days=30)),
            (timedelta(days=364), timedelta(days=30)),
        ],
    )
    def test_tiers(self, age: timedelta, expected: timedelta) -> None:
        state = ScheduleState(
            first_seen=T0 - age - timedelta(days=1), interval=BASE, last_changed_at=T0 - age
        )
        decision = AGETIERS.after_check(state, CheckKind.UNCHANGED, T0)
        assert decision.interval == expected
        assert decision.next_check_at == T0 + expected

    def test_age_counts_from_first_seen_without_change(self) -> None:
        decision = AGETIERS.after_check(fresh(T0 - timedelta(days=2)), CheckKind.ERROR, T0)
        assert decision.interval == timedelta(hours=3)

    def test_change_restarts_tiers(self) -> None:
        old = ScheduleState(T0 - timedelta(days=300), timedelta(days=30), T0 - timedelta(days=200))
        decision = AGETIERS.after_check(old, CheckKind.CHANGED, T0)
        assert decision.interval == timedelta(minutes=15)

    def test_retires_after_a_year(self) -> None:
        decision = AGETIERS.after_check(fresh(T0 - timedelta(days=365)), CheckKind.UNCHANGED, T0)
        assert decision.retired
        assert decision.next_check_at is None

    def test_invalid_tiers(self) -> None:
        with pytest.raises(ConfigError):
            AgeTiersPolicy(tiers=())
        with pytest.raises(ConfigError):
            AgeTiersPolicy(tiers=tuple(reversed(AGE_TIERS)))

    @given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=500)), gaps)
    def test_monotone_in_age(self, age: timedelta, extra: timedelta) -> None:
        younger = AGETIERS.interval_for_age(age)
        older = AGETIERS.interval_for_age(age + extra)
        if younger is None:
            assert older is None
        elif older is not None:
            assert older >= younger


# --- properties shared by every policy ----------------------------------------------------


@given(policies, intervals, kinds, gaps, gaps)
def test_next_check_strictly_after_now(
    policy: SchedulePolicy, interval: timedelta, kind: CheckKind, age: timedelta, since: timedelta
) -> None:
    now = T0 + age + since
    state = ScheduleState(first_seen=T0, interval=interval, last_changed_at=T0 + age)
    decision = policy.after_check(state, kind, now)
    if decision.retired:
        assert decision.next_check_at is None
    else:
        assert decision.next_check_at is not None
        assert decision.next_check_at > now
        assert decision.next_check_at == now + decision.interval


@given(intervals, quiet_kinds)
def test_newssniffer_quiet_checks_never_shrink_interval(
    interval: timedelta, kind: CheckKind
) -> None:
    decision = NEWSSNIFFER.after_check(ScheduleState(T0, interval), kind, T0)
    assert decision.interval >= interval


@given(intervals, gaps)
def test_newssniffer_change_resets_to_base(interval: timedelta, gap: timedelta) -> None:
    state = ScheduleState(T0, min(interval, RETIRE - timedelta(seconds=1)))
    decision = NEWSSNIFFER.after_check(state, CheckKind.CHANGED, T0 + gap)
    assert decision.interval == BASE
    assert not decision.retired


@given(st.lists(quiet_kinds, min_size=RETIREMENT_BOUND, max_size=RETIREMENT_BOUND),
       st.timedeltas(min_value=timedelta(0), max_value=RETIRE))  # fmt: skip
def test_newssniffer_quiet_checks_retire_within_bound(
    sequence: list[CheckKind], start: timedelta
) -> None:
    state, now = ScheduleState(T0, start), T0
    for kind in sequence:
        decision = NEWSSNIFFER.after_check(state, kind, now)
        if decision.retired:
            return
        assert decision.next_check_at is not None
        now = decision.next_check_at
        state = ScheduleState(T0, decision.interval)
    pytest.fail(f"not retired after {RETIREMENT_BOUND} quiet checks")


@given(policies, st.lists(st.tuples(kinds, gaps), max_size=60), gaps)
def test_retired_is_final(
    policy: SchedulePolicy, checks: list[tuple[CheckKind, timedelta]], last_gap: timedelta
) -> None:
    state, now, retired_at = fresh(), T0, None
    for kind, gap in checks:
        now += gap
        decision = policy.after_check(state, kind, now)
        if retired_at is not None:
            assert decision.retired
        if decision.retired:
            retired_at = now
        changed = T0 if state.last_changed_at is None else state.last_changed_at
        state = ScheduleState(T0, decision.interval, now if kind is CheckKind.CHANGED else changed)
    if retired_at is not None:
        for kind in CheckKind:
            assert policy.after_check(state, kind, now + last_gap).retired


def test_agetiers_quiet_article_retires_after_a_year_of_checks() -> None:
    state, now, checks = fresh(), T0, 0
    while True:
        decision = AGETIERS.after_check(state, CheckKind.UNCHANGED, now)
        checks += 1
        if decision.retired:
            break
        assert decision.next_check_at is not None
        now = decision.next_check_at
        state = ScheduleState(T0, decision.interval)
    assert now - T0 >= timedelta(days=365)
    # Each tier is crossed in at most ceil(width / interval) checks, plus the retiring check.
    bound, lower = 1, timedelta(0)
    for upper, interval in AGE_TIERS:
        bound += math.ceil((upper - lower) / interval)
        lower = upper
    assert checks <= bound
