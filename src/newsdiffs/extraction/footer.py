"""Footer blocks inside an article body: "Most read", "Related", "More from", sign-ups.

Templates put them inside the article container, where content detectors and site
rules take them for article text: a label ("Most read", "Lesen Sie auch", "Leia também")
over a list of headline links, or a newsletter sign-up form with its pitch. They change
whenever the site's other stories do, so each change looks like an edit of the article.

Two passes find them as a class:

- :func:`drop_footer_blocks` on the page, before extraction: a labelled list of links
  (the label element and the links after it, or the block holding both), and the short
  block around a sign-up form;
- :func:`drop_footer_lines` on the extracted paragraphs: a label line with the
  headline-like lines that follow it (the links are gone by then, the label tells).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from newsdiffs.extraction.html import HtmlElement, normalize_space

# Section labels, whole-line, case-insensitive, in the languages of the corpus.
_LABEL = re.compile(
    r"""^(?:
        # English
        most\ (?:read|popular|viewed|shared|watched)(?:\ in\ [\w\s]{1,30}|\ stories|\ articles)?
      | related(?:\ (?:articles?|stories|story|content|news|coverage|links|posts|topics|reading))?
      | (?:more|latest|top|other|recent)\ (?:stories|news|articles|posts|videos|headlines)
      | more\ (?:from|on|in|about)\ [\w\s.'’&-]{1,40} | more\s*:
      | recommended(?:\ (?:for\ you|stories|articles|reading|videos))? | (?:editor['’]?s\ )?picks
      | you\ (?:may|might)\ (?:also\ )?(?:like|enjoy|be\ interested\ in)
      | (?:read|see|watch)\ (?:more|next|also)(?:\ (?:stories|articles|on\ this))?
      | next\ read\ this | also\ read | further\ reading | don['’]?t\ miss | trending(?:\ now)?
      | partner\ (?:news|content) | sponsored\ (?:stories|content|links) | promoted\ stories
      | contact\ the\ (?:author|reporters?|writers?) | share\ this(?:\ (?:article|story))?
      | tags | topics | filed\ under
        # German
      | meistgelesen(?:e\ artikel)? | mehr\ zum\ thema | lesen\ sie\ (?:auch|mehr)
      | auch\ interessant | (?:das\ )?könnte\ sie\ auch\ interessieren | weitere\ artikel
      | verwandte\ (?:artikel|themen) | empfehlungen | kontakt\ zum\ autor
        # French
      | les\ plus\ (?:lus|populaires) | à\ lire\ aussi | lire\ aussi | sur\ le\ même\ sujet
      | articles\ (?:similaires|liés) | (?:vous\ aimerez|à\ découvrir)\ aussi
        # Spanish
      | lo\ más\ (?:leído|visto) | más\ (?:leídas|leídos|vistas) | noticias\ relacionadas
      | te\ puede\ interesar | lee\ también | también\ te\ puede\ interesar
        # Portuguese
      | mais\ (?:lidas|lidos|vistas) | leia\ (?:também|mais) | veja\ também
      | not[ií]cias\ relacionadas | relacionad[oa]s | você\ (?:pode|também\ pode)\ gostar
        # Italian
      | i\ più\ letti | leggi\ anche | articoli\ correlati | (?:ti\ )?potrebbe\ interessarti
        # Dutch
      | meest\ gelezen | lees\ ook | gerelateerd
        # Russian
      | читайте\ также | читать\ также | похожие\ (?:статьи|новости) | популярное
      | самое\ (?:читаемое|популярное)
        # Indonesian
      | baca\ juga | berita\ terkait | terpopuler
    )\s*[:.…]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_LABEL = 60  # characters
_LABEL_TAGS = ("h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "header", "dt")
# A block is "links" when this share of its text is link text (trafilatura's own cut-off).
_LINK_SHARE = 0.8
_MIN_LINKS = 2
# ...and holds no more text outside its links than this (characters): a block of 45,000
# characters that is 80 % links (a page's teaser columns) also holds an article.
_MAX_TEXT_OUTSIDE_LINKS = 300
# A sign-up form's block: the form with its pitch, no more text than this (characters).
_MAX_SIGNUP_TEXT = 300
# After a label line, lines this short without a full stop are the list's headlines.
_MAX_HEADLINE = 120


def is_footer_label(text: str) -> bool:
    """Whether ``text`` is a footer section label ("Most read", "Leia também"...)."""
    line = normalize_space(text)
    return 0 < len(line) <= _MAX_LABEL and bool(_LABEL.match(line))


def drop_footer_blocks(root: HtmlElement) -> None:
    """Remove labelled link lists and sign-up forms inside ``root`` (edits it).

    Run it on as small a tree as will do (the article once the rest is pruned, an
    adapter's body containers): it reads every short element's text.
    """
    doomed = _signup_blocks(root)
    measures = _Measures()
    for label in root.iter(_LABEL_TAGS):
        if len(label) > 2 or not _starts_short(label):
            continue
        text = _short_text(label)
        if text is not None and is_footer_label(text):
            doomed.extend(_labelled_links(label, measures))
    _drop(doomed)


def drop_signup_forms(root: HtmlElement) -> None:
    """Remove the short block around each e-mail sign-up field inside ``root``."""
    _drop(_signup_blocks(root))


def _drop(elements: list[HtmlElement]) -> None:
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def _starts_short(element: HtmlElement) -> bool:
    """Whether the element's first text (its own, else its first child's) is short: a
    cheap test that spares most elements the full one (a label is one short text)."""
    head = element.text
    if (head is None or head.isspace()) and len(element):
        head = element[0].text
    return head is not None and 0 < len(head) <= 2 * _MAX_LABEL and not head.isspace()


def _short_text(element: HtmlElement) -> str | None:
    """The element's text, or None as soon as it is longer than a label."""
    pieces: list[str] = []
    length = 0
    for piece in element.itertext():
        length += len(piece)
        if length > 2 * _MAX_LABEL:  # (spaces of the markup's indentation included)
            return None
        pieces.append(piece)
    return "".join(pieces)


class _Measures:
    """Text and link-text lengths of elements (spaces not counted), computed in libxml2
    and remembered: labels in one region climb the same ancestors."""

    def __init__(self) -> None:
        self._text: dict[HtmlElement, int] = {}
        self._links: dict[HtmlElement, tuple[int, int]] = {}

    def text(self, element: HtmlElement) -> int:
        if element not in self._text:
            self._text[element] = int(_NON_SPACE_LENGTH(element))
        return self._text[element]

    def links(self, element: HtmlElement) -> tuple[int, int]:
        """(number of links, characters of link text) inside ``element``."""
        if element not in self._links:
            texts = _LINK_TEXTS(element)
            length = sum(len("".join(str(text).split())) for text in texts)
            self._links[element] = (int(_LINK_COUNT(element)), length)
        return self._links[element]


_NON_SPACE_LENGTH = etree.XPath("string-length(translate(., ' \t\n\r\u00a0', ''))")
_LINK_TEXTS = etree.XPath("descendant-or-self::a//text()")
_LINK_COUNT = etree.XPath("count(descendant-or-self::a)")


def _labelled_links(label: HtmlElement, measures: _Measures) -> list[HtmlElement]:
    """The label's block when it holds only the label and links, else the label and the
    link blocks right after it; nothing when no links follow the label."""
    label_length = measures.text(label)
    label_links = measures.links(label)[1]
    block = None
    node = label.getparent()
    while node is not None and node.tag not in ("body", "html"):
        count, link_length = measures.links(node)
        rest = measures.text(node) - label_length
        in_links = link_length - label_links
        if (
            count < _MIN_LINKS
            or rest <= 0
            or in_links < _LINK_SHARE * rest
            or rest - in_links > _MAX_TEXT_OUTSIDE_LINKS
        ):
            break
        block = node
        node = node.getparent()
    if block is not None:
        return [block]
    following: list[HtmlElement] = []
    sibling = label.getnext()
    while sibling is not None and _is_links(sibling, measures):
        following.append(sibling)
        sibling = sibling.getnext()
    if sum(measures.links(s)[0] for s in following) < _MIN_LINKS:
        return []
    return [label, *following]


def _is_links(element: HtmlElement, measures: _Measures) -> bool:
    if not isinstance(element.tag, str):
        return False
    total = measures.text(element)
    return total > 0 and measures.links(element)[1] >= _LINK_SHARE * total


def _length(element: HtmlElement) -> int:
    """Characters of text, spaces not counted."""
    return sum(map(len, element.text_content().split()))


def _signup_blocks(root: HtmlElement) -> list[HtmlElement]:
    """The largest short block around each e-mail sign-up field."""
    blocks: list[HtmlElement] = []
    for field in root.iter("input"):
        kind = (field.get("type") or "").lower()
        name = f"{field.get('name') or ''} {field.get('id') or ''}".lower()
        if kind != "email" and "email" not in name:
            continue
        block = None
        node = field.getparent()
        while node is not None and node.tag not in ("body", "html", "article", "main"):
            if _length(node) > _MAX_SIGNUP_TEXT:
                break
            block = node
            node = node.getparent()
        if block is not None:
            blocks.append(block)
    return blocks


def drop_footer_lines(paragraphs: Sequence[str]) -> list[str]:
    """Remove each footer label line and the headline-like lines that follow it."""
    kept: list[str] = []
    skipping = False
    for paragraph in paragraphs:
        if is_footer_label(paragraph):
            skipping = True
            continue
        if skipping and _is_headline_like(paragraph):
            continue
        skipping = False
        kept.append(paragraph)
    return kept


def _is_headline_like(text: str) -> bool:
    line = text.strip()
    return len(line) <= _MAX_HEADLINE and not line.endswith((".", ":", ";", ","))
