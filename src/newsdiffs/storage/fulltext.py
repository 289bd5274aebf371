"""Full-text search over versions: SQLite FTS5 or PostgreSQL tsvector (migration 0001).

Both index each version's title and body (paragraphs joined by newlines) with English
stemming, kept in sync by triggers. One hit per article (its newest matching version),
newest first. The query syntax is parsed once (:mod:`search_syntax`); each backend turns
the terms into its own match condition and snippets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    not_,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql import column, table
from sqlalchemy.sql.expression import ColumnClause, TableClause

from newsdiffs.models import ArticleStatus
from newsdiffs.storage.base import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from newsdiffs.storage.convert import (
    ARTICLE_COLUMNS,
    VERSION_COLUMNS,
    article_from_row,
    version_from_row,
)
from newsdiffs.storage.schema import articles, versions
from newsdiffs.storage.search_syntax import ParsedQuery, Term, parse_query, to_fts5

SNIPPET_WORDS = 24
STREAM_BATCH = 200  # matches fetched at a time while collecting a page


class _Backend(Protocol):
    index: TableClause  # the full-text table, joined to versions
    version_id: ColumnClause[Any]  # its column holding versions.id

    def condition(self) -> ColumnElement[bool]: ...
    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]: ...


class _SqliteFts5:
    index = table("versions_fts", column("rowid"))
    version_id = index.c.rowid
    _SNIPPETS = text(
        "SELECT rowid, snippet(versions_fts, -1, :start, :end, '…', :tokens) AS snippet "
        "FROM versions_fts WHERE versions_fts MATCH :match AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True))

    def __init__(self, parsed: ParsedQuery) -> None:
        match = to_fts5(parsed)
        if match is None:
            raise ValueError("no positive term")
        self.match = match

    def condition(self) -> ColumnElement[bool]:
        return literal_column("versions_fts").op("MATCH")(bindparam("match", self.match))

    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]:
        parameters = {
            "start": HIGHLIGHT_START,
            "end": HIGHLIGHT_END,
            "tokens": SNIPPET_WORDS,
            "match": self.match,
            "ids": list(version_ids),
        }
        rows = connection.execute(self._SNIPPETS, parameters)
        return {row.rowid: row.snippet for row in rows}


_ENGLISH: ColumnClause[Any] = literal_column("'english'::regconfig")
_PG_BODY: ColumnClause[Any] = literal_column(
    "versions.title || chr(10) || coalesce((SELECT string_agg(value, chr(10)) "
    "FROM json_array_elements_text(versions.paragraphs)), '')"
)


class _PostgresTsvector:
    index = table("versions_fts", column("version_id"), column("title_tsv"), column("all_tsv"))
    version_id = index.c.version_id

    def __init__(self, parsed: ParsedQuery) -> None:
        self.terms = parsed.terms

    def _tsquery(self, term: Term) -> ColumnElement[Any]:
        if term.prefix:
            words = "".join(ch if ch.isalnum() else " " for ch in term.text).split()
            lexeme = "'" + (words[-1] if words else "").replace("'", "''") + "':*"
            return func.to_tsquery(_ENGLISH, bindparam(None, lexeme))
        return func.phraseto_tsquery(_ENGLISH, bindparam(None, term.text))

    def condition(self) -> ColumnElement[bool]:
        conditions = []
        for term in self.terms:
            vector = self.index.c.title_tsv if term.title_only else self.index.c.all_tsv
            matches = vector.op("@@")(self._tsquery(term))
            conditions.append(not_(matches) if term.negated else matches)
        return and_(*conditions)

    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]:
        positive = [self._tsquery(term) for term in self.terms if not term.negated]
        query = positive[0]
        for more in positive[1:]:
            query = query.op("||")(more)
        options = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords={SNIPPET_WORDS}"
        headline = func.ts_headline(_ENGLISH, _PG_BODY, query, bindparam(None, options))
        statement = select(versions.c.id, headline).where(versions.c.id.in_(version_ids))
        return {version_id: snippet for version_id, snippet in connection.execute(statement)}


def _backend(dialect: str, parsed: ParsedQuery) -> _Backend:
    if dialect == "sqlite":
        return _SqliteFts5(parsed)
    if dialect == "postgresql":
        return _PostgresTsvector(parsed)
    raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def _first_per_article(connection: Connection, matches: Select[Any], wanted: int) -> list[int]:
    """The first version id of each article in ``matches``, until ``wanted`` articles."""
    seen: set[int] = set()
    version_ids: list[int] = []
    result = connection.execution_options(yield_per=STREAM_BATCH).execute(matches)
    try:
        for version_id, article_id in result:
            if article_id not in seen:
                seen.add(article_id)
                version_ids.append(version_id)
                if len(version_ids) >= wanted:
                    break
    finally:
        result.close()
    return version_ids


def search_versions(
    connection: Connection, query: str, source: str | None, offset: int, limit: int
) -> list[SearchHit]:
    """Articles matching ``query`` (see Store.search), one hit each, newest first."""
    parsed = parse_query(query)
    if not parsed.has_positive_term or limit <= 0:
        return []
    backend = _backend(connection.dialect.name, parsed)
    conditions = [backend.condition(), articles.c.status != ArticleStatus.HIDDEN.value]
    if source is not None:
        conditions.append(articles.c.source == source)
    if parsed.sources:
        conditions.append(articles.c.source.in_(parsed.sources))
    if parsed.excluded_sources:
        conditions.append(articles.c.source.not_in(parsed.excluded_sources))
    # Matches newest first (version ids follow capture order), streamed: the first match of
    # each article is its newest, and reading stops once the page is full. The cost follows
    # offset + limit, not the number of matching versions.
    matches = (
        select(versions.c.id, versions.c.article_id)
        .select_from(backend.index)
        .join(versions, versions.c.id == backend.version_id)
        .join(articles, articles.c.id == versions.c.article_id)
        .where(and_(*conditions))
        .order_by(backend.version_id.desc())
    )
    version_ids = _first_per_article(connection, matches, max(offset, 0) + limit)[offset:]
    if not version_ids:
        return []
    found = {
        row.id: version_from_row(row)
        for row in connection.execute(
            select(*VERSION_COLUMNS).where(versions.c.id.in_(version_ids))
        )
    }
    article_ids = {version.article_id for version in found.values()}
    by_id = {
        row.id: article_from_row(row)
        for row in connection.execute(
            select(*ARTICLE_COLUMNS).where(articles.c.id.in_(article_ids))
        )
    }
    snippets = backend.snippets(connection, version_ids)
    hits = []
    for version_id in version_ids:
        version = found[version_id]
        hits.append(
            SearchHit(
                article=by_id[version.article_id],
                version_id=version.id,
                version_number=version.number,
                captured_at=version.captured_at,
                title=version.title,
                snippet=snippets.get(version_id, ""),
            )
        )
    return hits
