"""When an alert goes out: retries, quiet hours, rate limits and digest periods.

Pure functions of the time and counts the sender reads from the outbox; the sender
(:mod:`newsdiffs.alerts.sender`) applies them. Randomness (the retry jitter) comes in as an
argument, so every decision here is table-tested.

- :func:`retry_at`: after a failed attempt, when to try again, or None once the alert is a
  dead letter. Exponential backoff (``base``, doubling, capped) with "equal jitter": a
  delay ``d`` becomes a uniform draw from ``[d/2, d]``, so retries of many alerts that
  failed together (a target that was down) spread out instead of returning all at once,
  and the wait never exceeds the cap. A target's own ``Retry-After`` wins when it gives one.
- :func:`quiet_until`: the end of the quiet window ``now`` falls in (UTC; a window may wrap
  midnight, ``22:00-07:00``), or None outside it.
- :func:`rate_delay`: how long to wait before the next message to a target that takes at
  most ``per_hour`` messages an hour, given how many it took in the past hour.
- :func:`digest_period`: the hour or day an alert belongs to in a digest, its label and when
  the period's digest is due (its end).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

DigestKind = Literal["hourly", "daily"]

# The least wait before a retry, even when a target says "Retry-After: 0": a target that
# keeps answering 429 at once is not hammered (attempts still end at the dead letter).
MIN_RETRY_S = 1.0
HOUR = timedelta(hours=1)


def backoff_s(failures: int, base_s: float, cap_s: float) -> float:
    """The un-jittered wait after the ``failures``-th failed attempt (1-based)."""
    if failures < 1:
        raise ValueError(f"failures must be at least 1, got {failures}")
    # 2 ** 60 already exceeds any cap: stop doubling there (no float overflow).
    return min(cap_s, base_s * 2.0 ** min(failures - 1, 60))


def retry_delay_s(
    failures: int,
    base_s: float,
    cap_s: float,
    jitter: float,
    retry_after_s: float | None = None,
) -> float:
    """Seconds to wait before the next attempt. ``jitter`` is a uniform draw from [0, 1)."""
    if retry_after_s is not None:
        return min(cap_s, max(MIN_RETRY_S, retry_after_s))
    delay = backoff_s(failures, base_s, cap_s)
    return max(MIN_RETRY_S, delay * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0)))


def retry_at(
    now: datetime,
    failures: int,
    max_attempts: int,
    *,
    base_s: float,
    cap_s: float,
    jitter: float,
    retry_after_s: float | None = None,
    permanent: bool = False,
) -> datetime | None:
    """When to try again after ``failures`` failed attempts; None: a dead letter now."""
    if permanent or failures >= max_attempts:
        return None
    return now + timedelta(seconds=retry_delay_s(failures, base_s, cap_s, jitter, retry_after_s))


def quiet_until(now: datetime, quiet_hours: tuple[time, time] | None) -> datetime | None:
    """The end of the quiet window holding ``now`` (UTC), or None when messages may go.

    ``(start, end)`` is quiet from ``start`` inclusive to ``end`` exclusive; when ``end`` is
    not after ``start`` the window wraps midnight (``22:00-07:00``). An empty window
    (``start == end``) is never quiet.
    """
    if quiet_hours is None:
        return None
    start, end = quiet_hours
    if start == end:
        return None
    now = now.astimezone(UTC)
    clock = now.timetz().replace(tzinfo=None)
    wraps = end < start
    inside = (clock >= start or clock < end) if wraps else start <= clock < end
    if not inside:
        return None
    end_today = datetime.combine(now.date(), end, tzinfo=UTC)
    return end_today if end_today > now else end_today + timedelta(days=1)


def rate_delay_s(sent_past_hour: int, per_hour: int | None) -> float | None:
    """Seconds to wait before the next message to a target, or None to send now.

    The outbox knows how many messages went in the past hour, not exactly when: at the
    limit, the next message waits one average gap (an hour over ``per_hour``), after which
    the count is read again. Over any hour at most ``per_hour`` go out.
    """
    if per_hour is None or sent_past_hour < per_hour:
        return None
    return 3600.0 / max(per_hour, 1)


@dataclass(frozen=True)
class DigestPeriod:
    """The hour or day of a digest: ``[start, end)`` UTC, and a label for keys and titles."""

    start: datetime
    end: datetime
    label: str


def digest_period(at: datetime, kind: DigestKind) -> DigestPeriod:
    """The digest period holding ``at``; its digest is due at ``end``."""
    at = at.astimezone(UTC)
    if kind == "hourly":
        start = at.replace(minute=0, second=0, microsecond=0)
        return DigestPeriod(start, start + HOUR, start.strftime("%Y-%m-%dT%H:00Z"))
    if kind == "daily":
        start = at.replace(hour=0, minute=0, second=0, microsecond=0)
        return DigestPeriod(start, start + timedelta(days=1), start.strftime("%Y-%m-%d"))
    raise ValueError(f"unknown digest kind {kind!r}")


@dataclass(frozen=True)
class Hold:
    """Why an alert waits, and until when (``reason``: "quiet", "rate" or "digest")."""

    until: datetime
    reason: str


def hold(
    now: datetime,
    created_at: datetime,
    quiet_hours: tuple[time, time] | None,
    digest: DigestKind | None,
) -> Hold | None:
    """Whether an alert claimed at ``now`` must wait (before any rate limit): for its digest
    period to end, then for the target's quiet hours to pass."""
    if digest is not None:
        period = digest_period(created_at, digest)
        if now < period.end:
            return Hold(period.end, "digest")
    quiet = quiet_until(now, quiet_hours)
    if quiet is not None:
        return Hold(quiet, "quiet")
    return None
