"""The extractor chain: matching site adapters first, then the generic extractor."""

from __future__ import annotations

from collections.abc import Sequence

from newsdiffs.extraction.base import Extractor
from newsdiffs.extraction.html import decode_html
from newsdiffs.models import ExtractedPage


def extractor_label(extractor: Extractor) -> str:
    """``name@version`` of an extractor."""
    return f"{extractor.name}@{extractor.version}"


class ExtractorChain:
    """Tries each adapter whose ``matches(url)`` is true, in order, then the fallback.

    The first page with body paragraphs wins (an adapter that finds a title but no body is
    passed over: its page template has probably changed). An adapter's page that is a
    live blog is passed over too: site rules describe their outlet's article pages, and
    on a live blog they read every post as one body (on NBC's live blog in the corpus the
    adapter's body holds 9 % of the annotated text, the generic extractor's 89 %).
    Failing that, the fallback's page even without a body; failing that, an empty page
    labelled with the fallback, so callers always get an ``ExtractedPage``.
    """

    def __init__(self, adapters: Sequence[Extractor], fallback: Extractor) -> None:
        self.adapters = tuple(adapters)
        self.fallback = fallback

    def candidates(self, url: str) -> tuple[Extractor, ...]:
        """The extractors that will be tried for ``url``, in order."""
        matching = tuple(a for a in self.adapters if a.matches(url))
        return (*matching, self.fallback)

    def extract(self, html: str | bytes, url: str) -> ExtractedPage:
        """The first non-empty extraction, or an empty page labelled with the fallback."""
        text = decode_html(html)
        for extractor in self.candidates(url):
            page = extractor.extract(text, url)
            if page is None or page.is_empty:
                continue
            if extractor is not self.fallback and page.is_live_blog:
                continue
            if extractor is self.fallback or any(p.strip() for p in page.paragraphs):
                return page
        return empty_page(extractor_label(self.fallback))

    def by_name(self, name: str) -> Extractor | None:
        """The adapter or fallback called ``name`` (``"generic"``, ``"bbc"``...)."""
        for extractor in (*self.adapters, self.fallback):
            if extractor.name == name or extractor_label(extractor) == name:
                return extractor
        return None


def empty_page(extractor: str) -> ExtractedPage:
    """The page returned when no article text was found."""
    return ExtractedPage(title="", paragraphs=(), extractor=extractor)
