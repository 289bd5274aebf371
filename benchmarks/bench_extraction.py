"""Extraction quality and speed on the real-world corpus.

Scores, side by side in one run: our extractor chain, trafilatura alone (plain
``trafilatura.extract(html)`` defaults) and every stored reference output of the Zyte
Article Extraction Benchmark, with the benchmark's own shingle metric
(:mod:`newsdiffs.extraction.scoring`). Also naeb-dev title exact match, the median /
p95 milliseconds per page, and per site adapter its body F1 against the generic
extractor alone on its own outlet's pages (no adapter may do worse).

    python benchmarks/bench_extraction.py [--quick] [--corpus PATH]

Prints a table and writes ``benchmarks/results/extraction.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import trafilatura

from newsdiffs.extraction import GenericExtractor, extract
from newsdiffs.extraction.html import decode_html
from newsdiffs.extraction.scoring import (
    BodyScore,
    PageScore,
    aggregate,
    score_page,
    title_matches,
)
from newsdiffs.extraction.sites import adapter_for

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "extraction.json"
DATASETS = ("zyte-aeb", "naeb-dev")
QUICK_PAGES = 40
BASELINE = REPO_ROOT / "benchmarks" / "extraction_baseline.json"
FLOOR_MARGIN = 0.005


def default_corpus() -> Path:
    return Path(os.environ.get("NEWSDIFFS_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: bytes
    body: str
    title: str | None  # naeb only


def load_pages(corpus: Path, dataset: str, quick: bool = False) -> list[Page]:
    """The pages of one dataset (every ``QUICK_PAGES``-th subset when ``quick``)."""
    folder = corpus / "extraction" / dataset
    truth: dict[str, dict[str, Any]] = json.loads((folder / "truth.json").read_text("utf-8"))
    ids = sorted(truth)
    if quick:
        ids = ids[:: max(1, len(ids) // QUICK_PAGES)]
    pages = []
    for page_id in ids:
        record = truth[page_id]
        html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(
            Page(
                page_id,
                record.get("url") or "",
                html,
                record.get("articleBody") or "",
                record.get("title"),
            )
        )
    return pages


@dataclass(frozen=True)
class SystemScore:
    body: BodyScore
    title_exact: float | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    median_cpu_ms: float | None = None  # process CPU time: steadier on a loaded machine
    first_pass_median_ms: float | None = None  # one pass, no best-of
    repeat: int = 1
    timings_ms: tuple[float, ...] = ()  # per page, not written to the JSON
    cpu_timings_ms: tuple[float, ...] = ()
    first_pass_ms: tuple[float, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["timings_ms"], data["cpu_timings_ms"], data["first_pass_ms"]
        return data


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_system(
    pages: list[Page], run: Callable[[Page], tuple[str, str | None]], repeat: int = 1
) -> SystemScore:
    """Score one extractor: ``run(page) -> (body text, title or None)``.

    Scores come from the first pass. Timings: with ``repeat`` > 1 every page is extracted
    in ``repeat`` passes over the whole set (so a page is never timed twice in a row, warm
    from its previous run) and each page keeps its fastest pass: on a shared machine the
    slower passes measure the neighbours, not the extractor. ``first_pass_*`` keep the
    single-pass numbers.
    """
    scores, titles = [], []
    timings = [float("inf")] * len(pages)
    cpu_timings = [float("inf")] * len(pages)
    first_pass: list[float] = []
    for attempt in range(max(1, repeat)):
        for index, page in enumerate(pages):
            started, cpu_started = time.perf_counter(), time.process_time()
            body, title = run(page)
            elapsed = (time.perf_counter() - started) * 1000
            timings[index] = min(timings[index], elapsed)
            cpu_timings[index] = min(cpu_timings[index], (time.process_time() - cpu_started) * 1000)
            if attempt:
                continue
            first_pass.append(elapsed)
            scores.append(score_page(page.body, body))
            if page.title is not None and title is not None:
                titles.append(title_matches(page.title, title))
    return SystemScore(
        body=aggregate(scores),
        title_exact=sum(titles) / len(titles) if titles else None,
        median_ms=statistics.median(timings),
        p95_ms=_percentile(timings, 0.95),
        median_cpu_ms=statistics.median(cpu_timings),
        first_pass_median_ms=statistics.median(first_pass),
        repeat=max(1, repeat),
        timings_ms=tuple(timings),
        cpu_timings_ms=tuple(cpu_timings),
        first_pass_ms=tuple(first_pass),
    )


def ours(page: Page) -> tuple[str, str | None]:
    extracted = extract(page.html, page.url)
    return "\n".join(extracted.paragraphs), extracted.title


_GENERIC = GenericExtractor()


def generic_only(page: Page) -> tuple[str, str | None]:
    extracted = _GENERIC.extract(decode_html(page.html), page.url)
    return ("\n".join(extracted.paragraphs), extracted.title) if extracted else ("", "")


def trafilatura_alone(page: Page) -> tuple[str, str | None]:
    return trafilatura.extract(page.html) or "", None


@dataclass(frozen=True)
class AdapterScore:
    """One site adapter on its own outlet's benchmark pages, against the generic extractor.

    ``adapter`` scores what the chain returns for those pages: the adapter's page, or the
    generic extractor's when the adapter finds no known layout or no body.
    """

    adapter: str
    pages: int
    layout_matched: int
    adapter_body: BodyScore
    generic_body: BodyScore

    def to_json(self) -> dict[str, Any]:
        return {
            "adapter": self.adapter,
            "pages": self.pages,
            "layout_matched": self.layout_matched,
            "adapter_f1": round(self.adapter_body.f1, 4),
            "generic_f1": round(self.generic_body.f1, 4),
        }


def adapter_scores(pages: list[Page]) -> list[AdapterScore]:
    """Per site adapter, body scores on the pages whose URL it claims (by host)."""
    by_adapter: dict[str, list[tuple[PageScore, PageScore, bool]]] = {}
    for page in pages:
        adapter = adapter_for(page.url)
        if adapter is None:
            continue
        text = decode_html(page.html)
        chained = extract(text, page.url)
        generic_body, _ = generic_only(page)
        by_adapter.setdefault(adapter.name, []).append(
            (
                score_page(page.body, "\n".join(chained.paragraphs)),
                score_page(page.body, generic_body),
                adapter.markers_matched(text),
            )
        )
    return [
        AdapterScore(
            adapter=name,
            pages=len(rows),
            layout_matched=sum(matched for _, _, matched in rows),
            adapter_body=aggregate(ours for ours, _, _ in rows),
            generic_body=aggregate(generic for _, generic, _ in rows),
        )
        for name, rows in sorted(by_adapter.items())
    ]


def evaluate_adapters(corpus: Path) -> list[AdapterScore]:
    """Every site adapter against generic on its outlet's pages (the CI check's input)."""
    return adapter_scores([p for name in DATASETS for p in load_pages(corpus, name)])


def print_adapter_table(scores: list[AdapterScore]) -> None:
    print("\nsite adapters on their own outlets' pages (zyte-aeb + naeb-dev): body F1")
    print(f"{'adapter':<16}{'pages':>6}{'layout':>8}{'adapter F1':>12}{'generic F1':>12}")
    for row in scores:
        flag = "" if row.adapter_body.f1 >= row.generic_body.f1 else "  < generic"
        print(
            f"{row.adapter:<16}{row.pages:>6}{row.layout_matched:>8}"
            f"{row.adapter_body.f1:>12.3f}{row.generic_body.f1:>12.3f}{flag}"
        )


def reference_outputs(corpus: Path) -> dict[str, dict[str, str]]:
    """Stored outputs of other tools on zyte-aeb: ``{tool: {page id: body}}``."""
    folder = corpus / "extraction" / "zyte-aeb" / "reference-outputs"
    tools: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data.get("output"), dict):
            data = data["output"]
        tools[path.stem] = {k: (v or {}).get("articleBody") or "" for k, v in data.items()}
    return tools


def score_reference(pages: list[Page], outputs: dict[str, str]) -> SystemScore:
    return SystemScore(body=aggregate(score_page(p.body, outputs.get(p.id, "")) for p in pages))


def evaluate_ours(corpus: Path, quick: bool = False) -> dict[str, SystemScore]:
    """Our chain on each dataset (what the CI floor test checks)."""
    return {name: run_system(load_pages(corpus, name, quick), ours) for name in DATASETS}


def run(corpus: Path, quick: bool, repeat: int = 3) -> dict[str, dict[str, SystemScore]]:
    """Every system on every dataset it can be scored on: ``{system: {dataset: score}}``."""
    pages = {name: load_pages(corpus, name, quick) for name in DATASETS}
    results: dict[str, dict[str, SystemScore]] = {
        "newsdiffs (chain)": {},
        "newsdiffs (generic only)": {},
        "trafilatura (defaults)": {},
    }
    for name, dataset_pages in pages.items():
        results["newsdiffs (chain)"][name] = run_system(dataset_pages, ours, repeat)
        results["newsdiffs (generic only)"][name] = run_system(dataset_pages, generic_only, repeat)
        results["trafilatura (defaults)"][name] = run_system(
            dataset_pages, trafilatura_alone, repeat
        )
    for tool, outputs in reference_outputs(corpus).items():
        results[f"ref: {tool}"] = {"zyte-aeb": score_reference(pages["zyte-aeb"], outputs)}
    return results


def write_baseline(scores: dict[str, SystemScore]) -> None:
    """Pin floors (measured minus ``FLOOR_MARGIN``) for tests/test_extraction_quality_floor.py."""
    floors: dict[str, dict[str, float]] = {}
    for name, score in scores.items():
        metrics = {"precision": score.body.precision, "recall": score.body.recall}
        metrics["f1"] = score.body.f1
        if score.title_exact is not None:
            metrics["title_exact"] = score.title_exact
        floors[name] = {k: round(max(0.0, v - FLOOR_MARGIN), 4) for k, v in metrics.items()}
    payload = {
        "about": "CI floors: the extractor chain's measured scores minus the margin",
        "margin": FLOOR_MARGIN,
        "floors": floors,
    }
    BASELINE.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_table(results: dict[str, dict[str, SystemScore]]) -> None:
    header = (
        f"{'system':<26} {'aeb P':>6} {'aeb R':>6} {'aeb F1':>7} {'naeb P':>7} {'naeb R':>7} "
        f"{'naeb F1':>7} {'title':>6} {'med ms':>7} {'p95 ms':>7} {'cpu ms':>7}"
    )
    print(header)
    print("-" * len(header))
    ranked = sorted(results.items(), key=lambda item: -item[1]["zyte-aeb"].body.f1)
    for system, by_dataset in ranked:
        aeb, naeb = by_dataset.get("zyte-aeb"), by_dataset.get("naeb-dev")
        timings = [t for s in by_dataset.values() for t in s.timings_ms]
        median = statistics.median(timings) if timings else None
        p95 = _percentile(timings, 0.95) if timings else None
        cpu = [t for s in by_dataset.values() for t in s.cpu_timings_ms]
        cpu_median = statistics.median(cpu) if cpu else None
        print(
            f"{system:<26} {_fmt(aeb.body.precision if aeb else None):>6}"
            f" {_fmt(aeb.body.recall if aeb else None):>6}"
            f" {_fmt(aeb.body.f1 if aeb else None):>7}"
            f" {_fmt(naeb.body.precision if naeb else None):>7}"
            f" {_fmt(naeb.body.recall if naeb else None):>7}"
            f" {_fmt(naeb.body.f1 if naeb else None):>7}"
            f" {_fmt(naeb.title_exact if naeb else None):>6}"
            f" {_fmt(median, 1):>7} {_fmt(p95, 1):>7} {_fmt(cpu_median, 1):>7}"
        )
    print_speed(results)


def print_speed(results: dict[str, dict[str, SystemScore]]) -> None:
    """Median ms per page by dataset and over the whole corpus, best-of-N and single pass."""
    timed = {system: sets for system, sets in results.items() if not system.startswith("ref:")}
    repeat = max((s.repeat for sets in timed.values() for s in sets.values()), default=1)
    print(f"\nmedian ms per page (best of {repeat} passes / first pass alone)")
    print(f"{'system':<26} {'zyte-aeb':>15} {'naeb-dev':>15} {'corpus':>15}")
    for system, by_dataset in timed.items():
        cells = []
        for name in DATASETS:
            score = by_dataset.get(name)
            cells.append(
                "-"
                if score is None
                else f"{_fmt(score.median_ms, 1)} / {_fmt(score.first_pass_median_ms, 1)}"
            )
        best = [t for s in by_dataset.values() for t in s.timings_ms]
        single = [t for s in by_dataset.values() for t in s.first_pass_ms]
        cells.append(f"{statistics.median(best):.1f} / {statistics.median(single):.1f}")
        print(f"{system:<26} " + " ".join(f"{cell:>15}" for cell in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"score ~{QUICK_PAGES} pages a set")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timing passes over each set; a page keeps its fastest (default 3)",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help=f"pin the chain's scores minus {FLOOR_MARGIN} as CI floors in {BASELINE.name}",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "extraction").exists():
        print(f"corpus not found at {args.corpus}; set NEWSDIFFS_CORPUS", file=sys.stderr)
        return 0
    results = run(args.corpus, args.quick, args.repeat)
    print_table(results)
    adapters = adapter_scores(
        [p for name in DATASETS for p in load_pages(args.corpus, name, args.quick)]
    )
    print_adapter_table(adapters)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "quick": args.quick,
        "repeat": args.repeat,
        "systems": {
            system: {name: score.to_json() for name, score in by_dataset.items()}
            for system, by_dataset in results.items()
        },
        "adapters": [row.to_json() for row in adapters],
    }
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(REPO_ROOT)}")
    if args.write_baseline and not args.quick:
        write_baseline(results["newsdiffs (chain)"])
        print(f"wrote {BASELINE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
