"""When to look at an article again.

A policy turns the article's schedule state and the kind of check just made into the time
of the next check, or retires the article. Two policies, chosen per article by name:

- ``newssniffer`` (default, from News Sniffer): 30 minutes after a change, then x1.2 after
  every unchanged or failed check; retire once the interval reaches 40 days.
- ``agetiers`` (from NewsDiffs): the interval depends on the time since the last change
  (15 min under 3 h, 1 h under a day, 3 h under a week, 3 days under 30 days, 30 days under
  a year); retire after a year without changes.

Both share one rule: a state whose interval is already at the policy's retirement interval
is retired, and every decision taken from it is retired too (retirement is final). To
reactivate an article, start it again from a fresh state with interval 0.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Protocol

from newsdiffs.core.humanize import about
from newsdiffs.errors import ConfigError


@dataclass(frozen=True)
class ScheduleState:
    """What a policy knows about an article: when it appeared, its current interval, last change."""

    first_seen: datetime
    interval: timedelta  # interval used for the current next_check_at; 0 before the first check
    last_changed_at: datetime | None = None


@dataclass(frozen=True)
class ScheduleDecision:
    """Next check time (None once retired) and the interval that produced it."""

    next_check_at: datetime | None
    interval: timedelta
    retired: bool


class CheckKind(enum.StrEnum):
    """What a check found, as far as scheduling cares."""

    CHANGED = "changed"  # a new (or first) version was recorded
    UNCHANGED = "unchanged"  # same content, not modified, flip-flop
    ERROR = "error"  # gone, HTTP error, timeout, network error, ...


class SchedulePolicy(Protocol):
    @property
    def name(self) -> str:
        """Short identifier stored with each article, e.g. "newssniffer"."""
        ...

    @property
    def retire_after_description(self) -> str:
        """Human text for article pages: "It last changed <this> ago and won't be checked again"."""
        ...

    def first_check_at(self, now: datetime) -> datetime:
        """When a newly discovered article is checked for the first time."""
        ...

    def after_check(self, state: ScheduleState, kind: CheckKind, now: datetime) -> ScheduleDecision:
        """The schedule after a check of ``kind`` made at ``now``."""
        ...


def _retired(interval: timedelta) -> ScheduleDecision:
    return ScheduleDecision(next_check_at=None, interval=interval, retired=True)


def _scheduled(now: datetime, interval: timedelta) -> ScheduleDecision:
    return ScheduleDecision(next_check_at=now + interval, interval=interval, retired=False)


def _describe_retirement(after: timedelta) -> str:
    """ "over 40 days", "over a year"; other lengths in :func:`humanize.about` words."""
    if after == timedelta(days=365):
        return "over a year"
    if after >= timedelta(days=1) and after == timedelta(days=after.days):
        return f"over {after.days} day" + ("" if after.days == 1 else "s")
    return "over " + about(after).removeprefix("about ")


@dataclass(frozen=True)
class NewsSnifferPolicy:
    """Back-off: ``base`` after a change, x ``factor`` otherwise; retire at ``retire_at``."""

    base: timedelta = timedelta(minutes=30)
    factor: float = 1.2
    retire_at: timedelta = timedelta(days=40)

    def __post_init__(self) -> None:
        if self.base <= timedelta(0):
            raise ConfigError(f"schedule base interval must be positive, got {self.base}")
        if not self.factor > 1.0:
            raise ConfigError(f"schedule back-off factor must be greater than 1, got {self.factor}")
        if self.retire_at <= self.base:
            raise ConfigError("schedule retirement interval must be longer than the base interval")

    @property
    def name(self) -> str:
        return "newssniffer"

    @property
    def retire_after_description(self) -> str:
        return _describe_retirement(self.retire_at)

    def first_check_at(self, now: datetime) -> datetime:
        return now

    def after_check(self, state: ScheduleState, kind: CheckKind, now: datetime) -> ScheduleDecision:
        if state.interval >= self.retire_at:
            return _retired(state.interval)
        if kind is CheckKind.CHANGED:
            return _scheduled(now, self.base)
        # An interval below base (never checked, or set by another policy) backs off from base.
        interval = max(state.interval, self.base) * self.factor
        if interval >= self.retire_at:
            return _retired(interval)
        return _scheduled(now, interval)


# (age below which the tier applies, interval) in increasing order.
AGE_TIERS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=3), timedelta(minutes=15)),
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=7), timedelta(hours=3)),
    (timedelta(days=30), timedelta(days=3)),
    (timedelta(days=365), timedelta(days=30)),
)


@dataclass(frozen=True)
class AgeTiersPolicy:
    """Interval by age since the last change (or first sighting); retire past the last tier."""

    tiers: tuple[tuple[timedelta, timedelta], ...] = AGE_TIERS

    def __post_init__(self) -> None:
        if not self.tiers:
            raise ConfigError("age tiers must not be empty")
        ages = [age for age, _ in self.tiers]
        intervals = [interval for _, interval in self.tiers]
        if ages != sorted(ages) or intervals != sorted(intervals):
            raise ConfigError("age tiers must increase in both age and interval")
        if intervals[0] <= timedelta(0):
            raise ConfigError("age tier intervals must be positive")

    @property
    def name(self) -> str:
        return "agetiers"

    @property
    def retire_at(self) -> timedelta:
        """Age since the last change after which the article retires."""
        return self.tiers[-1][0]

    @property
    def retire_after_description(self) -> str:
        return _describe_retirement(self.retire_at)

    def first_check_at(self, now: datetime) -> datetime:
        return now

    def interval_for_age(self, age: timedelta) -> timedelta | None:
        """Interval for an article whose last change was ``age`` ago; None means retire."""
        for below, interval in self.tiers:
            if age < below:
                return interval
        return None

    def after_check(self, state: ScheduleState, kind: CheckKind, now: datetime) -> ScheduleDecision:
        if state.interval >= self.retire_at:
            return _retired(state.interval)
        if kind is CheckKind.CHANGED:
            age = timedelta(0)
        else:
            age = now - (state.last_changed_at or state.first_seen)
        interval = self.interval_for_age(age)
        if interval is None:
            return _retired(self.retire_at)
        return _scheduled(now, interval)


DEFAULT_POLICY = "newssniffer"
POLICIES: Mapping[str, SchedulePolicy] = MappingProxyType(
    {"newssniffer": NewsSnifferPolicy(), "agetiers": AgeTiersPolicy()}
)


def get_policy(name: str) -> SchedulePolicy:
    """The policy called ``name`` (case-insensitive); ConfigError when there is none."""
    try:
        return POLICIES[name.strip().lower()]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise ConfigError(f"unknown schedule policy {name!r} (known: {known})") from None


def first_check_at(now: datetime) -> datetime:
    """When a newly discovered article is first checked: at once, whatever the policy."""
    return now
