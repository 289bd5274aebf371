"""Front-page link discovery on synthetic pages."""

from __future__ import annotations

import pytest

from newsdiffs.discovery import discover, looks_like_article_path, parse_frontpage, same_site
from newsdiffs.models import DiscoveryKind

PAGE = """<!doctype html>
<html><head><title>Front</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/uk-news">UK</a></nav>
<a href="/world/2024/may/12/ceasefire-talks-resume">Ceasefire <b>talks</b>
   resume</a>
<a href="https://www.theguardian.com/world/2024/may/12/ceasefire-talks-resume#comments">42</a>
<a href="//www.theguardian.com/politics/2024/may/11/minister-resigns"><img alt=""></a>
<a href="/politics/2024/may/11/minister-resigns">Minister resigns</a>
<a href="https://amp.theguardian.com/uk-news/2024/may/10/flood-warnings">Floods</a>
<a href="https://www.bbc.co.uk/news/world-12345678">Elsewhere</a>
<a href="mailto:editor@theguardian.com">Mail us</a>
<a href="javascript:void(0)">Menu</a>
<a>No href</a>
</body></html>
"""
BASE = "https://www.theguardian.com/uk"


def test_pattern_keeps_matching_same_site_links_in_order() -> None:
    result = parse_frontpage(PAGE, BASE, r"/20\d\d/[a-z]{3}/\d\d/")
    assert result.problem is None
    assert [(link.url, link.title) for link in result.links] == [
        (
            "https://www.theguardian.com/world/2024/may/12/ceasefire-talks-resume",
            "Ceasefire talks resume",
        ),
        # An image link comes first; the later text link gives the title.
        ("https://www.theguardian.com/politics/2024/may/11/minister-resigns", "Minister resigns"),
        ("https://amp.theguardian.com/uk-news/2024/may/10/flood-warnings", "Floods"),
    ]


def test_heuristic_without_pattern() -> None:
    result = parse_frontpage(PAGE.encode(), BASE, None)
    urls = [link.url for link in result.links]
    assert "https://www.theguardian.com/world/2024/may/12/ceasefire-talks-resume" in urls
    assert "https://www.theguardian.com/world" not in urls
    assert all("bbc.co.uk" not in url for url in urls)
    assert len(urls) == 3


def test_base_element_is_honoured() -> None:
    html = '<html><head><base href="https://news.example.com/sub/"></head><body>'
    html += '<a href="story/2024/05/12/big-story">x</a></body></html>'
    result = parse_frontpage(html, "https://news.example.com/", None)
    assert [link.url for link in result.links] == [
        "https://news.example.com/sub/story/2024/05/12/big-story"
    ]


def test_meta_charset_is_used_for_bytes() -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"></head><body>'
        '<a href="/2024/05/12/caf\xe9-story">Caf\xe9 story</a></body></html>'
    ).encode("latin-1")
    result = discover(DiscoveryKind.FRONTPAGE, html, "https://example.com/", None)
    assert [link.title for link in result.links] == ["Café story"]


def test_invalid_pattern_is_a_problem() -> None:
    result = parse_frontpage(PAGE, BASE, "(unclosed")
    assert result.links == () and result.problem is not None and "link_pattern" in result.problem


@pytest.mark.parametrize(
    "path",
    [
        "/world/2024/may/12/ceasefire-talks-resume",
        "/2024/05/12/us/politics/story.html",
        "/news/world-europe-68912345",
        "/en/some-story/a-68912345",
        "/world-nation/story/2024-05-12/fires-spread",
        "/article/biden-trump-debate-election-4f5e6a",
        "/news/20240512-rain.html",
        "/politics/live-coverage-of-the-senate-vote",
    ],
)
def test_article_like_paths(path: str) -> None:
    assert looks_like_article_path(path)


@pytest.mark.parametrize(
    "path", ["/", "/world", "/uk-news/", "/sport/football", "/about-us", "/2024/", "/news/uk"]
)
def test_section_paths_are_not_articles(path: str) -> None:
    assert not looks_like_article_path(path)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://www.bbc.co.uk/news", "https://bbc.co.uk/x", True),
        ("https://edition.cnn.com/", "https://www.cnn.com/2024/05/12/x", True),
        ("https://www.bbc.co.uk/", "https://www.bbc.com/", False),
        ("https://example.co.uk/", "https://other.co.uk/", False),
        ("https://www.theguardian.com/", "https://theguardian.com.evil.org/", False),
        ("https://example.com/", "mailto:x@example.com", False),
    ],
)
def test_same_site(a: str, b: str, expected: bool) -> None:
    assert same_site(a, b) is expected
    assert same_site(b, a) is expected
