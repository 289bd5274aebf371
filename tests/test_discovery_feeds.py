"""Feed discovery against real feeds (rss-parser's expected parses, NPR's JSON Feed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from corpus import corpus_dir

from newsdiffs.discovery import DiscoveredLink, discover, parse_feed
from newsdiffs.models import DiscoveryKind

BASE = "https://feeds.example.org/feed"
# Feeds whose every item has an absolute link that we report unchanged.
SAME_LINKS_AS_RSS_PARSER = ["guardian", "uolNoticias", "heise", "rss-1", "customfields", "reddit"]


def _rss_parser() -> Path:
    return corpus_dir("feeds", "rss-parser", "test")


def _expected_items(name: str) -> list[dict[str, Any]]:
    raw = (_rss_parser() / "output" / f"{name}.json").read_bytes()
    items: list[dict[str, Any]] = json.loads(raw.decode("utf-8", errors="replace"))["feed"]["items"]
    return items


def _input(name: str) -> bytes:
    (path,) = (_rss_parser() / "input").glob(f"{name}.*")
    return path.read_bytes()


@pytest.mark.parametrize("name", SAME_LINKS_AS_RSS_PARSER)
def test_links_match_rss_parser_expected_output(name: str) -> None:
    expected = [item["link"].strip() for item in _expected_items(name)]
    result = parse_feed(_input(name), BASE)
    assert result.problem is None
    assert [link.url for link in result.links] == expected


def test_guardian_feed_titles_and_dates() -> None:
    items = _expected_items("guardian")
    result = parse_feed(_input("guardian"), BASE)
    assert len(result.links) == len(items) == 55
    for link, item in zip(result.links[:5], items[:5], strict=True):
        assert link.title == item["title"]
    first = result.links[0]
    assert first.url == (
        "https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord"
    )
    assert first.published is not None and first.published.tzinfo is not None
    assert first.published.date().isoformat() == "2018-01-31"


def test_rss_1_rdf_feed() -> None:
    items = _expected_items("rss-1")
    result = parse_feed(_input("rss-1"), BASE)
    assert len(result.links) == len(items) == 69
    assert result.links[0].title == items[0]["title"] == "Food for fungi"


def test_atom_feed_titles_and_dates() -> None:
    items = _expected_items("heise")
    result = parse_feed(_input("heise"), BASE)
    assert [link.title for link in result.links] == [item["title"].strip() for item in items]
    assert all(link.published is not None for link in result.links)


def test_latin1_feed_titles_are_decoded() -> None:
    result = parse_feed(_input("encoding"), BASE)
    assert len(result.links) == len(_expected_items("encoding")) == 40
    assert result.links[0].title == "Mãe de utente é a nova presidente da Raríssimas"


def test_feedburner_proxy_links_are_replaced_by_the_original() -> None:
    items = _expected_items("feedburner")
    result = parse_feed(_input("feedburner"), BASE)
    assert len(result.links) == len(items)
    assert items[0]["link"].startswith("http://feedproxy.google.com/")
    assert result.links[0].url == (
        "http://googleadsdeveloper.blogspot.com/2016/06/adwords-and-dfp-java-client-library.html"
    )


def test_relative_atom_links_are_resolved_against_the_base_url() -> None:
    items = _expected_items("gulp-atom")
    result = parse_feed(_input("gulp-atom"), "https://github.com/gulpjs/gulp/releases.atom")
    assert items[0]["link"] == "/gulpjs/gulp/releases/tag/v3.9.0"
    assert result.links[0].url == "https://github.com/gulpjs/gulp/releases/tag/v3.9.0"


def test_markup_in_titles_becomes_plain_text() -> None:
    result = parse_feed(_input("craigslist"), BASE)
    assert len(result.links) == 25
    assert result.links[0].title == (
        "Bright, Spacious Beautiful Victorian (oakland north / temescal) $4300 3bd 1930ft2"
    )


def test_entries_without_links_give_a_problem_not_an_error() -> None:
    result = parse_feed(_input("missing-fields"), BASE)
    assert result.links == ()
    assert result.problem is not None and "link" in result.problem


def test_npr_json_feed() -> None:
    body = (corpus_dir("feeds", "trafilatura") / "tests" / "resources" / "feed.json").read_bytes()
    document = json.loads(body)
    result = discover(DiscoveryKind.FEED, body, "https://feeds.npr.org/1019/feed.json")
    assert result.problem is None
    assert [link.url for link in result.links] == [item["url"] for item in document["items"]]
    assert len(result.links) == 25
    first = result.links[0]
    assert first.title == "Keller Rinaudo: How can delivery drones save lives?"
    assert first.published == datetime(2021, 10, 29, 14, 26, tzinfo=UTC)


def test_synthetic_json_feed_resolves_and_deduplicates() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [
                {"id": "1", "url": "/a/1", "title": " One ", "date_published": "2024-05-12"},
                {"id": "https://x.example/2", "title": "Two"},
                {"id": "3", "url": "/a/1", "title": "Dup"},
                {"id": "4"},
                "not an item",
            ],
        }
    ).encode()
    result = parse_feed(body, "https://x.example/feed.json")
    assert result.links == (
        DiscoveredLink("https://x.example/a/1", "One", datetime(2024, 5, 12, tzinfo=UTC)),
        DiscoveredLink("https://x.example/2", "Two"),
    )


def test_json_that_is_not_a_json_feed() -> None:
    result = parse_feed(b'{"version": "1.0", "items": []}', BASE)
    assert result.links == () and result.problem is not None


def test_truncated_rss_keeps_complete_items() -> None:
    body = _input("guardian")
    cut = body[: body.index(b"<item>", len(body) // 2)]
    result = parse_feed(cut, BASE)
    assert 10 < len(result.links) < 55
    assert result.problem is not None and "malformed" in result.problem
    full = parse_feed(body, BASE)
    assert result.links == full.links[: len(result.links)]


def test_valid_empty_feed_has_no_problem() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    result = parse_feed(body, BASE)
    assert result.links == () and result.problem is None


def test_html_served_as_a_feed() -> None:
    body = b"<!doctype html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    result = parse_feed(body, BASE)
    assert result.links == ()
    assert result.problem is not None and "not an RSS" in result.problem
