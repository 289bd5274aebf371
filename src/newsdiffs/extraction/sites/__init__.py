"""Site adapters for major outlets, tried before the generic extractor."""

from __future__ import annotations

from newsdiffs.extraction.base import Extractor

SITE_ADAPTERS: tuple[Extractor, ...] = ()
