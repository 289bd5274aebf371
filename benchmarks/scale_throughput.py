"""Checks per second and CPU per check: the embedded runner vs N Celery worker processes.

For each configuration a fresh PostgreSQL database gets ``articles`` active articles, all
due within the last hour, on ``hosts`` loopback hosts served by ``scale_server.py`` (server
latency, real page weight). Then the checkers start as real processes with the default
settings (per-host delay, concurrency, robots.txt), configured only through NEWSDIFFS_*:

- ``embedded``: ``newsdiffs run``;
- ``celery-N``: ``newsdiffs worker --queue i`` for i < N (``host_queues`` = N), started and
  ready before ``newsdiffs scheduler``, with a Redis of its own.

Once every host's robots.txt was fetched (start-up: each host's first check waits out the
per-host delay after it) and a warm-up has passed, the window opens: checks are
counted in the ``checks`` table (rows recorded in the window) and CPU is read from /proc at
both ends, per role. ``cpu_ms_per_check`` is the checking processes' (the runner; the
workers, main and pool process); the scheduler's and Redis's are shown apart, and
``machine_busy`` is the busy share of all cores over the window (every process on the
machine: PostgreSQL, the page server, other work), which tells CPU-bound from
latency-bound.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import scale_seed
from scale_procs import CORES, MachineCpu, Process, redis_server, run_time_s

from newsdiffs.demo.multiserver import loopback_hosts
from newsdiffs.settings import Settings

HERE = Path(__file__).resolve().parent
NEWSDIFFS = str(Path(sys.executable).with_name("newsdiffs"))
DATABASE = f"{scale_seed.PREFIX}throughput"
FIRST_CHECK_TIMEOUT_S = 180.0
WORKER_READY_TIMEOUT_S = 120.0
ROBOTS_TIMEOUT_S = 300.0
# A window whose machine was busier than this is called CPU-bound.
CPU_BOUND_SHARE = 0.9


@dataclass(frozen=True)
class Plan:
    articles: int
    hosts: int
    latency_ms: float
    window_s: float
    warmup_s: float
    pages: str  # heavy | light
    configurations: tuple[int, ...]  # 0: the embedded runner; N: N Celery workers
    concurrency: int = Settings().concurrency  # checks in flight per checking process


@dataclass
class Window:
    checks: int
    seconds: float
    checker_cpu_s: float
    scheduler_cpu_s: float
    redis_cpu_s: float
    postgres_cpu_s: float  # the backends serving the checkers' database
    server_cpu_s: float  # the page server
    machine_busy: float
    outcomes: dict[str, int]
    warm_after_s: float  # from start until every host's robots.txt was fetched

    def all_cpu_ms(self, checks: int) -> float:
        spent = (
            self.checker_cpu_s
            + self.scheduler_cpu_s
            + self.redis_cpu_s
            + self.postgres_cpu_s
            + self.server_cpu_s
        )
        return 1000 * spent / checks

    def as_dict(self, name: str, processes: int, plan: Plan) -> dict[str, Any]:
        settings = Settings()
        checks = max(1, self.checks)
        per_s = self.checks / self.seconds
        cpu_ms = 1000 * self.checker_cpu_s / checks
        overhead_ms = 1000 * (self.scheduler_cpu_s + self.redis_cpu_s) / checks
        return {
            "configuration": name,
            "processes": processes,
            "checks": self.checks,
            "window_s": round(self.seconds, 1),
            "checks_per_s": round(per_s, 1),
            "cpu_ms_per_check": round(cpu_ms, 1),
            "scheduler_redis_cpu_ms_per_check": round(overhead_ms, 2),
            "postgres_cpu_ms_per_check": round(1000 * self.postgres_cpu_s / checks, 2),
            "server_cpu_ms_per_check": round(1000 * self.server_cpu_s / checks, 2),
            "scheduler_redis_cores": round(
                (self.scheduler_cpu_s + self.redis_cpu_s) / self.seconds, 3
            ),
            "checker_cores_used": round(self.checker_cpu_s / self.seconds, 2),
            "machine_busy": round(self.machine_busy, 3),
            "bound": "CPU" if self.machine_busy >= CPU_BOUND_SHARE else "latency/politeness",
            # What the checks could reach with nothing else in the way:
            "ceiling_politeness_per_s": round(plan.hosts / settings.per_host_delay_s, 1),
            "ceiling_latency_per_s": round(
                processes * plan.concurrency / (plan.latency_ms / 1000), 1
            ),
            # Every process a check costs CPU in (checkers, scheduler, Redis, PostgreSQL, the
            # page server) sharing this machine's cores, and nothing else running.
            "ceiling_cpu_per_s": round(CORES * 1000 / self.all_cpu_ms(checks), 1)
            if self.checks
            else None,
            "outcomes": self.outcomes,
            "warm_after_s": round(self.warm_after_s, 1),
        }


def run(plan: Plan, admin_url: str, log: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp, ExitStack() as stack:
        work = Path(tmp)
        port, server = stack.enter_context(page_server(plan, work))
        base_urls = [f"http://{host}:{port}" for host in loopback_hosts(plan.hosts)]
        redis_url, redis = stack.enter_context(redis_server(work))
        for processes in plan.configurations:
            name = "embedded" if processes == 0 else f"celery-{processes}"
            print(f"  {name}: seeding {plan.articles:,} articles ...", file=log, flush=True)
            with scale_seed.scratch(admin_url, DATABASE) as url:
                scale_seed.seed_articles(url, plan.articles, base_urls, _due_in_last_hour)
                env = _environment(url, redis_url, max(1, processes), plan.concurrency)
                window = _measure(plan, name, processes, env, work, url, (redis, server))
            row = window.as_dict(name, max(1, processes), plan)
            print(
                f"  {name}: {row['checks_per_s']} checks/s, {row['cpu_ms_per_check']} CPU ms "
                f"per check, machine busy {row['machine_busy']:.0%}",
                file=log,
                flush=True,
            )
            rows.append(row)
        server.stop()
        served = served_counts(work)
    rows.append({"configuration": "server", **served})
    return rows


@contextmanager
def page_server(plan: Plan, work: Path) -> Iterator[tuple[int, Process]]:
    argv = [
        sys.executable,
        str(HERE / "scale_server.py"),
        "--hosts",
        str(plan.hosts),
        "--latency-ms",
        str(plan.latency_ms),
        "--pages",
        plan.pages,
        "--min-gap-s",
        str(0.9 * Settings().per_host_delay_s),
        "--stats",
        str(work / "server.json"),
    ]
    server = Process("server", argv, dict(os.environ), work, work)
    try:
        if not server.wait_for_log("port ", 120):
            raise SystemExit(f"the page server did not start: {server.log_text()[-2000:]}")
        first = next(line for line in server.log_text().splitlines() if line.startswith("port "))
        yield int(first.split()[1]), server
    finally:
        server.stop()


def _due_in_last_hour(rng: Any) -> datetime:
    return datetime.now(UTC) - timedelta(seconds=rng.random() * 3600)


def _environment(db_url: str, broker_url: str, queues: int, concurrency: int) -> dict[str, str]:
    """The process environment: ours without any NEWSDIFFS_*, then the run's settings only
    (every politeness setting stays at its default; only the checks in flight per process
    may be set, to compare processes where latency, not CPU, bounds them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIFFS_")}
    env.update(
        NEWSDIFFS_DB=db_url,
        NEWSDIFFS_BROKER_URL=broker_url,
        NEWSDIFFS_HOST_QUEUES=str(queues),
        NEWSDIFFS_CONCURRENCY=str(concurrency),
        NEWSDIFFS_ALLOW_PRIVATE_ADDRESSES="true",  # loopback hosts
    )
    return env


def _measure(
    plan: Plan,
    name: str,
    processes: int,
    env: dict[str, str],
    work: Path,
    url: str,
    services: tuple[Process, Process],
) -> Window:
    redis, server = services
    run_dir = work / name
    run_dir.mkdir()
    robots_before = served_counts(work).get("robots_txt", 0)
    begun = time.monotonic()
    checkers: list[Process] = []
    scheduler: Process | None = None
    try:
        if processes == 0:
            checkers.append(Process("runner", [NEWSDIFFS, "run"], env, run_dir, run_dir))
        else:
            for queue in range(processes):
                argv = [NEWSDIFFS, "worker", "--queue", str(queue), "--loglevel", "INFO"]
                checkers.append(Process(f"worker-{queue}", argv, env, run_dir, run_dir))
            for worker in checkers:
                if not worker.wait_for_log(" ready.", WORKER_READY_TIMEOUT_S):
                    raise SystemExit(f"{worker.name} not ready: {worker.log_text()[-2000:]}")
            scheduler = Process("scheduler", [NEWSDIFFS, "scheduler"], env, run_dir, run_dir)
        with psycopg.connect(scale_seed.dsn(url), autocommit=True) as db:
            _wait_for_first_check(db, checkers, FIRST_CHECK_TIMEOUT_S)
            warm_after_s = _wait_for_robots(work, robots_before, plan.hosts) - begun
            time.sleep(plan.warmup_s)
            cpu0 = [p.cpu_s() for p in checkers]
            sched0 = scheduler.cpu_s() if scheduler else 0.0
            backends = _backends(db)
            redis0, server0, machine0 = redis.cpu_s(), server.cpu_s(), MachineCpu.now()
            postgres0 = run_time_s(backends)
            checks0, last0 = _checks(db)
            started = time.monotonic()
            time.sleep(plan.window_s)
            checks1, last1 = _checks(db)
            seconds = time.monotonic() - started
            cpu1 = [p.cpu_s() for p in checkers]
            sched1 = scheduler.cpu_s() if scheduler else 0.0
            redis1, server1, machine1 = redis.cpu_s(), server.cpu_s(), MachineCpu.now()
            postgres1 = run_time_s(backends)
            outcomes = dict(
                db.execute(
                    "SELECT outcome, count(*) FROM checks WHERE id > %s AND id <= %s "
                    "GROUP BY outcome",
                    (last0, last1),
                ).fetchall()
            )
        return Window(
            checks=checks1 - checks0,
            seconds=seconds,
            checker_cpu_s=sum(cpu1) - sum(cpu0),
            scheduler_cpu_s=sched1 - sched0,
            redis_cpu_s=redis1 - redis0 if processes else 0.0,
            postgres_cpu_s=postgres1 - postgres0,
            server_cpu_s=server1 - server0,
            machine_busy=machine1.busy_share_since(machine0),
            outcomes=outcomes,
            warm_after_s=warm_after_s,
        )
    finally:
        for process in [*([scheduler] if scheduler else []), *checkers]:
            process.stop()


def served_counts(work: Path) -> dict[str, Any]:
    """The page server's counts so far (it rewrites them twice a second)."""
    path = work / "server.json"
    return _json(path.read_text()) if path.exists() else {}


def _wait_for_robots(work: Path, before: int, hosts: int) -> float:
    """Wait until every host's robots.txt was fetched (the fetcher keeps it an hour: until
    then a host's first check also waits out the per-host delay after robots.txt, which is
    start-up, not the steady state). The monotonic time it happened (or the timeout)."""
    deadline = time.monotonic() + ROBOTS_TIMEOUT_S
    while time.monotonic() < deadline:
        if served_counts(work).get("robots_txt", 0) - before >= hosts:
            break
        time.sleep(0.5)
    return time.monotonic()


def _backends(db: psycopg.Connection[Any]) -> list[int]:
    """The PostgreSQL backends of the checkers (and scheduler), not this connection's."""
    rows = db.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    ).fetchall()
    return [int(row[0]) for row in rows]


def _checks(db: psycopg.Connection[Any]) -> tuple[int, int]:
    row = db.execute("SELECT count(*), coalesce(max(id), 0) FROM checks").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _wait_for_first_check(
    db: psycopg.Connection[Any], checkers: list[Process], timeout_s: float
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _checks(db)[0] > 0:
            return
        for process in checkers:
            if process.popen.poll() is not None:
                raise SystemExit(f"{process.name} exited: {process.log_text()[-2000:]}")
        time.sleep(0.5)
    logs = "\n".join(p.log_text()[-1500:] for p in checkers)
    raise SystemExit(f"no check recorded in {timeout_s:.0f} s:\n{logs}")


def _json(text: str) -> dict[str, Any]:
    import json

    value = json.loads(text)
    return value if isinstance(value, dict) else {}
