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

_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
_LAST_WORD_RE = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]]*\s*$")


def _is_abbreviation(before: str) -> bool:
    match = _LAST_WORD_RE.search(before)
    if match is None:
        return False
    word = match.group(1).rstrip(".").casefold()
    if len(word) == 1 and word.isalpha():  # an initial: "J. K. Rowling"
        return True
    return word in _ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into sentences (stripped, never empty)."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(text):
        end = match.end()
        if text[match.start()] == "." and _is_abbreviation(text[start : match.start() + 1]):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
