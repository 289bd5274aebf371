"""XML sitemaps (urlset, Google News, sitemap index), gzipped or plain text -> article links.

Parsing is hardened and streamed: lxml's pull parser (entity resolution, DTD loading,
network access and huge trees off) is fed the body 64 KiB at a time, gunzipped and decoded
as it goes, and each ``<url>`` is dropped from the tree once read. Reading stops at
:data:`MAX_LINKS_PER_LISTING` URLs (the protocol's 50,000) or :data:`MAX_SITEMAP_BYTES` of
XML (its 50 MB), whichever comes first. A gzipped sitemap of 1,000,000 URLs used to take
47 s and 831 MB to parse whole; streamed, it stops at 50,000 URLs
(``benchmarks/bench_listings.py`` has the numbers).
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator

from lxml import etree

from newsdiffs.discovery._common import (
    LinkCollector,
    absolute_url,
    clean_text,
    parse_w3c_datetime,
)
from newsdiffs.discovery.feeds import parse_feed
from newsdiffs.discovery.results import (
    MAX_LINKS_PER_LISTING,
    DiscoveredLink,
    DiscoveryResult,
    failed,
)
from newsdiffs.fetching.charset import PRESCAN_BYTES, stream_encoding

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # sitemaps.org: an uncompressed sitemap is at most 50 MB
GZIP_MAGIC = b"\x1f\x8b"
CHUNK_BYTES = 64 * 1024
MAX_LINE_CHARS = 8192  # a line of a text sitemap longer than this is no URL
_FEED_ROOTS = frozenset({"rss", "feed", "RDF", "channel"})
_ENTRY_NAMES = {"urlset": "url", "sitemapindex": "sitemap"}


def parse_sitemap(
    body: bytes,
    base_url: str,
    *,
    max_bytes: int = MAX_SITEMAP_BYTES,
    max_urls: int = MAX_LINKS_PER_LISTING,
    header_charset: str | None = None,
) -> DiscoveryResult:
    """The page links of a ``urlset`` or the child sitemaps of a ``sitemapindex``.

    Understands namespaced and un-namespaced sitemaps, Google News entries (``news:title``,
    ``news:publication_date``, else ``lastmod`` as the date), plain-text sitemaps (one URL
    a line), gzip bodies and RSS/Atom feeds offered as sitemaps. Never raises for bad bytes:
    it returns whatever was readable and a ``problem`` when the body is not a sitemap, is
    cut short, or lists more than ``max_urls`` URLs (the first ``max_urls`` are kept).
    """
    source = _Unpacked(body, max_bytes)
    chunks = source.chunks()
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= PRESCAN_BYTES:
            break
    if source.problem and not head:
        return failed(source.problem)
    if not head.strip():
        return failed("empty body")
    encoding = stream_encoding(head, header_charset)
    pieces = _decoded(_prepend(head, chunks), encoding)
    start = head[:64].decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if not start.startswith("<"):
        result = _parse_text_sitemap(pieces, base_url, max_urls)
    else:
        parsed = _parse_xml_sitemap(pieces, base_url, max_urls)
        if isinstance(parsed, _Feed):
            return parse_feed(_unpack_whole(body, max_bytes), base_url, header_charset)
        result = parsed
    if source.problem:
        problem = "; ".join(p for p in (source.problem, result.problem) if p)
        return DiscoveryResult(result.links, result.child_urls, problem)
    return result


class _Feed:
    """Marker: the body is an RSS/Atom feed offered as a sitemap."""


class _Unpacked:
    """The body's bytes in chunks, gunzipped when gzipped, up to ``max_bytes`` of them.

    ``problem`` is set when the stream is corrupt or over the cap (what came before is
    still yielded); a truncated gzip stream yields what it holds.
    """

    def __init__(self, body: bytes, max_bytes: int) -> None:
        self.body = body
        self.max_bytes = max_bytes
        self.problem: str | None = None

    def chunks(self) -> Iterator[bytes]:
        body = self.body
        if not body.startswith(GZIP_MAGIC):
            if len(body) > self.max_bytes:
                self.problem = f"body is over the {self.max_bytes} byte cap"
            for start in range(0, min(len(body), self.max_bytes), CHUNK_BYTES):
                yield body[start : min(start + CHUNK_BYTES, self.max_bytes)]
            return
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        produced = 0
        pending = body
        while pending and not inflater.eof:
            try:
                data = inflater.decompress(pending, CHUNK_BYTES)
            except zlib.error as error:
                self.problem = f"corrupt gzip body: {error}"
                return
            pending = inflater.unconsumed_tail
            if not data:
                continue
            produced += len(data)
            if produced > self.max_bytes:
                self.problem = f"gzip body inflates past the {self.max_bytes} byte cap"
                return
            yield data


def _unpack_whole(body: bytes, max_bytes: int) -> bytes:
    return b"".join(_Unpacked(body, max_bytes).chunks())


def _prepend(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def _decoded(chunks: Iterator[bytes], encoding: str) -> Iterator[str]:
    """Text pieces; undecodable bytes become U+FFFD, so this never raises."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in chunks:
        text = decoder.decode(chunk)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _pull_parser() -> etree.XMLPullParser:
    return etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def _parse_xml_sitemap(
    pieces: Iterator[str], base_url: str, max_urls: int
) -> DiscoveryResult | _Feed:
    """Stream a sitemap; an entry is read when its element closes, then dropped."""
    parser = _pull_parser()
    collector = LinkCollector(max_urls)
    kind: str | None = None
    entry_name = ""  # "url" or "sitemap", once the root says which
    depth = 0
    problem: str | None = None
    try:
        for piece in pieces:
            parser.feed(piece)
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if kind is None:
                        kind = _localname(element)
                        if kind in _FEED_ROOTS:
                            return _Feed()
                        if kind not in _ENTRY_NAMES:
                            return failed(f"not a sitemap: root element is <{kind}>")
                        entry_name = _ENTRY_NAMES[kind]
                    continue
                depth -= 1
                if depth != 1:
                    continue
                if _localname(element) == entry_name:
                    link = _entry_link(entry_name, element, base_url)
                    if link is not None and not collector.add(link):
                        problem = collector.overflow_problem("sitemap")
                        return _result(entry_name, collector, problem)
                _drop(element)
        parser.close()
    except etree.LxmlError as error:  # recover=True makes this rare: keep what was read
        problem = f"not XML: {error}" if kind is None else f"malformed sitemap: {error}"
    if kind is None:
        return failed(problem or "not XML: nothing could be parsed")
    return _result(entry_name, collector, problem)


def _result(entry_name: str, collector: LinkCollector, problem: str | None) -> DiscoveryResult:
    if entry_name == "sitemap":  # a sitemap index: the links are child sitemaps
        return DiscoveryResult(
            links=(), child_urls=tuple(link.url for link in collector.links()), problem=problem
        )
    return DiscoveryResult(links=collector.links(), problem=problem)


def _entry_link(entry_name: str, entry: etree._Element, base_url: str) -> DiscoveredLink | None:
    if entry_name == "sitemap":
        url = _sitemap_loc(entry, base_url)
        return None if url is None else DiscoveredLink(url=url)
    return _url_entry(entry, base_url)


def _drop(element: etree._Element) -> None:
    """Free an entry that has been read, and anything before it under the root."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _localname(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Direct child elements with local name ``name``, whatever their namespace."""
    for child in element:
        if _localname(child) == name:
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


def _parse_text_sitemap(pieces: Iterator[str], base_url: str, max_urls: int) -> DiscoveryResult:
    collector = LinkCollector(max_urls)
    for line in _lines(pieces):
        if "://" not in line:
            continue
        url = absolute_url(line.lstrip("\ufeff"), base_url)
        if url is not None and not collector.add(DiscoveredLink(url=url)):
            break
    if not len(collector):
        return failed("not a sitemap: neither XML nor lines of URLs")
    return DiscoveryResult(links=collector.links(), problem=collector.overflow_problem("sitemap"))


def _lines(pieces: Iterator[str]) -> Iterator[str]:
    """The lines of a text split into pieces; a line over MAX_LINE_CHARS is dropped."""
    partial = ""
    overlong = False  # inside a line already dropped as too long
    for piece in pieces:
        lines = (partial + piece).splitlines(keepends=True)
        partial = lines.pop() if not lines[-1].endswith(("\n", "\r")) else ""
        if overlong and lines:
            lines.pop(0)
            overlong = False
        yield from lines
        if len(partial) > MAX_LINE_CHARS:
            partial, overlong = "", True
    if partial and not overlong:
        yield partial
