"""Extraction: turn an HTML page into title, byline, dates and raw paragraphs.

``extract(html, url)`` runs the default chain (site adapters from
:mod:`newsdiffs.extraction.sites` whose ``matches(url)`` is true, then the generic
extractor) and always returns an :class:`~newsdiffs.models.ExtractedPage`.
"""

from __future__ import annotations

from functools import cache

from newsdiffs.errors import ConfigError
from newsdiffs.extraction.chain import ExtractorChain, empty_page, extractor_label
from newsdiffs.extraction.generic import GenericExtractor
from newsdiffs.extraction.html import decode_html
from newsdiffs.models import ExtractedPage

__all__ = ["ExtractorChain", "GenericExtractor", "default_chain", "extract", "extract_with"]


@cache
def default_chain() -> ExtractorChain:
    """Site adapters (tried when they match the URL), then the generic extractor."""
    from newsdiffs.extraction.sites import SITE_ADAPTERS  # late: sites import our helpers

    return ExtractorChain(SITE_ADAPTERS, GenericExtractor())


def extract(html: str | bytes, url: str) -> ExtractedPage:
    """Extract the article on a page; an empty page (never an exception) when there is none."""
    return default_chain().extract(html, url)


def extract_with(extractor_name: str, html: str | bytes, url: str) -> ExtractedPage:
    """Extract with one named extractor (``"generic"`` or a site adapter's name).

    Raises :class:`ConfigError` for an unknown name.
    """
    chain = default_chain()
    extractor = chain.by_name(extractor_name)
    if extractor is None:
        known = ", ".join(sorted({a.name for a in (*chain.adapters, chain.fallback)}))
        raise ConfigError(f"unknown extractor {extractor_name!r} (known: {known})")
    page = extractor.extract(decode_html(html), url)
    return page if page is not None else empty_page(extractor_label(extractor))
