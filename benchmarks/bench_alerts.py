"""Alerts: diff card rendering (and, from helper H8, delivery through the outbox).

One function per section; ``--section NAME`` runs one (default: all). Each section returns a
dict stored under its name in ``benchmarks/results/alerts.json`` (other sections' results in
that file are kept), and prints a table.

``cards``: real diffs — The Daily Demo's stories (every kind of edit the demo newsroom
makes, chained as in its timeline) and real articles of the shared corpus with generated
edits (tests/edit_generator.py; skipped when the corpus is absent) — stored in a SQLite
store as two versions each, then for every pair:

- ``card_for`` with an empty cache (uncached: the store reads, the change text, layout,
  drawing and the PNG; target p95 <= 50 ms),
- the render alone (``render_card`` of content already built),
- ``card_for`` again with the card cached.

Times are CPU time (``time.process_time``: the host is shared), each pair's best of
``--repeats`` runs.

    python benchmarks/bench_alerts.py [--section cards] [--quick]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from bench_alerts_outbox import bench_outbox  # noqa: E402
from edit_generator import generate_cases, load_articles  # noqa: E402
from web_seed import record  # noqa: E402

from newsdiffs.cards import (  # noqa: E402
    CardCache,
    card_content,
    card_for,
    render_card,
    version_change_text,
)
from newsdiffs.demo.story import EditKind, apply_edit, draft_story  # noqa: E402
from newsdiffs.models import Source  # noqa: E402
from newsdiffs.storage import SqlStore, open_store  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "alerts.json"
CARD_TARGET_P95_MS = 50.0
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

Pair = tuple[str, tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]  # kind, a, b


def _demo_pairs(count: int) -> Iterator[Pair]:
    """Consecutive states of demo stories: each edit kind in turn, on edited stories too."""
    kinds = list(EditKind)
    for seed in range(count):
        rng = random.Random(seed)
        story = draft_story(rng)
        state = story.first
        for step in range(1 + seed % 3):  # later edits apply to already edited stories
            kind = kinds[(seed + step) % len(kinds)]
            after = apply_edit(story, state, kind, rng)
            if after is None:
                continue
            if step == seed % 3:
                yield (
                    f"demo:{kind.value}",
                    (state.title, state.paragraphs),
                    (after.title, after.paragraphs),
                )
            state = after


def _corpus_pairs(count: int) -> Iterator[Pair]:
    articles = load_articles()
    if not articles:
        return
    for n, case in enumerate(generate_cases(articles, seed=11, per_article=1)):
        if n >= count:
            return
        yield (
            "corpus:" + "+".join(case.operations),
            (case.a_title, case.a_paragraphs),
            (case.b_title, case.b_paragraphs),
        )


def _store_pairs(store: SqlStore, pairs: list[Pair]) -> list[tuple[str, int]]:
    store.upsert_source(Source(name="bench", home_url="https://bench.example/", title="Bench"))
    stored: list[tuple[str, int]] = []
    for n, (kind, (a_title, a_paras), (b_title, b_paras)) in enumerate(pairs):
        article, _ = store.add_article("bench", f"https://bench.example/{n}", START)
        record(store, article.id, START, a_title, a_paras)
        record(store, article.id, START + timedelta(hours=3), b_title, b_paras)
        stored.append((kind, article.id))
    return stored


def _best(function: Callable[[], Any], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best * 1000


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(at(0.95), 2),
        "max": round(ordered[-1], 2),
    }


def bench_cards(args: argparse.Namespace) -> dict[str, Any]:
    count = 40 if args.quick else 150
    pairs = [*_demo_pairs(count), *_corpus_pairs(count)]
    uncached: list[float] = []
    rendered: list[float] = []
    cached: list[float] = []
    sizes: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "bench.db"))
        try:
            stored = _store_pairs(store, pairs)
            card_for(store, stored[0][1], 1, 2, CardCache())  # fonts loaded, code warm
            for _kind, article_id in stored:
                cache = CardCache()

                def miss(article_id: int = article_id, cache: CardCache = cache) -> None:
                    cache.clear()
                    card_for(store, article_id, 1, 2, cache)

                uncached.append(_best(miss, args.repeats))
                png = card_for(store, article_id, 1, 2, cache)
                sizes.append(len(png))
                cached.append(_best(partial(card_for, store, article_id, 1, 2, cache), 3))
                a, b = store.version_at(article_id, 1), store.version_at(article_id, 2)
                content = card_content("Bench", a, b, version_change_text(a, b))
                rendered.append(_best(partial(render_card, content), args.repeats))
        finally:
            store.close()
    demo = sum(1 for kind, *_ in pairs if kind.startswith("demo:"))
    result = {
        "pairs": len(pairs),
        "demo_pairs": demo,
        "corpus_pairs": len(pairs) - demo,
        "uncached_ms": _percentiles(uncached),
        "render_only_ms": _percentiles(rendered),
        "cached_ms": _percentiles(cached),
        "png_kb": {
            "p50": round(statistics.median(sizes) / 1024, 1),
            "max": round(max(sizes) / 1024, 1),
        },
        "target_p95_ms": CARD_TARGET_P95_MS,
    }
    result["meets_target"] = result["uncached_ms"]["p95"] <= CARD_TARGET_P95_MS
    print(f"\nDiff cards: {len(pairs)} real diffs ({demo} demo, {len(pairs) - demo} corpus)")
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for label, key in (
        ("card_for, uncached", "uncached_ms"),
        ("render only (layout+PNG)", "render_only_ms"),
        ("card_for, cached", "cached_ms"),
    ):
        row = result[key]
        print(f"{label:28}{row['p50']:>10.2f}{row['p95']:>10.2f}{row['max']:>10.2f}")
    print(f"PNG size: {result['png_kb']['p50']} KB median, {result['png_kb']['max']} KB max")
    verdict = "meets" if result["meets_target"] else "MISSES"
    print(f"uncached p95 {verdict} the target of {CARD_TARGET_P95_MS:.0f} ms")
    return result


SECTIONS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "cards": bench_cards,
    "outbox": bench_outbox,  # delivery: benchmarks/bench_alerts_outbox.py
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", choices=[*SECTIONS, "all"], default="all")
    parser.add_argument("--quick", action="store_true", help="fewer pairs")
    parser.add_argument("--repeats", type=int, default=3, help="best of N per pair")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if RESULTS.is_file():
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    for name, section in SECTIONS.items():
        if args.section in (name, "all"):
            results[name] = section(args)
    results["python"] = platform.python_version()
    results["machine"] = platform.machine()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
