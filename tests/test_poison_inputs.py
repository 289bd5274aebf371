"""Poison pages: any charset label, declared anywhere, over any bytes, never crashes a reader.

A page declaring ``charset=undefined`` made Python's "undefined" codec raise UnicodeError
through the charset guard, and crashed ``crawl``, ``run`` and ``check`` on every restart.
Every decode path (fetched text, extraction, feeds, sitemaps, front pages) must survive any
label, in the Content-Type header, a ``<meta>`` tag or an XML prolog: unknown ones,
"undefined", "utf-7", "x-user-defined", labels Python knows but cannot decode text with
(base64, rot13, idna, ...), huge labels, NULs. The only exception any of them may raise is
the documented ParseError for a document unreadable as a whole (none does today).
"""

from __future__ import annotations

import asyncio
import encodings
import encodings.aliases
import gzip
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from article_server import ArticleServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdiffs.clock import ManualClock
from newsdiffs.discovery import DiscoveryResult, discover
from newsdiffs.errors import ParseError
from newsdiffs.extraction import extract
from newsdiffs.extraction.html import decode_html
from newsdiffs.fetching import Fetcher, FetchSettings
from newsdiffs.fetching.charset import decode_body, normalize_encoding
from newsdiffs.models import CheckOutcome, DiscoveryKind, Endpoint, ExtractedPage, Source
from newsdiffs.runner import Runner
from newsdiffs.storage import open_store
from newsdiffs.tracker import Tracker

BASE = "https://news.example.com/2026/03/01/a-story-about-charsets-and-pages"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
FETCH = FetchSettings(
    allow_private_addresses=True, per_host_delay_s=0.0, retries=0, respect_robots=False
)
CODEC_MODULES = sorted(
    module.name for module in pkgutil.iter_modules(encodings.__path__) if module.name != "aliases"
)
NASTY_LABELS = [
    "undefined",
    "UNDEFINED",
    " undefined ",
    "utf-7",
    "x-user-defined",
    "base64",
    "rot13",
    "rot_13",
    "hex",
    "zlib",
    "bz2",
    "uu",
    "quopri",
    "idna",
    "punycode",
    "unicode_escape",
    "raw_unicode_escape",
    "utf-16",
    "utf-32",
    "mbcs",
    "oem",
    "charmap",
    "a" * 5_000,
    "utf-8" * 1_000,
    "utf\x00-8",
    "utf-8\x00",
    "\x00",
    "",
    " ",
    "utf-8; q=1",
    "İ",
]
EVERY_LABEL = sorted(
    {*NASTY_LABELS, *CODEC_MODULES, *encodings.aliases.aliases, *encodings.aliases.aliases.values()}
)
LABELS = st.one_of(st.sampled_from(EVERY_LABEL), st.text(max_size=60))
BODY = (
    "<p>Caf\u00e9 cr\u00e8me, \u201cquoted\u201d text of a story that has enough words in it.</p>"
)


def _label_bytes(label: str) -> bytes:
    return label.encode("utf-8", errors="surrogatepass")


def html_page(label: str, tail: bytes = b"") -> bytes:
    return (
        b'<html><head><meta charset="' + _label_bytes(label) + b'"><title>A story</title>'
        b"</head><body><article>"
        + BODY.encode("utf-8") * 3
        + b'<a href="/2026/03/01/another-story-about-something-else">Next</a>'
        + tail
        + b"</article></body></html>"
    )


def xml_prolog(label: str) -> bytes:
    return b'<?xml version="1.0" encoding="' + _label_bytes(label) + b'"?>'


def rss_feed(label: str, tail: bytes = b"") -> bytes:
    return xml_prolog(label) + (
        b'<rss version="2.0"><channel><title>T</title><item><title>Caf\xc3\xa9 '
        + tail
        + b"</title><link>https://news.example.com/2026/03/01/story</link></item></channel></rss>"
    )


def sitemap(label: str, tail: bytes = b"") -> bytes:
    return xml_prolog(label) + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>'
        b"https://news.example.com/2026/03/01/caf\xc3\xa9" + tail + b"</loc></url></urlset>"
    )


def _survives(read: Callable[[], object]) -> object:
    try:
        return read()
    except ParseError:  # the one documented refusal: a document unreadable as a whole
        return None


def every_reader(label: str, tail: bytes = b"") -> None:
    """Run every decode path with ``label`` declared in each place it can be declared."""
    page, feed, urlset = html_page(label, tail), rss_feed(label, tail), sitemap(label, tail)
    assert isinstance(normalize_encoding(label), str | None)
    for body in (page, feed, urlset, tail):
        assert isinstance(decode_body(body, label).text, str)  # header
        assert isinstance(decode_body(body, None).text, str)  # meta / prolog
    assert isinstance(decode_html(page), str)
    assert isinstance(decode_html(feed), str)
    extracted = _survives(lambda: extract(page, BASE))
    assert extracted is None or isinstance(extracted, ExtractedPage)
    listings = (
        (DiscoveryKind.FEED, feed),
        (DiscoveryKind.SITEMAP, urlset),
        (DiscoveryKind.SITEMAP, gzip.compress(urlset)),
        (DiscoveryKind.FRONTPAGE, page),
    )
    for kind, body in listings:
        for header in (None, label):
            found = _survives(lambda k=kind, b=body, h=header: discover(k, b, BASE, None, h))
            assert found is None or isinstance(found, DiscoveryResult)


@pytest.mark.parametrize("label", ["undefined", "utf-7", "x-user-defined", "base64", "idna"])
def test_a_poison_label_reads_like_no_label(label: str) -> None:
    assert normalize_encoding(label) is None
    page = html_page(label)
    assert decode_body(page, label).text == page.decode("utf-8")
    assert decode_html(page) == page.decode("utf-8")
    assert "Café crème" in " ".join(extract(page, BASE).paragraphs)
    assert [link.url for link in discover(DiscoveryKind.FEED, rss_feed(label), BASE).links] == [
        "https://news.example.com/2026/03/01/story"
    ]
    mapped = discover(DiscoveryKind.SITEMAP, sitemap(label), BASE)
    assert [link.url for link in mapped.links] == ["https://news.example.com/2026/03/01/café"]
    front = discover(DiscoveryKind.FRONTPAGE, page, BASE, None, label)
    assert [link.url for link in front.links] == [
        "https://news.example.com/2026/03/01/another-story-about-something-else"
    ]


@pytest.mark.parametrize("label", EVERY_LABEL)
def test_every_label_python_knows_is_survived(label: str) -> None:
    every_reader(label)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=LABELS, tail=st.binary(max_size=300))
def test_any_label_over_any_bytes_is_survived(label: str, tail: bytes) -> None:
    every_reader(label, tail)


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=2_000), label=LABELS)
def test_random_bytes_with_any_header_label(body: bytes, label: str) -> None:
    assert isinstance(decode_body(body, label).text, str)
    assert isinstance(decode_html(body), str)
    for kind in DiscoveryKind:
        found = _survives(lambda k=kind: discover(k, body, BASE, None, label))
        assert found is None or isinstance(found, DiscoveryResult)


# -- end to end: the poison page and feed are recorded, not crashed on ----------------------


def test_a_poison_page_is_checked_and_recorded(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "poison.db"))
    clock = ManualClock(T0)
    with ArticleServer() as site:
        page = html_page("undefined")
        site.put("/2026/03/01/poison", page, **{"Content-Type": "text/html; charset=undefined"})
        article, _ = store.add_article("poison", site.url("/2026/03/01/poison"), T0)

        async def check() -> CheckOutcome:
            async with Fetcher(FETCH) as fetcher:
                return (await Tracker(store, fetcher, clock).check(article)).outcome

        assert asyncio.run(check()) is CheckOutcome.FIRST_VERSION
    latest = store.latest_version(article.id)
    assert latest is not None and "Café crème" in " ".join(latest.paragraphs)
    store.close()


def test_a_poison_feed_is_polled_and_its_items_tracked(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "poison-feed.db"))
    with ArticleServer() as site:
        feed = rss_feed("undefined")
        site.put("/feed.xml", feed, **{"Content-Type": "application/rss+xml; charset=undefined"})
        endpoint = Endpoint(site.url("/feed.xml"), DiscoveryKind.FEED)
        source = Source("poison", "https://news.example.com/", (endpoint,))

        async def poll() -> int:
            async with Fetcher(FETCH) as fetcher:
                runner = Runner(store, fetcher, ManualClock(T0))
                return (await runner.poll_sources([source], force=True)).new_articles

        assert asyncio.run(poll()) == 1
    assert store.find_article("https://news.example.com/2026/03/01/story") is not None
    store.close()
