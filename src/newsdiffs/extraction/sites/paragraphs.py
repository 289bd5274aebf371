"""Tree helpers for the declarative adapters: dropping elements, reading paragraphs."""

from __future__ import annotations

from collections.abc import Iterable

from newsdiffs.extraction.html import HtmlElement, normalize_space
from newsdiffs.extraction.loose_text import BLOCK_TAGS


def remove_elements(doc: HtmlElement, xpaths: Iterable[str]) -> None:
    """Remove every element matched by ``xpaths`` (keeping the text that follows each one).

    Also turns ``<br>`` into a space so that words either side do not run together.
    """
    for xpath in xpaths:
        for element in doc.xpath(xpath):
            if isinstance(element, HtmlElement) and element.getparent() is not None:
                element.drop_tree()
    for br in doc.iter("br"):
        br.tail = " " + (br.tail or "")


def element_text(element: HtmlElement) -> str:
    """The whitespace-normalised text of an element (comments excluded)."""
    return normalize_space(element.text_content())


def xpath_texts(doc: HtmlElement, xpath: str) -> list[str]:
    """What ``xpath`` selects, as normalised strings (elements by their text)."""
    result = doc.xpath(xpath)
    items = result if isinstance(result, list) else [result]
    texts: list[str] = []
    for item in items:
        if isinstance(item, HtmlElement):
            texts.append(element_text(item))
        elif isinstance(item, str):
            texts.append(normalize_space(item))
    return texts


def paragraphs_in(container: HtmlElement, xpath: str, loose_text: bool = False) -> list[str]:
    """The paragraphs of ``container``: the innermost elements matched by ``xpath``, and
    the text that sits outside them but is plainly article text.

    That is text directly in the container or in a block on the way down to a matched
    element (``<blockquote>Quoted<p>words</p></blockquote>``, words after a ``<br>``),
    and blocks of bare text: a ``<blockquote>``, or a ``<div>`` without a class or id
    (classed ones are the template's furniture). Other blocks the rules do not match are
    left out. With ``loose_text`` the text of every block between matched elements
    becomes paragraphs too (old table layouts with unclosed ``<P>`` tags).
    """
    chosen = _innermost(e for e in container.xpath(xpath) if isinstance(e, HtmlElement))
    if loose_text:
        return _LooseReader(set(chosen)).read(container)
    return _StructuralReader(chosen).read(container)


def _innermost(elements: Iterable[HtmlElement]) -> list[HtmlElement]:
    found = list(elements)
    has_inner: set[HtmlElement] = set()
    for element in found:
        has_inner.update(element.iterancestors())
    return [e for e in found if e not in has_inner]


class _LooseReader:
    """Splits a container into paragraphs at block elements and at the chosen elements."""

    def __init__(self, chosen: set[HtmlElement]) -> None:
        self._chosen = chosen
        self._run: list[str] = []
        self._out: list[str] = []

    def read(self, container: HtmlElement) -> list[str]:
        self._walk(container)
        self._flush()
        return self._out

    def _flush(self) -> None:
        text = normalize_space("".join(self._run))
        self._run.clear()
        if text:
            self._out.append(text)

    def _walk(self, element: HtmlElement) -> None:
        if element.text:
            self._run.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                pass  # comment or processing instruction: only its tail counts
            elif child in self._chosen:
                self._flush()
                self._run.append(child.text_content())
                self._flush()
            elif child.tag in BLOCK_TAGS:
                self._flush()
                self._walk(child)
                self._flush()
            else:
                self._walk(child)
            if child.tail:
                self._run.append(child.tail)


class _StructuralReader(_LooseReader):
    """Reads matched elements, the loose text on the way down to them, bare text blocks.

    A run of loose text made only of classed inline elements (``<span class="byline">``)
    is the template's, not the article's, and is left out.
    """

    def __init__(self, chosen: list[HtmlElement]) -> None:
        super().__init__(set(chosen))
        self._on_path: set[HtmlElement] = set()
        for element in chosen:
            self._on_path.update(element.iterancestors())
        self._run_is_bare = False  # the run holds text outside classed elements

    def read(self, container: HtmlElement) -> list[str]:
        if container in self._chosen:  # the rules take the container whole (``.``)
            text = element_text(container)
            return [text] if text else []
        return super().read(container)

    def _flush(self) -> None:
        if not self._run_is_bare:
            self._run.clear()
        self._run_is_bare = False
        super()._flush()

    def _bare(self, text: str | None) -> None:
        if text:
            self._run.append(text)
            self._run_is_bare = self._run_is_bare or not text.isspace()

    def _walk(self, element: HtmlElement) -> None:
        loose = element.tag not in _NO_LOOSE_TEXT  # text directly in a <ul> is stray
        if loose:
            self._bare(element.text)
        for child in element:
            if not isinstance(child.tag, str):
                pass  # comment or processing instruction: only its tail counts
            elif child in self._chosen or _is_bare_text_block(child):
                self._paragraph(child)
            elif child in self._on_path:
                self._flush()
                self._walk(child)
                self._flush()
            elif child.tag in BLOCK_TAGS:
                self._flush()  # a block the rules leave out
            elif loose and (child.get("class") or child.get("id")):
                self._run.append(child.text_content())
            elif loose:
                self._bare(child.text_content())
            if loose:
                self._bare(child.tail)

    def _paragraph(self, element: HtmlElement) -> None:
        self._flush()
        if element.tag == "tr":  # a data row as "a | b | c", as the generic extractor has it
            cells = (element_text(cell) for cell in element.iterchildren("td", "th"))
            self._bare(" | ".join(cell for cell in cells if cell))
        else:
            self._bare(element.text_content())
        self._flush()


# Lists and tables hold text only in their items and cells.
_NO_LOOSE_TEXT = frozenset({"ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot", "tr"})
_BARE_TEXT_BLOCKS = frozenset({"div", "blockquote"})


def _is_bare_text_block(element: HtmlElement) -> bool:
    """A ``<blockquote>``, or a ``<div>`` with no class or id, holding no blocks."""
    if element.tag not in _BARE_TEXT_BLOCKS:
        return False
    if element.tag == "div" and (element.get("class") or element.get("id")):
        return False
    return not any(
        isinstance(node.tag, str) and node.tag in BLOCK_TAGS for node in element.iterdescendants()
    )
