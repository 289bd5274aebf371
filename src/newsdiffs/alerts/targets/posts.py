"""Fitting a message into a social network's post limit, with the diff link at the end.

Lengths here are counted in code points. Bluesky's limit is 300 *graphemes* and the standard
library cannot count those; a grapheme is one or more code points, so text cut to at most 300
code points is always within 300 graphemes (a post full of flags or accented letters written
with combining marks is cut shorter than it had to be, never rejected).
"""

from __future__ import annotations

ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` code points: whole, or cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    head = text[: limit - len(ELLIPSIS)]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= limit // 2:  # a word boundary not too far back; else cut mid-word
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def without_link(text: str, link: str) -> str:
    """``text`` with every occurrence of ``link`` taken out (the post adds the link itself)."""
    if not link:
        return text.strip()
    lines = [line.replace(link, "").rstrip() for line in text.split("\n")]
    kept = "\n".join(lines).strip()
    while "\n\n\n" in kept:
        kept = kept.replace("\n\n\n", "\n\n")
    return kept


def body_and_link(text: str, link: str, limit: int, link_weight: int) -> str:
    """``text`` cut to fit ``limit`` with ``"\\n" + link`` after it, the link weighing
    ``link_weight`` (Mastodon counts any URL as 23 characters)."""
    body = without_link(text, link)
    if not link:
        return cut(body, limit)
    room = limit - link_weight - 1
    return f"{cut(body, room)}\n{link}" if body else link
