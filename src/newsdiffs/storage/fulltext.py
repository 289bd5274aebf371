"""Full-text search over versions: SQLite FTS5 or PostgreSQL tsvector (migration 0001).

Both index each version's title and body (paragraphs joined by newlines) with English
stemming, kept in sync by triggers; PostgreSQL's index also holds each version's source as
a lexeme (migration 0008). One hit per article (its newest matching version), newest
first. The query syntax is parsed once (:mod:`search_syntax`); each backend turns the terms
into its own match condition and snippets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.engine import Connection
from sqlalchemy.sql import column, table
from sqlalchemy.sql.expression import ColumnClause, Insert, TableClause

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
STREAM_BATCH = 200  # matches fetched at a time while collecting a page (PostgreSQL)
FTS_BATCH = 200  # SQLite: matching ids read from the index at least at a time
MAX_FTS_BATCH = 12_800
MAX_ROWID = 2**63 - 1
FIRST_WINDOW = 5_000  # PostgreSQL: the newest version ids searched first (_in_windows)
DENSE_WINDOW = 50_000  # PostgreSQL: a larger window means rare matches, read from GIN alone


class _Backend(Protocol):
    index: TableClause  # the full-text table, joined to versions
    version_id: ColumnClause[Any]  # its column holding versions.id

    def condition(self) -> ColumnElement[bool]: ...
    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]: ...


class _SqliteFts5:
    index = table("versions_fts", column("rowid"))
    version_id = index.c.rowid
    # Snippets of the page's hits only. Asking the big index for them ("rowid IN (...)")
    # costs about a millisecond per hit; instead the hits' text goes into a scratch FTS5
    # table of this connection (same tokenizer as migration 0001, so the same snippets),
    # inside the read transaction that is rolled back afterwards.
    _SCRATCH = (
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_snippets USING fts5(title, body, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        ),
        text("DELETE FROM temp.search_snippets"),
    )
    _FILL = text(
        "INSERT INTO temp.search_snippets (rowid, title, body) "
        "SELECT id, title, body FROM versions_fts_source WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    _SNIPPETS = text(
        "SELECT rowid, snippet(search_snippets, -1, :start, :end, '…', :tokens) AS snippet "
        "FROM temp.search_snippets WHERE search_snippets MATCH :match"
    )

    def __init__(self, parsed: ParsedQuery) -> None:
        match = to_fts5(parsed)
        if match is None:
            raise ValueError("no positive term")
        self.match = match

    def condition(self) -> ColumnElement[bool]:
        return literal_column("versions_fts").op("MATCH")(bindparam("match", self.match))

    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]:
        for statement in self._SCRATCH:
            connection.execute(statement)
        connection.execute(self._FILL, {"ids": list(version_ids)})
        parameters = {
            "start": HIGHLIGHT_START,
            "end": HIGHLIGHT_END,
            "tokens": SNIPPET_WORDS,
            "match": self.match,
        }
        rows = connection.execute(self._SNIPPETS, parameters)
        return {row.rowid: row.snippet for row in rows}


POSTGRES_CONFIG: ColumnClause[Any] = literal_column("'english'::regconfig")
# Each version's source, a lexeme of all_tsv without position (migration 0008; its triggers
# and `newsdiffs db copy` write it): "source:bbc". The English parser never makes one.
SOURCE_LEXEME = "source:"
POSTGRES_SOURCE_LEXEMES: ColumnClause[Any] = literal_column(
    f"array_to_tsvector(ARRAY(SELECT '{SOURCE_LEXEME}' || articles.source FROM articles "
    "WHERE articles.id = versions.article_id))"
)
POSTGRES_DOCUMENT: ColumnClause[Any] = literal_column(
    "versions.title || chr(10) || coalesce((SELECT string_agg(value, chr(10)) "
    "FROM json_array_elements_text(versions.paragraphs)), '')"
)


def postgres_index_fill() -> Insert:
    """PostgreSQL: the full-text index of every version, filled in one statement with the
    tsvectors the triggers write (migrations 0001, 0003, 0008). For bulk loads with the
    insert trigger switched off (``newsdiffs db copy``, the scale benchmark's seed)."""
    document = select(
        versions.c.id,
        func.to_tsvector(POSTGRES_CONFIG, versions.c.title),
        func.to_tsvector(POSTGRES_CONFIG, POSTGRES_DOCUMENT).op("||")(POSTGRES_SOURCE_LEXEMES),
    )
    index = _PostgresTsvector.index
    return insert(index).from_select(["version_id", "title_tsv", "all_tsv"], document)


class _PostgresTsvector:
    index = table("versions_fts", column("version_id"), column("title_tsv"), column("all_tsv"))
    version_id = index.c.version_id

    def __init__(self, parsed: ParsedQuery, source_groups: Sequence[Sequence[str]]) -> None:
        self.terms = parsed.terms
        self.source_groups = source_groups

    def _tsquery(self, term: Term) -> ColumnElement[Any]:
        if term.prefix:
            words = "".join(ch if ch.isalnum() else " " for ch in term.text).split()
            lexeme = "'" + (words[-1] if words else "").replace("'", "''") + "':*"
            return func.to_tsquery(POSTGRES_CONFIG, bindparam(None, lexeme))
        return func.phraseto_tsquery(POSTGRES_CONFIG, bindparam(None, term.text))

    def condition(self) -> ColumnElement[bool]:
        conditions = []
        for term in self.terms:
            vector = self.index.c.title_tsv if term.title_only else self.index.c.all_tsv
            matches = vector.op("@@")(self._tsquery(term))
            conditions.append(not_(matches) if term.negated else matches)
        for group in self.source_groups:  # the index answers sources with the words
            lexemes = [
                cast(bindparam(None, _quoted_lexeme(SOURCE_LEXEME + name)), TSQUERY)
                for name in group
            ]
            conditions.append(or_(*(self.index.c.all_tsv.op("@@")(one) for one in lexemes)))
        return and_(*conditions)

    def snippets(self, connection: Connection, version_ids: Sequence[int]) -> dict[int, str]:
        positive = [self._tsquery(term) for term in self.terms if not term.negated]
        query = positive[0]
        for more in positive[1:]:
            query = query.op("||")(more)
        options = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords={SNIPPET_WORDS}"
        headline = func.ts_headline(
            POSTGRES_CONFIG, POSTGRES_DOCUMENT, query, bindparam(None, options)
        )
        statement = select(versions.c.id, headline).where(versions.c.id.in_(version_ids))
        return {version_id: snippet for version_id, snippet in connection.execute(statement)}


def _quoted_lexeme(lexeme: str) -> str:
    """``lexeme`` as tsquery input: one quoted lexeme, whatever characters it holds."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _backend(dialect: str, parsed: ParsedQuery, source_groups: Sequence[Sequence[str]]) -> _Backend:
    if dialect == "sqlite":
        return _SqliteFts5(parsed)
    if dialect == "postgresql":
        return _PostgresTsvector(parsed, source_groups)
    raise NotImplementedError(f"full-text search is not implemented for {dialect}")


def _first_per_article(connection: Connection, matches: Select[Any], wanted: int) -> list[int]:
    """The first version id of each article in ``matches``, until ``wanted`` articles."""
    seen: set[int] = set()
    version_ids: list[int] = []
    result = connection.execution_options(yield_per=STREAM_BATCH).execute(matches)
    try:
        _take_new_articles(result.tuples(), seen, version_ids, wanted)
    finally:
        result.close()
    return version_ids


def _newest_matches(
    connection: Connection,
    backend: _Backend,
    before: int,
    limit: int,
    article_conditions: Sequence[ColumnElement[bool]],
) -> list[tuple[int, int | None]]:
    """The ``limit`` newest matching versions older than ``before``, newest first, each
    with its article's id, or None when the article fails ``article_conditions``."""
    newest = (
        select(backend.version_id.label("id"))
        .where(backend.condition(), backend.version_id < before)
        .order_by(backend.version_id.desc())
        .limit(limit)
        .subquery("newest")
    )
    statement = (
        select(newest.c.id, articles.c.id)
        .join_from(newest, versions, versions.c.id == newest.c.id)
        .outerjoin(articles, and_(articles.c.id == versions.c.article_id, *article_conditions))
        .order_by(newest.c.id.desc())
    )
    return [(version_id, article_id) for version_id, article_id in connection.execute(statement)]


def _newest_per_article(
    connection: Connection,
    backend: _Backend,
    article_conditions: Sequence[ColumnElement[bool]],
    wanted: int,
) -> list[int]:
    """The newest matching version of each visible article, until ``wanted``.

    Matching version ids come from the FTS index alone, newest first, in growing batches;
    each batch is then narrowed to visible articles by primary key. The cost follows the
    matches read before the page is full, not all matching versions.
    """
    seen: set[int] = set()
    version_ids: list[int] = []
    before, batch, scanned = MAX_ROWID, max(FTS_BATCH, wanted), 0
    while len(version_ids) < wanted:
        newest = _newest_matches(connection, backend, before, batch, article_conditions)
        _take_new_articles(newest, seen, version_ids, wanted)
        scanned += len(newest)
        if len(newest) < batch:
            break
        before, batch = newest[-1][0], _next_batch(scanned, len(seen), wanted)
    return version_ids


def _newest_per_article_in_windows(
    connection: Connection,
    backend: _Backend,
    article_conditions: Sequence[ColumnElement[bool]],
    wanted: int,
) -> list[int]:
    """PostgreSQL: the newest matching version of each visible article, until ``wanted``.

    Version ids are searched in windows, newest first, each sized from the articles found
    per version id so far; the planner picks its plan within a window, whose range bounds
    either plan. Once matches prove rare (the articles still missing would take more than
    DENSE_WINDOW ids), the rest is read from the GIN index alone: the planner is not left
    to choose there, because for a LIMIT it walks the primary key backwards, testing every
    version, whenever it overestimates the matches, which it always does for a phrase (it
    counts the versions holding both words: 4,140 for 39 real at 1,000,000 versions, and a
    rare phrase then took 1 s).
    """
    top = connection.execute(select(func.max(backend.version_id))).scalar()
    seen: set[int] = set()
    version_ids: list[int] = []
    if top is None:
        return version_ids
    before, window, batch, matched = top + 1, FIRST_WINDOW, max(FTS_BATCH, wanted), 0
    low, rare = max(before - window, 0), False
    while len(version_ids) < wanted:
        ids = _matches_between(connection, backend, low, before, batch, rare)
        for start in range(0, len(ids), FTS_BATCH):  # their articles, until the page is full
            chunk = _with_visible_article(
                connection, ids[start : start + FTS_BATCH], article_conditions
            )
            if _take_new_articles(chunk, seen, version_ids, wanted):
                break
        matched += len(ids)
        if len(ids) == batch:  # more in this window
            before, batch = ids[-1], _next_batch(matched, len(seen), wanted)
            continue
        if low == 0:
            break
        window = _next_window(top + 1 - low, len(seen), wanted, window)
        rare = rare or window > DENSE_WINDOW
        before, low = low, 0 if rare else max(low - window, 0)
        batch = MAX_FTS_BATCH if rare else batch
    return version_ids


def _take_new_articles(
    found: Iterable[tuple[int, int | None]], seen: set[int], version_ids: list[int], wanted: int
) -> bool:
    """Adds to ``version_ids`` the first of ``found`` (newest first) for each visible article
    not yet ``seen``; True once ``wanted`` are in."""
    for version_id, article_id in found:
        if article_id is not None and article_id not in seen:
            seen.add(article_id)
            version_ids.append(version_id)
            if len(version_ids) >= wanted:
                return True
    return False


def _matches_between(
    connection: Connection, backend: _Backend, low: int, before: int, limit: int, rare: bool
) -> list[int]:
    """The ``limit`` newest matching version ids in [low, before); when ``rare``, from
    the GIN index alone (the primary key can neither bound nor order them: ``id + 0``)."""
    version_id = backend.version_id + 0 if rare else backend.version_id
    statement = (
        select(backend.version_id)
        .where(backend.condition(), version_id >= low, version_id < before)
        .order_by(version_id.desc())
        .limit(limit)
    )
    return list(connection.execute(statement).scalars())


def _with_visible_article(
    connection: Connection,
    version_ids: Sequence[int],
    article_conditions: Sequence[ColumnElement[bool]],
) -> list[tuple[int, int | None]]:
    """Each of ``version_ids``, newest first, with its article's id, or None when the
    article fails ``article_conditions``."""
    if not version_ids:
        return []
    statement = (
        select(versions.c.id, articles.c.id)
        .outerjoin(articles, and_(articles.c.id == versions.c.article_id, *article_conditions))
        .where(versions.c.id.in_(version_ids))
        .order_by(versions.c.id.desc())
    )
    return [(version_id, article_id) for version_id, article_id in connection.execute(statement)]


def _next_window(searched: int, articles_found: int, wanted: int, window: int) -> int:
    """How many more version ids to search: enough for the missing articles at the rate
    seen so far (half an article when none was found yet), at least twice the last window."""
    rate = max(articles_found, 0.5) / searched
    return max(int(1.5 * (wanted - articles_found) / rate), 2 * window)


def _next_batch(scanned: int, articles_found: int, wanted: int) -> int:
    """How many more matches to read: enough for the missing articles at the rate seen so
    far, with a margin; at least FTS_BATCH, at most MAX_FTS_BATCH."""
    rate = max(articles_found, 1) / scanned
    needed = int(1.5 * (wanted - articles_found) / rate)
    return max(FTS_BATCH, min(needed, MAX_FTS_BATCH))


def search_versions(
    connection: Connection, query: str, source: str | None, offset: int, limit: int
) -> list[SearchHit]:
    """Articles matching ``query`` (see Store.search), one hit each, newest first."""
    parsed = parse_query(query)
    if not parsed.has_positive_term or limit <= 0:
        return []
    source_groups: list[tuple[str, ...]] = [(source,)] if source is not None else []
    if parsed.sources:
        source_groups.append(parsed.sources)
    backend = _backend(connection.dialect.name, parsed, source_groups)
    article_conditions = [articles.c.status != ArticleStatus.HIDDEN.value]
    if source is not None:
        article_conditions.append(articles.c.source == source)
    if parsed.sources:
        article_conditions.append(articles.c.source.in_(parsed.sources))
    if parsed.excluded_sources:
        article_conditions.append(articles.c.source.not_in(parsed.excluded_sources))
    wanted = max(offset, 0) + limit
    # Matches newest first (version ids follow capture order): the first match of each
    # article is its newest, and reading stops once the page is full. SQLite without a
    # source filter reads ids from the FTS index first (most matches are visible); with one,
    # most matches are not, and streaming the join stops exactly when the page is full.
    # PostgreSQL reads windows of version ids through its GIN index, the sources included
    # (a streamed, unbounded query runs behind a server-side cursor, planned for its first
    # 10 % of rows, which walked the primary key backwards over every version for a rare
    # phrase: 1.3 s p95 at 1,000,000 versions; benchmarks/bench_scale.py --web).
    filtered = len(article_conditions) > 1
    if isinstance(backend, _PostgresTsvector):
        found_ids = _newest_per_article_in_windows(connection, backend, article_conditions, wanted)
    elif not filtered:
        found_ids = _newest_per_article(connection, backend, article_conditions, wanted)
    else:
        matches = (
            select(versions.c.id, versions.c.article_id)
            .select_from(backend.index)
            .join(versions, versions.c.id == backend.version_id)
            .join(articles, articles.c.id == versions.c.article_id)
            .where(and_(backend.condition(), *article_conditions))
            .order_by(backend.version_id.desc())
        )
        found_ids = _first_per_article(connection, matches, wanted)
    version_ids = found_ids[max(offset, 0) :]
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
