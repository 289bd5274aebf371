"""The generic extractor: trafilatura for the body, JSON-LD and meta tags for the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import trafilatura
from lxml import etree
from trafilatura.settings import Extractor as TrafilaturaOptions

from newsdiffs.extraction.cleanup import (
    drop_inert_elements,
    drop_leading_title,
    is_markup_or_code,
    is_template_line,
    join_drop_caps,
    merge_split_bodies,
    prune_for_content_detection,
    share_in_reference,
    trim_to_reference,
    unmask_teaser_bodies,
)
from newsdiffs.extraction.footer import (
    drop_footer_blocks,
    drop_footer_lines,
    drop_signup_forms,
)
from newsdiffs.extraction.html import HtmlElement, normalize_space, parse_html, read_metadata
from newsdiffs.extraction.liveblog import is_live_blog
from newsdiffs.extraction.loose_text import wrap_loose_text
from newsdiffs.extraction.titles import choose_title
from newsdiffs.models import ExtractedPage

# The JSON-LD body replaces trafilatura's when trafilatura found less than this share of it.
_JSON_LD_BODY_RATIO = 0.5
# The JSON-LD body also replaces one that shares less than this with it, when long enough.
_MIN_SHARE_IN_ARTICLE_BODY = 0.2
_MIN_TRUSTED_ARTICLE_BODY = 500
_FULL_ARTICLE_BODY = 0.6  # an articleBody shorter than this share of ours is a teaser
# A precision-mode body shorter than this (characters) is retried in balanced mode.
_MIN_PRECISE_BODY = 500


class GenericExtractor:
    """Works on any page: trafilatura's main-content detection plus the page's metadata."""

    name = "generic"
    # 2: standfirst kept, JSON-LD body trusted over teaser blocks, more furniture dropped.
    # 3: link lists, hidden blocks and what surrounds the one <article> pruned before
    #    content detection (a few bodies change: the tracker re-extracts, no false edits).
    # 4: loose text in block containers kept, footer blocks (labelled link lists, sign-up
    #    forms) dropped, text nested past libxml2's depth limit kept, live blogs flagged.
    version = 4

    def __init__(
        self,
        *,
        favor_precision: bool = True,
        favor_recall: bool = False,
        fast: bool = True,
        include_tables: bool = True,
        include_standfirst: bool = True,
    ) -> None:
        self.favor_precision = favor_precision
        self.favor_recall = favor_recall
        self.fast = fast  # skip trafilatura's readability/jusText fallbacks
        self.include_tables = include_tables
        self.include_standfirst = include_standfirst  # the printed meta description (dek)
        # Built once: trafilatura reads its whole config for every options object, and
        # copies (never mutates) a shared one. "txt" format: it skips rendering a text
        # version of the body, which is unused here (the XML body is flattened below).
        self._options = {
            precise: TrafilaturaOptions(
                output_format="txt",
                fast=fast,
                precision=precise,
                recall=favor_recall,
                comments=False,
                tables=include_tables,
                with_metadata=False,
            )
            for precise in (False, True)
        }

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
        live_blog = is_live_blog(doc, url, meta.kinds)  # before the clean-up below
        title = choose_title(doc, meta, url)
        drop_signup_forms(doc)  # before form fields go with the inert elements
        drop_inert_elements(doc)
        merge_split_bodies(doc)
        join_drop_caps(doc)
        if "easer" in html:  # "teaser"/"Teaser": skip a whole-tree XPath on most pages
            unmask_teaser_bodies(doc)
        dek = visible_standfirst(doc, meta.descriptions, title) if self.include_standfirst else None
        prune_for_content_detection(doc)
        drop_footer_blocks(doc)  # on the pruned tree: far fewer elements to read
        wrap_loose_text(doc)
        # trafilatura works on its own copy of the tree, so ``doc`` is reused as it is.
        paragraphs = self._body_paragraphs(doc, precise=self.favor_precision)
        if self.favor_precision and _length(paragraphs) < _MIN_PRECISE_BODY:
            # Precision mode sometimes prunes the whole article away: ask again, gently.
            fuller = self._body_paragraphs(doc, precise=False)
            if _length(fuller) > _length(paragraphs):
                paragraphs = fuller
        if len(paragraphs) <= 1:
            # On short pages trafilatura falls back to one block of all the page's text;
            # the page's own <article>/<main> paragraphs are the better answer there.
            structural = structural_paragraphs(doc)
            if len(structural) > 1:
                paragraphs = structural
        paragraphs = drop_leading_title(paragraphs, title)
        if dek and not mentions(paragraphs, dek):
            paragraphs = [dek, *paragraphs]
        if meta.article_body:
            paragraphs = reconcile_with_article_body(paragraphs, meta.article_body)
        page = ExtractedPage(
            title=title,
            paragraphs=tuple(paragraphs),
            extractor=self.label,
            byline=meta.byline,
            published=meta.published,
            updated=meta.updated,
            canonical_url=meta.canonical_url,
            language=meta.language,
            is_live_blog=live_blog,
        )
        return None if page.is_empty else page

    def _body_paragraphs(self, doc: HtmlElement, *, precise: bool) -> list[str]:
        # The URL only matters to trafilatura for links and metadata, both off here.
        result = trafilatura.bare_extraction(doc, options=self._options[precise])
        body = getattr(result, "body", None)
        if body is None:
            return []
        return drop_footer_lines(
            [
                p
                for p in body_paragraphs(body)
                if not is_template_line(p) and not is_markup_or_code(p)
            ]
        )


def body_paragraphs(body: etree._Element) -> Iterator[str]:
    """Flatten trafilatura's XML body: paragraphs, subheads, list items, quotes, table rows."""
    return _container_paragraphs(body)


_BLOCKS = ("p", "head", "list", "item", "quote", "table", "div")


def _tag(element: etree._Element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _has_blocks(element: etree._Element) -> bool:
    return next(element.iterdescendants(*_BLOCKS), None) is not None


def _container_paragraphs(element: etree._Element) -> Iterator[str]:
    """Loose text, each child's paragraphs, and the text between children, in order."""
    if element.text and element.text.strip():
        yield normalize_space(element.text)
    for child in element:
        yield from _element_paragraphs(child)
        if child.tail and child.tail.strip():
            yield normalize_space(child.tail)


def _element_paragraphs(element: etree._Element) -> Iterator[str]:
    tag = _tag(element)
    if tag == "table":
        yield from _table_paragraphs(element)
    elif tag in ("list", "quote", "div", "item", "cell") and _has_blocks(element):
        yield from _container_paragraphs(element)
    elif tag != "graphic":
        text = _text(element)
        if text:
            yield text


def _table_paragraphs(table: etree._Element) -> Iterator[str]:
    """A data row as ``"a | b | c"``; a layout row (cells holding paragraphs) as paragraphs."""
    for row in table.iterchildren("row"):
        cells = [cell for cell in row if _tag(cell) == "cell"]
        if any(_has_blocks(cell) for cell in cells):
            for cell in cells:
                yield from _container_paragraphs(cell)
            continue
        text = " | ".join(c for c in (_text(cell) for cell in cells) if c)
        if text:
            yield text


def _text(element: etree._Element) -> str:
    """The normalised text of an element; its pieces (and ``<lb/>`` breaks) become spaces."""
    return normalize_space(" ".join(element.itertext()))


def split_plain_text(text: str) -> list[str]:
    """Split a plain-text body (JSON-LD articleBody) into paragraphs on line breaks."""
    return [p for p in (normalize_space(line) for line in re.split(r"\n+", text)) if p]


def reconcile_with_article_body(paragraphs: list[str], article_body: str) -> list[str]:
    """Use the publisher's JSON-LD ``articleBody`` to complete or trim the detected body.

    It replaces the body when the body is much shorter, or when the body is mostly text
    the articleBody lacks (trafilatura settled on a block of teasers); otherwise it trims
    trailing paragraphs it does not contain (donation appeals, promos). (Replacing a body
    that the articleBody merely extends was measured: no gain, less stable across redesigns.)
    """
    if _is_much_shorter(paragraphs, article_body) or _is_elsewhere(paragraphs, article_body):
        return split_plain_text(article_body)
    return trim_to_reference(paragraphs, article_body)


_STANDFIRST_TAGS = ("p", "h2", "h3", "div", "span", "header")
_MIN_STANDFIRST_WORDS = 4
_MAX_STANDFIRST_CHILDREN = 3
_WORD = re.compile(r"\w+")


def visible_standfirst(doc: HtmlElement, descriptions: Sequence[str], title: str) -> str | None:
    """The page's meta description when the page also prints it (a standfirst, or dek).

    Publishers print the summary under the headline, where trafilatura drops it as header
    furniture; editors rewrite it like any other text. A description that is not shown
    as one element's whole text (it exists only in the metadata) is never used.
    """
    wanted = {
        _words(d)
        for d in descriptions
        if len(_WORD.findall(d)) >= _MIN_STANDFIRST_WORDS and _words(d) != _words(title)
    }
    body = doc.find("body")
    if not wanted or body is None:
        return None
    firsts = {w.split(" ", 1)[0] for w in wanted}
    for element in body.iter(_STANDFIRST_TAGS):
        if len(element) > _MAX_STANDFIRST_CHILDREN:
            continue
        head = _WORD.search(element.text or "")
        if head is None and len(element):
            head = _WORD.search(element[0].text or "")
        if head is None or head.group().casefold() not in firsts:
            continue
        text = normalize_space(element.text_content())
        if _words(text) in wanted:
            return text
    return None


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def mentions(paragraphs: Sequence[str], text: str) -> bool:
    """Whether the words of ``text`` appear, in order, within one of ``paragraphs``."""
    wanted = _words(text)
    return any(wanted in _words(p) for p in paragraphs)


def _is_elsewhere(paragraphs: list[str], article_body: str) -> bool:
    """Whether the body is mostly text a full-length articleBody lacks (not a teaser one)."""
    if len(article_body) < max(_MIN_TRUSTED_ARTICLE_BODY, _FULL_ARTICLE_BODY * _length(paragraphs)):
        return False
    return share_in_reference(paragraphs, article_body) < _MIN_SHARE_IN_ARTICLE_BODY


def _length(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _is_much_shorter(paragraphs: list[str], article_body: str) -> bool:
    ours = sum(len(p) for p in paragraphs)
    return ours < _JSON_LD_BODY_RATIO * len(normalize_space(article_body))


_STRUCTURE_BLOCKS = "p", "h2", "h3", "h4", "li", "blockquote"
_FURNITURE_CLASS = re.compile(
    r"byline|author|dateline|timestamp|date|meta|share|social|related|promo|caption|credit|ad-",
    re.IGNORECASE,
)


def structural_paragraphs(page: str | HtmlElement) -> list[str]:
    """Block texts inside the page's one <article> (or <main>), furniture classes skipped."""
    doc = parse_html(page) if isinstance(page, str) else page
    if doc is None:
        return []
    containers = doc.xpath("//article") or doc.xpath("//main")
    if len(containers) != 1:
        return []
    container = containers[0]
    found: list[str] = []
    for element in container.iter(*_STRUCTURE_BLOCKS):
        if _in_furniture(element, container):
            continue
        if element.getparent() is not None and _tag(element.getparent()) in _STRUCTURE_BLOCKS:
            continue  # its text is counted with the enclosing block
        text = normalize_space(element.text_content())
        if text and not is_template_line(text):
            found.append(text)
    return found


def _in_furniture(element: HtmlElement, container: HtmlElement) -> bool:
    node: HtmlElement | None = element
    while node is not None and node is not container:
        if node.tag in ("aside", "nav", "footer", "figure") or _FURNITURE_CLASS.search(
            str(node.get("class") or "")
        ):
            return True
        node = node.getparent()
    return False
