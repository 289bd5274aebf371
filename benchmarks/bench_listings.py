"""Listing parse cost: time and peak memory for big sitemaps and a big feed.

Cases (generated, never fetched):

- ``sitemap-50k``: a gzipped urlset of 50,000 URLs (the protocol's limit), with lastmod;
- ``sitemap-1m``: the same with 1,000,000 URLs (a listing 20x over the limit; one of 3 MB
  gzipped took 47 s and 831 MB before sitemaps were streamed);
- ``feed-100k``: an RSS 2.0 feed of 100,000 items (it blocked the event loop for 24 s).

Each case runs in a fresh process, twice: once for time (wall and CPU) and the growth of the
process's peak RSS (which sees libxml2's own allocations), once under tracemalloc for the
peak of Python allocations (tracemalloc slows the run, so it is not timed).

    python benchmarks/bench_listings.py [--quick]

``--quick`` drops the 1,000,000-URL case. Writes benchmarks/results/listings.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from newsdiffs.discovery import DiscoveryResult, parse_feed, parse_sitemap

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "listings.json"
BASE = "https://news.example.com/sitemap.xml"


def story(i: int) -> str:
    return f"https://news.example.com/2026/03/01/story-number-{i}"


def _urlset(n: int) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    for start in range(0, n, 10_000):
        yield "".join(
            f"<url><loc>{story(i)}</loc><lastmod>2026-03-01T10:00:00Z</lastmod></url>\n"
            for i in range(start, min(n, start + 10_000))
        ).encode()
    yield b"</urlset>\n"


def gzipped_sitemap(n: int) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(packer.compress(piece) for piece in _urlset(n)), packer.flush()])


def rss_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Story {i}</title><link>{story(i)}</link>"
        "<pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Big feed</title>{items}</channel></rss>"
    ).encode()


CASES: dict[str, tuple[Callable[[], bytes], Callable[[bytes], DiscoveryResult]]] = {
    "sitemap-50k": (lambda: gzipped_sitemap(50_000), lambda body: parse_sitemap(body, BASE)),
    "sitemap-1m": (lambda: gzipped_sitemap(1_000_000), lambda body: parse_sitemap(body, BASE)),
    "feed-100k": (lambda: rss_feed(100_000), lambda body: parse_feed(body, BASE)),
}


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def measure(case: str) -> dict[str, Any]:
    """Run one case in this process (called in a fresh child per case)."""
    make, parse = CASES[case]
    body = make()
    rss_before = _max_rss_bytes()
    wall, cpu = time.perf_counter(), time.process_time()
    result = parse(body)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss_growth = _max_rss_bytes() - rss_before
    tracemalloc.start()
    parse(body)
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "case": case,
        "body_bytes": len(body),
        "links": len(result.links),
        "problem": result.problem,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "peak_rss_growth_mb": round(rss_growth / 1e6, 1),
        "tracemalloc_peak_mb": round(python_peak / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-URL case")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.case:
        print(json.dumps(measure(options.case)))
        return
    names = [name for name in CASES if not (options.quick and name == "sitemap-1m")]
    rows = []
    for name in names:
        child = subprocess.run(
            [sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(child.stdout))
    header = f"{'case':<12} {'body MB':>8} {'links':>7} {'wall s':>7} {'cpu s':>6}"
    header += f" {'RSS +MB':>8} {'py peak MB':>11}"
    print(header)
    for row in rows:
        print(
            f"{row['case']:<12} {row['body_bytes'] / 1e6:>8.1f} {row['links']:>7} "
            f"{row['wall_s']:>7.2f} {row['cpu_s']:>6.2f} {row['peak_rss_growth_mb']:>8.1f} "
            f"{row['tracemalloc_peak_mb']:>11.1f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"python": platform.python_version(), "cases": rows}, indent=2) + "\n"
    )
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
