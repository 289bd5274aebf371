"""Export and import speed and memory: rows per second and peak memory for each format.

For each archive size (articles x 10 versions; the archives are bench_web.py's, built once
and cached) every format is exported by a fresh ``newsdiffs export`` process, timed, and
its peak resident memory read from the kernel (``wait4``'s ru_maxrss for that one child)
and its peak anonymous memory sampled over its process tree (the git format runs git,
whose resident memory includes the pack indexes it maps: file pages that grow with the
repository, see ``run_child``). Memory must stay flat: the same at 100,000 and at
1,000,000 versions (within 1.25x; judged on anonymous memory where it was sampled). Then
``newsdiffs import warc`` replays a WARC of realistic article pages (generated: N articles,
each captured 4 times, some captures edited) and its captures per second are read from its
own report (target: at least 100).

    python benchmarks/bench_export.py [--sizes 10000,100000] [--captures 4000]

Prints a table and writes ``benchmarks/results/export.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_web

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "export.json"
FORMATS = {
    "jsonl": "out.jsonl",
    "parquet": "out-parquet",
    "newsedits": "out-newsedits.db",
    "warc": "out.warc.gz",
    "git": "out-git",
}
VERSIONS_PER_ARTICLE = 10
FLAT_RATIO = 1.25  # peak memory at 10x the versions within this factor counts as flat
IMPORT_TARGET = 100.0


def run_child(command: list[str]) -> tuple[float, float, str, float]:
    """Run ``command``; return (wall seconds, peak resident MB of that process, its output,
    peak anonymous MB of it and its children together).

    Resident (the kernel's ru_maxrss: the process or any child it waited for) counts pages
    of files a process maps: git maps its own pack indexes, which grow with the repository
    and which the kernel drops at will. Anonymous memory is what the processes allocated:
    sampled every 20 ms over the whole process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    sampler = AnonymousPeak(process.pid)
    sampler.start()
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024.0, out + err, sampler.peak_kb / 1024.0


class AnonymousPeak(threading.Thread):
    """The highest sum of RssAnon over a process and its descendants, polled."""

    def __init__(self, pid: int, every_s: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every_s):
            self.peak_kb = max(self.peak_kb, sum(map(_anonymous_kb, _tree(self.pid))))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _anonymous_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_verdicts(exports: list[dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    """Per format, the peak at the largest size over the peak at the smallest, resident and
    (when sampled) anonymous; ``flat`` goes by anonymous memory when it was sampled (git's
    resident memory grows with the pack indexes it maps, see :func:`run_child`)."""
    small, large = sizes[0] * VERSIONS_PER_ARTICLE, sizes[-1] * VERSIONS_PER_ARTICLE
    verdicts: dict[str, Any] = {}
    for fmt in FORMATS:
        rows = {r["versions"]: r for r in exports if r["format"] == fmt}
        if small not in rows or large not in rows:
            continue
        found: dict[str, Any] = {}
        for kind, key in (("resident", "peak_mb"), ("anonymous", "peak_anonymous_mb")):
            low, high = rows[small].get(key), rows[large].get(key)
            if low and high:
                found[kind] = {"ratio": round(high / low, 2), "flat": high / low <= FLAT_RATIO}
        found["flat"] = found.get("anonymous", found["resident"])["flat"]
        verdicts[fmt] = found
    return verdicts


def newsdiffs(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsdiffs", "--db", str(db), *args]


def measure_exports(articles: int, work: Path, formats: list[str]) -> list[dict[str, Any]]:
    db = bench_web.database_path(articles)
    if not db.exists():
        print(f"building a {articles:,}-article archive (cached at {db}) ...", flush=True)
        bench_web.build(db, articles, VERSIONS_PER_ARTICLE)
    versions = articles * VERSIONS_PER_ARTICLE
    rows = []
    for fmt in formats:
        name = FORMATS[fmt]
        out = work / f"{articles}-{name}"
        seconds, peak_mb, _, anon_mb = run_child(newsdiffs(db, "export", fmt, str(out)))
        rows.append(
            {
                "format": fmt,
                "versions": versions,
                "seconds": round(seconds, 2),
                "versions_per_s": round(versions / seconds),
                "peak_mb": round(peak_mb, 1),
                "peak_anonymous_mb": round(anon_mb, 1),
            }
        )
        print(f"  {fmt:<10} {versions:>10,} versions {seconds:8.1f}s {peak_mb:8.1f} MB "
              f"resident, {anon_mb:8.1f} MB anonymous", flush=True)  # fmt: skip
        shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    return rows


WORDS = ("council", "budget", "vote", "mayor", "river", "flood", "school", "hospital",
         "minister", "police", "court", "station", "market", "festival", "plan", "road",
         "said", "would", "new", "year", "week", "local", "people", "report", "city")  # fmt: skip


def page(rng: random.Random, title: str, paragraphs: list[str]) -> bytes:
    chrome = "".join(f"<li><a href='/n/{rng.randrange(10**6)}'>Link</a></li>" for _ in range(60))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><nav><ul>{chrome}</ul></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By A. Writer</p>{body}</article>"
        f"<footer><ul>{chrome}</ul></footer></body></html>"
    ).encode()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randrange(12, 24))).capitalize() + "."


def write_warc(path: Path, captures: int, seed: int = 3) -> None:
    """``captures`` captures of captures/4 articles, 4 each, a third of them edited."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(captures // 4):
            title = " ".join(rng.choices(WORDS, k=7)).capitalize()
            paragraphs = [" ".join(sentence(rng) for _ in range(3)) for _ in range(8)]
            at = start + timedelta(minutes=n)
            for _ in range(4):
                if rng.random() < 0.33:
                    paragraphs[rng.randrange(len(paragraphs))] = sentence(rng)
                head = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"https://news.example/2026/story-{n}",
                    "response",
                    payload=io.BytesIO(page(rng, title, paragraphs)),
                    http_headers=head,
                    warc_headers_dict={"WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
                )
                writer.write_record(record)
                at += timedelta(hours=2)


def measure_import(captures: int, work: Path) -> dict[str, Any]:
    warc = work / "import.warc.gz"
    write_warc(warc, captures)
    db = work / "imported.db"
    seconds, peak_mb, out, _ = run_child(newsdiffs(db, "import", "warc", str(warc)))
    match = re.search(r"([\d,]+) replayed .* \(([\d,]+) captures/s\)", out)
    if match is None:
        raise SystemExit(f"could not read the import's report:\n{out}")
    replayed = int(match.group(1).replace(",", ""))
    rate = float(match.group(2).replace(",", ""))
    print(f"  import warc {captures:,} captures: {rate:,.0f} captures/s "
          f"({seconds:.1f}s with start-up), {peak_mb:.1f} MB", flush=True)  # fmt: skip
    return {
        "captures": captures,
        "replayed": replayed,
        "captures_per_s": rate,
        "wall_seconds": round(seconds, 2),
        "peak_mb": round(peak_mb, 1),
        "target_captures_per_s": IMPORT_TARGET,
        "meets_target": rate >= IMPORT_TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="article counts (x10 versions)")
    parser.add_argument("--captures", type=int, default=4000, help="0: no import run")
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help="formats to export; the others keep their rows from the last results",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = [f for f in args.formats.split(",") if f]
    if unknown := set(formats) - set(FORMATS):
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="bench_export_") as folder:
        work = Path(folder)
        exports = []
        for articles in sizes:
            print(f"exports of {articles * VERSIONS_PER_ARTICLE:,} versions:", flush=True)
            exports += measure_exports(articles, work, formats)
        imported = measure_import(args.captures, work) if args.captures else None
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    measured = {(row["format"], row["versions"]) for row in exports}
    exports += [
        row
        for row in previous.get("exports", [])
        if (row["format"], row["versions"]) not in measured
        and row["versions"] in {size * VERSIONS_PER_ARTICLE for size in sizes}
    ]
    exports.sort(key=lambda row: (row["versions"], list(FORMATS).index(row["format"])))
    imported = imported or previous.get("import")
    flat = memory_verdicts(exports, sizes) if len(sizes) > 1 else {}
    print()
    print(
        f"{'format':<10} {'versions':>10} {'versions/s':>11} {'resident MB':>12} "
        f"{'anonymous MB':>13}  memory flat? (resident; anonymous)"
    )
    for row in exports:
        verdict = ""
        if found := flat.get(row["format"]):
            verdict = "; ".join(
                f"x{found[kind]['ratio']} {'yes' if found[kind]['flat'] else 'NO'}"
                for kind in ("resident", "anonymous")
                if kind in found
            )
        anonymous = row.get("peak_anonymous_mb")
        print(f"{row['format']:<10} {row['versions']:>10,} {row['versions_per_s']:>11,} "
              f"{row['peak_mb']:>12.1f} {'-' if anonymous is None else f'{anonymous:.1f}':>13}  "
              f"{verdict}")  # fmt: skip
    if imported:
        print(
            f"import warc: {imported['captures_per_s']:,.0f} captures/s (target >= "
            f"{IMPORT_TARGET:.0f}: {'met' if imported['meets_target'] else 'MISSED'})"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"exports": exports, "memory_flat": flat, "import": imported}, indent=2) + "\n"
    )
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
