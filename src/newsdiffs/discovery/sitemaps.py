"""XML sitemaps (urlset, Google News, sitemap index), gzipped or plain text -> article links.

Parsing is hardened: lxml with entity resolution, DTD loading, network access and huge
trees off; gzip bodies are decompressed up to a size cap (the protocol's 50 MB limit).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from lxml import etree

from newsdiffs.discovery._common import absolute_url, clean_text, parse_w3c_datetime, unique_links
from newsdiffs.discovery.feeds import parse_feed
from newsdiffs.discovery.results import DiscoveredLink, DiscoveryResult, failed

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org: an uncompressed sitemap is at most 50 MB
GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOTS = frozenset({"rss", "feed", "RDF", "channel"})


def parse_sitemap(
    body: bytes, base_url: str, *, max_bytes: int = MAX_SITEMAP_BYTES
) -> DiscoveryResult:
    """The page links of a ``urlset`` or the child sitemaps of a ``sitemapindex``.

    Understands namespaced and un-namespaced sitemaps, Google News entries (``news:title``,
    ``news:publication_date``, else ``lastmod`` as the date), plain-text sitemaps (one URL
    a line), gzip bodies and RSS/Atom feeds offered as sitemaps. Never raises for bad bytes:
    it returns whatever was readable and a ``problem`` when the body is not a sitemap.
    """
    if body.startswith(GZIP_MAGIC):
        unpacked = _gunzip(body, max_bytes)
        if isinstance(unpacked, str):
            return failed(unpacked)
        body = unpacked
    if not body.strip():
        return failed("empty body")
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_text_sitemap(body, base_url)
    root = _parse_xml(body)
    if isinstance(root, str):
        return failed(root)
    kind = etree.QName(root).localname
    if kind == "urlset":
        links = unique_links(
            link for entry in _children(root, "url") if (link := _url_entry(entry, base_url))
        )
        return DiscoveryResult(links=links)
    if kind == "sitemapindex":
        children = (_sitemap_loc(entry, base_url) for entry in _children(root, "sitemap"))
        return DiscoveryResult(links=(), child_urls=tuple(dict.fromkeys(c for c in children if c)))
    if kind in _FEED_ROOTS:
        return parse_feed(body, base_url)
    return failed(f"not a sitemap: root element is <{kind}>")


def _gunzip(body: bytes, max_bytes: int) -> bytes | str:
    """The decompressed body, or a one-line problem. A truncated stream yields what it holds."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as error:
        return f"corrupt gzip body: {error}"
    if len(data) > max_bytes:
        return f"gzip body inflates past the {max_bytes} byte cap"
    return data


def _parse_xml(body: bytes) -> etree._Element | str:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        return f"not XML: {error}"
    if root is None:
        return "not XML: nothing could be parsed"
    return root


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Direct child elements with local name ``name``, whatever their namespace."""
    for child in element:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            yield child


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in _children(element, name):
        return clean_text(child.text)
    return None


def _url_entry(entry: etree._Element, base_url: str) -> DiscoveredLink | None:
    url = absolute_url(_child_text(entry, "loc"), base_url)
    if url is None:
        return None
    title = None
    published = None
    for news in _children(entry, "news"):
        title = _child_text(news, "title")
        published = parse_w3c_datetime(_child_text(news, "publication_date"))
    if published is None:
        published = parse_w3c_datetime(_child_text(entry, "lastmod"))
    return DiscoveredLink(url=url, title=title, published=published)


def _sitemap_loc(entry: etree._Element, base_url: str) -> str | None:
    # Some indexes put the URL straight into <sitemap> without a <loc>.
    loc = _child_text(entry, "loc") or clean_text(entry.text)
    return absolute_url(loc, base_url)


def _parse_text_sitemap(body: bytes, base_url: str) -> DiscoveryResult:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    urls = (absolute_url(line, base_url) for line in text.splitlines() if "://" in line)
    links = unique_links(DiscoveredLink(url=url) for url in urls if url)
    if not links:
        return failed("not a sitemap: neither XML nor lines of URLs")
    return DiscoveryResult(links=links)
