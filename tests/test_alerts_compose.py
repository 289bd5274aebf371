"""What an alert says (alerts/compose.py): the change itself, the outlet, the time, a link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from web_seed import HOSTILE_TITLE, KERRY_V1, KERRY_V2_TITLE, START, Seeded, record, seed

from newsdiffs.alerts.compose import SHORT_LIMIT, compose, short_text
from newsdiffs.core.alert_rules import rule_from_dict
from newsdiffs.errors import HiddenError
from newsdiffs.models import (
    ArticleEvent,
    ArticleStatus,
    Check,
    CheckOutcome,
    CheckResult,
    EventKind,
)
from newsdiffs.storage.base import OutboxAlert

PUBLIC = "https://diffs.example.org"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    data.store.save_alert_rule(
        rule_from_dict(
            {
                "name": "all",
                "targets": ["webhook://127.0.0.1:9/x"],
                "kinds": ["new_version", "gone"],
            }
        )
    )
    yield data
    data.store.close()


def _only_alert(seeded: Seeded) -> OutboxAlert:
    [alert] = seeded.store.list_alerts()
    return alert


def test_a_headline_and_sentence_change(seeded: Seeded) -> None:
    new_title = "In Russia, John Kerry Presses Putin on Syria Talks"
    paragraphs = (KERRY_V1[0], KERRY_V1[1].replace("foreign minister", "prime minister"))
    record(seeded.store, seeded.kerry_id, START + timedelta(hours=9), new_title, paragraphs)
    alert = _only_alert(seeded)
    message = compose(alert, seeded.store, PUBLIC)
    assert message.title == "Headline changed · The New York Times"
    assert message.key == alert.key
    assert message.link == f"{PUBLIC}/articles/{seeded.kerry_id}/diff/2/3"
    assert message.text.splitlines()[:2] == [
        new_title,
        f"Headline changed: '{KERRY_V2_TITLE}' → '{new_title}'",
    ]
    assert "[-foreign-]{+prime+} minister" in message.text
    assert message.text.endswith(f"The New York Times · 2015-12-15 18:00 UTC\n{message.link}")
    assert "<del>foreign</del><ins>prime</ins>" in message.html
    assert f'<a href="{message.link}">' in message.html
    assert message.short_text.endswith(f"\nThe New York Times\n{message.link}")
    assert len(message.short_text) <= SHORT_LIMIT
    assert "Headline changed from" in message.alt_text and "[-" not in message.alt_text
    assert "headline" in message.kinds and message.card_png is None
    assert message.article_url.startswith("https://www.nytimes.com/")


def test_a_300_word_rewrite_keeps_short_text_within_300_characters(seeded: Seeded) -> None:
    words = " ".join(f"word{n}" for n in range(300)) + "."
    record(seeded.store, seeded.kerry_id, START + timedelta(hours=9), "Rewritten", (words,))
    message = compose(_only_alert(seeded), seeded.store, PUBLIC)
    assert len(message.short_text) <= SHORT_LIMIT
    assert message.link in message.short_text and "…" in message.short_text
    assert len(message.alt_text) <= 1_000


def test_html_is_escaped(seeded: Seeded) -> None:
    record(
        seeded.store,
        seeded.hostile_id,
        START + timedelta(hours=9),
        HOSTILE_TITLE + " <b>again</b>",
        ('<img src=x onerror=alert(1)> "new" text.',),
    )
    message = compose(_only_alert(seeded), seeded.store, PUBLIC)
    assert "<script>" not in message.html and "<img" not in message.html
    assert "<b>" not in message.html
    assert "&lt;script&gt;" in message.html


def test_an_event_alert(seeded: Seeded) -> None:
    event = ArticleEvent(seeded.kerry_id, START + timedelta(hours=9), EventKind.GONE, "HTTP 410")
    check = Check(seeded.kerry_id, event.at, CheckOutcome.GONE)
    seeded.store.record_check(
        CheckResult(check, events=(event,), status=ArticleStatus.GONE, next_check_at=event.at)
    )
    message = compose(_only_alert(seeded), seeded.store, PUBLIC)
    assert message.title == "Article removed · The New York Times"
    assert "The page is gone (it answers HTTP 410)." in message.text
    assert message.link == f"{PUBLIC}/articles/{seeded.kerry_id}"
    assert message.kinds == ("gone",) and len(message.short_text) <= SHORT_LIMIT


def test_a_hidden_article_is_never_composed(seeded: Seeded) -> None:
    record(seeded.store, seeded.kerry_id, START + timedelta(hours=9), "New", KERRY_V1)
    alert = _only_alert(seeded)
    seeded.store.set_status(seeded.kerry_id, ArticleStatus.HIDDEN.value)
    with pytest.raises(HiddenError):
        compose(alert, seeded.store, PUBLIC)


@pytest.mark.parametrize("outlet", ["X", "A very long outlet name " * 20])
def test_short_text_never_passes_its_limit(outlet: str) -> None:
    link = f"{PUBLIC}/articles/1/diff/1/2"
    text = short_text("word " * 200, outlet, link)
    assert len(text) <= SHORT_LIMIT and link in text
