"""Whether a capture becomes a new version: the text's identity and News Sniffer's rule.

A version's identity is its :func:`text_hash`: the normalised headline and the *word stream*
of the body. Paragraph structure is not content: the same words split into different
paragraphs (a quote block a template breaks into paragraphs, one paragraph split in two or
two merged) hash the same, so they never make a version or a "stealth edit".

Hashes stored before this rule (:func:`newsdiffs.core.normalize.content_hash`, which counted
paragraph boundaries) keep working: a capture carries both hashes (:class:`PageContent`), a
stored hash matching either is the same text, and the tracker rewrites that stored hash to
today's in the same check. So an upgrade makes no version at all.

News Sniffer's rule: a version is stored when the hash differs from the latest one, except
that a hash may appear at most twice in an article's history. Without that guard a page
flipping between two texts (A/B headlines, a broken cache) would add a version on every check.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from newsdiffs.core.normalize import content_hash, normalize_paragraphs, normalize_text
from newsdiffs.errors import ConfigError
from newsdiffs.models import ExtractedPage

# Between headline and body in the hashed text: normalize_text turns it into a space, so it
# never occurs inside normalised text.
_TITLE_SEPARATOR = "\x1d"
# Starts every payload: normalised text never contains it (a whitespace control), and legacy
# payloads never do, so no text hashes like a legacy hash of another text.
_RULE = "\x1f"


def text_hash(title: str, paragraphs: Sequence[str]) -> str:
    """SHA-256 hex digest of the normalised headline and the body's word stream.

    Whitespace, invisible characters, empty and noise paragraphs and paragraph boundaries do
    not count (``["a b", "c"]`` and ``["a", "b c"]`` are the same text); words, punctuation,
    quotes and letter case do.
    """
    return _normalized_text_hash(normalize_text(title), normalize_paragraphs(paragraphs))


def _normalized_text_hash(title: str, paragraphs: Sequence[str]) -> str:
    payload = _RULE + title + _TITLE_SEPARATOR + " ".join(paragraphs)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PageContent:
    """One page's article text, normalised, with its identity under today's and the old rule."""

    title: str
    paragraphs: tuple[str, ...]
    hash: str  # text_hash
    page: ExtractedPage

    @cached_property
    def legacy_hash(self) -> str:
        """normalize.content_hash: how versions stored before text_hash were hashed.

        Computed only when a stored hash is not :attr:`hash` (once per article after an
        upgrade), so an unchanged check pays for one hash, not two.
        """
        return content_hash(self.title, self.paragraphs)

    def is_text_of(self, stored_hash: str | None) -> bool:
        """Whether a stored version with ``stored_hash`` has this text (either rule)."""
        if stored_hash is None:
            return False
        return stored_hash == self.hash or stored_hash == self.legacy_hash


def content_of(page: ExtractedPage) -> PageContent | None:
    """The normalised text of an extracted page; None when it has no body paragraph."""
    paragraphs = normalize_paragraphs(page.paragraphs)
    if not paragraphs:
        return None
    title = normalize_text(page.title)
    return PageContent(
        title=title, paragraphs=paragraphs, hash=_normalized_text_hash(title, paragraphs), page=page
    )


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
