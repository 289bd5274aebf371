"""Atom and RSS feeds parse back (feedparser), carry tag: ids and link to diffs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import feedparser
import pytest
from fastapi.testclient import TestClient
from web_seed import KERRY_V2_TITLE, Seeded, seed

from newsdiffs.cards import version_change_text
from newsdiffs.core.change_text import ChangeText
from newsdiffs.web import create_app
from newsdiffs.web.feeds import Feed, FeedEntry, clean, to_atom, to_rss


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("feeds"))
    yield data
    data.store.close()


@pytest.fixture(scope="module")
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def parse(client: TestClient, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    return parsed


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_article_feed_has_one_entry_per_change(
    client: TestClient, seeded: Seeded, fmt: str
) -> None:
    parsed = parse(client, f"/articles/{seeded.three_id}/changes.{fmt}")
    assert parsed.version == ("atom10" if fmt == "atom" else "rss20")
    assert len(parsed.entries) == 2  # three versions, two changes
    newest = parsed.entries[0]
    assert newest.link == f"http://127.0.0.1:8080/articles/{seeded.three_id}/diff/2/3"
    assert newest.id == f"tag:127.0.0.1,2026:article/{seeded.three_id}/version/3"
    assert "Budget vote number 3" in newest.title
    assert "words" in newest.summary


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_latest_and_source_feeds(client: TestClient, seeded: Seeded, fmt: str) -> None:
    latest = parse(client, f"/feeds/changes.{fmt}")
    titles = [entry.title for entry in latest.entries]
    assert any(KERRY_V2_TITLE in title for title in titles)
    assert len({entry.id for entry in latest.entries}) == len(latest.entries)
    source = parse(client, f"/sources/nytimes/changes.{fmt}")
    assert source.entries and all("nytimes" in entry.summary for entry in source.entries)
    headline = parse(client, f"/feeds/changes.{fmt}?kind=headline")
    assert all("Headline changed" in entry.summary for entry in headline.entries)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_search_feed(client: TestClient, fmt: str) -> None:
    parsed = parse(client, f"/search.{fmt}?q=kerry")
    assert len(parsed.entries) == 1 and "Kerry" in parsed.entries[0].title
    assert parsed.entries[0].id.startswith("tag:127.0.0.1,2026:article/")


def test_ids_are_stable(client: TestClient, seeded: Seeded) -> None:
    first = parse(client, f"/articles/{seeded.kerry_id}/changes.atom")
    second = parse(client, f"/articles/{seeded.kerry_id}/changes.atom")
    assert [e.id for e in first.entries] == [e.id for e in second.entries]
    assert first.feed.id == f"tag:127.0.0.1,2026:article/{seeded.kerry_id}"


def test_control_characters_cannot_break_the_xml() -> None:
    from datetime import UTC, datetime

    entry = FeedEntry(
        "tag:x,2026:1",
        "bad \x01\x0b title",
        "http://x/1",
        datetime(2020, 1, 1, tzinfo=UTC),
        "a < b & c",
        "src",
    )
    feed = Feed("tag:x,2026:f", "Feed", "http://x/", "http://x/f", (entry,))
    for body in (to_atom(feed), to_rss(feed)):
        parsed = feedparser.parse(body)
        assert not parsed.bozo
        assert parsed.entries[0].title == "bad  title"
    assert clean("a\x00b\tc\n") == "ab\tc\n"


def test_unknown_feed_format_is_rejected(client: TestClient) -> None:
    assert client.get("/feeds/changes.json").status_code == 422


def _changed_words(words: ChangeText) -> set[str]:
    """The words a change inserted or deleted (headline and passages)."""
    found: set[str] = set()
    if words.headline is not None:
        old, new = (set(side.split()) for side in words.headline)
        found |= old ^ new
    for spans in words.passages:
        for span in spans:
            if span.op != "equal":
                found |= set(span.text.split())
    return found


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    html = " ".join(part.value for part in entry.get("content", [])) + " " + entry.summary
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_every_entry_carries_the_changed_words(
    client: TestClient, seeded: Seeded, fmt: str
) -> None:
    feeds = [
        f"/feeds/changes.{fmt}",
        f"/sources/nytimes/changes.{fmt}",
        f"/articles/{seeded.three_id}/changes.{fmt}",
        f"/articles/{seeded.kerry_id}/changes.{fmt}",
    ]
    checked = 0
    for path in feeds:
        for entry in parse(client, path).entries:
            article_id, number = re.findall(r"article/(\d+)/version/(\d+)", entry.id)[0]
            versions = seeded.store.versions(int(article_id))
            words = version_change_text(versions[int(number) - 2], versions[int(number) - 1])
            expected = _changed_words(words)
            assert expected, entry.id
            text = _entry_text(entry)
            missing = [word for word in expected if word not in text]
            assert not missing, (path, entry.id, missing)
            checked += 1
    assert checked >= 6


def test_atom_content_and_rss_description_mark_the_change(
    client: TestClient, seeded: Seeded
) -> None:
    atom = parse(client, f"/articles/{seeded.kerry_id}/changes.atom").entries[0]
    assert atom.summary.startswith("Headline changed")
    assert "Headline changed: 'In Russia, John Kerry Pushes Forward on Syrian Peace" in atom.summary
    assert "[-was due to meet-]" in atom.summary and "{+met+}" in atom.summary
    content = atom.content[0]
    assert content.type == "text/html"
    assert "<del>was due to meet</del>" in content.value
    assert "<ins>met</ins>" in content.value
    rss = parse(client, f"/articles/{seeded.kerry_id}/changes.rss").entries[0]
    assert "<del>was due to meet</del>" in rss.summary and "<ins>met</ins>" in rss.summary
