"""Times in words, News Sniffer style ("about 7 hours later", "3 days ago").

:func:`about` follows Rails' ``distance_of_time_in_words`` (which News Sniffer used), on the
delta rounded to whole minutes:

=====================  ==========================
under 30 seconds       less than a minute
30 s to 1 min 29 s     1 minute
2 to 44 minutes        N minutes
45 to 89 minutes       about 1 hour
90 min to 23 h 59 min  about N hours (rounded)
24 h to 41 h 59 min    1 day
42 h to 29 days        N days (rounded)
30 to 59 days          about 1 month
60 days to a year      N months (rounded, 30-day months)
a year and more        about / over / almost N years
=====================  ==========================

Negative deltas are described by their size. ``fmt_datetime`` prints "2015-03-04 17:05 UTC".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_MINUTES_PER_DAY = 24 * 60
_MINUTES_PER_MONTH = 30 * _MINUTES_PER_DAY
_MINUTES_PER_YEAR = 365 * _MINUTES_PER_DAY


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _round(value: float) -> int:
    """Round half up, like Ruby (Python's round() goes to even)."""
    return int(value + 0.5)


def _years(minutes: int) -> str:
    years, remainder = divmod(minutes, _MINUTES_PER_YEAR)
    if remainder < 3 * _MINUTES_PER_MONTH:
        return "about " + _plural(years, "year")
    if remainder < 9 * _MINUTES_PER_MONTH:
        return "over " + _plural(years, "year")
    return "almost " + _plural(years + 1, "year")


def about(delta: timedelta) -> str:
    """The size of ``delta`` in words: "less than a minute", "about 7 hours", "3 days", ..."""
    minutes = _round(abs(delta.total_seconds()) / 60)
    if minutes == 0:
        return "less than a minute"
    if minutes < 45:
        return _plural(minutes, "minute")
    if minutes < 90:
        return "about 1 hour"
    if minutes < _MINUTES_PER_DAY:
        return "about " + _plural(_round(minutes / 60), "hour")
    if minutes < 42 * 60:
        return "1 day"
    if minutes < _MINUTES_PER_MONTH:
        return _plural(_round(minutes / _MINUTES_PER_DAY), "day")
    if minutes < 2 * _MINUTES_PER_MONTH:
        return "about 1 month"
    if minutes < _MINUTES_PER_YEAR:
        return _plural(_round(minutes / _MINUTES_PER_MONTH), "month")
    return _years(minutes)


def later(delta: timedelta) -> str:
    """How long after the previous version: "about 7 hours later"."""
    return f"{about(delta)} later"


def ago(then: datetime, now: datetime) -> str:
    """How long before ``now`` ``then`` was: "about 7 hours ago" (or "... from now")."""
    delta = now - then
    if delta < timedelta(0):
        return f"{about(delta)} from now"
    return f"{about(delta)} ago"


def fmt_datetime(dt: datetime) -> str:
    """``dt`` in UTC as "2015-03-04 17:05 UTC" (naive datetimes are taken to be UTC)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%d %H:%M UTC")
