"""Claims (issue 10): each due article goes to exactly one claimer until its lease ends, and
a check recorded under a lost claim writes nothing. SQLite always; PostgreSQL when
NEWSDIFFS_TEST_PG_URL is set (the ``store`` fixture of the contract suite)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, select
from test_store_contract import at, count_rows, make_source, new_version, result, store

from newsdiffs.models import ArticleStatus
from newsdiffs.storage import EndpointState, SqlStore, open_store
from newsdiffs.storage.base import Claim
from newsdiffs.storage.schema import articles, checks, endpoint_state, sources, versions

__all__ = ["store"]  # the backend fixture, shared with the contract suite

LEASE = timedelta(minutes=10)
CLAIMERS = 8
T = TypeVar("T")


def drain(claim: Callable[[], list[T]], first_round: threading.Barrier) -> list[T]:
    """Claim until nothing is left. Every claimer takes its first batch before any takes a
    second, so the claimers really run side by side: on a busy machine one thread could
    otherwise drain the table before the others were scheduled at all."""
    taken = list(claim())
    first_round.wait(timeout=60)
    while batch := claim():
        taken.extend(batch)
    return taken


def claim_row(store: SqlStore, article_id: int) -> tuple[str | None, object]:
    statement = select(articles.c.claim_token, articles.c.claimed_until).where(
        articles.c.id == article_id
    )
    with store.engine.connect() as connection:
        token, until = connection.execute(statement).one()
    return token, until


def in_threads(store: SqlStore, work: Callable[[SqlStore], T], n: int = CLAIMERS) -> list[T]:
    """``work`` in ``n`` threads at once, each on its own store (engine, pool) on the same
    database, as separate processes would be."""
    url = store.engine.url.render_as_string(hide_password=False)
    barrier = threading.Barrier(n)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            with open_store(url) as own:
                barrier.wait()
                done = work(own)
            with lock:
                results.append(done)
        except BaseException as error:  # reported by the test below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_claim_due_takes_due_articles_oldest_first_once(store: SqlStore) -> None:
    late, _ = store.add_article("bbc", "https://bbc.example/late", at(30))
    early, _ = store.add_article("bbc", "https://bbc.example/early", at(10))
    middle, _ = store.add_article("bbc", "https://bbc.example/middle", at(20))
    store.add_article("bbc", "https://bbc.example/future", at(90))
    hidden, _ = store.add_article("bbc", "https://bbc.example/hidden", at(0))
    store.set_status(hidden.id, ArticleStatus.HIDDEN.value)
    retired, _ = store.add_article("bbc", "https://bbc.example/retired", at(0))
    store.set_status(retired.id, ArticleStatus.RETIRED.value)

    claims = store.claim_due(at(60), 10, LEASE)
    assert [claim.article.id for claim in claims] == [early.id, middle.id, late.id]
    assert claims[0].article == store.get_article(early.id)
    assert {claim.expires_at for claim in claims} == {at(70)}
    assert len({claim.token for claim in claims}) == 1 and claims[0].token
    assert store.claim_due(at(61), 10, LEASE) == []  # held: nobody else gets them
    assert store.due_articles(at(61))  # a plain read still lists them


def test_claim_due_respects_the_limit(store: SqlStore) -> None:
    for n in range(5):
        store.add_article("bbc", f"https://bbc.example/{n}", at(n))
    first = store.claim_due(at(10), 2, LEASE)
    second = store.claim_due(at(10), 2, LEASE)
    rest = store.claim_due(at(10), 2, LEASE)
    ids = [claim.article.id for claim in first + second + rest]
    assert [len(first), len(second), len(rest)] == [2, 2, 1]
    assert len(set(ids)) == 5
    assert store.claim_due(at(10), 0, LEASE) == []


def test_a_lapsed_claim_lets_another_claimer_take_the_article(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    [first] = store.claim_due(at(0), 10, LEASE)
    assert store.claim_due(at(9), 10, LEASE) == []
    [second] = store.claim_due(at(10), 10, LEASE)  # lapsed at exactly at(10)
    assert second.article.id == article.id and second.token != first.token
    assert claim_row(store, article.id)[0] == second.token


def test_a_stale_claim_is_refused_and_writes_nothing(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    [stale] = store.claim_due(at(0), 10, LEASE)
    [current] = store.claim_due(at(10), 10, LEASE)  # the first lapsed; another took it

    lost = store.record_check(result(article.id, 5, new_version("h1", 5)), stale)

    assert lost.lost_race and lost.version is None
    assert count_rows(store, checks) == 0 and count_rows(store, versions) == 0
    assert store.get_article(article.id) == article  # schedule, count, title unchanged
    assert claim_row(store, article.id)[0] == current.token  # the newer claim holds
    won = store.record_check(result(article.id, 11, new_version("h1", 11)), current)
    assert not won.lost_race and won.version is not None and won.version.number == 1


def test_a_check_made_after_its_claim_lapsed_is_refused(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    [claim] = store.claim_due(at(0), 10, LEASE)
    lost = store.record_check(result(article.id, 10, new_version("h1", 10)), claim)
    assert lost.lost_race
    assert count_rows(store, checks) == 0 and count_rows(store, versions) == 0
    assert store.get_article(article.id).next_check_at == at(0)


def test_a_claimed_check_is_recorded_once_and_releases_its_claim(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    [claim] = store.claim_due(at(0), 10, LEASE)
    recorded = store.record_check(result(article.id, 1, new_version("h1", 1)), claim)
    assert not recorded.lost_race and recorded.version is not None
    assert claim_row(store, article.id) == (None, None)
    assert store.get_article(article.id).next_check_at == at(31)
    again = store.record_check(result(article.id, 2), claim)  # the claim was used up
    assert again.lost_race and count_rows(store, checks) == 1
    [next_claim] = store.claim_due(at(31), 10, LEASE)  # due again on its schedule
    assert next_claim.article.id == article.id


def test_a_check_without_a_claim_is_written_as_before(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    store.claim_due(at(0), 10, LEASE)
    stored = store.record_check(result(article.id, 1, new_version("h1", 1)))
    assert stored is not None and stored.number == 1  # e.g. `newsdiffs check URL`


def test_next_due_at_waits_for_a_claim_to_lapse(store: SqlStore) -> None:
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    store.add_article("bbc", "https://bbc.example/2", at(30))
    assert store.next_due_at() == at(0)
    [claim] = store.claim_due(at(0), 1, LEASE)
    assert store.next_due_at() == at(10)  # the claim lapses before the other is due
    store.record_check(result(article.id, 1), claim)
    assert store.next_due_at() == at(30)
    store.set_status(article.id, ArticleStatus.RETIRED.value)
    [other] = store.claim_due(at(30), 1, LEASE)
    store.set_status(other.article.id, ArticleStatus.RETIRED.value)
    assert store.next_due_at() is None  # a lapsed claim on a retired article: never due


def test_concurrent_claimers_never_receive_the_same_article(store: SqlStore) -> None:
    n_articles = 300
    for n in range(n_articles):
        store.add_article("bbc", f"https://bbc.example/{n}", at(n % 60))

    first_round = threading.Barrier(CLAIMERS)

    def claim_all(own: SqlStore) -> list[Claim]:
        return drain(lambda: own.claim_due(at(60), 7, LEASE), first_round)

    per_claimer = in_threads(store, claim_all)
    handed_out = Counter(claim.article.id for taken in per_claimer for claim in taken)
    assert [id_ for id_, n in handed_out.items() if n > 1] == []
    assert len(handed_out) == n_articles  # and every due article was handed out
    assert all(per_claimer)  # each claimer's first batch was its own


def test_concurrent_claimed_records_write_once(store: SqlStore) -> None:
    """Claimers racing to record one article: the holder writes, stale ones write nothing."""
    article, _ = store.add_article("bbc", "https://bbc.example/1", at(0))
    claims = [store.claim_due(at(10 * n), 1, LEASE)[0] for n in range(CLAIMERS)]
    attempts = iter(claims)
    lock = threading.Lock()

    def record(own: SqlStore) -> bool:
        with lock:
            claim = next(attempts)
        minutes = (claim.expires_at - at(0)).total_seconds() / 60 - 5
        checked = result(article.id, minutes, new_version(f"h{minutes}", minutes))
        return own.record_check(checked, claim).lost_race

    lost = in_threads(store, record)
    assert sorted(lost) == [False] + [True] * (CLAIMERS - 1)
    assert count_rows(store, checks) == 1 and count_rows(store, versions) == 1


def test_concurrent_upserts_of_one_new_row_all_succeed(store: SqlStore) -> None:
    """INSERT … ON CONFLICT: writers saving the same new source or endpoint never fail."""
    for round_ in range(3):
        name = f"outlet{round_}"

        def save(own: SqlStore, name: str = name) -> None:
            own.upsert_source(make_source(name))
            own.save_endpoint_state(EndpointState(f"https://{name}.example/rss", at(0), '"e"'))

        in_threads(store, save)
        assert store.get_source(name) == make_source(name)
    assert count_rows(store, sources) == 3 and count_rows(store, endpoint_state) == 3


def test_claim_queries_walk_their_partial_indexes(store: SqlStore) -> None:
    """SQLite: claim_due and next_due_at read ix_articles_claimable/claimed_until, in order,
    never every article (a sort of every due article would grow with the archive)."""
    if store.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    for n in range(50):
        store.add_article("bbc", f"https://bbc.example/{n}", at(n))
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "claim" in statement:
            captured.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    store.claim_due(at(10), 5, LEASE)
    store.next_due_at()
    event.remove(store.engine, "before_cursor_execute", capture)
    plans = []
    with store.engine.connect() as connection:
        for statement, parameters in captured:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(" | ".join(str(row[-1]) for row in plan))
    claim, unclaimed, lapse = plans
    assert "ix_articles_claimable" in claim and "TEMP B-TREE" not in claim, claim
    assert "ix_articles_claimable" in unclaimed, unclaimed
    assert "ix_articles_claimed_until" in lapse, lapse
    assert not any("SCAN articles" in plan for plan in plans), plans
