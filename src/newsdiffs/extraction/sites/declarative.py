"""A site adapter described as data: URL patterns plus one rule set per known page layout.

An adapter tries its :class:`LayoutRules` in order; the first whose ``marker`` XPath matches
the page is used. No match means "not a layout we know" and :meth:`SiteAdapter.extract`
returns ``None`` so the generic extractor takes over; :meth:`SiteAdapter.markers_matched`
exposes the same test so the tracker can notice a redesign.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from newsdiffs.extraction.cleanup import drop_link_lists, is_template_line
from newsdiffs.extraction.footer import drop_footer_blocks, drop_footer_lines
from newsdiffs.extraction.generic import mentions, visible_standfirst
from newsdiffs.extraction.html import (
    HtmlElement,
    PageMetadata,
    normalize_space,
    parse_datetime,
    parse_html,
    read_metadata,
)
from newsdiffs.extraction.liveblog import is_live_blog
from newsdiffs.extraction.sites.paragraphs import (
    paragraphs_in,
    remove_elements,
    xpath_texts,
)
from newsdiffs.models import ExtractedPage

# Paragraph-level elements kept as separate paragraphs inside a body container.
DEFAULT_PARAGRAPHS = ".//p | .//h2 | .//h3 | .//h4 | .//li | .//blockquote | .//tr"

# Elements that are never article text, whatever the site.
ALWAYS_DROP = (
    "//script",
    "//style",
    "//noscript",
    "//template",
    "//svg",
    "//button",
    "//iframe",
    "//select",
    # Embedded social posts quote someone else's words, not the article's.
    "//blockquote[contains(@class, 'twitter-tweet')]",
    "//blockquote[contains(@class, 'instagram-media')]",
    "//blockquote[contains(@class, 'tiktok-embed')]",
)

# Paragraphs that are furniture on most outlets (searched, case-insensitive).
COMMON_DROP_TEXT = (
    r"^advertisement$",
    r"^(skip|continue reading) (advertisement|the main story)",
    r"^share this (with|article|story)",
    r"^related topics$",
    r"^more on this story$",
    r"^(image|media) (source|caption),?",
    r"^read more:?$",
    r"^sign up (for|to) ",
)


# Furniture most outlets put inside the article container.
COMMON_FURNITURE = (
    "//figure",
    "//aside",
    "//nav",
    "//*[contains(@class, 'newsletter')]",
    "//*[contains(@class, 'social-share')]",
)


def on_host(domain: str, path: str = "/") -> str:
    """A ``url_patterns`` entry for ``domain`` and any of its subdomains, under ``path``."""
    return r"(?:[\w-]+\.)*" + re.escape(domain) + re.escape(path)


@dataclass(frozen=True)
class LayoutRules:
    """How to read one layout (era) of a site.

    XPaths in ``title``/``byline``/``published`` are tried in order and the first that yields
    text wins; they may select elements or strings (``//meta[@name='x']/@content``). ``body``
    XPaths are tried in order and every container matched by the first productive one is
    read; ``paragraphs`` is evaluated relative to each container.
    """

    name: str
    marker: str
    body: tuple[str, ...]
    title: tuple[str, ...] = ("//h1",)
    paragraphs: str = DEFAULT_PARAGRAPHS
    # Also keep text that sits directly in a container outside any paragraph element
    # (old table layouts with unclosed <P> tags).
    loose_text: bool = False
    drop: tuple[str, ...] = ()
    drop_text: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    json_ld_body: bool = True
    # The page prints its summary (meta description) outside the body containers, as a
    # standfirst that belongs at the top of the body (see ``generic.visible_standfirst``).
    standfirst: bool = False

    @cached_property
    def drop_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in (*COMMON_DROP_TEXT, *self.drop_text))


@dataclass(eq=False)  # not frozen: the Extractor protocol declares plain attributes
class SiteAdapter:
    """An :class:`~newsdiffs.extraction.base.Extractor` for one outlet, driven by rules.

    Treat instances as constants; nothing in the engine changes them.

    ``url_patterns`` are regular expressions matched at the start of ``host + path`` (host
    lower-cased, without ``www.`` and port), e.g. ``r"bbc\\.co\\.uk/news/"``.
    """

    name: str
    version: int
    title_name: str  # display name, e.g. "BBC News"
    url_patterns: tuple[str, ...]
    layouts: tuple[LayoutRules, ...]
    site_names: tuple[str, ...] = ()  # suffixes to strip from <title>-derived headlines

    @cached_property
    def _url_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in self.url_patterns)

    def matches(self, url: str) -> bool:
        """Whether ``url`` belongs to this outlet."""
        target = _host_and_path(url)
        return any(p.match(target) for p in self._url_res)

    def layout_for(self, doc: HtmlElement) -> LayoutRules | None:
        """The first layout whose marker matches the parsed page."""
        for layout in self.layouts:
            if _xpath_matches(doc, layout.marker):
                return layout
        return None

    def markers_matched(self, html: str) -> bool:
        """Whether the page looks like a layout this adapter knows (for redesign detection)."""
        doc = parse_html(html)
        return doc is not None and self.layout_for(doc) is not None

    def extract(self, html: str, url: str) -> ExtractedPage | None:
        """The article on ``html``, or None when no known layout matches or nothing is found."""
        doc = parse_html(html)
        if doc is None:
            return None
        layout = self.layout_for(doc)
        if layout is None:
            return None
        return self._extract_with(doc, layout, url)

    def _extract_with(
        self, doc: HtmlElement, layout: LayoutRules, url: str
    ) -> ExtractedPage | None:
        metadata = read_metadata(doc)  # before scripts (JSON-LD) are removed
        live_blog = is_live_blog(doc, url, metadata.kinds)
        published = _first_date(doc, layout.published) or metadata.published
        remove_elements(doc, ALWAYS_DROP)
        title = _strip_site_name(
            _first_text(doc, layout.title) or _metadata_title(metadata), self.site_names
        )
        byline = _first_text(doc, layout.byline) or metadata.byline
        dek = visible_standfirst(doc, metadata.descriptions, title) if layout.standfirst else None
        remove_elements(doc, layout.drop)  # after the title: it may sit in a dropped header
        drop_link_lists(doc)
        paragraphs = tuple(drop_footer_lines(_body_paragraphs(doc, layout)))
        if not paragraphs and layout.json_ld_body and metadata.article_body:
            paragraphs = _split_body(metadata.article_body)
        paragraphs = tuple(p for p in paragraphs if not _is_boilerplate(p, layout))
        if dek and paragraphs and not mentions(paragraphs, dek):
            paragraphs = (dek, *paragraphs)  # a printed standfirst the rules do not cover
        if not title and not paragraphs:
            return None
        return ExtractedPage(
            title=title,
            paragraphs=paragraphs,
            extractor=f"{self.name}@{self.version}",
            byline=byline,
            published=published,
            updated=metadata.updated,
            canonical_url=metadata.canonical_url,
            language=metadata.language,
            is_live_blog=live_blog,
        )


@lru_cache(maxsize=64)  # the chain asks every adapter about the same URL in turn
def _host_and_path(url: str) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host + (parts.path or "/")


def _xpath_matches(doc: HtmlElement, xpath: str) -> bool:
    result = doc.xpath(xpath)
    if isinstance(result, list):
        return len(result) > 0
    return bool(result)


def _first_text(doc: HtmlElement, xpaths: Sequence[str]) -> str:
    for xpath in xpaths:
        for text in xpath_texts(doc, xpath):
            if text:
                return text
    return ""


def _first_date(doc: HtmlElement, xpaths: Sequence[str]) -> datetime | None:
    for xpath in xpaths:
        for text in xpath_texts(doc, xpath):
            parsed = parse_datetime(_slashed_date_to_iso(text))
            if parsed is not None:
                return parsed
    return None


def _slashed_date_to_iso(text: str) -> str:
    """``2009/04/22 08:56:51`` (old BBC meta) -> ``2009-04-22 08:56:51``."""
    return re.sub(r"^(\d{4})/(\d\d)/(\d\d)", r"\1-\2-\3", text.strip())


def _metadata_title(metadata: PageMetadata) -> str:
    return metadata.headline or metadata.og_title or ""


def _strip_site_name(title: str, site_names: Sequence[str]) -> str:
    """``Headline - The Intercept`` -> ``Headline`` (only for this outlet's own names)."""
    for name in site_names:
        for separator in (" - ", " | ", " – ", " — ", ": "):
            if title.endswith(separator + name) and len(title) > len(separator + name):
                return title[: -len(separator + name)].strip()
    return title


def _body_paragraphs(doc: HtmlElement, layout: LayoutRules) -> tuple[str, ...]:
    for xpath in layout.body:
        containers = [c for c in doc.xpath(xpath) if isinstance(c, HtmlElement)]
        # A container nested in another matched container would be read twice.
        matched = set(containers)
        outermost = [c for c in containers if not any(a in matched for a in c.iterancestors())]
        paragraphs: list[str] = []
        for container in outermost:
            drop_footer_blocks(container)
            paragraphs.extend(paragraphs_in(container, layout.paragraphs, layout.loose_text))
        if paragraphs:
            return tuple(paragraphs)
    return ()


def _split_body(article_body: str) -> tuple[str, ...]:
    lines = (normalize_space(line) for line in re.split(r"\n\s*", article_body))
    return tuple(line for line in lines if line)


def _is_boilerplate(paragraph: str, layout: LayoutRules) -> bool:
    return is_template_line(paragraph) or any(p.search(paragraph) for p in layout.drop_patterns)


__all__ = [
    "ALWAYS_DROP",
    "COMMON_DROP_TEXT",
    "COMMON_FURNITURE",
    "DEFAULT_PARAGRAPHS",
    "LayoutRules",
    "SiteAdapter",
    "on_host",
]
