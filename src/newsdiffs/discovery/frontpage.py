"""Front pages (HTML) -> same-site links that look like articles."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from newsdiffs.discovery._common import LinkCollector, absolute_url, clean_text
from newsdiffs.discovery.results import (
    MAX_LINKS_PER_LISTING,
    DiscoveredLink,
    DiscoveryResult,
    failed,
)
from newsdiffs.fetching.charset import decode_body

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# Second-level labels under a two-letter country code that are not sites (co.uk, com.au ...).
_PUBLIC_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})

# Article-like paths: a date, a long hyphenated slug, or a long numeric id.
_DATE_IN_PATH = re.compile(
    r"/(19|20)\d\d/(0?[1-9]|1[0-2]|[a-z]{3})/(0?[1-9]|[12]\d|3[01])(/|$)"  # /2024/may/12/
    r"|/(19|20)\d\d-[01]\d-[0-3]\d(/|$)"  # /2024-05-12/
    r"|[/_-](19|20)\d\d[01]\d[0-3]\d([/_.-]|$)"  # /20240512/ or -20240512.html
    r"|/(19|20)\d\d/[01]\d/"  # /2024/05/slug
)
_NUMERIC_ID = re.compile(r"\d{5,}")
_SLUG_WORD_SEPARATORS = re.compile(r"[-_]")


def parse_frontpage(
    html: bytes | str,
    base_url: str,
    link_pattern: str | None,
    header_charset: str | None = None,
    *,
    max_urls: int = MAX_LINKS_PER_LISTING,
) -> DiscoveryResult:
    """Same-site ``<a href>`` links of an HTML page, absolute, without fragments, de-duplicated.

    With ``link_pattern`` a link is kept when the pattern is found in it (``re.search``);
    without one, when :func:`looks_like_article_path` says its path looks like an article.
    The title is the link's text. An invalid ``link_pattern`` is reported in ``problem``.
    At most ``max_urls`` links are kept (``problem`` says when there were more).
    """
    try:
        pattern = re.compile(link_pattern) if link_pattern else None
    except re.error as error:
        return failed(f"invalid link_pattern {link_pattern!r}: {error}")
    root = _parse_html(html if isinstance(html, str) else decode_body(html, header_charset).text)
    if root is None:
        return failed("empty or unreadable HTML")
    base_url = _document_base(root, base_url)
    collector = LinkCollector(max_urls)
    for anchor in root.iter("a"):
        url = absolute_url(anchor.get("href"), base_url)
        if url is None or not same_site(url, base_url):
            continue
        keep = pattern.search(url) if pattern else looks_like_article_path(urlsplit(url).path)
        if keep:
            text = clean_text(" ".join(anchor.itertext())) or clean_text(anchor.get("title"))
            if not collector.add(DiscoveredLink(url=url, title=text)):
                break
    return DiscoveryResult(links=collector.links(), problem=collector.overflow_problem("page"))


def looks_like_article_path(path: str) -> bool:
    """Whether a URL path looks like one article rather than a section or index.

    True for a date in the path (``/2024/05/12/``, ``/2024/may/12/``, ``20240512``), a numeric
    id of five digits or more, or a last segment that is a slug of four words or more.
    """
    segments = [segment for segment in path.lower().split("/") if segment]
    if not segments:
        return False
    if _DATE_IN_PATH.search(path.lower()):
        return True
    if any(_NUMERIC_ID.search(segment) for segment in segments):
        return True
    slug = segments[-1].rsplit(".", 1)[0]
    words = [word for word in _SLUG_WORD_SEPARATORS.split(slug) if word]
    return len(words) >= 4 and len(slug) >= 20


def same_site(url: str, other_url: str) -> bool:
    """Whether two URLs are on the same site: equal hosts, or one a subdomain of the other.

    ``www.``, ``m.``, ``amp.`` and ``mobile.`` prefixes are ignored, so ``www.bbc.co.uk``
    and ``bbc.co.uk`` match, and ``edition.cnn.com`` matches ``www.cnn.com``. A bare public
    suffix (``co.uk``) never counts as a site.
    """
    host = _site_host(url)
    other = _site_host(other_url)
    if not host or not other:
        return False
    if host == other:
        return True
    shorter, longer = sorted((host, other), key=len)
    return _is_site(shorter) and longer.endswith("." + shorter)


def _site_host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def _is_site(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2:
        return False
    return not (len(labels) == 2 and len(labels[1]) == 2 and labels[0] in _PUBLIC_SECOND_LEVEL)


def _parse_html(text: str) -> etree._Element | None:
    if not text.strip():
        return None
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, recover=True, huge_tree=False, remove_comments=True
    )
    try:
        return etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except etree.XMLSyntaxError:
        return None


def _document_base(root: etree._Element, base_url: str) -> str:
    """``<base href>`` resolved against the page URL, when the page has a usable one."""
    for base in root.iter("base"):
        resolved = absolute_url(base.get("href"), base_url)
        if resolved:
            return resolved
    return base_url
