"""A bounded in-memory cache of rendered cards.

A card of two stored versions never changes, so a card is cached until the cache needs its
room: keys name everything a card shows (see :func:`newsdiffs.cards.card_key`), so nothing
is ever invalidated. In memory rather than on disk: the web app and the alert sender each
render a card once per process, a card is ~30-60 KB (so the default 32 MB holds ~600), and
nothing has to be cleaned up beside a database that may not be on this machine (PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["DEFAULT_CACHE_BYTES", "CardCache"]

DEFAULT_CACHE_BYTES = 32 * 1024 * 1024


class CardCache:
    """PNG bytes by key, least recently used dropped first beyond ``max_bytes`` in total."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, png: bytes) -> None:
        if len(png) > self.max_bytes:
            return
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous)
            self._items[key] = png
            self._bytes += len(png)
            while self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
