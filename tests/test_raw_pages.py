"""Raw pages stored compressed against the article's previous capture (storage/rawpages.py).

Round trips, keyframes every KEYFRAME_EVERY versions, the bound on the chain a read walks,
rows written before migration 0006, and that no merge or deletion leaves a version whose
base is gone. On SQLite always, PostgreSQL when NEWSDIFFS_TEST_PG_URL is set (its public
schema is dropped first, as in the store contract suite).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import BACKENDS, PG_URL
from sqlalchemy import create_engine, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from newsdiffs.errors import NotFoundError, StorageError
from newsdiffs.models import ArticleStatus, Check, CheckOutcome, CheckResult, NewVersion
from newsdiffs.storage import SqlStore, open_store, rawpages
from newsdiffs.storage.convert import compress, decompress
from newsdiffs.storage.migrate import downgrade_to, upgrade_to_head
from newsdiffs.storage.schema import articles, versions

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
K = rawpages.KEYFRAME_EVERY


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        opened = open_store(str(tmp_path / "pages.db"))
    else:
        assert PG_URL is not None
        _reset_postgres(PG_URL)
        opened = open_store(PG_URL)
    yield opened
    opened.close()


def page(capture: int, seed: int = 0) -> bytes:
    """A 60 KB page as a site serves it at one capture: the same template (scripts, menus,
    random-looking asset ids), a nonce and timestamp that change every fetch, and a body
    with one more paragraph per capture."""
    rng = random.Random(seed)
    template = b"".join(
        b'<script src="/assets/%x.js"></script><li><a href="/section/%d">Section %d</a></li>\n'
        % (rng.getrandbits(64), rng.randrange(10**6), n)
        for n in range(600)
    )
    body = b"".join(
        b"<p>Paragraph %d of the story, as written at capture %d.</p>" % (n, min(n, capture))
        for n in range(30 + capture)
    )
    stamp = b'<meta name="nonce" content="%x" data-ts="%d">' % (
        random.Random(capture * 7919 + seed).getrandbits(128),
        1_700_000_000 + capture * 600,
    )
    return b"<html><head>" + stamp + b"</head><body>" + template + body + b"</body></html>"


def record_version(store: SqlStore, article_id: int, capture: int, raw: bytes) -> int:
    at = T0 + timedelta(minutes=capture)
    stored = store.record_check(
        CheckResult(
            check=Check(article_id, at, CheckOutcome.NEW_VERSION),
            new_version=NewVersion(at, "Title", (f"text {capture}",), f"h{capture}", "x@1", raw),
            next_check_at=at + timedelta(minutes=30),
        )
    )
    assert stored is not None
    return stored.id


def stored_rows(store: SqlStore, article_id: int) -> list[tuple[int, int, int | None, int]]:
    """(id, number, base id, stored bytes) of the article's versions, in order."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                versions.c.id,
                versions.c.number,
                versions.c.raw_base_version_id,
                func.length(versions.c.raw_html),
            )
            .where(versions.c.article_id == article_id)
            .order_by(versions.c.number)
        ).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


# --- the encoding -------------------------------------------------------------------------


def test_a_page_round_trips_alone_and_against_a_base() -> None:
    first, second = page(1), page(2)
    assert rawpages.decode(rawpages.encode(first, None), None) == first
    delta = rawpages.encode(second, first)
    assert rawpages.decode(delta, first) == second
    # The same template and most of the body: a small fraction of the page alone.
    assert len(delta) * 5 < len(rawpages.encode(second, None))


def test_a_delta_decoded_against_the_wrong_base_fails_loudly() -> None:
    delta = rawpages.encode(page(2), page(1))
    with pytest.raises(StorageError, match="cannot be decompressed"):
        rawpages.decode(delta, page(1, seed=99))


def test_a_chain_must_start_at_a_keyframe_and_hold_no_other() -> None:
    keyframe = rawpages.encode(page(1), None)
    delta = rawpages.encode(page(2), page(1))
    assert rawpages.decode_chain([(keyframe, None), (delta, 1)]) == page(2)
    with pytest.raises(StorageError, match="broken"):
        rawpages.decode_chain([(delta, 1)])
    with pytest.raises(StorageError, match="broken"):
        rawpages.decode_chain([(keyframe, None), (keyframe, None)])


# --- in the store -------------------------------------------------------------------------


def test_versions_round_trip_with_a_keyframe_every_k(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    count = 2 * K + 3
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, count + 1)]
    for n, version_id in enumerate(ids, start=1):
        assert store.raw_html(version_id) == page(n)
    rows = stored_rows(store, article.id)
    keyframes = [number for _id, number, base, _size in rows if base is None]
    assert keyframes == [1, K + 1, 2 * K + 1]
    for (previous_id, _, _, _), (_id, number, base, _size) in itertools.pairwise(rows):
        if number not in keyframes:
            assert base == previous_id
    delta_sizes = [size for _id, _number, base, size in rows if base is not None]
    keyframe_sizes = [size for _id, _number, base, size in rows if base is None]
    assert max(delta_sizes) * 5 < min(keyframe_sizes)


def test_reading_walks_at_most_k_frames(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, 2 * K + 1)]
    with store.engine.connect() as connection:
        chains = [
            len(connection.execute(rawpages._CHAIN, {"id": version_id}).all()) for version_id in ids
        ]
    assert max(chains) == K
    assert chains[:K] == list(range(1, K + 1))
    assert chains[K] == 1  # version K + 1 is read alone


def test_an_unknown_version_is_not_found(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.raw_html(987654)


def test_rows_stored_before_0006_read_as_they_are_and_start_chains(store: SqlStore) -> None:
    """Rows as 0005 wrote them (compressed alone, no base) read unchanged; the next version
    is compressed against the old row."""
    article, _ = store.add_article("s", "https://a.example/1", T0)
    with store._writer.begin() as connection:
        for number in (1, 2):
            connection.execute(
                insert(versions).values(
                    article_id=article.id,
                    number=number,
                    captured_at=T0 + timedelta(minutes=number),
                    title="Title",
                    paragraphs=[f"text {number}"],
                    content_hash=f"h{number}",
                    extractor="x@1",
                    raw_html=compress(page(number)),
                )
            )
    old_ids = [row[0] for row in stored_rows(store, article.id)]
    assert [store.raw_html(version_id) for version_id in old_ids] == [page(1), page(2)]
    new_id = record_version(store, article.id, 3, page(3))
    assert store.raw_html(new_id) == page(3)
    assert stored_rows(store, article.id)[-1][2] == old_ids[-1]


def test_downgrading_0006_stores_every_page_alone_for_the_old_code(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, 5)]
    downgrade_to(store.engine, "0005")
    with store.engine.connect() as connection:
        stored = connection.execute(
            select(versions.c.id, versions.c.raw_html).order_by(versions.c.id)
        ).all()
    # What 0005's SqlStore.raw_html did: decompress the frame alone.
    assert [decompress(raw) for _id, raw in stored] == [page(n) for n in range(1, 5)]
    upgrade_to_head(store.engine)
    assert [store.raw_html(version_id) for version_id in ids] == [page(n) for n in range(1, 5)]
    assert all(base is None for _id, _n, base, _size in stored_rows(store, article.id))


def test_a_merge_never_takes_an_article_that_has_versions(store: SqlStore) -> None:
    owner, _ = store.add_article("s", "https://a.example/1", T0)
    amp, _ = store.add_article("s", "https://a.example/1/amp", T0)
    ids = [record_version(store, amp.id, n, page(n)) for n in range(1, 4)]
    at = T0 + timedelta(hours=1)
    store.record_check(
        CheckResult(
            check=Check(amp.id, at, CheckOutcome.DUPLICATE),
            status=ArticleStatus.RETIRED,
            merge_into=owner.id,
        )
    )
    assert store.get_article(amp.id).version_count == 3
    assert [store.raw_html(version_id) for version_id in ids] == [page(n) for n in range(1, 4)]


def test_deleting_an_article_takes_its_whole_chain_and_nothing_else(store: SqlStore) -> None:
    first, _ = store.add_article("s", "https://a.example/1", T0)
    second, _ = store.add_article("s", "https://a.example/2", T0)
    for n in range(1, 6):
        record_version(store, first.id, n, page(n))
    kept = [record_version(store, second.id, n, page(n, seed=2)) for n in range(1, 6)]
    with store._writer.begin() as connection:
        connection.execute(delete(articles).where(articles.c.id == first.id))
    assert stored_rows(store, first.id) == []
    assert [store.raw_html(version_id) for version_id in kept] == [
        page(n, seed=2) for n in range(1, 6)
    ]


def test_a_base_cannot_be_deleted_while_a_version_needs_it(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, 4)]
    with pytest.raises(IntegrityError), store._writer.begin() as connection:
        connection.execute(delete(versions).where(versions.c.id == ids[1]))
    assert [store.raw_html(version_id) for version_id in ids] == [page(n) for n in range(1, 4)]
    # The newest version is nobody's base: it may go, and the others still read.
    with store._writer.begin() as connection:
        connection.execute(delete(versions).where(versions.c.id == ids[2]))
    assert [store.raw_html(version_id) for version_id in ids[:2]] == [page(1), page(2)]


def test_every_page_streams_decoded_even_when_a_base_is_not_at_hand(store: SqlStore) -> None:
    pages: dict[int, bytes] = {}
    for seed in (1, 2):
        article, _ = store.add_article("s", f"https://a.example/{seed}", T0)
        for n in range(1, 5):
            pages[record_version(store, article.id, n, page(n, seed))] = page(n, seed)
    with store.engine.connect() as connection:
        assert dict(rawpages.decoded_pages(connection, batch_rows=3)) == pages
        # No page kept: every base is read from the database instead.
        assert dict(rawpages.decoded_pages(connection, batch_rows=3, pages_kept=0)) == pages


def test_a_broken_link_is_a_storage_error_not_another_page(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, 4)]
    with store._writer.begin() as connection:  # version 3 now claims version 1 as its base
        connection.execute(
            update(versions).where(versions.c.id == ids[2]).values(raw_base_version_id=ids[0])
        )
    with pytest.raises(StorageError, match="cannot be decompressed"):
        store.raw_html(ids[2])


def test_a_cycle_of_links_ends_in_a_storage_error(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    ids = [record_version(store, article.id, n, page(n)) for n in range(1, 3)]
    with store._writer.begin() as connection:  # version 1 now claims version 2 as its base
        connection.execute(
            update(versions).where(versions.c.id == ids[0]).values(raw_base_version_id=ids[1])
        )
    for version_id in ids:
        with pytest.raises(StorageError, match="broken"):
            store.raw_html(version_id)


def test_a_version_after_a_damaged_one_is_stored_alone(store: SqlStore) -> None:
    article, _ = store.add_article("s", "https://a.example/1", T0)
    damaged = record_version(store, article.id, 1, page(1))
    with store._writer.begin() as connection:
        connection.execute(
            update(versions).where(versions.c.id == damaged).values(raw_html=b"not zstd")
        )
    new_id = record_version(store, article.id, 2, page(2))
    assert store.raw_html(new_id) == page(2)
    assert stored_rows(store, article.id)[-1][2] is None
