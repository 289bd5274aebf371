"""Choosing the headline of a page among its <h1>s and its metadata titles."""

from __future__ import annotations

import re

from newsdiffs.extraction.html import (
    HtmlElement,
    PageMetadata,
    clean_title,
    element_text,
    site_names_for,
)

_MAX_HEADINGS = 5
_HEADING_AGREEMENT = 0.3  # share of the shorter title's words an <h1> must share
_MIN_HEADING_WORDS = 3
_MAX_LABEL_WORDS = 3  # words of section label around a headline in an <h1>
_WORD = re.compile(r"\w+")
# A short bracketed tag after a headline: "... Finale [Watch]", "... (VIDEO)".
# (?<!\s)\s*+: whitespace is read once per run, not from each of its positions (quadratic).
_TRAILING_TAG = re.compile(r"(?<!\s)\s*+[\[(][^\])]{1,20}[\])]$")


def choose_title(doc: HtmlElement, meta: PageMetadata, url: str = "") -> str:
    """The visible headline: the <h1> that agrees with the page's metadata titles.

    Metadata titles (JSON-LD headline, og:title, cleaned <title>) are often SEO or social
    variants; the <h1> is what readers see. An <h1> sharing enough words with a metadata
    title wins (minus a section label in front of it: "Opinion | ..."); else a lone
    multi-word <h1>; else the first metadata title.
    """
    site_names = site_names_for(url, meta.site_name)
    meta_titles = [
        clean_title(t, site_names) for t in (meta.headline, meta.og_title, meta.html_title) if t
    ]
    headings = [h for h in _headings(doc) if not _is_site_heading(h, site_names)]
    best_heading, best_score = None, 0.0
    for heading in headings:
        score = max((_word_overlap(heading, t) for t in meta_titles), default=0.0)
        if score > best_score:
            best_heading, best_score = heading, score
    if best_heading is not None and best_score >= _HEADING_AGREEMENT:
        return _without_trailing_tag(_without_label(best_heading, meta_titles), meta_titles)
    if (
        headings
        and len(headings[0].split()) >= _MIN_HEADING_WORDS
        and (len(headings) == 1 or not meta_titles)
    ):
        return headings[0]
    if meta_titles:
        return meta_titles[0]
    return headings[0] if headings else ""


def _headings(doc: HtmlElement) -> list[str]:
    return [t for t in (element_text(h) for h in doc.iter("h1")) if t][:_MAX_HEADINGS]


def _is_site_heading(heading: str, site_names: list[str]) -> bool:
    """An <h1> that is the site's logo or name rather than a headline."""
    words = heading.casefold().split()
    if "logo" in words:
        return True
    names = {re.sub(r"\W+", "", n.casefold()) for n in site_names}
    return re.sub(r"\W+", "", heading.casefold()) in names


def _without_label(heading: str, meta_titles: list[str]) -> str:
    """``"Opinion | Title | Editorial"`` -> ``"Title"`` when a metadata title is inside.

    Only section labels are removed: words before the title, or ``| label`` after it.
    """
    for title in meta_titles:
        extra_words = len(_WORD.findall(heading)) - len(_WORD.findall(title))
        if len(title.split()) < _MIN_HEADING_WORDS or not 0 < extra_words <= _MAX_LABEL_WORDS:
            continue
        _, found, after = heading.partition(title)
        if found and (not after.strip() or after.lstrip().startswith("|")):
            return title
    return heading


def _without_trailing_tag(heading: str, meta_titles: list[str]) -> str:
    """``"Title [Watch]"`` -> ``"Title"`` when a metadata title is the headline without it."""
    tag = _TRAILING_TAG.search(heading)
    if tag is None or tag.start() == 0:
        return heading
    bare = heading[: tag.start()]
    words = _WORD.findall(bare.casefold())
    if any(_WORD.findall(t.casefold()) == words for t in meta_titles):
        return bare
    return heading


def _word_overlap(a: str, b: str) -> float:
    words_a = set(_WORD.findall(a.casefold()))
    words_b = set(_WORD.findall(b.casefold()))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))
