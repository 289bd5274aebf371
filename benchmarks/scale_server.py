"""A lean loopback article server for ``bench_scale.py``: many hosts, real page weight.

    python benchmarks/scale_server.py --hosts 500 --latency-ms 100 [--pages heavy|light]

Serves ``/news/story-<n>`` on every host (127.0.0.2, 127.0.0.3, ... one shared port, as
the many-outlet newsroom does: ``newsdiffs.demo.multiserver``) after ``--latency-ms`` of
server latency (an ``asyncio.sleep``: no CPU), and ``/robots.txt`` allowing everything. The
many-outlet newsroom itself is not used: it renders every page from its timeline on
request, which at 100+ checks/s costs the server more CPU than the checkers it measures on
a 2-core machine. Here the pages are rendered once at start:

- ``heavy``: 64 demo article pages wrapped in the real page chrome of the shared corpus
  (``newsdiffs.demo.heavy``: 100–500 KB, the story the only prose on the page), each
  article ``n`` served page ``n % 64`` with its own URL in the canonical link and headline,
  so every article is a page of its own;
- ``light``: the bare ~5 KB demo pages (a latency-bound run: little CPU per check).

Prints ``port <N>`` when serving; writes its counts (requests, robots.txt requests, per-host
gaps shorter than ``--min-gap-s``) as JSON to ``--stats`` twice a second, and at SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from newsdiffs.demo.heavy import ChromeLibrary
from newsdiffs.demo.multiserver import MultiHostServer, loopback_hosts
from newsdiffs.demo.site import DemoSite, SiteResponse
from newsdiffs.demo.timeline import Phase, build_timeline

PAGES = 64
STATS_EVERY_S = 0.5
HTML = "text/html; charset=utf-8"
ROBOTS = SiteResponse(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n")
NOT_FOUND = SiteResponse(404, HTML, b"<html><body><p>Not found</p></body></html>")
ARTICLE_PATH = re.compile(r"^/news/story-(\d+)$")
_BASE = "http://pages.invalid"
_URL_MARK = "\x00url\x00"
_TITLE_MARK = "\x00title\x00"


def article_path(number: int) -> str:
    return f"/news/story-{number}"


@dataclass(frozen=True)
class PageTemplate:
    """One rendered article page, split where its URL and headline go."""

    parts: tuple[str, ...]  # text, URL or headline mark, text, ...
    headline: str

    def render(self, url: str, number: int) -> bytes:
        title = f"{self.headline} ({number})"
        marks = {_URL_MARK: url, _TITLE_MARK: title}
        return "".join(marks.get(part, part) for part in self.parts).encode()


def build_templates(heavy: bool, count: int = PAGES) -> list[PageTemplate]:
    """``count`` article pages of the demo newsroom, live, with marks for URL and headline."""
    from datetime import UTC, datetime

    epoch = datetime(2026, 1, 5, 6, tzinfo=UTC)
    timeline = build_timeline(epoch, count * 2, seed=11)
    chromes = ChromeLibrary(distinct=16) if heavy else None
    templates: list[PageTemplate] = []
    for index, article in enumerate(timeline.articles):
        at = article.published + timedelta(minutes=5)
        if article.phase_at(at) is not Phase.LIVE:
            continue
        wrap = chromes.for_outlet(index).wrap if chromes is not None else None
        site = DemoSite(timeline, _BASE, wrap)
        response = site.respond(article.path, at, noise_seed=index)
        if response.status != 200:
            continue
        headline = article.span_at(at).state.title
        markup = response.body.decode()
        markup = markup.replace(f"{_BASE}{article.path}", _URL_MARK)
        markup = markup.replace(headline, _TITLE_MARK)
        pieces = re.split(f"({_URL_MARK}|{_TITLE_MARK})", markup)
        templates.append(PageTemplate(tuple(pieces), headline))
        if len(templates) == count:
            break
    return templates


@dataclass
class Counts:
    min_gap_s: float
    requests: int = 0
    robots: int = 0
    articles: int = 0
    bytes_sent: int = 0
    short_gaps: int = 0  # requests to a host sooner than min_gap_s after its previous one
    least_gap_s: float = float("inf")
    last_start: dict[str, tuple[float, str]] = field(default_factory=dict)
    short_gap_examples: list[str] = field(default_factory=list)

    def note(self, host: str, started: float, path: str) -> None:
        self.requests += 1
        previous = self.last_start.get(host)
        self.last_start[host] = (started, path)
        if previous is not None:
            gap = started - previous[0]
            self.least_gap_s = min(self.least_gap_s, gap)
            if gap < self.min_gap_s:
                self.short_gaps += 1
                if len(self.short_gap_examples) < 10:
                    example = f"{host} {previous[1]} -> {path} after {gap:.3f} s"
                    self.short_gap_examples.append(example)

    def as_dict(self) -> dict[str, float | int | list[str]]:
        return {
            "requests": self.requests,
            "robots_txt": self.robots,
            "article_pages": self.articles,
            "bytes_sent": self.bytes_sent,
            "hosts_seen": len(self.last_start),
            "short_gaps": self.short_gaps,
            "least_gap_s": round(self.least_gap_s, 4) if self.least_gap_s < float("inf") else -1.0,
            "short_gap_examples": list(self.short_gap_examples),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--pages", choices=["heavy", "light"], default="heavy")
    parser.add_argument("--min-gap-s", type=float, default=0.9, help="per-host gap to count")
    parser.add_argument("--stats", type=Path, default=None, help="write counts here at exit")
    args = parser.parse_args()
    templates = build_templates(args.pages == "heavy")
    counts = Counts(args.min_gap_s)
    latency = args.latency_ms / 1000.0

    async def answer(host: str, target: str, if_none_match: str | None) -> SiteResponse:
        path = urlsplit(target).path
        counts.note(host, time.monotonic(), path)
        if path == "/robots.txt":
            counts.robots += 1
            return ROBOTS
        found = ARTICLE_PATH.match(path)
        if found is None:
            return NOT_FOUND
        await asyncio.sleep(latency)
        number = int(found.group(1))
        body = templates[number % len(templates)].render(f"http://{host}:{port}{path}", number)
        counts.articles += 1
        counts.bytes_sent += len(body)
        return SiteResponse(200, HTML, body)

    server = MultiHostServer(loopback_hosts(args.hosts), answer)
    port = server.bind()
    server.start()
    sizes = sorted(len(t.render("http://127.0.0.2:1/news/story-1", 1)) for t in templates)
    print(
        f"port {port} pages {len(templates)} median_kb {sizes[len(sizes) // 2] / 1000:.0f}",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(STATS_EVERY_S):
        write_stats(args.stats, counts)
    server.stop()
    write_stats(args.stats, counts)
    return 0


def write_stats(path: Path | None, counts: Counts) -> None:
    """Replace ``path`` with the counts (atomically: the benchmark reads it while we run)."""
    if path is not None:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(json.dumps(counts.as_dict()))
        partial.replace(path)


if __name__ == "__main__":
    raise SystemExit(main())
