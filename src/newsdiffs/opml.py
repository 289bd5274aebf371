"""OPML subscription lists -> sources, one per site, each feed an endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

from newsdiffs.errors import ParseError
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.usecases.names import SOURCE_NAME_MAX

# Second-level labels under a country code that are not the site (bbc.co.uk, abc.net.au).
_PUBLIC_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})
_NOT_NAME_CHARS = re.compile(r"[^a-z0-9_-]+")
_SUFFIX_ROOM = 6  # "-99999": room left for the suffix that tells clashing names apart


@dataclass
class _Site:
    title: str
    home_url: str
    feed_urls: list[str] = field(default_factory=list)


def parse_opml(data: bytes) -> list[Source]:
    """Every outline with an ``xmlUrl`` becomes a feed endpoint, grouped by site.

    Feeds of one site (same registered domain, taken from ``htmlUrl`` when present, else
    from the feed URL) make one Source. Its name comes from the domain (``theguardian``
    for www.theguardian.com, ``bbc`` for www.bbc.co.uk; a clash gets the suffix, as in
    ``bbc-com``), its title from the first outline's ``title`` or ``text``, its home page
    from ``htmlUrl`` or the feed's scheme and host. Raises ParseError if ``data`` is not OPML.
    """
    root = _parse(data)
    body = next((child for child in root if child.tag == "body"), None)
    if body is None:
        raise ParseError("OPML document has no <body>")
    sites: dict[str, _Site] = {}
    for outline in body.iter("outline"):
        feed_url = _http_url(outline.get("xmlUrl"))
        if feed_url is None:
            continue
        home_url = _http_url(outline.get("htmlUrl")) or _origin(feed_url)
        domain = registered_domain(urlsplit(home_url).hostname or "")
        site = sites.get(domain)
        if site is None:
            title = (outline.get("title") or outline.get("text") or "").strip() or domain
            site = sites[domain] = _Site(title=title, home_url=home_url)
        if feed_url not in site.feed_urls:
            site.feed_urls.append(feed_url)
    return _sources(sites)


def registered_domain(host: str) -> str:
    """The site part of a host: ``www.theguardian.com`` -> ``theguardian.com``.

    A heuristic without the public suffix list: the last two labels, or three when the
    second-to-last is a generic label under a country code (``bbc.co.uk``).
    """
    labels = host.lower().rstrip(".").split(".")
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _PUBLIC_SECOND_LEVEL:
        keep = 3
    return ".".join(labels[-keep:])


def name_for_domain(domain: str) -> str:
    """A source name from a registered domain: its first label, cleaned to ``[a-z0-9_-]``."""
    return _name_from(domain.split(".", 1)[0])


def _name_from(text: str) -> str:
    """``text`` as a valid source name (see :mod:`newsdiffs.usecases.names`), with room left
    for a clash suffix."""
    cleaned = _NOT_NAME_CHARS.sub("-", text.lower()).strip("-_")
    return cleaned[: SOURCE_NAME_MAX - _SUFFIX_ROOM].rstrip("-_") or "source"


def _sources(sites: dict[str, _Site]) -> list[Source]:
    sources: list[Source] = []
    used: set[str] = set()
    for domain, site in sites.items():
        name = name_for_domain(domain)
        if name in used:
            name = _name_from(domain)
        suffix = 2
        base = name
        while name in used:
            name, suffix = f"{base}-{suffix}", suffix + 1
        used.add(name)
        endpoints = tuple(Endpoint(url=url, kind=DiscoveryKind.FEED) for url in site.feed_urls)
        sources.append(
            Source(name=name, home_url=site.home_url, endpoints=endpoints, title=site.title)
        )
    return sources


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(f"not a valid OPML document: {error}") from error
    if root is None or etree.QName(root).localname != "opml":
        found = "nothing" if root is None else f"<{etree.QName(root).localname}>"
        raise ParseError(f"not an OPML document: root element is {found}")
    return root


def _http_url(value: str | None) -> str | None:
    if not value:
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
