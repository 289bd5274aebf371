"""Stories of The Daily Demo and the real edits made to them. Pure: no I/O, no clock.

A story is drafted once from a :class:`~newsdiffs.demo.prose.StoryKind` and a seeded
``random.Random``; each edit turns one :class:`EditorialState` into the next. Bylines never
change, so an article's editorial content is its title and paragraphs.
"""

from __future__ import annotations

import enum
import hashlib
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from newsdiffs.demo.prose import (
    DAYS,
    FIRST_NAMES,
    GENERIC_QUOTES,
    LAST_NAMES,
    REPORTERS,
    STORY_KINDS,
    TOWNS,
    StoryKind,
)

MIN_PARAGRAPHS = 4
MAX_PARAGRAPHS = 12
CORRECTION_PREFIX = "Correction: an earlier version of this article misstated"


class EditKind(enum.StrEnum):
    """A real editorial change: each must become a new version in a tracker."""

    HEADLINE = "headline"  # headline rewritten
    ADD_PARAGRAPH = "add_paragraph"  # developing story: a paragraph added at the end
    REMOVE_PARAGRAPH = "remove_paragraph"
    CORRECTION = "correction"  # a correction notice appended
    QUOTE = "quote"  # the words of a quote changed
    NUMBER = "number"  # a figure changed


@dataclass(frozen=True)
class EditorialState:
    """What the newsroom means to publish at one moment: noise-free, whitespace-clean."""

    title: str
    byline: str
    paragraphs: tuple[str, ...]

    @property
    def content_key(self) -> str:
        """Digest of the editorial content (title and paragraphs; bylines never change)."""
        text = "\x1d".join((self.title, *self.paragraphs))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Story:
    """A drafted story: its kind, the values of its template slots, its first state."""

    kind: StoryKind
    slots: Mapping[str, str]
    first: EditorialState

    @property
    def section(self) -> str:
        return self.kind.section

    def headline(self, variant: int) -> str:
        template = self.kind.headlines[variant % len(self.kind.headlines)]
        return _capitalise(template.format_map(self.slots))


def draft_story(rng: random.Random) -> Story:
    """A new story with 4–12 paragraphs, every choice drawn from ``rng``."""
    kind = rng.choice(STORY_KINDS)
    slots = _draw_slots(kind, rng)
    count = rng.randint(MIN_PARAGRAPHS, MAX_PARAGRAPHS)
    lede = rng.choice(kind.ledes)
    chosen = sorted(rng.sample(range(len(kind.body)), count - 1))
    paragraphs = tuple(
        _capitalise(template.format_map(slots))
        for template in (lede, *(kind.body[index] for index in chosen))
    )
    reporters = rng.sample(REPORTERS, 2)
    byline = reporters[0] if rng.random() < 0.75 else f"{reporters[0]} and {reporters[1]}"
    first = EditorialState(
        title=_capitalise(kind.headlines[0].format_map(slots)),
        byline=byline,
        paragraphs=paragraphs,
    )
    return Story(kind=kind, slots=slots, first=first)


def apply_edit(
    story: Story, state: EditorialState, kind: EditKind, rng: random.Random
) -> EditorialState | None:
    """``state`` after an edit of ``kind``, or None when that edit does not apply to it."""
    if kind is EditKind.HEADLINE:
        return _rewrite_headline(story, state)
    if kind is EditKind.ADD_PARAGRAPH:
        return _add_paragraph(story, state, rng)
    if kind is EditKind.REMOVE_PARAGRAPH:
        return _remove_paragraph(state, rng)
    if kind is EditKind.CORRECTION:
        return _add_correction(story, state, rng)
    if kind is EditKind.QUOTE:
        return _change_quote(story, state, rng)
    return _change_number(state, rng)


def alternate_headline(story: Story) -> EditorialState:
    """The first state with its headline rewritten (the B side of an A/B test)."""
    return replace(story.first, title=story.headline(1))


# --- drafting ------------------------------------------------------------------------------


def _draw_slots(kind: StoryKind, rng: random.Random) -> dict[str, str]:
    town, town2 = rng.sample(TOWNS, 2)
    first_names = rng.sample(FIRST_NAMES, 2)
    last_names = rng.sample(LAST_NAMES, 2)
    quote, quote2 = rng.sample(kind.quotes, 2)
    role, role2 = rng.choice(kind.roles), rng.choice(_SECOND_ROLES)
    amount = f"${rng.randint(12, 98) / 10:.1f}m"
    return {
        "town": town,
        "town2": town2,
        "person": f"{first_names[0]} {last_names[0]}",
        "person2": f"{first_names[1]} {last_names[1]}",
        "role": role,
        "role2": role2,
        "org": rng.choice(kind.orgs).format(town=town),
        "day": rng.choice(DAYS),
        "n1": str(rng.randint(3, 14)),
        "n2": str(rng.randint(120, 950)),
        "pct": str(rng.randint(3, 29)),
        "amount": amount,
        "quote": quote,
        "quote2": quote2,
    }


_SECOND_ROLES = (
    "a spokesperson for the residents' association",
    "who chairs the local business group",
    "a union representative",
    "an opposition councillor",
    "a local campaigner",
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- edits ---------------------------------------------------------------------------------


def _rewrite_headline(story: Story, state: EditorialState) -> EditorialState | None:
    for variant in range(1, len(story.kind.headlines)):
        title = story.headline(variant)
        if title != state.title:
            return replace(state, title=title)
    return None


def _add_paragraph(
    story: Story, state: EditorialState, rng: random.Random
) -> EditorialState | None:
    if len(state.paragraphs) >= MAX_PARAGRAPHS + 2:
        return None
    candidates = [_capitalise(template.format_map(story.slots)) for template in story.kind.updates]
    unused = [text for text in candidates if text not in state.paragraphs]
    if not unused:
        return None
    return replace(state, paragraphs=(*state.paragraphs, rng.choice(unused)))


def _remove_paragraph(state: EditorialState, rng: random.Random) -> EditorialState | None:
    removable = [
        index
        for index, text in enumerate(state.paragraphs)
        if index > 0 and not text.startswith(CORRECTION_PREFIX)
    ]
    if len(state.paragraphs) <= MIN_PARAGRAPHS or not removable:
        return None
    gone = rng.choice(removable)
    return replace(state, paragraphs=state.paragraphs[:gone] + state.paragraphs[gone + 1 :])


def _add_correction(
    story: Story, state: EditorialState, rng: random.Random
) -> EditorialState | None:
    if any(text.startswith(CORRECTION_PREFIX) for text in state.paragraphs):
        return None
    what = rng.choice(story.kind.corrections).format_map(story.slots)
    notice = f"{CORRECTION_PREFIX} {what}. This has been corrected."
    return replace(state, paragraphs=(*state.paragraphs, notice))


_QUOTED = re.compile(r"“([^”]+?)(,?)”")


def _change_quote(story: Story, state: EditorialState, rng: random.Random) -> EditorialState | None:
    quoted = [index for index, text in enumerate(state.paragraphs) if _QUOTED.search(text)]
    if not quoted:
        return None
    index = rng.choice(quoted)
    text = state.paragraphs[index]
    match = _QUOTED.search(text)
    assert match is not None  # checked above
    present = set(_QUOTED.findall(" ".join(state.paragraphs)))
    used = {words for words, _comma in present}
    options = [q for q in (*story.kind.quotes, *GENERIC_QUOTES) if q not in used]
    if not options:
        return None
    new_text = (
        f"{text[: match.start()]}“{rng.choice(options)}{match.group(2)}”{text[match.end() :]}"
    )
    return _with_paragraph(state, index, new_text)


_NUMBER = re.compile(r"(?<![\w.])(\d+)(?:\.(\d))?(?!\d)")


def _change_number(state: EditorialState, rng: random.Random) -> EditorialState | None:
    numbered = [index for index, text in enumerate(state.paragraphs) if _NUMBER.search(text)]
    if not numbered:
        return None
    index = rng.choice(numbered)
    text = state.paragraphs[index]
    match = _NUMBER.search(text)
    assert match is not None  # checked above
    whole, decimal = int(match.group(1)), match.group(2)
    step = rng.choice((-2, -1, 1, 2, 3))
    if decimal is not None:
        tenths = max(1, whole * 10 + int(decimal) + step)
        figure = f"{tenths // 10}.{tenths % 10}"
    else:
        figure = str(max(1, whole + step))
    if figure == match.group(0):
        figure = str(whole + 5)
    new_text = f"{text[: match.start()]}{figure}{text[match.end() :]}"
    return _with_paragraph(state, index, new_text)


def _with_paragraph(state: EditorialState, index: int, text: str) -> EditorialState:
    paragraphs = (*state.paragraphs[:index], text, *state.paragraphs[index + 1 :])
    return replace(state, paragraphs=paragraphs)
