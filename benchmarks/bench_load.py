"""The web under load: many concurrent readers while the tracker writes to the same database.

A real ``newsdiffs serve --workers N`` process (default: one per core) over a SQLite
database of 5,000 articles x 10 versions (built once with ``bench_web``'s builder and
copied for each run, since the run writes to it), while a writer process records checks
through the store as the tracker does (``Store.record_check``: ``--writes`` checks a
second, ``--new-share`` of them a new version of a random article, classified and counted
as the tracker would). ``--clients`` concurrent readers (asyncio, one process) ask
for ``--seconds`` a mix of pages as fast as they are answered, each on its own keep-alive connection
(a lean asyncio client: :class:`Connection`):

    front page 15 %, article page 20 %, diff page 15 %, search 10 %, latest-changes API
    10 %, feeds 30 % (site-wide, per source and per article; a reader keeps the ETag of
    each feed it polled and sends it back as If-None-Match, as feed readers do).

Reported: requests/s, p50/p95/max latency (all and per kind), errors (exceptions, 5xx and
any status a page should not have), "database is locked" (in responses, in the server's
log and in the writer), the share of feed polls answered 304, the CPU used by the server,
the writer and the readers, and the load average (other work on the machine shows there).
Target: p95 under 100 ms and no errors.

    python benchmarks/bench_load.py [--seconds 60] [--clients 50] [--workers N]

Prints a table and writes ``benchmarks/results/load.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_web  # the archive builder, shared

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "load.json"
ARTICLES, PER_ARTICLE = 5_000, 10
TARGET_P95_MS = 100.0
LOCKED = "database is locked"
MIX = (
    ("front page", 15),
    ("article page", 20),
    ("diff page", 15),
    ("search", 10),
    ("changes API", 10),
    ("feed", 30),
)


# --- the writer (a process of its own: ``--writer``) ------------------------------------


def run_writer(db: str, seconds: float, writes: float, new_share: float) -> dict[str, int]:
    """Record checks as the tracker does, ``writes`` a second, until ``seconds`` pass."""
    from newsdiffs.core.classify import classify_versions
    from newsdiffs.core.word_counts import words_changed
    from newsdiffs.errors import StorageError
    from newsdiffs.models import Check, CheckOutcome, CheckResult, NewVersion
    from newsdiffs.storage import open_store

    store = open_store(db)
    rng = random.Random(5)
    counts: Counter[str] = Counter()
    started = time.monotonic()
    next_at = started
    while time.monotonic() - started < seconds:
        article_id = rng.randint(1, ARTICLES)
        now = datetime.now(UTC)
        new_version = None
        try:
            if rng.random() < new_share:
                latest = store.latest_version(article_id)
                assert latest is not None
                paragraphs = tuple(bench_web.edit(list(latest.paragraphs), rng))
                change = classify_versions(
                    latest.title, latest.paragraphs, latest.title, paragraphs
                )
                added, removed = words_changed(change, latest.title, latest.title)
                new_version = NewVersion(
                    captured_at=now,
                    title=latest.title,
                    paragraphs=paragraphs,
                    content_hash=hashlib.md5("\n".join(paragraphs).encode()).hexdigest(),
                    extractor="bench@1",
                    raw_html=b"<html><body>benchmark page, edited</body></html>",
                    significance=change.significance,
                    change_kinds=tuple(str(kind) for kind in change.kinds),
                    classification=change,
                    words_added=added,
                    words_removed=removed,
                )
            outcome = CheckOutcome.NEW_VERSION if new_version else CheckOutcome.UNCHANGED
            store.record_check(
                CheckResult(
                    check=Check(article_id=article_id, checked_at=now, outcome=outcome),
                    new_version=new_version,
                    next_check_at=now + timedelta(minutes=30),
                    check_interval=timedelta(minutes=30),
                )
            )
            counts["checks"] += 1
            counts["versions"] += new_version is not None
        except StorageError as error:
            counts["locked" if LOCKED in str(error) else "errors"] += 1
        next_at += 1.0 / writes
        time.sleep(max(0.0, next_at - time.monotonic()))
    store.close()
    counts["cpu_ms"] = round(time.process_time() * 1000)
    return dict(counts)


# --- the readers ------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    locked: int = 0
    error_times: list[float] = field(default_factory=list)  # seconds into the run
    feed_polls_with_etag: int = 0
    feed_304: int = 0


def request_for(kind: str, rng: random.Random) -> str:
    article = rng.randint(1, ARTICLES)
    if kind == "front page":
        return "/" if rng.random() < 0.7 else f"/?page={rng.randint(2, 5)}"
    if kind == "article page":
        return f"/articles/{article}"
    if kind == "diff page":
        b = rng.randint(2, PER_ARTICLE)
        return f"/articles/{article}/diff/{b - 1}/{b}"
    if kind == "search":
        return "/search?q=" + rng.choice(bench_web.WORDS[50:])
    if kind == "changes API":
        return f"/api/v1/changes?page={rng.randint(1, 3)}"
    feeds = ["/feeds/changes.atom", "/feeds/changes.rss"]
    feeds += [f"/sources/{name}/changes.atom" for name in bench_web.SOURCES]
    feeds += [f"/articles/{rng.randint(1, 50)}/changes.atom"]  # a few followed articles
    return rng.choice(feeds)


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: the readers' client.

    A load generator must cost little next to what it measures (wrk is written in C for
    that reason). httpx spent about 6 ms of CPU per request here, as much as the server,
    on a machine of two cores that the server also needs; this client spends a tenth of
    that. It speaks just what the server answers: Content-Length or chunked bodies, no
    body on a 304, reconnecting when the server says ``Connection: close``.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            found = {}
            for line in header_lines:
                if line:
                    name, _, value = line.partition(":")
                    found[name.strip().lower()] = value.strip()
            body = await self._body(reader, status, found)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            self.close()
            raise
        if found.get("connection", "").lower() == "close":
            self.close()
        return status, found, body

    @staticmethod
    async def _body(reader: asyncio.StreamReader, status: int, headers: dict[str, str]) -> bytes:
        if status in (204, 304):
            return b""
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readline()).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()  # the empty trailer
            return b"".join(chunks)
        return await reader.read()

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


async def reader(
    host: str, port: int, seed: int, seconds: float, tally: Tally, kinds: list[str]
) -> None:
    until = time.monotonic() + seconds
    rng = random.Random(seed)
    etags: dict[str, str] = {}  # this reader's feed validators
    connection = Connection(host, port)
    while time.monotonic() < until:
        kind = rng.choice(kinds)
        path = request_for(kind, rng)
        headers = {}
        if kind == "feed" and path in etags:
            headers["If-None-Match"] = etags[path]
            tally.feed_polls_with_etag += 1
        started = time.perf_counter()
        try:
            status, found, body = await asyncio.wait_for(connection.get(path, headers), 30)
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as error:
            connection.close()
            tally.errors[f"{type(error).__name__} {error!s:.60} ({kind})"] += 1
            tally.error_times.append(round(seconds - (until - time.monotonic()), 1))
            continue
        tally.latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        tally.statuses[str(status)] += 1
        if status >= 500 and LOCKED.encode() in body:
            tally.locked += 1
        if status == 304:
            tally.feed_304 += 1
        elif status != 200:
            tally.errors[f"HTTP {status} {kind}"] += 1
        if kind == "feed" and "etag" in found:
            etags[path] = found["etag"]
    connection.close()


async def read_load(port: int, clients: int, seconds: float) -> Tally:
    tally = Tally()
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    await asyncio.gather(
        *(reader("127.0.0.1", port, n, seconds, tally, kinds) for n in range(clients))
    )
    return tally


# --- the run ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cpu_ms(pid: int) -> float:
    """User+system CPU of ``pid`` and its reaped children, from /proc (0 when gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    found = [pid]
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += process_tree(int(child))
    return found


def start_server(db: Path, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsdiffs", "--db", str(db), "serve"]
    command += ["--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve exited: {log.read_text()[-2000:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        except httpx.HTTPError:
            time.sleep(0.3)
            continue
        # The parent, uvicorn's resource tracker and every worker (one worker: the parent
        # itself); then warm each page up.
        if len(process_tree(server.pid)) >= (workers + 2 if workers > 1 else 1):
            for path in ("/", "/articles/1", "/articles/1/diff/1/2", "/feeds/changes.atom"):
                for _ in range(2 * workers):
                    httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30)
            return server
        time.sleep(0.3)
    server.kill()
    raise SystemExit("serve did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarise(tally: Tally, seconds: float) -> dict[str, Any]:
    every = [ms for values in tally.latencies.values() for ms in values]
    kinds = {
        kind: {
            "requests": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }
        for kind, values in sorted(tally.latencies.items())
    }
    return {
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(percentile(every, 0.95), 1),
        "max_ms": round(max(every), 1) if every else None,
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "error_times_s": tally.error_times[:20],
        "statuses": dict(tally.statuses),
        "locked_in_responses": tally.locked,
        "feed_polls_with_etag": tally.feed_polls_with_etag,
        "feed_304_share": round(tally.feed_304 / max(1, tally.feed_polls_with_etag), 3),
        "kinds": kinds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    # 5 checks a second: each of 5,000 articles every 17 minutes; 1 check in 20 finds an edit.
    parser.add_argument("--writes", type=float, default=5.0, help="checks a second")
    parser.add_argument("--new-share", type=float, default=0.05, help="of checks: new versions")
    parser.add_argument("--writer", help=argparse.SUPPRESS)  # internal: run the writer on DB
    args = parser.parse_args(argv)
    if args.writer:
        print(json.dumps(run_writer(args.writer, args.seconds, args.writes, args.new_share)))
        return 0

    archive = bench_web.database_path(ARTICLES)
    if not archive.exists():
        print(f"building {ARTICLES:,} articles x {PER_ARTICLE} versions into {archive} ...")
        bench_web.build(archive, ARTICLES, PER_ARTICLE)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        db = Path(tmp) / "load.db"
        shutil.copyfile(archive, db)
        port, log = free_port(), Path(tmp) / "serve.log"
        load_before = os.getloadavg()
        server = start_server(db, port, args.workers, log)
        server_cpu_before = {pid: cpu_ms(pid) for pid in process_tree(server.pid)}
        writer = subprocess.Popen(
            [
                *(sys.executable, __file__, "--writer", str(db), "--seconds", str(args.seconds)),
                *("--writes", str(args.writes), "--new-share", str(args.new_share)),
            ],
            stdout=subprocess.PIPE,
        )
        readers_cpu = time.process_time()
        started = time.monotonic()
        tally = asyncio.run(read_load(port, args.clients, args.seconds))
        elapsed = time.monotonic() - started
        readers_cpu = time.process_time() - readers_cpu
        tree = process_tree(server.pid)
        server_cpu = sum(cpu_ms(pid) - server_cpu_before.get(pid, 0.0) for pid in tree)
        load_after = os.getloadavg()
        written = json.loads(writer.communicate(timeout=120)[0] or b"{}")
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
        server_log = log.read_text(errors="replace")
    result = summarise(tally, elapsed)
    result.update(
        {
            "articles": ARTICLES,
            "versions": ARTICLES * PER_ARTICLE,
            "clients": args.clients,
            "workers": args.workers,
            "seconds": round(elapsed, 1),
            "writer": written,
            "locked_in_server_log": server_log.lower().count(LOCKED),
            "server_errors_in_log": server_log.count("ERROR"),
            "server_log_problems": [
                line for line in server_log.splitlines() if "WARNING" in line or "ERROR" in line
            ][:5],
            "server_cpu_s": round(server_cpu / 1000, 1),
            "readers_cpu_s": round(readers_cpu, 1),
            "cores": len(os.sched_getaffinity(0)),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "target_p95_ms": TARGET_P95_MS,
            "meets_target": result["p95_ms"] < TARGET_P95_MS and result["errors"] == 0,
        }
    )
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\n{result['clients']} readers for {result['seconds']} s against serve --workers "
        f"{result['workers']} on {result['articles']:,} articles / {result['versions']:,} "
        f"versions; writer: {result['writer']}"
    )
    print(f"{'kind':<16}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for kind, row in result["kinds"].items():
        print(f"{kind:<16}{row['requests']:>10}{row['p50_ms']:>10}{row['p95_ms']:>10}")
    print(
        f"{'all':<16}{result['requests']:>10}{result['p50_ms']:>10}{result['p95_ms']:>10}"
        f"   ({result['requests_per_s']} requests/s; target p95 < {TARGET_P95_MS:.0f} ms)"
    )
    print(
        f"errors {result['errors']} {result['error_kinds'] or ''}; 'database is locked': "
        f"{result['locked_in_responses']} in responses, {result['locked_in_server_log']} in "
        f"the server log, {result['writer'].get('locked', 0)} in the writer; feed polls "
        f"with an ETag answered 304: {result['feed_304_share']:.0%} of "
        f"{result['feed_polls_with_etag']}"
    )
    print(
        f"CPU: server {result['server_cpu_s']} s, readers {result['readers_cpu_s']} s, writer "
        f"{result['writer'].get('cpu_ms', 0) / 1000:.1f} s, on {result['cores']} cores; load "
        f"average {result['load_average_before'][0]} before, "
        f"{result['load_average_after'][0]} after (other work on the machine counts too)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
