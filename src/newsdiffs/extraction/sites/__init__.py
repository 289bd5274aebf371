"""Site adapters for major outlets, tried before the generic extractor.

Each adapter is a :class:`~newsdiffs.extraction.sites.declarative.SiteAdapter`: data (URL
patterns and one rule set per known layout) read by one engine. News Sniffer's outlets
are tuned on the outlet corpus; the others follow their public markup, with JSON-LD
``articleBody`` as the fallback inside each layout.
"""

from __future__ import annotations

from newsdiffs.extraction.base import Extractor
from newsdiffs.extraction.sites.bbc import BBC_NEWS
from newsdiffs.extraction.sites.declarative import LayoutRules, SiteAdapter
from newsdiffs.extraction.sites.guardian import GUARDIAN
from newsdiffs.extraction.sites.independent import INDEPENDENT
from newsdiffs.extraction.sites.intercept import THE_INTERCEPT
from newsdiffs.extraction.sites.nytimes import NEW_YORK_TIMES
from newsdiffs.extraction.sites.rt import RT
from newsdiffs.extraction.sites.us_outlets import (
    ABC_NEWS,
    CBS_NEWS,
    CNBC,
    CNN,
    FOX_NEWS,
    LA_TIMES,
    NBC_NEWS,
    NEW_YORK_POST,
    NPR,
    POLITICO,
    THE_HILL,
    USA_TODAY,
)
from newsdiffs.extraction.sites.washingtonpost import WASHINGTON_POST
from newsdiffs.extraction.sites.wires import ASSOCIATED_PRESS, BLOOMBERG, REUTERS
from newsdiffs.extraction.sites.world_outlets import (
    AL_JAZEERA,
    CBC,
    DAILY_MAIL,
    SKY_NEWS,
    TELEGRAPH,
)

# News Sniffer's outlets first, then the others; URL patterns do not overlap.
ADAPTERS: tuple[SiteAdapter, ...] = (
    BBC_NEWS,
    GUARDIAN,
    INDEPENDENT,
    NEW_YORK_TIMES,
    WASHINGTON_POST,
    RT,
    THE_INTERCEPT,
    REUTERS,
    ASSOCIATED_PRESS,
    BLOOMBERG,
    CNN,
    FOX_NEWS,
    POLITICO,
    NPR,
    LA_TIMES,
    USA_TODAY,
    NBC_NEWS,
    ABC_NEWS,
    CBS_NEWS,
    CNBC,
    NEW_YORK_POST,
    THE_HILL,
    AL_JAZEERA,
    CBC,
    TELEGRAPH,
    DAILY_MAIL,
    SKY_NEWS,
)

SITE_ADAPTERS: tuple[Extractor, ...] = ADAPTERS


def adapter_for(url: str) -> SiteAdapter | None:
    """The site adapter meant for ``url``, if any."""
    for adapter in ADAPTERS:
        if adapter.matches(url):
            return adapter
    return None


def adapter_markers_state(url: str, html: str, previous_extractor: str | None) -> bool | None:
    """The ``adapter_markers_matched`` argument of ``detect_extraction_anomaly`` for a page.

    None when no adapter covers ``url`` or the article's previous version was not made by
    that adapter (``previous_extractor`` is its ``name@version``); otherwise whether the
    page still shows one of the adapter's known layouts.
    """
    adapter = adapter_for(url)
    if adapter is None or previous_extractor is None:
        return None
    if previous_extractor.partition("@")[0] != adapter.name:
        return None
    return adapter.markers_matched(html)


__all__ = [
    "ADAPTERS",
    "SITE_ADAPTERS",
    "LayoutRules",
    "SiteAdapter",
    "adapter_for",
    "adapter_markers_state",
]
