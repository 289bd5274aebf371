"""When to try again: Retry-After parsing and exponential backoff. Pure."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime

RETRYABLE_STATUSES = frozenset({429}) | frozenset(range(500, 600))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def backoff_delay(base_s: float, retry_index: int, retry_after_s: float | None) -> float:
    """Wait before retry ``retry_index`` (0-based): ``base * 2**n``, or Retry-After if longer."""
    delay = max(0.0, base_s) * (2.0**retry_index)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return delay
