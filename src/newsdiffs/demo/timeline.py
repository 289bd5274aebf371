"""When each demo article is published, edited, deleted or redirected. Pure: no I/O.

All times are offsets from the newsroom's *epoch* (the sim time it was created):

- About a fifth of the articles (at least 4) are published at the epoch, the rest at
  random minutes over the first sim day.
- A regular article gets 0–4 real edits (every other article at least 1). The first comes
  1–8 sim hours after publication, each next one 4–9 h after the previous, all within
  36 h of publication. A tracker that checks after 30 min and backs off ×1.2 while nothing
  changes (resetting on change) therefore sees almost every state.
- Article 0 is an A/B test: its headline flips between two values every 2 sim hours for
  36 h. Article 1 is deleted (404) 14 h after the epoch. Article 2 starts answering 301 to
  article 3 after 20 h.
- The whole site switches to a redesigned page template 30 sim hours after the epoch.

``FastClock(start, speed=3000)`` turns 90 real seconds into 75 sim hours: every state above.
"""

from __future__ import annotations

import enum
import random
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdiffs.demo.story import (
    EditKind,
    EditorialState,
    Story,
    alternate_headline,
    apply_edit,
    draft_story,
)
from newsdiffs.errors import ConfigError

PUBLISH_WINDOW = timedelta(hours=24)
EDIT_WINDOW = timedelta(hours=36)
FIRST_EDIT_AFTER = (timedelta(hours=1), timedelta(hours=8))
EDIT_GAP = (timedelta(hours=4), timedelta(hours=9))
FLIP_PERIOD = timedelta(hours=2)
DELETE_AFTER = timedelta(hours=14)
REDIRECT_AFTER = timedelta(hours=20)
REDESIGN_AFTER = timedelta(hours=30)
ARTICLE_TEMPLATES = 3
_EDIT_COUNT_WEIGHTS = (35, 25, 20, 12, 8)  # for 0, 1, 2, 3, 4 edits


class Phase(enum.StrEnum):
    """What an article URL serves at some moment."""

    UNPUBLISHED = "unpublished"  # 404, and not in any listing
    LIVE = "live"
    GONE = "gone"  # deleted: 404 from then on
    REDIRECT = "redirect"  # 301 to another article


class Special(enum.StrEnum):
    NONE = "none"
    FLIPFLOP = "flipflop"
    DELETED = "deleted"
    REDIRECTED = "redirected"


@dataclass(frozen=True)
class StateSpan:
    """One editorial state and the sim time it went live."""

    since: datetime
    state_id: str
    state: EditorialState
    edit: EditKind | None  # the edit that produced it; None for the first state and A/B flips


@dataclass(frozen=True)
class ArticleTimeline:
    index: int
    slug: str
    path: str  # /news/<yyyy>/<mm>/<dd>/<slug>
    section: str
    published: datetime
    template: int  # 0 .. ARTICLE_TEMPLATES - 1, before the redesign
    spans: tuple[StateSpan, ...]  # ordered by ``since``; spans[0].since == published
    special: Special = Special.NONE
    ends_at: datetime | None = None  # deletion or redirect time
    redirect_to: str | None = None  # path of the article it redirects to

    def phase_at(self, now: datetime) -> Phase:
        if now < self.published:
            return Phase.UNPUBLISHED
        if self.ends_at is not None and now >= self.ends_at:
            return Phase.GONE if self.redirect_to is None else Phase.REDIRECT
        return Phase.LIVE

    def span_at(self, now: datetime) -> StateSpan:
        """The state live at ``now`` (the first state before publication)."""
        index = bisect_right(self.spans, now, key=lambda span: span.since)
        return self.spans[max(0, index - 1)]

    @property
    def edits(self) -> tuple[EditKind, ...]:
        return tuple(span.edit for span in self.spans if span.edit is not None)


class NewsroomTimeline:
    """Every article's timeline plus the site-wide redesign time."""

    def __init__(
        self, epoch: datetime, articles: Sequence[ArticleTimeline], redesign_at: datetime
    ) -> None:
        self.epoch = epoch
        self.articles = tuple(articles)
        self.redesign_at = redesign_at
        self._by_path = {article.path: article for article in self.articles}

    def article(self, path: str) -> ArticleTimeline | None:
        return self._by_path.get(path)

    def live_at(self, now: datetime) -> list[ArticleTimeline]:
        """Articles visible at ``now``, newest first."""
        return list(self.iter_live(now))

    def iter_live(self, now: datetime) -> Iterator[ArticleTimeline]:
        """Articles visible at ``now``, newest first (articles are in publication order)."""
        return (a for a in reversed(self.articles) if a.phase_at(now) is Phase.LIVE)

    def redesigned(self, now: datetime) -> bool:
        return now >= self.redesign_at


def build_timeline(epoch: datetime, n_articles: int, seed: int) -> NewsroomTimeline:
    """The newsroom's whole future, deterministic from ``seed``."""
    if n_articles < 1:
        raise ConfigError(f"the demo newsroom needs at least one article, not {n_articles}")
    rng = random.Random(seed)
    stories = [draft_story(rng) for _ in range(n_articles)]
    published = _publication_times(epoch, n_articles, rng)
    edit_kinds = _edit_kind_cycle(rng)
    slugs = _unique_slugs(story.first.title for story in stories)
    specials = _specials(n_articles)
    articles: list[ArticleTimeline] = []
    for index, (story, when, slug) in enumerate(zip(stories, published, slugs, strict=True)):
        path = f"/news/{when:%Y/%m/%d}/{slug}"
        special = specials.get(index, Special.NONE)
        if special is Special.FLIPFLOP:
            spans = _flipflop_spans(index, story, when)
        else:
            until = _end_time(epoch, special) or when + EDIT_WINDOW
            count = _edit_count(index, rng)
            spans = _edited_spans(index, story, when, until, count, edit_kinds, rng)
        ends_at = _end_time(epoch, special)
        redirect_to = None
        if special is Special.REDIRECTED:
            redirect_to = f"/news/{published[index + 1]:%Y/%m/%d}/{slugs[index + 1]}"
        articles.append(
            ArticleTimeline(
                index=index,
                slug=slug,
                path=path,
                section=story.section,
                published=when,
                template=index % ARTICLE_TEMPLATES,
                spans=spans,
                special=special,
                ends_at=ends_at,
                redirect_to=redirect_to,
            )
        )
    return NewsroomTimeline(epoch, articles, epoch + REDESIGN_AFTER)


def _publication_times(epoch: datetime, count: int, rng: random.Random) -> list[datetime]:
    at_start = min(count, max(4, count // 5))
    minutes = int(PUBLISH_WINDOW.total_seconds() // 60)
    later = sorted(rng.randint(10, minutes) for _ in range(count - at_start))
    return [epoch] * at_start + [epoch + timedelta(minutes=m) for m in later]


def _specials(count: int) -> dict[int, Special]:
    if count < 4:
        return {}
    return {0: Special.FLIPFLOP, 1: Special.DELETED, 2: Special.REDIRECTED}


def _end_time(epoch: datetime, special: Special) -> datetime | None:
    if special is Special.DELETED:
        return epoch + DELETE_AFTER
    if special is Special.REDIRECTED:
        return epoch + REDIRECT_AFTER
    return None


def _edit_count(index: int, rng: random.Random) -> int:
    count = rng.choices(range(len(_EDIT_COUNT_WEIGHTS)), weights=_EDIT_COUNT_WEIGHTS)[0]
    return max(1, count) if index % 2 == 0 else count


def _edit_kind_cycle(rng: random.Random) -> Iterator[EditKind]:
    """Every kind of edit in turn (shuffled per round), so all kinds occur across articles."""
    kinds = list(EditKind)
    while True:
        rng.shuffle(kinds)
        yield from kinds


def _edited_spans(
    index: int,
    story: Story,
    published: datetime,
    until: datetime,
    count: int,
    edit_kinds: Iterator[EditKind],
    rng: random.Random,
) -> tuple[StateSpan, ...]:
    spans = [StateSpan(published, f"a{index}s0", story.first, None)]
    when = published + _random_delta(FIRST_EDIT_AFTER, rng)
    while len(spans) <= count and when < until:
        edited = _next_edit(story, spans[-1].state, edit_kinds, rng)
        if edited is None:
            break
        kind, state = edited
        spans.append(StateSpan(when, f"a{index}s{len(spans)}", state, kind))
        when += _random_delta(EDIT_GAP, rng)
    return tuple(spans)


def _next_edit(
    story: Story, state: EditorialState, edit_kinds: Iterator[EditKind], rng: random.Random
) -> tuple[EditKind, EditorialState] | None:
    for _attempt in range(len(EditKind)):
        kind = next(edit_kinds)
        edited = apply_edit(story, state, kind, rng)
        if edited is not None and edited.content_key != state.content_key:
            return kind, edited
    return None


def _flipflop_spans(index: int, story: Story, published: datetime) -> tuple[StateSpan, ...]:
    sides = (story.first, alternate_headline(story))
    flips = int(EDIT_WINDOW / FLIP_PERIOD)
    return tuple(
        StateSpan(published + flip * FLIP_PERIOD, f"a{index}s{flip}", sides[flip % 2], None)
        for flip in range(flips + 1)
    )


def _random_delta(bounds: tuple[timedelta, timedelta], rng: random.Random) -> timedelta:
    low, high = (int(bound.total_seconds() // 60) for bound in bounds)
    return timedelta(minutes=rng.randint(low, high))


_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG_WORDS = 8


def slugify(title: str) -> str:
    words = _NON_SLUG.sub(" ", title.lower()).split()
    return "-".join(words[:_SLUG_WORDS]) or "story"


def _unique_slugs(titles: Iterable[str]) -> list[str]:
    taken: set[str] = set()
    slugs = []
    for title in titles:
        base = slug = slugify(title)
        suffix = 1
        while slug in taken:
            suffix += 1
            slug = f"{base}-{suffix}"
        taken.add(slug)
        slugs.append(slug)
    return slugs
