"""The generic extractor: trafilatura for the body, JSON-LD and meta tags for the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator

import trafilatura
from lxml import etree

from newsdiffs.extraction.cleanup import (
    drop_leading_title,
    is_markup_or_code,
    is_template_line,
    join_drop_caps,
    trim_to_reference,
)
from newsdiffs.extraction.html import (
    HtmlElement,
    PageMetadata,
    clean_title,
    element_text,
    normalize_space,
    parse_html,
    read_metadata,
    site_names_for,
)
from newsdiffs.models import ExtractedPage

# The JSON-LD body replaces trafilatura's when trafilatura found less than this share of it.
_JSON_LD_BODY_RATIO = 0.5
_MAX_HEADINGS = 5
_HEADING_AGREEMENT = 0.3  # share of the shorter title's words an <h1> must share
_MIN_HEADING_WORDS = 3
_MAX_LABEL_WORDS = 3  # words of section label around a headline in an <h1>
_WORD = re.compile(r"\w+")


class GenericExtractor:
    """Works on any page: trafilatura's main-content detection plus the page's metadata."""

    name = "generic"
    version = 1

    def __init__(
        self, *, favor_precision: bool = True, favor_recall: bool = False, fast: bool = False
    ) -> None:
        self.favor_precision = favor_precision
        self.favor_recall = favor_recall
        self.fast = fast  # skip trafilatura's readability/jusText fallbacks

    @property
    def label(self) -> str:
        """``name@version``, as stored with every version."""
        return f"{self.name}@{self.version}"

    def matches(self, url: str) -> bool:
        """The generic extractor accepts every URL."""
        return True

    def extract(self, html: str, url: str) -> ExtractedPage | None:
        """The page's article, or None when the page has no title and no body text."""
        doc = parse_html(html)
        if doc is None:
            return None
        meta = read_metadata(doc)
        title = choose_title(doc, meta, url)
        join_drop_caps(doc)
        paragraphs = drop_leading_title(self._body_paragraphs(doc, url), title)
        if meta.article_body:
            if _is_much_shorter(paragraphs, meta.article_body):
                paragraphs = split_plain_text(meta.article_body)
            else:
                paragraphs = trim_to_reference(paragraphs, meta.article_body)
        page = ExtractedPage(
            title=title,
            paragraphs=tuple(paragraphs),
            extractor=self.label,
            byline=meta.byline,
            published=meta.published,
            updated=meta.updated,
            canonical_url=meta.canonical_url,
            language=meta.language,
        )
        return None if page.is_empty else page

    def _body_paragraphs(self, doc: HtmlElement, url: str) -> list[str]:
        result = trafilatura.bare_extraction(
            doc,
            url=url or None,
            favor_precision=self.favor_precision,
            favor_recall=self.favor_recall,
            fast=self.fast,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
        )
        body = getattr(result, "body", None)
        if body is None:
            return []
        return [
            p for p in body_paragraphs(body) if not is_template_line(p) and not is_markup_or_code(p)
        ]


def choose_title(doc: HtmlElement, meta: PageMetadata, url: str = "") -> str:
    """The visible headline: the <h1> that agrees with the page's metadata titles.

    Metadata titles (JSON-LD headline, og:title, cleaned <title>) are often SEO or social
    variants; the <h1> is what readers see. An <h1> sharing enough words with a metadata
    title wins (minus a section label in front of it: "Opinion | ..."); else a lone
    multi-word <h1>; else the first metadata title.
    """
    site_names = site_names_for(url, meta.site_name)
    meta_titles = [
        clean_title(t, site_names) for t in (meta.headline, meta.og_title, meta.html_title) if t
    ]
    headings = [h for h in _headings(doc) if not _is_site_heading(h, site_names)]
    best_heading, best_score = None, 0.0
    for heading in headings:
        score = max((_word_overlap(heading, t) for t in meta_titles), default=0.0)
        if score > best_score:
            best_heading, best_score = heading, score
    if best_heading is not None and best_score >= _HEADING_AGREEMENT:
        return _without_label(best_heading, meta_titles)
    if (
        headings
        and len(headings[0].split()) >= _MIN_HEADING_WORDS
        and (len(headings) == 1 or not meta_titles)
    ):
        return headings[0]
    if meta_titles:
        return meta_titles[0]
    return headings[0] if headings else ""


def _headings(doc: HtmlElement) -> list[str]:
    return [t for t in (element_text(h) for h in doc.iter("h1")) if t][:_MAX_HEADINGS]


def _is_site_heading(heading: str, site_names: list[str]) -> bool:
    """An <h1> that is the site's logo or name rather than a headline."""
    words = heading.casefold().split()
    if "logo" in words:
        return True
    names = {re.sub(r"\W+", "", n.casefold()) for n in site_names}
    return re.sub(r"\W+", "", heading.casefold()) in names


def _without_label(heading: str, meta_titles: list[str]) -> str:
    """``"Opinion | Title"`` -> ``"Title"`` when a metadata title is the heading's tail."""
    for title in meta_titles:
        extra_words = len(heading.split()) - len(title.split())
        if (
            len(title.split()) >= _MIN_HEADING_WORDS
            and 0 < extra_words <= _MAX_LABEL_WORDS
            and title in heading
        ):
            return title
    return heading


def _word_overlap(a: str, b: str) -> float:
    words_a = set(_WORD.findall(a.casefold()))
    words_b = set(_WORD.findall(b.casefold()))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def body_paragraphs(body: etree._Element) -> Iterator[str]:
    """Flatten trafilatura's XML body: paragraphs, subheads, list items, quotes, table rows."""
    if body.text and body.text.strip():
        yield normalize_space(body.text)
    for child in body:
        yield from _element_paragraphs(child)
        if child.tail and child.tail.strip():
            yield normalize_space(child.tail)


def _element_paragraphs(element: etree._Element) -> Iterator[str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("list", "quote", "div") and any(
        isinstance(c.tag, str) and c.tag in ("item", "p", "list", "head", "quote") for c in element
    ):
        if element.text and element.text.strip():
            yield normalize_space(element.text)
        for child in element:
            yield from _element_paragraphs(child)
            if child.tail and child.tail.strip():
                yield normalize_space(child.tail)
        return
    if tag == "table":
        for row in element.iter("row"):
            cells = [normalize_space("".join(c.itertext())) for c in row]
            text = " | ".join(c for c in cells if c)
            if text:
                yield text
        return
    if tag == "graphic":
        return
    text = normalize_space(" ".join(_texts(element)))
    if text:
        yield text


def _texts(element: etree._Element) -> Iterator[str]:
    """The text of an element; ``<lb/>`` line breaks become spaces."""
    if element.text:
        yield element.text
    for child in element:
        if child.tag == "lb":
            yield " "
        else:
            yield from _texts(child)
        if child.tail:
            yield child.tail


def split_plain_text(text: str) -> list[str]:
    """Split a plain-text body (JSON-LD articleBody) into paragraphs on line breaks."""
    return [p for p in (normalize_space(line) for line in re.split(r"\n+", text)) if p]


def _is_much_shorter(paragraphs: list[str], article_body: str) -> bool:
    ours = sum(len(p) for p in paragraphs)
    return ours < _JSON_LD_BODY_RATIO * len(normalize_space(article_body))
