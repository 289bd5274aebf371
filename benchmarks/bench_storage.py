"""Bytes per stored version of raw pages: plain zstd, our deltas, and git, on real pages.

How the histories are built (all in memory; nothing from the corpus is written anywhere but
a temporary git repository that is deleted at the end):

- **real pairs**: the 9 pairs of ``../shared/corpus/versions`` (``pairs.json``), each a real
  article captured twice by its site, months or years apart (most pairs span a redesign).
  These are the only *real* multi-capture histories in the corpus: 2 versions each.
- **generated histories**: every page of ``extraction/zyte-aeb`` and ``extraction/naeb-dev``
  whose annotated body (``truth.json``) has at least 3 paragraphs found verbatim in the HTML
  (as is, or HTML-escaped) becomes a history of ``--captures`` captures (default 10). The
  page is capture 1; each next capture is made from the one before it by
  1. a text edit: ``tests/edit_generator.py`` ``generate_edit`` applies 1-3 random
     operations (sentence added/removed/edited/moved, headline rewrite, correction notice,
     number change, typo) to the body paragraphs found in the HTML, and each changed
     paragraph is replaced in place in the HTML (same escaping), new paragraphs inserted as
     ``<p>`` after their neighbour, removed ones cut out; the headline is replaced where it
     occurs verbatim;
  2. template churn, as a site's pages change between two fetches of one article: 30% of the
     page's distinct long tokens (runs of 16+ letters/digits/``_-`` that contain a digit:
     nonces, build and cache-busting ids, tracking ids) and 10-13 digit numbers (timestamps)
     are replaced by fresh random ones (the same replacement everywhere in the page), and
     one run of up to 6 consecutive short ``<li>`` elements ("most read" lists) is rotated.
  Every capture is stored as a version (a tracker stores a version only when the text
  changed, and every generated capture changes the text). Seeded: the same run builds the
  same histories.

Schemes, in bytes per version (total stored bytes / versions):

- ``raw``: the pages uncompressed;
- ``zstd alone``: each page compressed alone (``storage/convert.py`` ``compress``, level 6:
  what was stored before migration 0006);
- ``deltas (K=..)``: ``storage/rawpages.py``: a keyframe every K versions, the others
  compressed with the previous capture as a raw-content zstd dictionary;
- ``star deltas (K=..)``: the alternative: every version against its keyframe (one hop);
- ``git gc`` and ``git gc --aggressive``: a git repository holding the same history (one
  file per article, one commit per version, captures committed round by round), packed; we
  count the blobs' bytes in the pack (``%(objectsize:disk)``: deltas and zlib included) and,
  separately, the whole ``.pack`` file (commits and trees too).

First captures: a history's first page has no previous capture. Per-source trained
dictionaries (zstd ``train_dictionary`` on the outlet's other pages, leave one out) are
measured on ``sites/`` (outlets with 4+ pages, captured 2009-2024) against compressing alone.

Read time per version: CPU time (``time.process_time``) to decode each version from its
stored frames (the whole chain from its keyframe), p50 and p95 over all versions; write
time: CPU time to encode each version (reading the base page included for deltas).

    python benchmarks/bench_storage.py [--articles N] [--captures N] [--no-git]

Writes benchmarks/results/storage.json (``storage_<captures>.json`` for other
``--captures``). Skips (exit 0, with a message) when the corpus is
absent.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import html
import itertools
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from edit_generator import (  # noqa: E402
    OPERATIONS,
    SourceArticle,
    corpus_root,
    generate_edit,
    load_articles,
)

from newsdiffs.storage import rawpages  # noqa: E402
from newsdiffs.storage.convert import compress  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "storage.json"
SEED = 10

_TOKEN_RE = re.compile(
    rb"(?<![A-Za-z0-9_-])(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])"
)
_STAMP_RE = re.compile(rb"(?<![0-9])[0-9]{10,13}(?![0-9])")
_LI_RE = re.compile(rb"<li[ >][^<]{0,300}(?:<(?!/?li[ >])[^<]{0,300}){0,8}</li>", re.IGNORECASE)
_TOKEN_CHARS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# --- histories ------------------------------------------------------------------------------


@dataclass
class History:
    name: str
    pages: list[bytes]


@dataclass
class _Tracked:
    """A page and the body paragraphs found in it (with the form they take in the HTML)."""

    page: bytes
    title: str
    title_in_page: bool
    paragraphs: list[str]
    escaped: list[bool]


def real_pairs(root: Path) -> list[History]:
    folder = root / "versions"
    histories = []
    for pair in json.loads((folder / "pairs.json").read_text(encoding="utf-8")):
        pages = [gzip.decompress((folder / pair[side]).read_bytes()) for side in ("a", "b")]
        histories.append(History(f"pair:{pair['pair']}", pages))
    return histories


def generated_histories(root: Path, articles: int, captures: int) -> list[History]:
    rng = random.Random(SEED)
    sources = load_articles(root)
    histories: list[History] = []
    for index, article in enumerate(sources):
        if len(histories) >= articles:
            break
        name, key = article.id.split("/")
        page = gzip.decompress(
            (root / "extraction" / name / "html" / f"{key}.html.gz").read_bytes()
        )
        tracked = _track(page, article)
        if tracked is None:
            continue
        donor = sources[(index + 1 + rng.randrange(len(sources) - 1)) % len(sources)]
        pages = [page]
        for _ in range(captures - 1):
            tracked = _edited(tracked, donor, rng)
            tracked.page = _churned(tracked.page, rng)
            pages.append(tracked.page)
        histories.append(History(article.id, pages))
    return histories


def _track(page: bytes, article: SourceArticle) -> _Tracked | None:
    paragraphs: list[str] = []
    escaped: list[bool] = []
    for paragraph in article.paragraphs:
        if paragraph.encode() in page:
            paragraphs.append(paragraph)
            escaped.append(False)
        elif html.escape(paragraph, quote=False).encode() in page:
            paragraphs.append(paragraph)
            escaped.append(True)
    if len(paragraphs) < 3:
        return None
    title_in_page = article.title.encode() in page
    return _Tracked(page, article.title, title_in_page, paragraphs, escaped)


def _form(text: str, escaped: bool) -> bytes:
    return (html.escape(text, quote=False) if escaped else text).encode()


def _edited(tracked: _Tracked, donor: SourceArticle, rng: random.Random) -> _Tracked:
    """The next capture's text: 1-3 generated operations applied in the HTML."""
    article = SourceArticle("tracked", tracked.title, tuple(tracked.paragraphs))
    edit = None
    while edit is None:
        operations = rng.sample(OPERATIONS, rng.randint(1, 3))
        edit = generate_edit(article, operations, donor, rng)
    page = tracked.page
    title = tracked.title
    if tracked.title_in_page and edit.b_title != title:
        page = page.replace(title.encode(), edit.b_title.encode())
        title = edit.b_title
    old, new = tracked.paragraphs, list(edit.b_paragraphs)
    paragraphs: list[str] = []
    escaped: list[bool] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            paragraphs.extend(old[i1:i2])
            escaped.extend(tracked.escaped[i1:i2])
            continue
        # Where the new paragraphs go: in place of the old ones, else after the one before.
        form = tracked.escaped[i1] if i1 < len(old) else tracked.escaped[-1]
        replacement = b"".join(_form(text, form) + b"</p><p>" for text in new[j1:j2])
        if i2 > i1:
            first = _form(old[i1], tracked.escaped[i1])
            for gone in range(i1 + 1, i2):
                page = page.replace(_form(old[gone], tracked.escaped[gone]), b"", 1)
            page = page.replace(first, replacement.removesuffix(b"</p><p>"), 1)
        elif i1 > 0:
            anchor = _form(old[i1 - 1], tracked.escaped[i1 - 1])
            page = page.replace(anchor, anchor + b"</p><p>" + replacement[: -len(b"</p><p>")], 1)
        else:
            anchor = _form(old[0], tracked.escaped[0])
            page = page.replace(anchor, replacement + anchor, 1)
        paragraphs.extend(new[j1:j2])
        escaped.extend([form] * (j2 - j1))
    return _Tracked(page, title, tracked.title_in_page, paragraphs, escaped)


def _churned(page: bytes, rng: random.Random) -> bytes:
    """The page's template as a later fetch serves it: new tokens and stamps, a list
    reordered."""
    tokens = sorted(set(_TOKEN_RE.findall(page)) | set(_STAMP_RE.findall(page)))
    changed = {token: _fresh(token, rng) for token in tokens if rng.random() < 0.3}
    if changed:
        pattern = re.compile(b"|".join(re.escape(token) for token in changed))
        page = pattern.sub(lambda match: changed[match.group()], page)
    items = list(_LI_RE.finditer(page))
    if len(items) >= 3:
        start = rng.randrange(len(items) - 2)
        run = items[start : start + 6]
        adjacent = [run[0]]
        for item in run[1:]:
            if (
                item.start() != adjacent[-1].end()
                and page[adjacent[-1].end() : item.start()].strip()
            ):
                break
            adjacent.append(item)
        if len(adjacent) >= 2:
            texts = [item.group() for item in adjacent]
            texts = texts[1:] + texts[:1]
            begin, end = adjacent[0].start(), adjacent[-1].end()
            gaps = [page[a.end() : b.start()] for a, b in itertools.pairwise(adjacent)]
            middle = texts[0] + b"".join(
                gap + text for gap, text in zip(gaps, texts[1:], strict=True)
            )
            page = page[:begin] + middle + page[end:]
    return page


def _fresh(token: bytes, rng: random.Random) -> bytes:
    if token.isdigit():
        return (
            str(int(token) + rng.randrange(1, 10**6)).encode()[: len(token)].rjust(len(token), b"1")
        )
    return bytes(rng.choice(_TOKEN_CHARS) for _ in token)


# --- schemes --------------------------------------------------------------------------------


@dataclass
class Stored:
    """One history as a scheme stores it: per version, its frame and its base's index."""

    frames: list[bytes]
    bases: list[int | None]


def store_alone(pages: Sequence[bytes]) -> Stored:
    return Stored([compress(page) for page in pages], [None] * len(pages))


def store_chain(pages: Sequence[bytes], every: int) -> Stored:
    frames, bases = [], []
    for n, page in enumerate(pages):
        base = None if n % every == 0 else n - 1
        frames.append(rawpages.encode(page, None if base is None else pages[base]))
        bases.append(base)
    return Stored(frames, bases)


def store_star(pages: Sequence[bytes], every: int) -> Stored:
    frames, bases = [], []
    for n, page in enumerate(pages):
        base = None if n % every == 0 else n - n % every
        frames.append(rawpages.encode(page, None if base is None else pages[base]))
        bases.append(base)
    return Stored(frames, bases)


def read_version(stored: Stored, n: int) -> bytes:
    """Version ``n`` decoded from its chain of frames, as rawpages.read_page does."""
    chain = [n]
    while (base := stored.bases[chain[-1]]) is not None:
        chain.append(base)
    links = [(stored.frames[i], stored.bases[i]) for i in reversed(chain)]
    return rawpages.decode_chain(links)


def measure_scheme(
    histories: Sequence[History], build: Callable[[Sequence[bytes]], Stored]
) -> dict[str, Any]:
    total = versions = 0
    writes: list[float] = []
    reads: list[float] = []
    longest = 0
    for history in histories:
        started = time.process_time()
        stored = build(history.pages)
        writes.append((time.process_time() - started) / len(history.pages))
        total += sum(len(frame) for frame in stored.frames)
        versions += len(history.pages)
        for n, page in enumerate(history.pages):
            started = time.process_time()
            decoded = read_version(stored, n)
            reads.append(time.process_time() - started)
            if decoded != page:
                raise AssertionError(f"{history.name} version {n + 1} did not round-trip")
            depth, i = 1, n
            while (base := stored.bases[i]) is not None:
                depth, i = depth + 1, base
            longest = max(longest, depth)
    return {
        "bytes_per_version": total / versions,
        "read_ms_p50": 1000 * statistics.median(reads),
        "read_ms_p95": 1000 * _p95(reads),
        "write_ms_mean": 1000 * statistics.fmean(writes),
        "longest_chain": longest,
    }


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# --- git ------------------------------------------------------------------------------------


def git_sizes(histories: Sequence[History]) -> dict[str, dict[str, float]]:
    """Pack sizes of a git repository of the histories, after ``git gc`` and after
    ``git gc --aggressive``."""
    versions = sum(len(history.pages) for history in histories)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench_storage_git_") as folder:
        plain = Path(folder) / "repo"
        _git_import(plain, histories)
        aggressive = Path(folder) / "aggressive"
        shutil.copytree(plain, aggressive)
        for label, repo, extra in (
            ("git gc", plain, []),
            ("git gc --aggressive", aggressive, ["--aggressive"]),
        ):
            started = time.perf_counter()
            _git(repo, "gc", "--quiet", *extra)
            seconds = time.perf_counter() - started
            blob_bytes = _blob_bytes(repo)
            pack_bytes = sum(
                path.stat().st_size for path in (repo / ".git/objects/pack").glob("*.pack")
            )
            results[label] = {
                "bytes_per_version": blob_bytes / versions,
                "pack_bytes_per_version": pack_bytes / versions,
                "gc_seconds": seconds,
            }
    return results


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        input=stdin,
        check=True,
        capture_output=True,
        env=environment,
    ).stdout


def _git_import(repo: Path, histories: Sequence[History]) -> None:
    """One commit per version, captures committed round by round (as a tracker would)."""
    repo.mkdir()
    _git(repo, "init", "--quiet")
    stream = bytearray()
    mark = 0
    rounds = max(len(history.pages) for history in histories)
    for capture in range(rounds):
        for index, history in enumerate(histories):
            if capture >= len(history.pages):
                continue
            page = history.pages[capture]
            mark += 1
            stream += b"commit refs/heads/main\n"
            stream += f"committer bench <bench@example.org> {1_700_000_000 + mark} +0000\n".encode()
            message = f"{history.name} v{capture + 1}".encode()
            stream += b"data %d\n%s\n" % (len(message), message)
            stream += b"M 100644 inline articles/%d.html\n" % index
            stream += b"data %d\n%s\n" % (len(page), page)
    _git(repo, "fast-import", "--quiet", stdin=bytes(stream))
    # fast-import's pack deltifies only against the blob written just before (another
    # article here), and `git gc` reuses what a pack holds: unpack to loose objects, as
    # `git add` and `git commit` leave them, so that `git gc` looks for deltas itself.
    for pack in (repo / ".git/objects/pack").glob("*.pack"):
        moved = pack.with_name("imported.tmp")
        pack.rename(moved)
        pack.with_suffix(".idx").unlink()
        _git(repo, "unpack-objects", "-q", stdin=moved.read_bytes())
        moved.unlink()


def _blob_bytes(repo: Path) -> int:
    listing = _git(
        repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectsize:disk)"
    )
    return sum(
        int(size)
        for kind, size in (line.split() for line in listing.decode().splitlines())
        if kind == "blob"
    )


# --- per-source dictionaries (the alternative for first captures) ---------------------------


def first_capture_rows(root: Path) -> dict[str, Any]:
    """A first capture has no previous one: bytes per page of ``sites/`` (outlets with 4+
    pages), compressed alone, with a dictionary trained on the outlet's other pages (leave
    one out; zstd ``train_dictionary``, 110 KB), and against another article's page of the
    same outlet as raw content (what a cross-article base would give)."""
    entries = json.loads((root / "sites" / "expected.json").read_text(encoding="utf-8"))
    by_site: dict[str, list[bytes]] = {}
    for entry in entries:
        page = gzip.decompress((root / "sites" / entry["file"]).read_bytes())
        by_site.setdefault(entry["site"], []).append(page)
    alone = trained = neighbour = pages = 0
    for site_pages in by_site.values():
        if len(site_pages) < 4:
            continue
        for index, page in enumerate(site_pages):
            others = site_pages[:index] + site_pages[index + 1 :]
            dictionary = zstandard.train_dictionary(112_640, others * 3)
            alone += len(compress(page))
            trained += len(zstandard.ZstdCompressor(level=6, dict_data=dictionary).compress(page))
            neighbour += len(rawpages.encode(page, others[index - 1]))
            pages += 1
    return {
        "pages": pages,
        "zstd alone": alone / pages,
        "trained per-source dictionary": trained / pages,
        "another article of the outlet as base": neighbour / pages,
    }


# --- main -----------------------------------------------------------------------------------


def run(articles: int, captures: int, with_git: bool) -> dict[str, Any]:
    root = corpus_root()
    sets: dict[str, list[History]] = {
        "real pairs (2 captures)": real_pairs(root),
        f"generated ({captures} captures)": generated_histories(root, articles, captures),
    }
    results: dict[str, Any] = {}
    for label, histories in sets.items():
        pages = [page for history in histories for page in history.pages]
        rows: dict[str, Any] = {
            "raw": {"bytes_per_version": sum(map(len, pages)) / len(pages)},
            "zstd alone (before 0006)": measure_scheme(histories, store_alone),
            f"deltas (K={rawpages.KEYFRAME_EVERY}, chosen)": measure_scheme(
                histories, lambda p: store_chain(p, rawpages.KEYFRAME_EVERY)
            ),
            "deltas (K=8)": measure_scheme(histories, lambda p: store_chain(p, 8)),
            "deltas (K=16)": measure_scheme(histories, lambda p: store_chain(p, 16)),
            f"star deltas (K={rawpages.KEYFRAME_EVERY})": measure_scheme(
                histories, lambda p: store_star(p, rawpages.KEYFRAME_EVERY)
            ),
        }
        if with_git:
            rows.update(git_sizes(histories))
        results[label] = {"histories": len(histories), "versions": len(pages), "schemes": rows}
    results["first captures"] = first_capture_rows(root)
    return results


def print_table(results: dict[str, Any]) -> None:
    header = ("scheme", "bytes/version", "vs zstd", "read p50", "read p95", "write")
    for label, result in results.items():
        if label == "first captures":
            continue
        print(f"\n{label}: {result['histories']} histories, {result['versions']} versions")
        print("{:<30} {:>13} {:>8} {:>9} {:>9} {:>8}".format(*header))
        alone = result["schemes"]["zstd alone (before 0006)"]["bytes_per_version"]
        for name, row in result["schemes"].items():
            size = row["bytes_per_version"]
            line = f"{name:<30} {size:>13,.0f} {size / alone:>7.2f}x"
            if "read_ms_p50" in row:
                p50, p95, write = row["read_ms_p50"], row["read_ms_p95"], row["write_ms_mean"]
                line += f" {p50:>7.2f}ms {p95:>7.2f}ms {write:>6.2f}ms"
            elif "pack_bytes_per_version" in row:
                pack, seconds = row["pack_bytes_per_version"], row["gc_seconds"]
                line += f"   (whole pack {pack:,.0f} B/version; gc {seconds:.0f} s)"
            print(line)
    first = results["first captures"]
    print(f"\nfirst captures (no previous capture): {first['pages']} pages of sites/")
    for name, size in first.items():
        if name != "pages":
            print(f"{name:<40} {size:>10,.0f} B/page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100, help="generated histories (max)")
    parser.add_argument("--captures", type=int, default=10, help="captures per generated history")
    parser.add_argument("--no-git", action="store_true", help="skip the git repositories")
    args = parser.parse_args()
    root = corpus_root()
    if not (root / "versions" / "pairs.json").is_file():
        print(f"skipped: real-world corpus not found at {root} (set NEWSDIFFS_CORPUS)")
        return 0
    results = run(args.articles, args.captures, not args.no_git)
    print_table(results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "storage",
        "articles": args.articles,
        "captures": args.captures,
        "keyframe_every": rawpages.KEYFRAME_EVERY,
        "delta_level": rawpages.DELTA_LEVEL,
        "python": platform.python_version(),
        "results": results,
    }
    out = RESULTS if args.captures == 10 else RESULTS.with_name(f"storage_{args.captures}.json")
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
