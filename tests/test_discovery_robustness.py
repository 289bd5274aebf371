"""Bad bytes never make a discovery parser raise: they give a result with a problem."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdiffs.discovery import DiscoveryResult, discover
from newsdiffs.models import DiscoveryKind

BASE = "https://news.example.com/listing"
KINDS = list(DiscoveryKind)
XMLISH = st.lists(
    st.sampled_from(
        [
            b"<",
            b">",
            b"</",
            b"<rss>",
            b"<item>",
            b"<link>",
            b"/a/1",
            b"<urlset>",
            b"<url><loc>",
            b"<feed>",
            b"<entry>",
            b"{",
            b'"version":',
            b'"https://jsonfeed.org/version/1"',
            b"&amp;",
            b"&bogus;",
            b"<![CDATA[",
            b"\x00",
            b"\xff\xfe",
            b"http://",
            b"<a href='",
            b"\n",
        ]
    ),
    max_size=40,
).map(b"".join)

MALFORMED = [
    b"",
    b"   \n",
    b"\x00\x01\x02garbage\xff\xfe",
    b"<?xml version='1.0'?><rss version='2.0'><channel><item><title>cut",
    b"<urlset><url><loc>https://news.example.com/a</loc></url><url><loc>http",
    b"<html><head><title>Not a feed</title></head><body><p>hi</p></body></html>",
    b"\x1f\x8b\x08\x00garbage-after-gzip-magic",
    gzip.compress(b"\x00\xff not xml"),
    b"{not json",
    b"[" * 100_000,
    b'{"version": "https://jsonfeed.org/version/1", "items": "nope"}',
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'http://127.0.0.1:1/'>]><rss>&e;</rss>",
    "<rss><channel><item><title>ünïcödé</title></item></channel></rss>".encode("utf-16"),
]


def _check(result: DiscoveryResult) -> None:
    assert isinstance(result, DiscoveryResult)
    for link in result.links:
        assert link.url.startswith(("http://", "https://"))
    if not result.links and not result.child_urls:
        assert result.problem is None or result.problem.strip()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_bodies_never_raise(kind: DiscoveryKind, body: bytes) -> None:
    _check(discover(kind, body, BASE, None))


@pytest.mark.parametrize("kind", KINDS)
def test_empty_body_reports_a_problem(kind: DiscoveryKind) -> None:
    result = discover(kind, b"", BASE)
    assert result.links == () and result.problem


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=512), kind=st.sampled_from(KINDS))
def test_random_bytes_never_raise(body: bytes, kind: DiscoveryKind) -> None:
    _check(discover(kind, body, BASE))


@settings(max_examples=150, deadline=None)
@given(body=XMLISH, kind=st.sampled_from(KINDS))
def test_xml_like_fragments_never_raise(body: bytes, kind: DiscoveryKind) -> None:
    _check(discover(kind, body, BASE))


def test_feed_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><item><title>a &xxe; b</title>'
        "<link>https://news.example.com/2024/05/12/story</link></item></channel></rss>"
    ).encode()
    result = discover(DiscoveryKind.FEED, body, BASE)
    assert [link.url for link in result.links] == ["https://news.example.com/2024/05/12/story"]
    assert "TOP-SECRET" not in (result.links[0].title or "")


def test_a_body_that_is_a_file_path_is_not_opened(tmp_path: Path) -> None:
    local = tmp_path / "local-feed.xml"
    local.write_bytes(
        b'<rss version="2.0"><channel><item><title>LOCAL</title>'
        b"<link>https://news.example.com/2024/05/12/local-file</link></item></channel></rss>"
    )
    for kind in DiscoveryKind:
        result = discover(kind, str(local).encode(), BASE)
        assert all("local-file" not in link.url for link in result.links)
