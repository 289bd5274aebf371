"""Site adapters on real pages: asserted values reproduced, and body quality vs generic.

1. The outlet corpus (``sites/expected.json``, News Sniffer's outlets 2009-2024): per site,
   how many asserted ``title`` / ``content[0]`` / ``content.last`` values the adapter
   reproduces (whitespace-normalised), the softer ``content[i]`` rate, and milliseconds
   per page (median over repetitions).
2. Extraction-benchmark pages (zyte-aeb, naeb-dev) whose URL an adapter claims: shingle
   F1 of the adapter (as the chain uses it: a live blog goes to the generic extractor)
   against the generic extractor on the same pages.

    python benchmarks/bench_sites.py [--quick] [--corpus PATH]

Prints tables and writes ``benchmarks/results/sites.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdiffs.extraction import extract
from newsdiffs.extraction.generic import GenericExtractor
from newsdiffs.extraction.html import decode_html
from newsdiffs.extraction.scoring import PageScore, aggregate, score_page
from newsdiffs.extraction.sites import SiteAdapter, adapter_for
from newsdiffs.extraction.sites.expectations import field_kind, reproduces
from newsdiffs.models import ExtractedPage

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS = REPO_ROOT / "benchmarks" / "results" / "sites.json"
DATASETS = ("zyte-aeb", "naeb-dev")


def default_corpus() -> Path:
    return Path(os.environ.get("NEWSDIFFS_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


def timed_extract(
    adapter: SiteAdapter, html: str, url: str, repeats: int
) -> tuple[ExtractedPage | None, float]:
    """What ``adapter`` extracts from ``html`` and the median milliseconds it takes."""
    durations = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = adapter.extract(html, url)
        durations.append((time.perf_counter() - start) * 1000)
    return result, statistics.median(durations)


@dataclass
class SiteRow:
    site: str
    pages: int = 0
    strict_ok: int = 0
    strict_total: int = 0
    soft_ok: int = 0
    soft_total: int = 0
    ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "pages": self.pages,
            "strict_reproduced": self.strict_ok,
            "strict_total": self.strict_total,
            "strict_rate": round(self.strict_ok / self.strict_total, 4)
            if self.strict_total
            else None,
            "soft_reproduced": self.soft_ok,
            "soft_total": self.soft_total,
            "soft_rate": round(self.soft_ok / self.soft_total, 4) if self.soft_total else None,
            "median_ms": round(statistics.median(self.ms), 2),
            "max_ms": round(max(self.ms), 2),
            "misses": self.misses,
        }


def bench_outlet_corpus(corpus: Path, repeats: int) -> list[dict[str, Any]]:
    folder = corpus / "sites"
    entries: list[dict[str, Any]] = json.loads((folder / "expected.json").read_text("utf-8"))
    rows: dict[str, SiteRow] = {}
    for entry in entries:
        adapter = adapter_for(entry["url"])
        row = rows.setdefault(entry["site"], SiteRow(entry["site"]))
        row.pages += 1
        html = decode_html(gzip.decompress((folder / entry["file"]).read_bytes()))
        page, ms = (
            timed_extract(adapter, html, entry["url"], repeats)
            if adapter is not None
            else (None, 0.0)
        )
        row.ms.append(ms)
        for item in entry["expected"]:
            ok = reproduces(page, item["field"], item["value"])
            if field_kind(item["field"]) == "content[i]":
                row.soft_total += 1
                row.soft_ok += ok
            else:
                row.strict_total += 1
                row.strict_ok += ok
            if not ok:
                row.misses.append(f"{entry['file']} {item['field']}")
    site_rows = [row.summary() for row in rows.values()]
    total = SiteRow("ALL")
    for row in rows.values():
        total.pages += row.pages
        total.strict_ok += row.strict_ok
        total.strict_total += row.strict_total
        total.soft_ok += row.soft_ok
        total.soft_total += row.soft_total
        total.ms.extend(row.ms)
    return [*site_rows, total.summary()]


def _body(page: ExtractedPage | None) -> str:
    return "\n".join(page.paragraphs) if page is not None else ""


def bench_extraction_pages(corpus: Path, repeats: int) -> list[dict[str, Any]]:
    """Adapter vs generic extractor on benchmark pages from the adapters' outlets."""
    generic = GenericExtractor()
    by_adapter: dict[str, dict[str, list[Any]]] = {}
    for dataset in DATASETS:
        folder = corpus / "extraction" / dataset
        truth: dict[str, dict[str, Any]] = json.loads((folder / "truth.json").read_text("utf-8"))
        for page_id, record in sorted(truth.items()):
            url = record.get("url") or ""
            adapter = adapter_for(url)
            if adapter is None:
                continue
            html = decode_html(
                gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
            )
            own, ms = timed_extract(adapter, html, url, repeats)
            ours = extract(html, url)  # the adapter's page as the chain uses it
            theirs = generic.extract(html, url)
            stats = by_adapter.setdefault(
                adapter.name, {"adapter": [], "generic": [], "ms": [], "matched": []}
            )
            stats["adapter"].append(score_page(record.get("articleBody") or "", _body(ours)))
            stats["generic"].append(score_page(record.get("articleBody") or "", _body(theirs)))
            stats["ms"].append(ms)
            stats["matched"].append(own is not None)
    rows = []
    every: dict[str, list[PageScore]] = {"adapter": [], "generic": []}
    for name, stats in sorted(by_adapter.items()):
        every["adapter"].extend(stats["adapter"])
        every["generic"].extend(stats["generic"])
        rows.append(_quality_row(name, stats["adapter"], stats["generic"], stats["matched"]))
    matched_all = [m for stats in by_adapter.values() for m in stats["matched"]]
    rows.append(_quality_row("ALL", every["adapter"], every["generic"], matched_all))
    return rows


def _quality_row(
    name: str, adapter: list[PageScore], generic: list[PageScore], matched: list[bool]
) -> dict[str, Any]:
    ours, theirs = aggregate(adapter), aggregate(generic)
    return {
        "adapter": name,
        "pages": len(adapter),
        "layout_matched": sum(matched),
        "adapter_precision": round(ours.precision, 3),
        "adapter_recall": round(ours.recall, 3),
        "adapter_f1": round(ours.f1, 3),
        "generic_f1": round(theirs.f1, 3),
    }


def print_tables(site_rows: list[dict[str, Any]], quality_rows: list[dict[str, Any]]) -> None:
    print("Outlet corpus: asserted values reproduced by the site adapter")
    print(
        f"{'site':<18}{'pages':>6}{'title/first/last':>20}{'content[i]':>14}"
        f"{'med ms':>9}{'max ms':>9}"
    )
    for row in site_rows:
        strict = f"{row['strict_reproduced']}/{row['strict_total']} ({row['strict_rate']:.1%})"
        soft = f"{row['soft_reproduced']}/{row['soft_total']}"
        print(
            f"{row['site']:<18}{row['pages']:>6}{strict:>20}{soft:>14}"
            f"{row['median_ms']:>9.1f}{row['max_ms']:>9.1f}"
        )
    print()
    print("Extraction benchmark pages from adapter outlets: shingle F1, adapter vs generic")
    print(f"{'adapter':<16}{'pages':>6}{'layout':>8}{'P':>7}{'R':>7}{'F1':>7}{'generic F1':>12}")
    for row in quality_rows:
        print(
            f"{row['adapter']:<16}{row['pages']:>6}{row['layout_matched']:>8}"
            f"{row['adapter_precision']:>7.3f}{row['adapter_recall']:>7.3f}"
            f"{row['adapter_f1']:>7.3f}{row['generic_f1']:>12.3f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timing run per page")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    args = parser.parse_args(argv)
    if not (args.corpus / "sites" / "expected.json").exists():
        print(f"corpus not found at {args.corpus}: nothing to benchmark (set NEWSDIFFS_CORPUS)")
        return 0
    repeats = 1 if args.quick else 5
    site_rows = bench_outlet_corpus(args.corpus, repeats)
    quality_rows = bench_extraction_pages(args.corpus, repeats)
    print_tables(site_rows, quality_rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "quick": args.quick,
        "repeats": repeats,
        "outlet_corpus": site_rows,
        "extraction_pages": quality_rows,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nwrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
