"""Canonical article text and the content hash that decides whether a page really changed.

Two captures of an article are "the same" when their :func:`content_hash` is equal. The hash
is taken over :func:`normalize_text` of the title and of every paragraph kept by
:func:`normalize_paragraphs`, so invisible characters, odd spaces, whitespace runs, empty
paragraphs and page furniture ("Advertisement", "Updated 5 minutes ago") never make a new
version. Quotes, dashes and letter case are left alone: changing them is an edit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Characters that render as nothing: zero-width space/non-joiner/joiner, word joiner and the
# invisible maths operators, BOM / zero-width no-break space, soft hyphen, Mongolian vowel
# separator, and every bidirectional mark, embedding, override and isolate.
INVISIBLE_CHARS = frozenset(
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\ufeff"  # byte order mark / zero-width no-break space
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator
    "\u034f"  # combining grapheme joiner
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right mark, right-to-left mark
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
)

# Separators used by content_hash. normalize_text turns both into spaces (str.split treats
# U+001D and U+001E as whitespace), so they can never occur inside normalised text.
_TITLE_SEPARATOR = "\x1d"
_PARAGRAPH_SEPARATOR = "\x1e"


def _is_stray_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and not char.isspace()


# Control characters (category Cc: C0, DEL and C1, all below U+00A0) that are not
# whitespace. Whitespace controls (tab, newline, U+001C-U+001F, NEL) become spaces instead.
STRAY_CONTROL_CHARS = frozenset(chr(code) for code in range(0xA0) if _is_stray_control(chr(code)))

# One str.translate drops both kinds, in C: a per-character Python test cost more than the
# rest of a check on an unchanged page.
_DROP_TABLE = dict.fromkeys(map(ord, INVISIBLE_CHARS | STRAY_CONTROL_CHARS))


def normalize_text(text: str) -> str:
    """Canonical form of one line of article text.

    Drops invisible characters and stray control characters, turns every Unicode space
    (NBSP, thin space, ideographic space, line/paragraph separators, ...) into ' ',
    collapses whitespace runs, strips the ends and applies Unicode NFC.
    Quotes, dashes and case are preserved.
    """
    spaced = " ".join(text.translate(_DROP_TABLE).split())
    if spaced.isascii():
        return spaced  # ASCII is already NFC
    return unicodedata.normalize("NFC", spaced)


# --- page furniture ---------------------------------------------------------------------

# A noise paragraph must match one of these patterns *entirely* (case-insensitive) and be
# short. Nothing that could be the start of a real sentence is matched on a prefix.
_MAX_NOISE_LENGTH = 80

_NUMBER = r"(?:\d+|an?|one|few|several)"
_UNIT = (
    r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?"
    r"|w|wks?|weeks?|mos?|months?|y|yrs?|years?)"
)
_STAMP_PREFIX = r"(?:(?:last\s+)?(?:updated|modified|edited)|published|posted|first\s+published)"
_AGO = rf"{_NUMBER}\s*{_UNIT}\s+ago"
_NOW = r"(?:just\s+now|moments?\s+ago|a\s+moment\s+ago)"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?"
_ZONE = r"(?:utc|gmt|bst|cet|cest|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt|aest|aedt|ist)"
_DATE_TOKEN = (
    rf"(?:{_MONTH}|{_WEEKDAY}|{_ZONE}|\d{{1,4}}(?:st|nd|rd|th)?"
    r"|\d{1,2}[:.]\d{2}(?::\d{2})?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"|a\.?m\.?|p\.?m\.?|at|on|today|yesterday)"
)
# Tokens are always separated, so matching stays linear (no way to split a digit run).
_DATE_SEPARATOR = r"(?:\s+|\s*[,|·•–—-]\s*)"
_DATE = rf"{_DATE_TOKEN}(?:{_DATE_SEPARATOR}{_DATE_TOKEN})*"

_NOISE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "Updated 5 minutes ago", "Last updated: 2 hours ago", "3 mins ago", "5h ago", "Just now"
        rf"(?:{_STAMP_PREFIX}\s*:?\s*)?(?:{_AGO}|{_NOW})",
        # "Updated: 4 March 2015, 17:05 GMT", "Published Mon 4 Mar 2015 12.05 GMT"
        rf"{_STAMP_PREFIX}\s*:?\s*{_DATE}",
        # Advertising
        r"(?:advertisement|advertisements|advertising|ad|sponsored(?:\s+content)?"
        r"|skip\s+advertisement|(?:story|article)\s+continues\s+below(?:\s+advertisement)?"
        r"|continue\s+reading\s+(?:the\s+main\s+story|below)"
        r"|(?:the\s+)?(?:story|article)\s+continues\s+(?:below|after\s+(?:the\s+)?advertisement))",
        # Sharing widgets
        r"(?:share(?:\s+this)?(?:\s+(?:article|story|page|post))?"
        r"(?:\s+(?:on|via)\s+(?:facebook|twitter|x|email|e-mail|whatsapp|linkedin|reddit|messenger))?"
        r"|copy\s+link|link\s+copied|copied|print(?:\s+this\s+(?:article|page|story))?"
        r"|email\s+this\s+(?:article|story)|save(?:\s+(?:article|story))?|listen(?:\s+to\s+this\s+article)?)",
        # Navigation teasers
        r"(?:read\s+more|read\s+full\s+(?:article|story)|continue\s+reading|show\s+more|see\s+more"
        r"|more\s+on\s+this\s+(?:story|topic)|most\s+(?:read|popular|viewed)|top\s+stories"
        r"|related(?:\s+(?:articles?|stories|content|coverage|topics|links|reading|news))?"
        r"|you\s+may\s+also\s+like|recommended(?:\s+for\s+you)?|trending(?:\s+now)?"
        r"|back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|comments?|view\s+comments)",
    )
)
_TRAILING_PUNCTUATION = " :.…»›>|-–—"


def is_noise_paragraph(text: str) -> bool:
    """Whether ``text`` is page furniture rather than article text.

    Matches whole short lines only: relative timestamps ("Updated 5 minutes ago", "3 mins
    ago"), "Updated: <date>" stamps, "Advertisement", "Share this article", "Read more",
    "Related:" and similar. A line with any other words is kept, so a real sentence that
    merely starts with "Read more" or "Advertisement" is never dropped.
    """
    return _is_normalized_noise(normalize_text(text))


def _is_normalized_noise(text: str) -> bool:
    line = text.rstrip(_TRAILING_PUNCTUATION)
    if not line or len(line) > _MAX_NOISE_LENGTH:
        return False
    return any(pattern.fullmatch(line) for pattern in _NOISE_PATTERNS)


def normalize_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """Normalise each paragraph; drop empty and noise paragraphs. Idempotent."""
    kept: list[str] = []
    for paragraph in paragraphs:
        text = normalize_text(paragraph)
        if text and not _is_normalized_noise(text):
            kept.append(text)
    return tuple(kept)


def content_hash(title: str, paragraphs: Sequence[str]) -> str:
    """SHA-256 hex digest of the normalised title and paragraphs.

    Paragraph boundaries count (``["ab", "c"]`` and ``["a", "bc"]`` differ); whitespace,
    invisible characters, empty and noise paragraphs do not. Passing paragraphs that were
    already normalised gives the same digest as passing the raw ones.
    """
    body = _PARAGRAPH_SEPARATOR.join(normalize_paragraphs(paragraphs))
    payload = normalize_text(title) + _TITLE_SEPARATOR + body
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
