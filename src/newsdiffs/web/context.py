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
from typing import Any, Generic, TypeVar

from fastapi import Request

from newsdiffs.clock import Clock
from newsdiffs.core.classify import Classification, classify
from newsdiffs.core.diffing import ArticleDiff, diff_versions
from newsdiffs.models import Version
from newsdiffs.settings import Settings
from newsdiffs.storage.base import Store, Totals

DIFF_CACHE_SIZE = 2048
SUMMARY_CACHE_SIZE = 100_000
COUNTS_TTL_S = 30.0
T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Change:
    """The diff between two versions and what kind of change it is."""

    diff: ArticleDiff
    classification: Classification


class Lru(Generic[K, V]):
    """A bounded, thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class ChangeCache:
    """Diffs by (old version id, new version id); versions never change once stored."""

    def __init__(self, size: int = DIFF_CACHE_SIZE) -> None:
        self._lru: Lru[tuple[int, int], Change] = Lru(size)

    def get(self, a: Version, b: Version) -> Change:
        key = (a.id, b.id)
        found = self._lru.get(key)
        if found is None:
            diff = diff_versions(a.title, a.paragraphs, b.title, b.paragraphs, a.byline, b.byline)
            found = Change(diff, classify(diff))
            self._lru.put(key, found)
        return found


class Recent(Generic[T]):
    """A value that costs a full scan (counts), recomputed at most every ``ttl`` seconds."""

    def __init__(
        self, ttl: float = COUNTS_TTL_S, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._monotonic = monotonic
        self._value: T | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def get(self, compute: Callable[[], T]) -> T:
        now = self._monotonic()
        with self._lock:
            if self._value is not None and now - self._at < self._ttl:
                return self._value
        value = compute()
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
    # ChangeSummary (small) of each version against the one before, by version id.
    summaries: Lru[int, Any] = field(default_factory=lambda: Lru(SUMMARY_CACHE_SIZE))
    totals: Recent[Totals] = field(default_factory=Recent)
    source_counts: Recent[dict[str, tuple[int, int]]] = field(default_factory=Recent)

    def forget_counts(self) -> None:
        """After a write: the footer and source counts are recomputed on the next read."""
        self.totals.forget()
        self.source_counts.forget()


def get_context(request: Request) -> WebContext:
    """FastAPI dependency: the app's context."""
    context: WebContext = request.app.state.context
    return context
