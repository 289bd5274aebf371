"""Streamed reads for exports: article histories in id order, one batch at a time.

Keyset pagination (``articles.id > last``), never OFFSET, so each batch costs the same at the
millionth article as at the first, and never more than one batch of versions is in memory.
Hidden articles are never read: an export is a publication.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Engine, Select, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from newsdiffs.errors import StorageError
from newsdiffs.export.selection import History, Selection
from newsdiffs.models import Article, ArticleStatus, Version
from newsdiffs.storage.convert import (
    ARTICLE_COLUMNS,
    VERSION_COLUMNS,
    article_from_row,
    version_from_row,
)
from newsdiffs.storage.schema import articles, versions
from newsdiffs.storage.sql import describe_error

BATCH_ARTICLES = 200


def _articles_query(selection: Selection) -> Select[Any]:
    query = select(*ARTICLE_COLUMNS).where(
        articles.c.status != ArticleStatus.HIDDEN.value, articles.c.version_count > 0
    )
    if selection.sources:
        query = query.where(articles.c.source.in_(selection.sources))
    if selection.article_ids:
        query = query.where(articles.c.id.in_(selection.article_ids))
    return query.order_by(articles.c.id)


def count_articles(engine: Engine, selection: Selection) -> int:
    """Articles an export would read (before version filters): the progress bar's total."""
    query = _articles_query(selection).order_by(None).with_only_columns(func.count())
    try:
        with engine.connect() as connection:
            return int(connection.execute(query).scalar_one())
    except SQLAlchemyError as error:
        raise StorageError(f"database read failed: {describe_error(error)}") from error


def article_histories(
    engine: Engine, selection: Selection, batch: int = BATCH_ARTICLES
) -> Iterator[History]:
    """Every selected, non-hidden article with its whole history, in article id order."""
    last_id = 0
    query = _articles_query(selection).limit(batch)
    while True:
        try:
            with engine.connect() as connection:
                rows = connection.execute(query.where(articles.c.id > last_id)).all()
                if not rows:
                    return
                found = [article_from_row(row) for row in rows]
                ids = [article.id for article in found]
                version_rows = connection.execute(
                    select(*VERSION_COLUMNS)
                    .where(versions.c.article_id.in_(ids))
                    .order_by(versions.c.article_id, versions.c.number)
                ).all()
        except SQLAlchemyError as error:
            raise StorageError(f"database read failed: {describe_error(error)}") from error
        by_article = {
            article_id: tuple(version_from_row(row) for row in group)
            for article_id, group in groupby(version_rows, key=lambda row: row.article_id)
        }
        for article in found:
            yield History(article, by_article.get(article.id, ()))
        last_id = ids[-1]


def versions_in_time_order(
    engine: Engine, selection: Selection, batch: int = 2_000
) -> Iterator[tuple[Article, Version]]:
    """Every picked version of every selected, non-hidden article, oldest capture first
    (ties by version id), each with its article: for exports that replay history in time."""
    query = (
        select(*VERSION_COLUMNS, *ARTICLE_COLUMNS)
        .join(articles, articles.c.id == versions.c.article_id)
        .where(articles.c.status != ArticleStatus.HIDDEN.value)
        .order_by(versions.c.captured_at, versions.c.id)
        .limit(batch)
    )
    if selection.sources:
        query = query.where(articles.c.source.in_(selection.sources))
    if selection.article_ids:
        query = query.where(articles.c.id.in_(selection.article_ids))
    width = len(VERSION_COLUMNS)
    after: tuple[datetime, int] | None = None
    while True:
        page = query
        if after is not None:
            # A range on captured_at first, so that the page starts from the index (an OR
            # of the two keyset conditions alone made every page a scan of the table).
            page = query.where(
                versions.c.captured_at >= after[0],
                or_(versions.c.captured_at > after[0], versions.c.id > after[1]),
            )
        try:
            with engine.connect() as connection:
                rows = connection.execute(page).all()
        except SQLAlchemyError as error:
            raise StorageError(f"database read failed: {describe_error(error)}") from error
        if not rows:
            return
        for row in rows:
            version = version_from_row(tuple(row)[:width])
            if selection.picks(version):
                yield article_from_row(tuple(row)[width:]), version
        after = (version.captured_at, version.id)
