"""The search box syntax, parsed without touching a database.

``parse_query('"prime minister" -resigns title:budget source:bbc')`` gives terms and source
filters; :func:`to_fts5` turns the terms into an SQLite FTS5 MATCH expression in which every
term is quoted, so user input can never be an FTS5 syntax error.

Syntax: ``word`` (every positive term must match), ``"a phrase"``, ``-word`` / ``-"phrase"``
(must not match), ``title:word`` / ``title:"a phrase"`` (in the title only), ``word*``
(prefix), ``source:name`` (repeatable, any of them) and ``-source:name`` (exclude).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<neg>-)?
    (?:(?P<field>[A-Za-z]+):)?
    (?: "(?P<phrase>[^"]*)"?     # a phrase; a missing closing quote ends it at the end
      | (?P<word>[^\s"]+) )
    """,
    re.VERBOSE,
)
_HAS_WORD_CHAR = re.compile(r"\w")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
FIELDS = frozenset({"title", "source"})


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    title_only: bool = False
    prefix: bool = False  # word* : any word starting with text


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...] = ()
    sources: tuple[str, ...] = ()
    excluded_sources: tuple[str, ...] = ()

    @property
    def has_positive_term(self) -> bool:
        return any(not term.negated for term in self.terms)


def without_controls(text: str) -> str:
    """``text`` with control characters (NUL, escapes, ...) turned into spaces: typed queries
    never need them, SQLite's FTS5 cannot take a NUL and PostgreSQL rejects one in text."""
    return _CONTROLS.sub(" ", text)


def parse_query(query: str) -> ParsedQuery:
    """Terms and source filters of a search box query (control characters are spaces)."""
    query = without_controls(query)
    terms: list[Term] = []
    sources: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(query):
        negated = match["neg"] is not None
        field = (match["field"] or "").lower()
        phrase, word = match["phrase"], match["word"]
        if field and field not in FIELDS:  # "foo:bar" is just text
            word = f"{match['field']}:{word}" if word is not None else None
            phrase = f"{match['field']} {phrase}" if phrase is not None else None
            field = ""
        text = phrase if phrase is not None else (word or "")
        if field == "source":
            if text.strip():
                (excluded if negated else sources).append(text.strip())
            continue
        prefix = phrase is None and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        if _HAS_WORD_CHAR.search(text):
            terms.append(Term(text, negated, title_only=field == "title", prefix=prefix))
    return ParsedQuery(tuple(terms), tuple(sources), tuple(excluded))


def _fts5_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    if term.prefix:
        quoted += "*"
    return f"title:{quoted}" if term.title_only else quoted


def to_fts5(parsed: ParsedQuery) -> str | None:
    """The FTS5 MATCH expression, or None when there is no positive term to look for."""
    positive = [_fts5_term(term) for term in parsed.terms if not term.negated]
    if not positive:
        return None
    expression = "(" + " AND ".join(positive) + ")"
    for term in parsed.terms:
        if term.negated:
            expression += " NOT " + _fts5_term(term)
    return expression
