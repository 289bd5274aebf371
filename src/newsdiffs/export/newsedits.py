"""``newsedits``: the layout of the NewsEdits dataset (Spangher et al., NAACL 2022).

NewsEdits (https://github.com/isi-nlp/NewsEdits) publishes one SQLite database per outlet,
and its notebooks and Spark scripts read three tables:

- ``entryversion``: one row per version — ``id``, ``entry_id``, ``version`` (0-based),
  ``title``, ``created``, ``url``, ``source``, ``num_versions``, and ``summary``, the body as
  ``<p>…</p>`` paragraphs;
- ``split_sentences``: ``entry_id``, ``version``, ``sent_idx``, ``sentence``;
- ``matched_sentences``: ``entry_id``, ``version_x``, ``version_y``, ``sent_idx_x``,
  ``sent_idx_y``, ``avg_sentence_distance_x``, ``avg_sentence_distance_y``: one row per
  sentence of two consecutive versions, matched (both indexes), added (no x) or deleted
  (no y).

We write the same tables and columns into one database (``source`` tells the outlets
apart), so their published code runs on our data. Differences, by necessity: sentences are
cut by our splitter, not Spark NLP's, and the distance is ours (1 − Dice similarity of the
two sentences' words: 0 for the same sentence), not their embedding distance. The whole
history of every exported article is written, since the tables pair consecutive versions.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from newsdiffs.errors import InputError
from newsdiffs.export.records import iso, matched_sentences, sentences
from newsdiffs.export.selection import History, Selection, exported

SCHEMA = """
CREATE TABLE entryversion (
    id INTEGER PRIMARY KEY, entry_id INTEGER NOT NULL, version INTEGER NOT NULL,
    title TEXT, created TEXT, url TEXT, source TEXT, num_versions INTEGER, summary TEXT
);
CREATE TABLE split_sentences (
    entry_id INTEGER NOT NULL, version INTEGER NOT NULL, sent_idx INTEGER NOT NULL,
    sentence TEXT NOT NULL
);
CREATE TABLE matched_sentences (
    entry_id INTEGER NOT NULL, version_x INTEGER NOT NULL, version_y INTEGER NOT NULL,
    sent_idx_x INTEGER, sent_idx_y INTEGER,
    avg_sentence_distance_x REAL, avg_sentence_distance_y REAL
);
"""
INDEXES = """
CREATE INDEX ix_entryversion_entry ON entryversion (entry_id, version);
CREATE INDEX ix_split_sentences_entry ON split_sentences (entry_id, version);
CREATE INDEX ix_matched_sentences_entry ON matched_sentences (entry_id, version_x);
"""


def summary_html(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def write_newsedits(histories: Iterable[History], selection: Selection, path: Path) -> int:
    """Write the NewsEdits tables to a new SQLite file; return the versions written."""
    if path.exists():
        raise InputError(f"{path} exists: the NewsEdits export writes a new database")
    connection = sqlite3.connect(path)
    written = 0
    try:
        connection.executescript(SCHEMA)
        for batch in _batches(histories, selection):
            with connection:
                for history in batch:
                    written += _write_history(connection, history)
        connection.executescript(INDEXES)
        connection.commit()
    finally:
        connection.close()
    return written


def _batches(histories: Iterable[History], selection: Selection) -> Iterable[list[History]]:
    batch: list[History] = []
    for history in histories:
        batch.extend(exported([history], selection))
        if len(batch) >= 100:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_history(connection: sqlite3.Connection, history: History) -> int:
    article = history.article
    count = len(history.versions)
    for index, version in enumerate(history.versions):
        connection.execute(
            "INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version.id,
                article.id,
                index,
                version.title,
                iso(version.captured_at),
                article.url,
                article.source,
                count,
                summary_html(version.paragraphs),
            ),
        )
        connection.executemany(
            "INSERT INTO split_sentences VALUES (?, ?, ?, ?)",
            [(article.id, index, n, sentence) for n, sentence in sentences(version)],
        )
        if index:
            previous = history.versions[index - 1]
            connection.executemany(
                "INSERT INTO matched_sentences VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (article.id, index - 1, index, x, y, distance, distance)
                    for x, y, distance in matched_sentences(previous, version)
                ],
            )
    return count
