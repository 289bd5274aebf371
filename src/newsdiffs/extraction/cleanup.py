"""Before and after main-content detection: fix drop caps, trim furniture off the body."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import html as lxml_html

from newsdiffs.extraction.html import HtmlElement, normalize_space

_DROP_CAP_CLASS = re.compile(r"drop-?cap|initial|first-?letter|dropcap", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_SHINGLE = 4
# A paragraph is "in" the JSON-LD body when this share of its 4-word windows are found there.
_IN_BODY_SHARE = 0.5
# The JSON-LD body is trusted for trimming only when it is not much shorter than our text.
_COMPLETE_REFERENCE = 0.6

# Lines that are page furniture wherever they appear: relative timestamps, share prompts,
# ad labels. (The normaliser drops more; this keeps them out of the extracted page itself.)
_TEMPLATE_LINE = re.compile(
    r"""^(?:
        (?:updated|published|posted|last\ updated)?\s*:?\s*
            (?:\d+|an?|one)\s+(?:second|minute|min|hour|hr|day|week|month)s?\s+ago\.?
      | (?:share|share\ this(?:\ article|\ story|\ page)?|tweet|email|print|comments?)
            (?:\s*(?:on|via)\s+\w+)?\s*:?
      | advertisement | supported\ by | sponsored(?:\ content)? | skip\ advert(?:isement)?
      | (?:read|see)\ more:? | related(?:\ articles?|\ stories|\ content)?:?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_TEMPLATE_LINE = 60
_MARKUP = re.compile(r"</?(?:script|noscript|style|iframe|div|span|svg)\b[^>]*>", re.IGNORECASE)
_MIN_CODE_LENGTH = 40
_CODE_SYMBOL_SHARE = 0.12


def join_drop_caps(doc: HtmlElement) -> None:
    """``<span class="dropcap">N</span> a endlich`` -> ``Na endlich`` (edits ``doc``)."""
    for element in doc.xpath("//*[@class]"):
        if not isinstance(element, lxml_html.HtmlElement):
            continue
        if not _DROP_CAP_CLASS.search(element.get("class") or ""):
            continue
        letters = normalize_space(element.text_content())
        if not (1 <= len(letters) <= 2 and letters.isalpha()):
            continue
        element.text = letters
        for child in element:
            element.remove(child)
        node: HtmlElement | None = element
        while node is not None and node.tag not in ("p", "div", "section", "article", "body"):
            if node.tail and node.tail.strip() == "":
                node.tail = ""
            elif node.tail:
                node.tail = node.tail.lstrip()
                break
            next_sibling = node.getnext()
            if next_sibling is not None:
                if next_sibling.text:
                    next_sibling.text = next_sibling.text.lstrip()
                break
            node = node.getparent()


def is_template_line(text: str) -> bool:
    """A short line that is page furniture (``Updated 5 minutes ago``, ``Share``...)."""
    return len(text) < _MAX_TEMPLATE_LINE and bool(_TEMPLATE_LINE.match(text.strip()))


def is_markup_or_code(text: str) -> bool:
    """Leaked markup or script data (``</noscript><script>{"meta": ...``), not prose."""
    if _MARKUP.search(text):
        return True
    if len(text) < _MIN_CODE_LENGTH:
        return False
    symbols = sum(text.count(c) for c in '{}[]"=;<>\\')
    return symbols > _CODE_SYMBOL_SHARE * len(text)


def drop_leading_title(paragraphs: Sequence[str], title: str) -> list[str]:
    """Remove copies of the headline at the top of the body."""
    wanted = _compact(title)
    kept = list(paragraphs)
    while kept and wanted and _compact(kept[0]) == wanted:
        kept.pop(0)
    return kept


def _compact(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _windows(text: str) -> list[str]:
    tokens = _WORD.findall(text.casefold())
    return [" ".join(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1))]


def trim_to_reference(paragraphs: Sequence[str], reference: str) -> list[str]:
    """Drop trailing paragraphs absent from ``reference`` (the page's JSON-LD articleBody).

    Donation appeals, newsletter boxes and "more from" blocks after the article are not in
    the publisher's own copy of the text. Paragraphs inside the body are never touched.
    """
    known = set(_windows(reference))
    compact_reference = _compact(reference)
    kept = list(paragraphs)
    while kept and not _in_reference(kept[-1], known, compact_reference):
        kept.pop()
    full_length = sum(len(_compact(p)) for p in paragraphs)
    if not kept or len(compact_reference) < _COMPLETE_REFERENCE * full_length:
        return list(paragraphs)  # a teaser-length articleBody: it cannot vouch for anything
    return kept


def _in_reference(paragraph: str, known: set[str], compact_reference: str) -> bool:
    windows = [w for w in _windows(paragraph) if w]
    if not windows:
        return True
    if len(windows) == 1:
        return windows[0] in compact_reference
    return sum(w in known for w in windows) >= _IN_BODY_SHARE * len(windows)
