"""`newsdiffs db copy`: time and peak memory to copy an archive, verified, to SQLite and PostgreSQL.

Archives (built once through the Store API, cached under benchmarks/results/db_copy/):

- ``small``: 30 articles x 2 versions, the size of a short ``newsdiffs demo``;
- ``10k``: 1,000 articles x 10 versions, 20,000 checks, 100 events. Raw pages are real
  pages from ``../shared/corpus/extraction/zyte-aeb`` (100-500 KB each; synthetic 150 KB
  pages when the corpus is absent), edited per version.

Each copy runs in a fresh process: wall and CPU time, peak RSS. PostgreSQL is used when
NEWSDIFFS_TEST_PG_URL is set (its public schema is dropped before each copy).

    python benchmarks/bench_db_copy.py [--quick]

``--quick`` skips the 10k archive. Writes benchmarks/results/db_copy.json.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsdiffs.models import (
    ArticleEvent,
    Check,
    CheckOutcome,
    CheckResult,
    Endpoint,
    EventKind,
    NewVersion,
    Source,
)
from newsdiffs.storage import open_store
from newsdiffs.storage.copy import copy_archive

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "db_copy.json"
ARCHIVES = REPO / "benchmarks" / "results" / "db_copy"
CORPUS = Path(os.environ.get("NEWSDIFFS_CORPUS", REPO.parent / "shared" / "corpus"))
PG_URL = os.environ.get("NEWSDIFFS_TEST_PG_URL")
SIZES = {"small": (30, 2), "10k": (1_000, 10)}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _pages() -> list[tuple[bytes, list[str]]]:
    folder = CORPUS / "extraction" / "zyte-aeb"
    if not folder.is_dir():
        body = [f"Paragraph {i} of a synthetic article, long enough to read." for i in range(40)]
        return [(b"<html>" + b"<p>filler</p>" * 12_000 + b"</html>", body)]
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz"))[:60]:
        body = truth.get(path.name.split(".")[0], {}).get("articleBody") or "Body."
        paragraphs = [line for line in body.split("\n") if line.strip()][:40]
        pages.append((gzip.decompress(path.read_bytes()), paragraphs))
    return pages


def build(name: str) -> Path:
    path = ARCHIVES / f"{name}.db"
    if path.exists():
        return path
    n_articles, per_article = SIZES[name]
    pages = _pages()
    store = open_store(str(path))
    feed = Endpoint(url="https://bench.example/feed")
    store.upsert_source(Source(name="bench", home_url="https://bench.example/", endpoints=(feed,)))
    for a in range(n_articles):
        article, _ = store.add_article("bench", f"https://bench.example/news/{a}", T0)
        raw, paragraphs = pages[a % len(pages)]
        for v in range(per_article):
            at = T0 + timedelta(hours=a % 100, minutes=10 * v)
            body = (*paragraphs, f"Update {v} of story {a}.")
            title = f"Story {a} version {v}"
            digest = hashlib.sha256((title + "\n".join(body)).encode()).hexdigest()
            anomaly = ArticleEvent(article.id, at, EventKind.EXTRACTION_ANOMALY, "bench")
            store.record_check(
                CheckResult(
                    check=Check(article.id, at, CheckOutcome.NEW_VERSION),
                    new_version=NewVersion(
                        captured_at=at,
                        title=title,
                        paragraphs=body,
                        content_hash=digest,
                        extractor="bench@1",
                        raw_html=raw + f"<!-- v{v} a{a} -->".encode(),
                    ),
                    events=(anomaly,) if v == 0 and a % 10 == 0 else (),
                    next_check_at=at + timedelta(hours=1),
                    check_interval=timedelta(hours=1),
                )
            )
            store.record_check(
                CheckResult(
                    check=Check(article.id, at + timedelta(minutes=5), CheckOutcome.UNCHANGED),
                    next_check_at=at + timedelta(hours=1),
                    check_interval=timedelta(hours=1),
                )
            )
    store.close()
    return path


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def measure(source: str, target: str) -> dict[str, Any]:
    """One copy in this process (run in a fresh one by main)."""
    if target.startswith("postgresql"):
        _reset_postgres(target)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)
    wall, cpu = time.perf_counter(), time.process_time()
    report = copy_archive(source, target)
    return {
        "ok": report.ok,
        "rows": report.rows_copied,
        "versions": next(c.source.rows for c in report.checks if c.name == "versions"),
        "wall_s": round(time.perf_counter() - wall, 2),
        "client_cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 10k archive")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(*options.measure)))
        return
    ARCHIVES.mkdir(parents=True, exist_ok=True)
    targets = {"sqlite": str(ARCHIVES / "copy-target.db")}
    if PG_URL:
        targets["postgresql"] = PG_URL
    else:
        print("NEWSDIFFS_TEST_PG_URL not set: SQLite target only")
    rows = []
    for name in ["small"] if options.quick else list(SIZES):
        source = build(name)
        for backend, target in targets.items():
            command = [sys.executable, __file__, "--measure", str(source), target]
            child = subprocess.run(command, capture_output=True, text=True, check=True)
            row = {"archive": name, "target": backend, "source_mb": 0.0}
            row["source_mb"] = round(source.stat().st_size / 2**20, 1)
            row.update(json.loads(child.stdout))
            rows.append(row)
            print(
                f"{name:<6} -> {backend:<10} {row['versions']:>7,} versions "
                f"{row['source_mb']:>7.1f} MB  {row['wall_s']:>6.2f} s wall "
                f"{row['client_cpu_s']:>6.2f} s cpu  {row['peak_rss_mb']:>4} MB peak  "
                f"verified={row['ok']}"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"python": platform.python_version(), "copies": rows}, indent=2) + "\n"
    )
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
