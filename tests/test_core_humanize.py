from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsdiffs.core.humanize import about, ago, fmt_datetime, later


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(0), "less than a minute"),
        (timedelta(seconds=29), "less than a minute"),
        (timedelta(seconds=30), "1 minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=2), "2 minutes"),
        (timedelta(minutes=44), "44 minutes"),
        (timedelta(minutes=45), "about 1 hour"),
        (timedelta(minutes=89), "about 1 hour"),
        (timedelta(minutes=90), "about 2 hours"),
        (timedelta(hours=7, minutes=10), "about 7 hours"),
        (timedelta(hours=23, minutes=59), "about 24 hours"),
        (timedelta(hours=24), "1 day"),
        (timedelta(hours=41), "1 day"),
        (timedelta(hours=42), "2 days"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=29), "29 days"),
        (timedelta(days=30), "about 1 month"),
        (timedelta(days=40), "about 1 month"),
        (timedelta(days=60), "2 months"),
        (timedelta(days=364), "12 months"),
        (timedelta(days=365), "about 1 year"),
        (timedelta(days=365 + 120), "over 1 year"),
        (timedelta(days=365 + 300), "almost 2 years"),
        (timedelta(days=3 * 365), "about 3 years"),
        (-timedelta(hours=7), "about 7 hours"),
    ],
)
def test_about(delta: timedelta, words: str) -> None:
    assert about(delta) == words


def test_later() -> None:
    assert later(timedelta(hours=7)) == "about 7 hours later"
    assert later(timedelta(seconds=5)) == "less than a minute later"


def test_ago() -> None:
    now = datetime(2015, 3, 5, 0, 5, tzinfo=UTC)
    assert ago(now - timedelta(hours=7), now) == "about 7 hours ago"
    assert ago(now - timedelta(days=3), now) == "3 days ago"
    assert ago(now + timedelta(minutes=5), now) == "5 minutes from now"


def test_fmt_datetime() -> None:
    assert fmt_datetime(datetime(2015, 3, 4, 17, 5, 59, tzinfo=UTC)) == "2015-03-04 17:05 UTC"
    eastern = timezone(timedelta(hours=-5))
    assert fmt_datetime(datetime(2015, 3, 4, 12, 5, tzinfo=eastern)) == "2015-03-04 17:05 UTC"
    assert fmt_datetime(datetime(2015, 3, 4, 17, 5)) == "2015-03-04 17:05 UTC"
