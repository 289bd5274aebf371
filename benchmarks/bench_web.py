"""Web latency on a big database: article page, diff page, latest changes, search.

Builds (once, cached by size) a SQLite database of 100,000 articles with 1,000,000 versions
(``--quick``: 10,000 / 100,000) by bulk SQL inserts into the migrated schema, each change
classified and its words counted as the tracker does (``classify_versions``,
``words_changed``), then ANALYZE (as ``PRAGMA optimize`` would), then requests pages
in-process (Starlette TestClient, no network) and reports p50/p95 milliseconds. Target:
p95 under 50 ms for each page.

    python benchmarks/bench_web.py [--quick] [--samples N] [--db PATH]

Prints a table and writes ``benchmarks/results/web.json``. ``bench_scale.py --web`` mirrors
the same archive into PostgreSQL and measures both with :func:`measure_pages`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from newsdiffs.clock import ManualClock
from newsdiffs.core.classify import classify_versions
from newsdiffs.core.word_counts import words_changed
from newsdiffs.settings import Settings
from newsdiffs.storage import open_store
from newsdiffs.storage.convert import classification_json, compress, join_kinds
from newsdiffs.web import create_app

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "web.json"
TARGET_P95_MS = 50.0
START = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_DAYS = 60
SOURCES = ("guardian", "bbc", "nytimes", "washpost", "independent", "rt", "intercept", "cnn")
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "di", "pa", "ge", "hu", "ri", "zo",
             "ma", "ben", "tor", "lin", "sev", "dar", "qui")  # fmt: skip
# A few thousand pseudo-words drawn with Zipf weights, like real prose: some words are in
# almost every article, most are rare.
WORDS = sorted({a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "n", "s", "ta")})
ZIPF_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(WORDS))]
PARAGRAPHS = 5
WORDS_PER_PARAGRAPH = 24
SQL_TIME = "%Y-%m-%d %H:%M:%S.%f"
# The columns :func:`rows` fills, by name: later migrations add columns (the claim columns of
# 0005 broke a positional INSERT), which keep their defaults here.
ARTICLE_COLUMNS = ("id", "source", "url", "first_seen", "status", "next_check_at",
                   "check_interval_s", "last_checked_at", "last_changed_at", "version_count",
                   "title", "etag", "last_modified", "schedule_policy")  # fmt: skip
VERSION_COLUMNS = ("id", "article_id", "number", "captured_at", "title", "byline", "published",
                   "updated", "paragraphs", "content_hash", "extractor", "raw_html",
                   "significance", "change_kinds", "classification", "words_added",
                   "words_removed")  # fmt: skip


def sql_time(moment: datetime) -> str:
    """How SQLAlchemy stores a naive UTC DATETIME in SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime(SQL_TIME)


def words(rng: random.Random, k: int) -> str:
    return " ".join(rng.choices(WORDS, weights=ZIPF_WEIGHTS, k=k))


def make_paragraphs(rng: random.Random) -> list[str]:
    return [words(rng, WORDS_PER_PARAGRAPH).capitalize() + "." for _ in range(PARAGRAPHS)]


def edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A plausible new version: one word changed, sometimes a paragraph added."""
    changed = list(paragraphs)
    n = rng.randrange(len(changed))
    tokens = changed[n].rstrip(".").split()
    tokens[rng.randrange(len(tokens))] = words(rng, 1)
    changed[n] = " ".join(tokens) + "."
    if rng.random() < 0.2:
        changed.append(words(rng, WORDS_PER_PARAGRAPH).capitalize() + ".")
    return changed


def rows(
    articles: int, versions_per_article: int, seed: int = 7
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    rng = random.Random(seed)
    raw = compress(b"<html><body>benchmark page</body></html>")
    version_id = 0
    for article_id in range(1, articles + 1):
        source = SOURCES[article_id % len(SOURCES)]
        first_seen = START + timedelta(seconds=rng.randrange(SPAN_DAYS * 86400))
        paragraphs = make_paragraphs(rng)
        title = words(rng, 8).capitalize()
        at = first_seen
        versions = []
        for number in range(1, versions_per_article + 1):
            classified: Classified = (None, None, None, None, None)
            if number > 1:
                old_title, old_paragraphs = title, paragraphs
                paragraphs = edit(paragraphs, rng)
                at += timedelta(minutes=rng.randrange(20, 600))
                if rng.random() < 0.3:
                    title = words(rng, 8).capitalize()
                classified = classification_columns(old_title, old_paragraphs, title, paragraphs)
            version_id += 1
            body = json.dumps(paragraphs, ensure_ascii=False, separators=(",", ":"))
            digest = hashlib.md5((title + body).encode()).hexdigest()
            versions.append(
                (
                    version_id,
                    article_id,
                    number,
                    sql_time(at),
                    title,
                    None,
                    None,
                    None,
                    body,
                    digest,
                    "bench@1",
                    raw,
                    *classified,
                )
            )
        article = (
            article_id,
            source,
            f"https://{source}.example/news/{article_id}",
            sql_time(first_seen),
            "active",
            sql_time(at + timedelta(hours=1)),
            1800.0,
            sql_time(at),
            sql_time(at),
            versions_per_article,
            title,
            None,
            None,
            "newssniffer",
        )
        yield article, versions


# significance, change_kinds, classification, words_added, words_removed
Classified = tuple[float | None, str | None, str | None, int | None, int | None]


def classification_columns(
    a_title: str, a_paragraphs: list[str], b_title: str, b_paragraphs: list[str]
) -> Classified:
    """The columns the tracker stores with a version about the change that produced it."""
    change = classify_versions(a_title, a_paragraphs, b_title, b_paragraphs)
    kinds = [str(kind) for kind in change.kinds]
    added, removed = words_changed(change, a_title, b_title)
    return change.significance, join_kinds(kinds), classification_json(change), added, removed


def build(path: Path, articles: int, versions_per_article: int) -> None:
    """Build the archive into a scratch file renamed to ``path`` when complete (a failed
    build must not leave a half-filled file that later runs take for the cached one)."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fill(partial, articles, versions_per_article)
    partial.replace(path)


def fill(path: Path, articles: int, versions_per_article: int) -> None:
    """Create the schema with the real migrations, then bulk-insert with plain sqlite3."""
    open_store(str(path)).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'versions_fts_insert'"
    ).fetchone()
    db.execute("DROP TRIGGER IF EXISTS versions_fts_insert")
    db.executemany(
        "INSERT INTO sources (name, title, home_url, endpoints, include_patterns, "
        "exclude_patterns) VALUES (?, ?, ?, '[]', '[]', '[]')",
        [(name, name.title(), f"https://{name}.example/") for name in SOURCES],
    )
    batch_articles: list[tuple[Any, ...]] = []
    batch_versions: list[tuple[Any, ...]] = []
    for article, versions in rows(articles, versions_per_article):
        batch_articles.append(article)
        batch_versions.extend(versions)
        if len(batch_versions) >= 50_000:
            flush(db, batch_articles, batch_versions)
    flush(db, batch_articles, batch_versions)
    # 'rebuild' fails on a view-backed FTS5 table in SQLite 3.40: index the view directly.
    db.execute(
        "INSERT INTO versions_fts(rowid, title, body) "
        "SELECT id, title, body FROM versions_fts_source"
    )
    if trigger:
        db.execute(trigger[0])
    db.commit()
    db.execute("ANALYZE")  # as PRAGMA optimize would: the latest-changes plan must hold
    db.commit()
    db.close()


def insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def flush(
    db: sqlite3.Connection, articles: list[tuple[Any, ...]], versions: list[tuple[Any, ...]]
) -> None:
    db.executemany(insert_sql("articles", ARTICLE_COLUMNS), articles)
    db.executemany(insert_sql("versions", VERSION_COLUMNS), versions)
    db.commit()
    articles.clear()
    versions.clear()


def database_path(articles: int) -> Path:
    """Where the archive of ``articles`` articles is cached between runs."""
    return Path(tempfile.gettempdir()) / f"bench_web4_{articles}.db"


def measure(call: Callable[[int], str], samples: int) -> list[float]:
    timings = []
    for n in range(samples):
        started = time.perf_counter()
        path = call(n)
        timings.append((time.perf_counter() - started) * 1000)
        del path
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_pages(
    db: str, articles: int, per_article: int, samples: int
) -> dict[str, dict[str, Any]]:
    """p50/p95/max milliseconds per page kind on the archive ``db`` (a SQLite path or any
    SQLAlchemy URL) built by :func:`build` with ``articles`` x ``per_article`` versions.

    The requests are drawn from fixed seeds: every database is asked the same pages.
    """
    store = open_store(db)
    now = START + timedelta(days=SPAN_DAYS + 5)
    app = create_app(Settings(db=db), store, ManualClock(now))
    client = TestClient(app)
    rng = random.Random(11)

    def get(url: str) -> str:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return url

    def article(_: int) -> str:
        return get(f"/articles/{rng.randint(1, articles)}")

    def diff(_: int) -> str:
        b = rng.randint(2, per_article)
        return get(f"/articles/{rng.randint(1, articles)}/diff/{b - 1}/{b}")

    def latest(n: int) -> str:
        if n % 2:
            day = (START + timedelta(days=rng.randrange(SPAN_DAYS))).date().isoformat()
            return get(f"/?day={day}&page={rng.randint(1, 5)}")
        return get(f"/?page={rng.randint(1, 20)}")

    def search(_: int) -> str:
        # readers look for names and rarer words more than for "the": skip the 50 commonest
        first, second = rng.sample(WORDS[50:], 2)
        query = rng.choice(
            [
                first,
                f"{first} {second}",
                f'"{first} {second}"',
                f"title:{first}",
                f"{first} -{second}",
                f"{first} source:{rng.choice(SOURCES)}",
            ]
        )
        return get("/search?" + urlencode({"q": query}))

    def front_page(_: int) -> str:
        return get("/")

    pages: dict[str, Callable[[int], str]] = {
        "article page": article,
        "diff page": diff,
        "latest changes": latest,  # random pages and days: mostly cold summaries
        "front page": front_page,  # page 1 of latest changes, as most readers see it (warm)
        "search": search,
    }
    get("/")  # warm up templates and the footer totals
    results = {}
    for name, call in pages.items():
        timings = measure(call, samples)
        results[name] = {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(percentile(timings, 0.95), 2),
            "max_ms": round(max(timings), 2),
            "samples": len(timings),
            "meets_target": percentile(timings, 0.95) < TARGET_P95_MS,
        }
    store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 articles, 100,000 versions")
    parser.add_argument("--samples", type=int, default=200, help="requests per page kind")
    parser.add_argument("--db", help="database file (built when missing)")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    args = parser.parse_args(argv)
    articles = 10_000 if args.quick else 100_000
    per_article = 10
    path = Path(args.db) if args.db else database_path(articles)
    if not path.exists():
        started = time.perf_counter()
        build(path, articles, per_article)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.build_only:
        return 0
    results = measure_pages(str(path), articles, per_article, args.samples)
    print(f"{articles:,} articles, {articles * per_article:,} versions ({path.name})")
    print(f"{'page':<16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  p95 < {TARGET_P95_MS:.0f} ms")
    for name, row in results.items():
        mark = "yes" if row["meets_target"] else "NO"
        p50, p95, most = row["p50_ms"], row["p95_ms"], row["max_ms"]
        print(f"{name:<16} {p50:>8.1f} {p95:>8.1f} {most:>8.1f}  {mark}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "articles": articles,
                "versions": articles * per_article,
                "quick": args.quick,
                "target_p95_ms": TARGET_P95_MS,
                "pages": results,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
