"""A page's article content: extract -> normalise -> hash, the one way.

The tracker, ``compare``, ``reextract`` (and any importer) all turn a page into
:class:`~newsdiffs.core.versioning.PageContent` here, so they can never disagree on what a
page says before :func:`newsdiffs.core.decision.decide_check` judges it.
"""

from __future__ import annotations

from collections.abc import Callable

from newsdiffs.core.versioning import PageContent, content_of
from newsdiffs.extraction import extract
from newsdiffs.models import ExtractedPage

Extract = Callable[[str | bytes, str], ExtractedPage]


def looks_binary(body: bytes) -> bool:
    """A NUL byte near the start: an image, a PDF, an archive — not an HTML page."""
    return b"\x00" in body[:2048]


def page_content(
    document: str | bytes, url: str, extractor: Extract = extract
) -> PageContent | None:
    """The article text of a page (as fetched or as stored); None when it has none.

    Bytes are checked for binary content, then handed to the extractor, which decodes them
    (BOM, ``<meta charset>``, UTF-8, detection). A caller that knows the HTTP charset decodes
    first and passes text (:func:`fetched_content`).
    """
    return extracted_content(document, url, extractor)[1]


def extracted_content(
    document: str | bytes, url: str, extractor: Extract = extract
) -> tuple[ExtractedPage, PageContent | None]:
    """:func:`page_content` with the extracted page, also when it has no article text."""
    if isinstance(document, bytes) and looks_binary(document):
        return ExtractedPage(title="", paragraphs=(), extractor="none"), None
    page = extractor(document, url)
    return page, content_of(page)


def fetched_content(
    body: bytes, text: Callable[[], str], url: str, extractor: Extract = extract
) -> PageContent | None:
    """The article text of a fetched body; ``text`` decodes it with the response's charset."""
    if looks_binary(body):
        return None
    return content_of(extractor(text(), url))
