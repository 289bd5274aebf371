"""Per-host politeness across workers by routing: a host always goes to the same queue.

``hash(host) % host_queues`` picks the queue, and one worker consumes each queue, so a host
is only ever fetched by one process and that process's fetcher keeps the per-host delay,
the per-host connection limit, the robots cache and the pooled keep-alive connections of the
host, exactly as the embedded runner does. The alternative, a limiter shared in Redis,
would let any worker fetch any host, but costs a Redis round trip per request, spreads one
host's requests over every worker's connection pool (no reuse) and needs the fetcher's gate
to ask Redis. The price of routing: a dead worker's hosts wait until it is restarted (its
claims lapse and are re-claimed into the same queue), which compose's restart policy does.

The hash is blake2b, not ``hash()``: Python salts ``hash(str)`` per process, and every
process must agree on a host's queue.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

QUEUE_PREFIX = "newsdiffs.hosts."


def queue_name(index: int) -> str:
    return f"{QUEUE_PREFIX}{index}"


def queue_index(host: str, queues: int) -> int:
    """The queue of ``host`` (case-insensitive, port included) among ``queues``."""
    digest = hashlib.blake2b(host.lower().encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % queues


def host_of(url: str) -> str:
    """The host (with any port) a fetch of ``url`` goes to: what politeness is kept per."""
    return urlsplit(url).netloc.lower()


def queue_for_url(url: str, queues: int) -> str:
    return queue_name(queue_index(host_of(url), queues))


def all_queues(queues: int) -> list[str]:
    return [queue_name(index) for index in range(queues)]
