"""Tree helpers for the declarative adapters: dropping elements, reading paragraphs."""

from __future__ import annotations

from collections.abc import Iterable

from newsdiffs.extraction.html import HtmlElement, normalize_space

# Elements that end a run of loose text (see ``paragraphs_in(..., loose_text=True)``).
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "tr", "ul",
    }
)  # fmt: skip


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
    """The paragraphs of ``container``: the innermost elements matched by ``xpath``.

    With ``loose_text`` the text between matched elements (inline runs directly in the
    container or in other block elements) becomes paragraphs of its own too.
    """
    chosen = _innermost(e for e in container.xpath(xpath) if isinstance(e, HtmlElement))
    if not loose_text:
        texts = (element_text(e) for e in chosen)
        return [t for t in texts if t]
    return _LooseReader(set(chosen)).read(container)


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
