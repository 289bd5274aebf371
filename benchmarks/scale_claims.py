"""``Store.claim_due`` on PostgreSQL at two archive sizes: is its time flat?

Each size is seeded once (by COPY) into a kept template database ``bench_scale_claims_<N>``
(``--rebuild`` seeds it again): N active articles on 500 hosts, due times spread evenly over
a day, and claims are made from the end of that day on: every article is due, and the
claims take at most half of the smaller archive, so none comes back short. Each measurement
runs on a fresh copy of the template (``CREATE DATABASE ... TEMPLATE``: a file copy) and
repeats, like a scheduler:

- claim 500 due articles (``store.claim_due(now, 500, lease)``, timed, the whole call);
- release the batch claimed two rounds before, as ``record_check`` does: claim cleared,
  checked now, next check 30 minutes to 6 hours ahead (two batches stay in flight);
- move ``now`` on by a second.

Each claim is timed twice: wall time, and CPU time (this process's, plus the PostgreSQL
backends' serving the store, from ``/proc/<pid>/schedstat`` in nanoseconds). On a machine
shared with other work the wall time mostly measures the wait for a core; the CPU time is
what the claim costs.

So every claim walks a different stretch of the due index past the in-flight claims, with
the dead index entries the releases leave behind, never a cached empty answer. At the end
the claim statement runs once under EXPLAIN (ANALYZE, BUFFERS), in a transaction rolled back.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import scale_seed
from scale_procs import run_time_s
from sqlalchemy.dialects import postgresql

from newsdiffs.demo.multiserver import loopback_hosts
from newsdiffs.storage import open_store
from newsdiffs.storage.queries import CLAIM_DUE

START = datetime(2026, 6, 1, 12, tzinfo=UTC)
SPREAD = timedelta(hours=12)  # due times: START +- SPREAD
LIMIT = 500
LEASE = timedelta(minutes=5)
IN_FLIGHT_BATCHES = 2
HOSTS = 500


def template_name(articles: int) -> str:
    return f"{scale_seed.PREFIX}claims_{articles}"


def ensure_template(admin_url: str, articles: int, rebuild: bool, log: Any) -> None:
    name = template_name(articles)
    if not rebuild and scale_seed.exists(admin_url, name):
        return
    print(f"  seeding {articles:,} articles into {name} ...", file=log, flush=True)
    url = scale_seed.create(admin_url, name)
    base_urls = [f"http://{host}:8080" for host in loopback_hosts(HOSTS)]
    seconds = scale_seed.seed_articles(
        url, articles, base_urls, lambda rng: START + (2 * rng.random() - 1) * SPREAD
    )
    print(f"  seeded in {seconds:.0f} s", file=log, flush=True)


def measure(admin_url: str, articles: int, repeats: int) -> dict[str, Any]:
    run_name = f"{scale_seed.PREFIX}claims_run"
    with scale_seed.scratch(admin_url, run_name, template=template_name(articles)) as url:
        store = open_store(url)
        timings: list[float] = []
        cpu: list[float] = []
        claimed: list[int] = []
        in_flight: deque[list[int]] = deque()
        now = START + SPREAD  # every article due
        with psycopg.connect(scale_seed.dsn(url), autocommit=True) as db:
            backends: list[int] = []
            for _ in range(repeats):
                cpu_before = time.process_time() + run_time_s(backends)
                started = time.perf_counter()
                claims = store.claim_due(now, LIMIT, LEASE)
                timings.append((time.perf_counter() - started) * 1000)
                if not backends:  # the store's connections, once it has opened them
                    backends = _store_backends(db)
                else:
                    cpu.append((time.process_time() + run_time_s(backends) - cpu_before) * 1000)
                claimed.append(len(claims))
                in_flight.append([claim.article.id for claim in claims])
                if len(in_flight) > IN_FLIGHT_BATCHES:
                    _release(db, in_flight.popleft(), now)
                now += timedelta(seconds=1)
            plan = _explain(db, now)
        store.close()
    ordered = sorted(timings)
    cpu_ordered = sorted(cpu)
    return {
        "articles": articles,
        "claims": repeats,
        "limit": LIMIT,
        "claimed_min": min(claimed),  # LIMIT each time: never a short or empty answer
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "min_ms": round(ordered[0], 2),
        "cpu_p50_ms": round(statistics.median(cpu_ordered), 2),
        "cpu_p95_ms": round(cpu_ordered[min(len(cpu) - 1, int(0.95 * len(cpu)))], 2),
        # Does a claim slow down as claims and releases pile up (dead index entries)?
        "first_fifth_p50_ms": round(statistics.median(timings[: max(1, repeats // 5)]), 2),
        "last_fifth_p50_ms": round(statistics.median(timings[-max(1, repeats // 5) :]), 2),
        "plan": plan,
    }


def _store_backends(db: psycopg.Connection[Any]) -> list[int]:
    """Process ids of the PostgreSQL backends serving the store (not this connection)."""
    rows = db.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    ).fetchall()
    return [int(row[0]) for row in rows]


def _release(db: psycopg.Connection[Any], ids: list[int], now: datetime) -> None:
    """What record_check writes for a checked article: claim gone, next check ahead."""
    naive = now.astimezone(UTC).replace(tzinfo=None)
    db.execute(
        "UPDATE articles SET claim_token = NULL, claimed_until = NULL, last_checked_at = %s, "
        "next_check_at = %s + make_interval(secs => 1800 + random() * 19800) "
        "WHERE id = ANY(%s)",
        (naive, naive, ids),
    )


def _explain(db: psycopg.Connection[Any], now: datetime) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the claim statement, rolled back."""
    sql = str(CLAIM_DUE.compile(dialect=postgresql.dialect()))
    naive = now.astimezone(UTC).replace(tzinfo=None)
    parameters = {"now": naive, "limit": LIMIT, "token": "0" * 32, "until": naive + LEASE}
    db.execute("BEGIN")
    try:
        rows = db.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters).fetchall()
    finally:
        db.execute("ROLLBACK")
    return [str(row[0]) for row in rows]
