"""``parquet``: one table per entity, for pandas, polars and DuckDB users.

Writes a directory with ``articles.parquet`` (one row per exported article),
``versions.parquet`` (one row per picked version: its text as a list of paragraphs, its
classification kinds, significance and word counts) and ``sentence_changes.parquet`` (one
row per sentence operation of each picked version: addition, deletion, edit or refactor,
with both positions and texts). Rows are written a batch at a time (one row group per
batch), so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsdiffs.errors import InputError
from newsdiffs.export.records import article_fields, classification_of, version_fields
from newsdiffs.export.selection import History, Selection

_TS = pa.timestamp("us", tz="UTC")
ARTICLES = pa.schema(
    [
        ("article_id", pa.int64()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("first_seen", _TS),
        ("status", pa.string()),
        ("versions", pa.int32()),
    ]
)
VERSIONS = pa.schema(
    [
        ("version_id", pa.int64()),
        ("article_id", pa.int64()),
        ("number", pa.int32()),
        ("captured_at", _TS),
        ("title", pa.string()),
        ("byline", pa.string()),
        ("published", _TS),
        ("updated", _TS),
        ("paragraphs", pa.list_(pa.string())),
        ("content_hash", pa.string()),
        ("extractor", pa.string()),
        ("previous_number", pa.int32()),
        ("significance", pa.float64()),
        ("kinds", pa.list_(pa.string())),
        ("stealth", pa.bool_()),
        ("words_added", pa.int32()),
        ("words_removed", pa.int32()),
    ]
)
SENTENCE_CHANGES = pa.schema(
    [
        ("version_id", pa.int64()),
        ("article_id", pa.int64()),
        ("number", pa.int32()),
        ("op", pa.string()),
        ("a_paragraph", pa.int32()),
        ("a_sentence", pa.int32()),
        ("b_paragraph", pa.int32()),
        ("b_sentence", pa.int32()),
        ("a_text", pa.string()),
        ("b_text", pa.string()),
        ("cosmetic", pa.bool_()),
    ]
)
ROWS_PER_GROUP = 5_000


class _Table:
    """One parquet file written a row group at a time."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.schema = schema
        self.writer = pq.ParquetWriter(path, schema, compression="zstd")
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= ROWS_PER_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()


def write_parquet(histories: Iterable[History], selection: Selection, directory: Path) -> int:
    """Write the three tables into ``directory`` (created; must be empty); return versions."""
    if directory.exists() and any(directory.iterdir()):
        raise InputError(f"{directory} is not empty: the parquet export writes a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    tables = {
        "articles": _Table(directory / "articles.parquet", ARTICLES),
        "versions": _Table(directory / "versions.parquet", VERSIONS),
        "changes": _Table(directory / "sentence_changes.parquet", SENTENCE_CHANGES),
    }
    written = 0
    try:
        for history in histories:
            picked = history.picked(selection)
            if not picked:
                continue
            article = article_fields(history.article)
            article["first_seen"] = history.article.first_seen
            tables["articles"].add({**article, "versions": len(history.versions)})
            for version in picked:
                _add_version(tables, history, version)
                written += 1
    finally:
        for table in tables.values():
            table.close()
    return written


def _add_version(tables: dict[str, _Table], history: History, version: Any) -> None:
    previous = history.previous(version)
    classification = classification_of(previous, version) if previous else None
    row = version_fields(version)
    for moment in ("captured_at", "published", "updated"):
        row[moment] = getattr(version, moment)
    tables["versions"].add(
        {
            **row,
            "article_id": history.article.id,
            "previous_number": previous.number if previous else None,
            "stealth": classification.stealth if classification else None,
        }
    )
    if classification is None:
        return
    for op in classification.operations:
        tables["changes"].add(
            {
                "version_id": version.id,
                "article_id": history.article.id,
                "number": version.number,
                "op": op.kind.value,
                "a_paragraph": op.a.paragraph if op.a else None,
                "a_sentence": op.a.sentence if op.a else None,
                "b_paragraph": op.b.paragraph if op.b else None,
                "b_sentence": op.b.sentence if op.b else None,
                "a_text": op.a_text,
                "b_text": op.b_text,
                "cosmetic": op.cosmetic,
            }
        )
