"""Checking an extracted page against asserted values (``title``, ``content[i]``, ...).

Used by the site-adapter tests and benchmark on the outlet corpus, whose values come from
a long-running tracker's parser specs: ``title``, ``content[0]`` (first paragraph),
``content[i]`` and ``content.last``.
"""

from __future__ import annotations

import re

from newsdiffs.extraction.html import normalize_space
from newsdiffs.models import ExtractedPage

_INDEXED = re.compile(r"^content\[(\d+)\]$")
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")

STRICT_FIELDS = ("title", "content[0]", "content.last")


def field_kind(field: str) -> str:
    """The strict fields as themselves; any other paragraph index as ``content[i]``."""
    return field if field in STRICT_FIELDS else "content[i]"


def comparable(text: str) -> str:
    """Whitespace-normalised text; literal tags some old parsers left in (``<B>``) removed."""
    return normalize_space(_MARKUP.sub("", text))


def field_value(page: ExtractedPage | None, field: str) -> str | None:
    """The value of ``field`` on ``page``, or None when the page has no such field."""
    if page is None:
        return None
    if field == "title":
        return page.title
    if field == "content.last":
        return page.paragraphs[-1] if page.paragraphs else None
    indexed = _INDEXED.match(field)
    if indexed is None:
        return None
    index = int(indexed.group(1))
    return page.paragraphs[index] if index < len(page.paragraphs) else None


def reproduces(page: ExtractedPage | None, field: str, expected: str) -> bool:
    """Whether ``page`` has ``expected`` as ``field`` (whitespace-normalised comparison)."""
    actual = field_value(page, field)
    return actual is not None and comparable(actual) == comparable(expected)
