"""Shared HTML helpers for extractors: decoding, parsing, JSON-LD, meta tags, titles, dates.

Everything here is pure (no I/O) and tolerant: bad input gives ``None`` or an empty
result, never an exception. Site adapters may import these freely; names are stable.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from newsdiffs.extraction.nesting import flatten_deep_nesting
from newsdiffs.fetching.charset import sniff_declared_charset

HtmlElement = lxml_html.HtmlElement

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "scholarlyarticle",
        "techarticle",
        "blogposting",
        "liveblogposting",
        "report",
        "webpage_article",
    }
)
# " - Site", " | Site", " — Site", " :: Site" at the end of a <title>.
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / ")


def decode_html(data: str | bytes) -> str:
    """Decode page bytes: BOM, then ``<meta charset>``, then UTF-8, then a detected charset."""
    if isinstance(data, str):
        return data
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    # The one charset guard (fetching/charset.py): only web encodings are obeyed, so a
    # declared "undefined", "utf-7" or "base64" counts as no declaration at all.
    declared = sniff_declared_charset(data)
    if declared is not None:
        try:
            return data.decode(declared)
        except (UnicodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def _fast_html_parser() -> lxml_html.HTMLParser:
    """lxml's HTML parser with its class lookup done in C.

    ``lxml.html`` picks a Python class per tag (forms, inputs...) in a Python callback run
    for every element touched; every element here is a plain ``HtmlElement`` instead, which
    makes walking big pages (and trafilatura's passes over them) noticeably faster.
    """
    parser = lxml_html.HTMLParser(collect_ids=False)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    return parser


_PARSERS = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> lxml_html.HTMLParser:
    parser: lxml_html.HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _fast_html_parser()
    return parser


def parse_html(html: str | bytes) -> HtmlElement | None:
    """Parse a page with lxml; ``None`` when there is no document to speak of."""
    text = decode_html(html)
    # lxml refuses str input that carries an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    parser = _parser()
    try:
        doc = lxml_html.document_fromstring(text, parser=parser)
        if _hit_depth_limit(parser):  # the text below the limit is gone: flatten, reparse
            doc = lxml_html.document_fromstring(flatten_deep_nesting(text), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return doc


def _hit_depth_limit(parser: lxml_html.HTMLParser) -> bool:
    """Whether the last parse stopped nesting at libxml2's depth limit (a fatal error,
    always logged, even after the hundred errors libxml2 reports at most)."""
    return any(
        "depth" in error.message
        for error in parser.error_log.filter_types([etree.ErrorTypes.ERR_RESOURCE_LIMIT])
    )


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace, drop zero-width characters, strip the ends."""
    return " ".join(_INVISIBLE.sub("", text).split())  # split(): the \s spaces


def element_text(element: HtmlElement) -> str:
    """The whitespace-normalised text of an element and its descendants."""
    return normalize_space(element.text_content())


_META_KEY_ATTRIBUTES = ("property", "name", "itemprop")


def meta_tags(doc: HtmlElement) -> dict[str, str]:
    """Every ``<meta property|name|itemprop=key content=...>`` of a page, read in one pass:
    lower-cased key -> the first non-empty, whitespace-normalised content for that key."""
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        value: str | None = None
        for attr in _META_KEY_ATTRIBUTES:
            key = meta.get(attr)
            if not key:
                continue
            key = key.strip().lower()
            if key in found:
                continue
            if value is None:
                value = normalize_space(unescape(content) if "&" in content else content)
            if value:
                found[key] = value
    return found


def first_meta(tags: dict[str, str], *keys: str) -> str | None:
    """The value in ``tags`` (from :func:`meta_tags`) of the first of ``keys`` present."""
    for key in keys:
        value = tags.get(key.lower())
        if value:
            return value
    return None


def meta_content(doc: HtmlElement, *keys: str) -> str | None:
    """The first non-empty ``<meta property|name|itemprop=key content=...>`` among ``keys``."""
    return first_meta(meta_tags(doc), *keys)


def canonical_url(doc: HtmlElement, tags: dict[str, str] | None = None) -> str | None:
    """``<link rel=canonical href>``, else ``og:url``, as found on the page.

    ``tags`` is the page's :func:`meta_tags`, when already read.
    """
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            return href
    return first_meta(meta_tags(doc) if tags is None else tags, "og:url")


def html_language(doc: HtmlElement, tags: dict[str, str] | None = None) -> str | None:
    """``<html lang>`` (or ``og:locale`` / content-language meta), e.g. ``"en-GB"``.

    ``tags`` is the page's :func:`meta_tags`, when already read.
    """
    lang = (doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if not lang:
        if tags is None:
            tags = meta_tags(doc)
        lang = first_meta(tags, "og:locale", "content-language", "language") or ""
    lang = lang.replace("_", "-").split(",")[0].strip()
    return lang or None


def _walk_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_json_ld(item)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _walk_json_ld(graph)
        main = node.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk_json_ld(main)


def json_ld_objects(doc: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, with ``@graph`` and ``mainEntity`` flattened."""
    objects: list[dict[str, Any]] = []
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if raw.startswith("<!--"):
            raw = raw.removeprefix("<!--").removesuffix("-->")
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        objects.extend(_walk_json_ld(data))
    return objects


def _types_of(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def json_ld_articles(doc: HtmlElement) -> list[dict[str, Any]]:
    """JSON-LD objects whose ``@type`` is an Article kind (NewsArticle, BlogPosting, ...)."""
    return [obj for obj in json_ld_objects(doc) if _types_of(obj) & _ARTICLE_TYPES]


def json_ld_text(value: Any) -> str | None:
    """A JSON-LD value as plain text (first item of a list, ``@value`` / ``name`` of a dict)."""
    if isinstance(value, list):
        for item in value:
            text = json_ld_text(item)
            if text:
                return text
        return None
    if isinstance(value, dict):
        return json_ld_text(value.get("@value") or value.get("name"))
    if isinstance(value, str):
        text = normalize_space(unescape(value) if "&" in value else value)
        return text or None
    return None


def json_ld_authors(article: dict[str, Any]) -> list[str]:
    """Author names of a JSON-LD article (Person/Organization objects, strings or lists)."""
    names: list[str] = []
    value = article.get("author") or article.get("creator")
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    for item in items:
        name = json_ld_text(item.get("name")) if isinstance(item, dict) else json_ld_text(item)
        if name and name not in names and not name.startswith(("http://", "https://")):
            names.append(name)
    return names


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO-8601-ish or RFC-2822 date/time as an aware UTC datetime.

    A time without a zone is taken to be UTC; one with a zone is converted to UTC.
    """
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    iso = re.sub(r"Z$", "+00:00", text)
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso)  # +0100 -> +01:00
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = _parse_rfc2822(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00
        return None


def _parse_rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def site_names_for(url: str, *names: str | None) -> list[str]:
    """Names a site may put around its titles: given names plus the URL's host labels."""
    found = [n for n in names if n]
    host = urlsplit(url).hostname or "" if url else ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 2:
        found.extend([labels[-2], ".".join(labels[-2:])])
    return found


def _compact(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def clean_title(title: str, site_names: Iterable[str] = ()) -> str:
    """Strip a trailing `` - Site`` / `` | Site`` from a ``<title>``-like string.

    A suffix is removed when it names one of ``site_names`` (compared ignoring case and
    punctuation) or when it is short (at most four words) and the part before it is
    clearly longer. A leading ``Site | `` is removed when it names a site.
    """
    text = normalize_space(title)
    names = {_compact(n) for n in site_names if n and n.strip()}
    names.discard("")
    for _ in range(3):
        stripped = _strip_one_suffix(text, names)
        if stripped == text:
            break
        text = stripped
    for sep in _TITLE_SEPARATORS:
        head, found, rest = text.partition(sep)
        if found and _compact(head) in names and len(rest) > len(head):
            text = rest.strip()
            break
    return text


def _strip_one_suffix(text: str, names: set[str]) -> str:
    best: str | None = None
    for sep in _TITLE_SEPARATORS:
        if sep not in text:
            continue
        head, _, tail = text.rpartition(sep)
        head, tail = head.strip(), tail.strip()
        if not head:
            continue
        is_site = _compact(tail) in names or (
            len(tail.split()) <= 4 and len(head) > max(2 * len(tail), 20)
        )
        if is_site and (best is None or len(head) > len(best)):
            best = head
    return best if best is not None else text


def markup_to_text(text: str) -> str:
    """Plain text of a string that may hold HTML tags or entities; line breaks kept."""
    if "<" in text and re.search(r"</?[a-zA-Z][^<>]*>", text):  # [^<>]: linear on "<a<a<a"
        text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</h\d\s*>|</li\s*>", "\n", text)
        text = re.sub(r"<[^<>]+>", " ", text)
    return unescape(text) if "&" in text else text


@dataclass(frozen=True)
class PageMetadata:
    """What the page says about itself outside the article body."""

    headline: str | None = None  # JSON-LD headline
    og_title: str | None = None
    html_title: str | None = None  # <title>
    site_name: str | None = None
    byline: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    canonical_url: str | None = None
    language: str | None = None
    article_body: str | None = None  # JSON-LD articleBody
    descriptions: tuple[str, ...] = ()  # og:description, description, twitter:description
    kinds: frozenset[str] = frozenset()  # JSON-LD article @types, lower-cased


def read_metadata(doc: HtmlElement) -> PageMetadata:
    """Collect JSON-LD article fields, meta tags, canonical URL and language of a page."""
    articles = json_ld_articles(doc)
    headline = byline = body = None
    published = updated = None
    for article in articles:
        headline = headline or json_ld_text(article.get("headline") or article.get("name"))
        authors = json_ld_authors(article)
        byline = byline or (", ".join(authors) if authors else None)
        published = published or parse_datetime(json_ld_text(article.get("datePublished")))
        updated = updated or parse_datetime(json_ld_text(article.get("dateModified")))
        raw_body = article.get("articleBody")
        if isinstance(raw_body, str) and raw_body.strip() and body is None:
            body = markup_to_text(raw_body)
    title_el = doc.find(".//title")
    html_title = element_text(title_el) if title_el is not None else None
    tags = meta_tags(doc)
    site_name = first_meta(tags, "og:site_name", "application-name")
    if byline is None:
        meta_author = first_meta(tags, "author", "article:author", "byl", "dc.creator")
        if meta_author and not meta_author.startswith(("http://", "https://")):
            byline = meta_author
    published = published or parse_datetime(
        first_meta(tags, "article:published_time", "datePublished", "pubdate", "dc.date")
    )
    updated = updated or parse_datetime(
        first_meta(tags, "article:modified_time", "og:updated_time", "dateModified")
    )
    return PageMetadata(
        headline=headline,
        og_title=first_meta(tags, "og:title", "twitter:title"),
        html_title=html_title or None,
        site_name=site_name,
        byline=byline,
        published=published,
        updated=updated,
        canonical_url=canonical_url(doc, tags),
        language=html_language(doc, tags),
        article_body=body,
        descriptions=_descriptions(tags),
        kinds=frozenset(kind for article in articles for kind in _types_of(article)),
    )


def _descriptions(tags: dict[str, str]) -> tuple[str, ...]:
    found: list[str] = []
    for key in ("og:description", "description", "twitter:description"):
        value = tags.get(key)
        if value and value not in found:
            found.append(value)
    return tuple(found)
