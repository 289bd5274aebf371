"""Sentence splitting for news prose (rule-based, language-light, deterministic).

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes or
brackets) when whitespace and an upper-case letter, digit or opening quote follow. Common
abbreviations ("Mr.", "U.S.", "Nov.", "Gen.", initials like "J.") do not end a sentence.
Both versions of an article are split by the same rules, so an imperfect split only makes a
"sentence" coarser, never creates a spurious change.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    re.findall(
        r"\S+",
        """
        mr mrs ms dr prof st jr sr gen sen rep gov lt col capt cmdr sgt maj adm rev hon pres
        no nos vs etc inc ltd co corp dept univ est approx fig vol al ft mt
        jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
        u.s u.k u.n e.g i.e a.m p.m d.c
        """,
    )
)

# A boundary starts only where a run of end marks starts (the look-behind), and each part
# takes all it can and gives nothing back (possessive): a run of n dots is read once, not
# once per dot (quadratic: a 100 KB paragraph of dots took minutes before).
_BOUNDARY_RE = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+\s++(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
_CLOSERS = "\"'”’)]"
_END_MARKS = ".!?…"


def _word_before(text: str, start: int, end: int) -> str:
    r"""The word that ends ``text[start:end]`` under its end marks ("U.S" for "the U.S."),
    or "" when no word ends it. Plain string code reading back from ``end`` (no slice of
    the sentence so far: many abbreviations in a row would copy it again and again); the
    regex it replaces, ``([\w.]+)[.!?…]*["'”’)\]]*\s*$``, backtracked cubically on dots."""
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    while stop > start and text[stop - 1] in _CLOSERS:
        stop -= 1
    while stop > start and text[stop - 1] in _END_MARKS:
        stop -= 1
    first = stop
    while first > start and (text[first - 1].isalnum() or text[first - 1] in "_."):
        first -= 1
    return text[first:stop]


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    word = _word_before(text, start, end).casefold()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. K. Rowling"
        return True
    return word in _ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into sentences (stripped, never empty)."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if text[match.start()] == "." and _is_abbreviation(text, start, match.start() + 1):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
