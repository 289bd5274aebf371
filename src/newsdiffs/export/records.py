"""What one exported version says: pure functions from stored versions to plain rows.

Shared by every format, so a version reads the same in jsonl, parquet and the NewsEdits
layout. The change of a version is against the version captured just before it; it is read
from the classification stored when the version was recorded, or computed the same way for
versions stored before classifications were.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from newsdiffs.core.classify import Classification, classify_versions
from newsdiffs.core.cosmetic import folded_words
from newsdiffs.core.diffing import ArticleDiff, diff_versions, similarity
from newsdiffs.core.sentence_ops import SentenceOpKind, SentencePosition
from newsdiffs.core.sentences import split_sentences
from newsdiffs.export.selection import History
from newsdiffs.models import Article, Version


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def version_diff(previous: Version, version: Version) -> ArticleDiff:
    return diff_versions(
        previous.title,
        previous.paragraphs,
        version.title,
        version.paragraphs,
        previous.byline,
        version.byline,
    )


def classification_of(previous: Version, version: Version) -> Classification:
    if version.classification is not None:
        return version.classification
    return classify_versions(
        previous.title,
        previous.paragraphs,
        version.title,
        version.paragraphs,
        previous.byline,
        version.byline,
    )


def article_fields(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "source": article.source,
        "url": article.url,
        "first_seen": iso(article.first_seen),
        "status": article.status.value,
    }


def version_fields(version: Version) -> dict[str, Any]:
    return {
        "version_id": version.id,
        "number": version.number,
        "captured_at": iso(version.captured_at),
        "title": version.title,
        "byline": version.byline,
        "published": iso(version.published),
        "updated": iso(version.updated),
        "paragraphs": list(version.paragraphs),
        "content_hash": version.content_hash,
        "extractor": version.extractor,
        "significance": version.significance,
        "kinds": list(version.change_kinds),
        "words_added": version.words_added,
        "words_removed": version.words_removed,
    }


def change_fields(previous: Version | None, version: Version) -> dict[str, Any]:
    """The change a version made: its classification (sentence operations) and word diff.

    The word diff lists the title, the byline and every changed paragraph with its spans;
    unchanged paragraphs are left out (they are in ``paragraphs``)."""
    if previous is None:
        return {"previous_number": None, "classification": None, "word_diff": None}
    diff = version_diff(previous, version)
    full = diff.to_json_dict()
    full["paragraphs"] = [op for op in full["paragraphs"] if op["kind"] != "equal"]
    return {
        "previous_number": previous.number,
        "classification": classification_of(previous, version).to_json_dict(),
        "word_diff": full,
    }


def version_record(history: History, version: Version) -> dict[str, Any]:
    """One jsonl line: the article's fields, the version, and its change."""
    return {
        **article_fields(history.article),
        **version_fields(version),
        **change_fields(history.previous(version), version),
    }


# --- sentences, for the NewsEdits layout ------------------------------------------------


def sentence_index(paragraphs: tuple[str, ...]) -> dict[SentencePosition, int]:
    """Each (paragraph, sentence) position's index in the version's flat sentence list."""
    index: dict[SentencePosition, int] = {}
    for p, paragraph in enumerate(paragraphs):
        for s, _ in enumerate(split_sentences(paragraph)):
            index[SentencePosition(p, s)] = len(index)
    return index


def sentences(version: Version) -> Iterator[tuple[int, str]]:
    """(sent_idx, sentence) for every sentence of the version's body, in reading order."""
    n = 0
    for paragraph in version.paragraphs:
        for sentence in split_sentences(paragraph):
            yield n, sentence
            n += 1


MatchedRow = tuple[int | None, int | None, float | None]


def matched_sentences(previous: Version, version: Version) -> list[MatchedRow]:
    """NewsEdits' sentence matching between two consecutive versions.

    One row per sentence of either version: ``(sent_idx_x, sent_idx_y, distance)``. An
    unchanged or moved sentence is matched at distance 0, an edited one at 1 - the Dice
    similarity of their words (our word-level distance, in [0, 1]; NewsEdits used embedding
    distances with a 0.44 threshold), an added sentence has no x and a deleted one no y
    (distance None).
    """
    a_index = sentence_index(previous.paragraphs)
    b_index = sentence_index(version.paragraphs)
    rows: list[MatchedRow] = []
    touched_a: set[int] = set()
    touched_b: set[int] = set()
    for op in classification_of(previous, version).operations:
        x = a_index.get(op.a) if op.a is not None else None
        y = b_index.get(op.b) if op.b is not None else None
        if x is not None:
            touched_a.add(x)
        if y is not None:
            touched_b.add(y)
        if x is not None and y is not None:
            same = op.kind == SentenceOpKind.REFACTOR and op.a_text == op.b_text
            distance = 0.0 if same else _distance(op.a_text, op.b_text)
            rows.append((x, y, distance))
        elif x is not None:
            rows.append((x, None, None))
        elif y is not None:
            rows.append((None, y, None))
    # Sentences no operation touched are unchanged, and in the same order on both sides.
    rest_a = [i for i in range(len(a_index)) if i not in touched_a]
    rest_b = [i for i in range(len(b_index)) if i not in touched_b]
    rows.extend((x, y, 0.0) for x, y in zip(rest_a, rest_b, strict=False))
    rows.extend((x, None, None) for x in rest_a[len(rest_b) :])
    rows.extend((None, y, None) for y in rest_b[len(rest_a) :])
    return sorted(rows, key=_row_order)


def _row_order(row: MatchedRow) -> tuple[int, int]:
    x, y, _ = row
    return (x if x is not None else (y if y is not None else 0), 0 if x is not None else 1)


def _distance(a: str, b: str) -> float:
    """1 - the Dice similarity of two sentences' case-folded words."""
    return round(1.0 - similarity(folded_words(a), folded_words(b)), 6)
