"""No bound on a listing: sitemaps are streamed, and every listing is cut at 50,000 URLs.

A 3 MB gzipped sitemap took 47 s and 831 MB to parse whole. Now it is read as a stream,
each entry dropped once read, and reading stops at the protocol's 50,000 URLs.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from newsdiffs.discovery import discover, parse_feed, parse_frontpage, parse_sitemap
from newsdiffs.discovery.results import MAX_LINKS_PER_LISTING
from newsdiffs.models import DiscoveryKind

BASE = "https://news.example.com/sitemap.xml"
# Measured: about 20 MB at the peak for the 1,000,000-URL sitemap (50,000 links kept, the
# gzipped body itself 2.8 MB); parsed whole it took 831 MB.
PEAK_BOUND_BYTES = 64 * 1024 * 1024


def story(i: int) -> str:
    return f"https://news.example.com/2026/03/01/story-number-{i}"


def _urlset_pieces(n: int) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    step = 10_000
    for start in range(0, n, step):
        yield "".join(
            f"<url><loc>{story(i)}</loc><lastmod>2026-03-01T10:00:00Z</lastmod></url>\n"
            for i in range(start, min(n, start + step))
        ).encode()
    yield b"</urlset>\n"


def gzipped_sitemap(n: int) -> bytes:
    """A gzipped urlset of ``n`` URLs, compressed piece by piece (never whole in memory)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    packed = [packer.compress(piece) for piece in _urlset_pieces(n)]
    return b"".join([*packed, packer.flush()])


@pytest.mark.slow
def test_a_million_url_sitemap_is_parsed_in_bounded_memory() -> None:
    body = gzipped_sitemap(1_000_000)
    tracemalloc.start()
    try:
        result = parse_sitemap(body, BASE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\n1,000,000-URL sitemap ({len(body) / 1e6:.1f} MB gzipped): peak {peak / 1e6:.1f} MB")
    assert len(result.links) == MAX_LINKS_PER_LISTING == 50_000
    assert result.links[0].url == story(0) and result.links[-1].url == story(49_999)
    assert result.problem is not None and "more than 50000" in result.problem
    assert peak < PEAK_BOUND_BYTES


def test_streamed_sitemap_keeps_dates_and_stops_at_the_cap() -> None:
    body = gzipped_sitemap(120)
    result = parse_sitemap(body, BASE, max_urls=100)
    assert [link.url for link in result.links] == [story(i) for i in range(100)]
    assert all(link.published is not None for link in result.links)
    assert result.problem == "sitemap lists more than 100 URLs: kept the first 100"
    whole = parse_sitemap(body, BASE, max_urls=120)
    assert len(whole.links) == 120 and whole.problem is None


def test_sitemap_read_in_many_pieces_equals_one_piece() -> None:
    # Entries straddle the 64 KiB chunk boundaries many times over.
    body = b"".join(_urlset_pieces(5_000))
    assert len(body) > 5 * 64 * 1024
    result = parse_sitemap(body, BASE)
    assert [link.url for link in result.links] == [story(i) for i in range(5_000)]


def test_sitemap_index_children_are_capped() -> None:
    children = "".join(
        f"<sitemap><loc>https://news.example.com/s{i}.xml</loc></sitemap>" for i in range(30)
    )
    body = f"<sitemapindex>{children}</sitemapindex>".encode()
    result = parse_sitemap(body, BASE, max_urls=10)
    assert result.child_urls == tuple(f"https://news.example.com/s{i}.xml" for i in range(10))
    assert result.links == () and result.problem is not None


def test_text_sitemap_is_capped_and_survives_a_huge_line() -> None:
    lines = "\n".join(story(i) for i in range(200))
    body = ("x" * 200_000 + "\n" + lines + "\n").encode()
    result = parse_sitemap(body, BASE, max_urls=150)
    assert [link.url for link in result.links] == [story(i) for i in range(150)]
    assert result.problem is not None and "more than 150" in result.problem


@pytest.mark.parametrize("root", ["rss", "atom", "rdf", "json"])
def test_a_feed_is_cut_at_the_cap(root: str) -> None:
    body = _feed(root, 150)
    result = parse_feed(body, BASE, max_urls=100)
    assert [link.url for link in result.links] == [story(i) for i in range(100)]
    assert result.problem == "feed lists more than 100 URLs: kept the first 100"
    whole = parse_feed(body, BASE, max_urls=150)
    assert len(whole.links) == 150 and whole.problem is None


def _feed(root: str, n: int) -> bytes:
    if root == "json":
        items = ",".join(f'{{"id": "{i}", "url": "{story(i)}"}}' for i in range(n))
        return f'{{"version": "https://jsonfeed.org/version/1.1", "items": [{items}]}}'.encode()
    if root == "atom":
        entries = "".join(
            f'<entry><title>S{i}</title><link href="{story(i)}"/></entry>' for i in range(n)
        )
        return (
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entries}</feed>'.encode()
        )
    items = "".join(f"<item><title>S{i}</title><link>{story(i)}</link></item>" for i in range(n))
    if root == "rdf":
        return (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel>'
            f"{items}</rdf:RDF>"
        ).encode()
    return f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def test_the_default_cap_is_the_sitemap_protocols() -> None:
    assert MAX_LINKS_PER_LISTING == 50_000


def test_a_front_page_is_cut_at_the_cap() -> None:
    anchors = "".join(f"<a href='{story(i)}'>Story {i}</a>" for i in range(150))
    body = f"<html><body>{anchors}</body></html>".encode()
    result = parse_frontpage(body, "https://news.example.com/", None, max_urls=100)
    assert [link.url for link in result.links] == [story(i) for i in range(100)]
    assert result.problem == "page lists more than 100 URLs: kept the first 100"


def test_a_gzipped_sitemap_over_the_byte_cap_keeps_what_came_before() -> None:
    body = gzip.compress(b"".join(_urlset_pieces(2_000)))
    result = discover(DiscoveryKind.SITEMAP, body, BASE)
    assert len(result.links) == 2_000 and result.problem is None
    capped = parse_sitemap(body, BASE, max_bytes=64 * 1024)
    assert 0 < len(capped.links) < 2_000
    assert capped.problem is not None and "cap" in capped.problem


def test_a_utf16_sitemap_is_read_as_xml() -> None:
    # Its first byte is a BOM, not "<": it was read as lines of text, and found nothing.
    body = "<urlset><url><loc>https://news.example.com/1</loc></url></urlset>".encode("utf-16")
    result = parse_sitemap(body, BASE)
    assert [link.url for link in result.links] == ["https://news.example.com/1"]
    assert result.problem is None
