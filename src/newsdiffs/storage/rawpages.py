"""Raw pages stored compressed against the article's previous capture (issue 10).

Consecutive captures of one article share most of their 100-500 KB of HTML. A version's
page is stored in ``versions.raw_html`` as one zstd frame, either

- a *keyframe*: compressed alone (``raw_base_version_id`` NULL; every row written before
  migration 0006 is one, so old rows read as they always did), or
- a *delta*: compressed with the page of ``raw_base_version_id`` (the article's previous
  version) as a raw-content dictionary, with zstd's content checksum, so that a delta
  decoded against the wrong base fails loudly instead of returning another page.

Version numbers 1, 1 + K, 1 + 2K, ... (K = :data:`KEYFRAME_EVERY`) are keyframes, the others
deltas against the version before them: reading any version decompresses at most K frames,
whatever the history's length. A base is always an earlier version of the same article, and
the foreign key on ``raw_base_version_id`` refuses to delete a base while a delta needs it
(deleting an article deletes all its versions at once, which is allowed).

Measured by ``benchmarks/bench_storage.py`` on real pages (see its docstring for how the
histories are built); the numbers that chose these constants are in the comments below.
Against the previous capture rather than the keyframe ("star"): 3,087 against 7,702 bytes
per version over 30 captures. Per-source trained dictionaries were measured too: they save
20% on a page with no previous capture (37,178 -> 29,613 bytes on 48 pages of 5 outlets),
where a previous capture saves 85-90%; they could only shrink keyframes, at the price of
dictionaries to train, store and copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import zstandard
from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.engine import Connection

from newsdiffs.errors import NotFoundError, StorageError
from newsdiffs.storage.convert import ZSTD_LEVEL, compress, decompress
from newsdiffs.storage.schema import versions

# Frames per read at most (one keyframe, K - 1 deltas). bench_storage --articles 30
# --captures 30 (real pages, generated histories), bytes/version: K=8 6,101, K=16 4,094,
# K=32 3,087; git gc --aggressive 4,549, zstd alone 32,087. Read p95 0.6, 1.3, 1.9 ms.
# Raw pages are read rarely (re-extraction, the tracker when the extractor changed).
KEYFRAME_EVERY = 32
# Level of the delta frames. bench_storage's histories (20 pages x 10 captures, one run),
# bytes/version and CPU per write: level 3 4,901 / 0.5 ms, 6 4,651 / 1.0 ms, 9 4,599 /
# 1.4 ms, 12 4,567 / 6.5 ms, 19 4,410 / 28 ms: the level of pages stored alone is as good.
DELTA_LEVEL = ZSTD_LEVEL
_MAX_PAGE_BYTES = 1 << 30
# Decoded pages kept while streaming every page (bases are the version just before).
_PAGES_KEPT = 8


@dataclass(frozen=True)
class StoredPage:
    """What goes into a version row for its raw page."""

    raw_html: bytes
    raw_base_version_id: int | None

    def values(self) -> dict[str, object]:
        return {"raw_html": self.raw_html, "raw_base_version_id": self.raw_base_version_id}


def is_keyframe(number: int) -> bool:
    """Whether version ``number`` of an article is stored alone."""
    return (number - 1) % KEYFRAME_EVERY == 0


def encode(raw: bytes, base: bytes | None) -> bytes:
    """``raw`` as one zstd frame: alone (``base`` None) or against the page ``base``."""
    if base is None:
        return compress(raw)
    dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
    compressor = zstandard.ZstdCompressor(
        level=DELTA_LEVEL, dict_data=dictionary, write_checksum=True
    )
    return compressor.compress(raw)


def decode(stored: bytes, base: bytes | None) -> bytes:
    """The page :func:`encode` stored, given the same ``base``. Raises StorageError."""
    try:
        if base is None:
            return decompress(stored)
        dictionary = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
        decompressor = zstandard.ZstdDecompressor(dict_data=dictionary)
        return decompressor.decompress(stored, max_output_size=_MAX_PAGE_BYTES)
    except zstandard.ZstdError as error:
        raise StorageError(f"a stored raw page cannot be decompressed: {error}") from error


def decode_chain(links: Iterable[tuple[bytes, int | None]]) -> bytes:
    """The page at the end of ``links``: (stored frame, base id) from the keyframe up."""
    page: bytes | None = None
    for position, (stored, base_id) in enumerate(links):
        if (base_id is None) != (position == 0):
            raise StorageError("a stored raw page's chain of bases is broken")
        page = decode(stored, page)
    if page is None:
        raise StorageError("a stored raw page's chain of bases is empty")
    return page


# --- in the database ------------------------------------------------------------------------

_START = (
    select(
        versions.c.id,
        versions.c.raw_base_version_id,
        versions.c.raw_html,
        literal_column("0").label("depth"),
    )
    .where(versions.c.id == bindparam("id"))
    .cte("chain", recursive=True)
)
_BASES = versions.alias("base")
_WHOLE_CHAIN = _START.union_all(
    select(
        _BASES.c.id,
        _BASES.c.raw_base_version_id,
        _BASES.c.raw_html,
        _START.c.depth + literal_column("1"),
    )
    # A base is older than its versions: following only smaller ids ends every walk, even
    # through a damaged link (the chain then does not start at a keyframe).
    .where(_BASES.c.id == _START.c.raw_base_version_id, _BASES.c.id < _START.c.id)
)
# The version's row and its bases' rows: one query for the whole chain.
_CHAIN = select(_WHOLE_CHAIN.c.raw_html, _WHOLE_CHAIN.c.raw_base_version_id, _WHOLE_CHAIN.c.depth)


def read_page(connection: Connection, version_id: int) -> bytes:
    """The raw page of a version, decoded. NotFoundError for an unknown id."""
    rows = connection.execute(_CHAIN, {"id": version_id}).all()
    if not rows:
        raise NotFoundError(f"no version with id {version_id}")
    keyframe_first = sorted(rows, key=lambda row: row.depth, reverse=True)
    return decode_chain((bytes(row.raw_html), row.raw_base_version_id) for row in keyframe_first)


def page_to_store(
    connection: Connection, raw: bytes, number: int, previous_id: int | None
) -> StoredPage:
    """How to store ``raw`` as version ``number``, whose previous version is ``previous_id``
    (None for a first version). Reads the previous page when it is the base; a previous
    page that cannot be read (a damaged row) makes this one a keyframe, so that new
    versions are still recorded."""
    if previous_id is None or is_keyframe(number):
        return StoredPage(encode(raw, None), None)
    try:
        base = read_page(connection, previous_id)
    except StorageError:
        return StoredPage(encode(raw, None), None)
    return StoredPage(encode(raw, base), previous_id)


_EVERY_PAGE = select(versions.c.id, versions.c.raw_base_version_id, versions.c.raw_html).order_by(
    versions.c.article_id, versions.c.number
)


def decoded_pages(
    connection: Connection, batch_rows: int = 1_000, pages_kept: int = _PAGES_KEPT
) -> Iterator[tuple[int, bytes]]:
    """(version id, decoded raw page) of every version, article by article in version
    order: each page decompressed once, its base taken from the last ``pages_kept`` pages
    decoded (read from the database in the rare case it is not among them)."""
    recent: dict[int, bytes] = {}
    result = connection.execution_options(yield_per=batch_rows).execute(_EVERY_PAGE)
    try:
        for version_id, base_id, stored in result:
            base = None
            if base_id is not None:
                base = recent.get(base_id)
                if base is None:
                    base = read_page(connection, base_id)
            page = decode(bytes(stored), base)
            yield version_id, page
            recent[version_id] = page
            if len(recent) > pages_kept:
                del recent[next(iter(recent))]
    finally:
        result.close()
