"""Which articles and versions an export holds: the command's filters, as one pure value.

Filters pick articles (``--source``, ``--article``) and versions (``--since``/``--until``
on capture time, ``--kind``, ``--min-significance``). An article is exported when at least
one of its versions is picked. Formats of changes (jsonl, parquet) hold the picked versions,
each with its change against the version captured just before it, picked or not; formats of
histories (newsedits, git, warc) hold the whole history of every article exported, because
their readers replay versions in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdiffs.models import Article, Version


@dataclass(frozen=True)
class Selection:
    sources: tuple[str, ...] = ()
    article_ids: tuple[int, ...] = ()
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    kinds: tuple[str, ...] = ()
    min_significance: float | None = None

    @property
    def filters_versions(self) -> bool:
        return bool(self.since or self.until or self.kinds or self.min_significance is not None)

    def picks(self, version: Version) -> bool:
        if self.since is not None and version.captured_at < self.since:
            return False
        if self.until is not None and version.captured_at >= self.until:
            return False
        if self.kinds and not set(self.kinds) & _kinds_of(version):
            return False
        if self.min_significance is None:
            return True
        return version.significance is not None and version.significance >= self.min_significance


@dataclass(frozen=True)
class History:
    """One article and every version of it, in capture order."""

    article: Article
    versions: tuple[Version, ...]

    def picked(self, selection: Selection) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if selection.picks(v))

    def previous(self, version: Version) -> Version | None:
        index = version.number - 2
        if 0 <= index < len(self.versions) and self.versions[index].number == version.number - 1:
            return self.versions[index]
        earlier = [v for v in self.versions if v.number < version.number]
        return earlier[-1] if earlier else None


def exported(histories: Sequence[History], selection: Selection) -> list[History]:
    """The histories an export holds: those with at least one picked version."""
    return [h for h in histories if h.versions and h.picked(selection)]


def _kinds_of(version: Version) -> set[str]:
    """The version's change kinds, plus ``stealth`` when its change was a stealth edit."""
    kinds = set(version.change_kinds)
    if version.classification is not None and version.classification.stealth:
        kinds.add(STEALTH)
    return kinds


STEALTH = "stealth"
