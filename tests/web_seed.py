"""A small, real SQLite store for the web tests: News Sniffer's Kerry example and friends."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdiffs.clock import ManualClock
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.word_counts import words_changed
from newsdiffs.models import (
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    Endpoint,
    NewVersion,
    Source,
    Version,
)
from newsdiffs.settings import Settings
from newsdiffs.storage import SqlStore, open_store

START = datetime(2015, 12, 15, 9, 0, tzinfo=UTC)
NOW = START + timedelta(days=2)
ADMIN_TOKEN = "s3cret-admin-token"

KERRY_V1_TITLE = "In Russia, John Kerry Pushes Forward on Syrian Peace Process"
KERRY_V2_TITLE = "In Russia, John Kerry Pushes Forward on Syria Talks"
KERRY_V1 = (
    "MOSCOW — Secretary of State John Kerry arrived in the Russian capital on Tuesday to press "
    "for a fresh round of talks on ending the war in Syria.",
    "He was due to meet the foreign minister in the morning and the president in the evening, "
    "officials said.",
    "The two governments still disagree about which opposition groups should take part.",
    "A senior official said the meetings would be long.",
)
KERRY_V2 = (
    "MOSCOW — Secretary of State John Kerry arrived in the Russian capital on Tuesday to press "
    "for a fresh round of talks on ending the war in Syria.",
    "He met the foreign minister in the morning and was to see the president in the evening, "
    "officials said.",
    "The two governments still disagree about which opposition groups should take part.",
    "Talks in New York are planned for Friday, the State Department said.",
)
HOSTILE_TITLE = '<script>alert("title")</script> Breaking'
HOSTILE_PARAGRAPHS = (
    'Before "><img src=x onerror=alert(1)> after.',
    "<script>alert('body')</script>",
    '<a href="javascript:alert(2)">click me</a>',
)


@dataclass
class Seeded:
    store: SqlStore
    settings: Settings
    clock: ManualClock
    kerry_id: int
    hostile_id: int
    three_id: int
    gone_id: int


def _version(
    at: datetime, title: str, paragraphs: Sequence[str], previous: Version | None
) -> NewVersion:
    """A version as the tracker stores it: classified against the previous one, if any."""
    digest = hashlib.md5((title + "\n".join(paragraphs)).encode()).hexdigest()
    change = words = None
    if previous is not None:
        change = classify_versions(
            previous.title, previous.paragraphs, title, paragraphs, previous.byline, None
        )
        words = words_changed(change, previous.title, title, previous.byline, None)
    return NewVersion(
        captured_at=at,
        title=title,
        paragraphs=tuple(paragraphs),
        content_hash=digest,
        extractor="test@1",
        raw_html=f"<html><h1>{title}</h1></html>".encode(),
        significance=change.significance if change else None,
        change_kinds=tuple(kind.value for kind in change.kinds) if change else (),
        classification=change,
        words_added=words[0] if words else None,
        words_removed=words[1] if words else None,
    )


def record(
    store: SqlStore,
    article_id: int,
    at: datetime,
    title: str,
    paragraphs: Sequence[str],
    status: ArticleStatus = ArticleStatus.ACTIVE,
    next_check: timedelta | None = timedelta(minutes=30),
    classified: bool = True,
) -> None:
    """Record a new version; ``classified=False`` stores it as versions stored before
    classifications were (no significance, kinds or classification)."""
    previous = store.latest_version(article_id) if classified else None
    store.record_check(
        CheckResult(
            check=Check(article_id=article_id, checked_at=at, outcome=CheckOutcome.NEW_VERSION),
            new_version=_version(at, title, paragraphs, previous),
            status=status,
            next_check_at=None if next_check is None else at + next_check,
            check_interval=next_check or timedelta(days=40),
        )
    )


def seed(tmp_path: Path) -> Seeded:
    store = open_store(str(tmp_path / "web.db"))
    store.upsert_source(
        Source(
            name="nytimes",
            home_url="https://www.nytimes.com/",
            endpoints=(Endpoint(url="https://rss.nytimes.com/world.xml"),),
            title="The New York Times",
        )
    )
    store.upsert_source(Source(name="hostile", home_url="javascript:alert(3)", title="Hostile"))
    url = "https://www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html"
    kerry, _ = store.add_article("nytimes", url, START)
    record(store, kerry.id, START, KERRY_V1_TITLE, KERRY_V1)
    record(store, kerry.id, START + timedelta(hours=7), KERRY_V2_TITLE, KERRY_V2)

    hostile, _ = store.add_article("hostile", "javascript:alert(document.cookie)", START)
    record(store, hostile.id, START + timedelta(hours=1), "Quiet title", ("Calm text.",))
    record(store, hostile.id, START + timedelta(hours=2), HOSTILE_TITLE, HOSTILE_PARAGRAPHS)

    three, _ = store.add_article("nytimes", "https://www.nytimes.com/2015/12/16/three.html", START)
    for n in range(3):
        record(
            store,
            three.id,
            START + timedelta(days=1, hours=n),
            f"Budget vote number {n + 1}",
            (f"The council voted {n + 1} times on the budget.", "The mayor spoke afterwards."),
        )
    gone, _ = store.add_article("nytimes", "https://www.nytimes.com/2015/12/16/gone.html", START)
    record(
        store,
        gone.id,
        START + timedelta(hours=3),
        "Soon gone",
        ("Here today.",),
        next_check=None,
        status=ArticleStatus.RETIRED,
    )
    settings = Settings(db=str(tmp_path / "web.db"), admin_token=ADMIN_TOKEN)
    return Seeded(store, settings, ManualClock(NOW), kerry.id, hostile.id, three.id, gone.id)
