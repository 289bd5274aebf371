"""Sitemap discovery against crawler-commons' and trafilatura's real and spec sitemaps."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from corpus import corpus_dir

from newsdiffs.discovery import discover, parse_sitemap
from newsdiffs.models import DiscoveryKind

BASE = "https://www.example.org/sitemap.xml"


def _sitemaps() -> Path:
    return corpus_dir("feeds", "crawler-commons", "src", "test", "resources", "sitemaps")


def _trafilatura(name: str) -> bytes:
    return (corpus_dir("feeds", "trafilatura") / "tests" / "resources" / name).read_bytes()


def test_real_newspaper_article_sitemap() -> None:
    body = (_sitemaps() / "extension" / "hebdenbridgetimes-articles-sitemap.xml").read_bytes()
    expected = re.findall(rb"<url><loc>([^<]+)</loc>", body)
    result = parse_sitemap(body, BASE)
    assert result.problem is None and result.child_urls == ()
    assert len(result.links) == len(expected) == 74
    assert [link.url.encode() for link in result.links] == expected
    first = result.links[0]
    assert first.url == (
        "http://www.hebdenbridgetimes.co.uk/news/local/video-tour-de-yorkshire-in-calderdale-1-7242580"
    )
    # lastmod 2015-05-03T18:51:50+01:00, not the image/video child elements.
    assert first.published == datetime(2015, 5, 3, 18, 51, 50, tzinfo=timezone(timedelta(hours=1)))
    assert first.published is not None and first.published.tzinfo == UTC


def test_real_google_news_sitemap() -> None:
    body = (_sitemaps() / "extension" / "shinpaideshou-news-sitemap.xml").read_bytes()
    result = discover(DiscoveryKind.SITEMAP, body, BASE)
    assert len(result.links) == 3
    first = result.links[0]
    assert first.url == (
        "https://shinpaideshou.wordpress.com/2017/04/25/job-opening-reischauer-policy-research-fellow/"
    )
    assert first.title == "Job Opening: Reischauer Policy Research Fellow"
    assert first.published == datetime(2017, 4, 25, 10, 0, 36, tzinfo=UTC)


def test_news_sitemap_date_only_publication_date() -> None:
    result = parse_sitemap((_sitemaps() / "extension" / "sitemap-news.xml").read_bytes(), BASE)
    assert result.links[0].title == "Companies A, B in Merger Talks"
    assert result.links[0].published == datetime(2008, 12, 23, tzinfo=UTC)


def test_sitemap_index_children() -> None:
    result = parse_sitemap(_trafilatura("sitemap2.xml"), BASE)
    assert result.links == ()
    assert result.child_urls == (
        "http://www.example.com/sitemap1.xml.gz",
        "http://www.example.com/sitemap2.xml.gz",  # given as CDATA
    )


def test_sitemap_index_with_bare_urls_in_sitemap_elements() -> None:
    result = parse_sitemap((_sitemaps() / "sitemap.index.xml").read_bytes(), BASE)
    assert len(result.child_urls) == 15
    assert result.child_urls[0] == "https://example.com/sitemap.jss?portalCode=10260&lang=en"


def test_gzipped_sitemap_equals_plain() -> None:
    plain = parse_sitemap(_trafilatura("sitemap.xml"), BASE)
    packed = parse_sitemap(_trafilatura("sitemap.xml.gz"), BASE)
    assert len(plain.links) == 84
    assert packed == plain


def test_gzip_over_the_cap_is_refused() -> None:
    body = gzip.compress(b"<urlset>" + b" " * 10_000 + b"</urlset>")
    result = parse_sitemap(body, BASE, max_bytes=1_000)
    assert result.links == () and result.problem is not None and "cap" in result.problem


def test_corrupt_and_truncated_gzip_never_raise() -> None:
    packed = gzip.compress(_trafilatura("sitemap.xml"))
    truncated = parse_sitemap(packed[: len(packed) // 2], BASE)
    assert 0 < len(truncated.links) < 84
    corrupt = parse_sitemap(packed[:10] + b"\x00" * 50, BASE)
    assert corrupt.links == () and corrupt.problem is not None


def test_namespace_variants() -> None:
    for name in ("sitemap.ns.xml", "sitemap.badns.xml"):
        result = parse_sitemap((_sitemaps() / name).read_bytes(), BASE)
        assert [link.url for link in result.links] == [
            "http://www.example.com/1",
            "http://www.example.com/2",
        ]


def test_text_sitemaps_with_and_without_bom() -> None:
    for name in ("sitemap.txt", "sitemap-with-bom.txt"):
        result = parse_sitemap((_sitemaps() / name).read_bytes(), BASE)
        assert result.problem is None
        assert result.links[0].url == "http://www.domain.com/page1.html"


def test_atom_feed_offered_as_sitemap() -> None:
    result = parse_sitemap((_sitemaps() / "atom.xml").read_bytes(), BASE)
    assert [link.url for link in result.links] == ["http://example.org/2003/12/13/atom03.html"]


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://www.example.org/a?x=&xxe;</loc></url></urlset>"
    ).encode()
    result = parse_sitemap(body, BASE)
    assert all("TOP-SECRET" not in link.url for link in result.links)


def test_billion_laughs_does_not_expand() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}]>'
        "<urlset><url><loc>https://www.example.org/&a9;</loc></url></urlset>"
    ).encode()
    result = parse_sitemap(body, BASE)
    assert all(len(link.url) < 1_000 for link in result.links)


def test_html_is_not_a_sitemap() -> None:
    result = parse_sitemap(b"<html><body><a href='/x'>x</a></body></html>", BASE)
    assert result.links == () and result.problem is not None and "<html>" in result.problem
