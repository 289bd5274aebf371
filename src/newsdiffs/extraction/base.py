"""The extractor interface shared by the generic extractor and the site adapters."""

from __future__ import annotations

from typing import Protocol

from newsdiffs.models import ExtractedPage


class Extractor(Protocol):
    """Turns one HTML page into an :class:`ExtractedPage`.

    ``name`` and ``version`` are stored with every article version as ``name@version``;
    bump ``version`` whenever the output for some page can change.
    """

    name: str
    version: int

    def matches(self, url: str) -> bool:
        """Whether this extractor is meant for ``url`` (site adapters match by host)."""
        ...

    def extract(self, html: str, url: str) -> ExtractedPage | None:
        """The page's article, or None when this extractor finds none on it."""
        ...
