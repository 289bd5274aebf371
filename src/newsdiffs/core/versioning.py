"""Whether a capture becomes a new version.

News Sniffer's rule: a version is stored when the content hash differs from the latest one,
except that a hash may appear at most twice in an article's history. Without that guard a
page flipping between two texts (A/B headlines, a broken cache) would add a version on every
check.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from newsdiffs.errors import ConfigError


class VersionDecision(enum.StrEnum):
    FIRST = "first"  # no version yet: store it
    NEW = "new"  # differs from the latest: store it
    UNCHANGED = "unchanged"  # same hash as the latest
    FLIPFLOP = "flipflop"  # back to a hash already stored max_repeats times: do not store


def decide_version(
    new_hash: str,
    latest_hash: str | None,
    hash_counts: Mapping[str, int],
    max_repeats: int = 2,
) -> VersionDecision:
    """Decide what to do with a capture whose content hash is ``new_hash``.

    ``latest_hash`` is the hash of the latest stored version (None when there is none) and
    ``hash_counts`` how many stored versions have each hash.
    """
    if max_repeats < 1:
        raise ConfigError(f"max_repeats must be at least 1, got {max_repeats}")
    if latest_hash is None:
        return VersionDecision.FIRST
    if new_hash == latest_hash:
        return VersionDecision.UNCHANGED
    if hash_counts.get(new_hash, 0) >= max_repeats:
        return VersionDecision.FLIPFLOP
    return VersionDecision.NEW
