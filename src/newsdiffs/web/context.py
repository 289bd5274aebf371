"""What every request handler needs: settings, the store, a clock and per-app caches.

One :class:`WebContext` is built by ``create_app`` and kept on ``app.state``; nothing here
is module-global, so two apps in one process (tests) never share state.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from newsdiffs.clock import Clock
from newsdiffs.core.classify import Classification, classify
from newsdiffs.core.diffing import ArticleDiff, diff_versions
from newsdiffs.models import Version
from newsdiffs.settings import Settings
from newsdiffs.storage.base import Store, Totals

DIFF_CACHE_SIZE = 2048
TOTALS_TTL_S = 30.0


@dataclass(frozen=True)
class Change:
    """The diff between two versions and what kind of change it is."""

    diff: ArticleDiff
    classification: Classification


class ChangeCache:
    """Bounded LRU of diffs by (old version id, new version id); versions never change."""

    def __init__(self, size: int = DIFF_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, int], Change] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, a: Version, b: Version) -> Change:
        key = (a.id, b.id)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        diff = diff_versions(a.title, a.paragraphs, b.title, b.paragraphs, a.byline, b.byline)
        change = Change(diff, classify(diff))
        with self._lock:
            self._items[key] = change
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return change


class TotalsCache:
    """``store.totals()`` for the footer, refreshed at most every ``ttl`` seconds."""

    def __init__(
        self, ttl: float = TOTALS_TTL_S, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._monotonic = monotonic
        self._value: Totals | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def get(self, store: Store) -> Totals:
        now = self._monotonic()
        with self._lock:
            if self._value is not None and now - self._at < self._ttl:
                return self._value
        value = store.totals()
        with self._lock:
            self._value, self._at = value, now
        return value

    def forget(self) -> None:
        with self._lock:
            self._value = None


@dataclass
class WebContext:
    settings: Settings
    store: Store
    clock: Clock
    changes: ChangeCache = field(default_factory=ChangeCache)
    totals: TotalsCache = field(default_factory=TotalsCache)


def get_context(request: Request) -> WebContext:
    """FastAPI dependency: the app's context."""
    context: WebContext = request.app.state.context
    return context
