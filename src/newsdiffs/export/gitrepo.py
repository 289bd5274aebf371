"""``git``: one repository, a file per article, a commit per version dated at its capture.

This is NewsDiffs' own storage, for people who browse history with ``git log -p``. Commits
are in capture order on one branch (``main``); each writes
``<source>/<article id // 1000>/<article id>.txt`` (the headline, byline and URL, then the
paragraphs): article 12345 of bbc is ``bbc/12/12345.txt``. The thousands make folders of
at most 1,000 files. With one folder per source, every commit rewrote its source's whole
folder listing, which grows with the articles: 100,000 versions took 63 s, and 1,000,000
(20,000 articles a folder) had not finished after 16 minutes of ``git fast-import``.

Built by streaming a ``git fast-import`` script: no working tree, no per-commit process.
The same database gives the same commit hashes: authors and dates come from the data,
never from the clock.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import IO

from newsdiffs.errors import InputError
from newsdiffs.models import Article, Version

AUTHOR = b"newsdiffs <newsdiffs@localhost>"
FOLDER_SIZE = 1000  # articles per folder: ids 12000-12999 live in <source>/12/
COMMITS_PER_IMPORT = 20_000
# git maps its packs into memory up to 8 GiB by default, and keeps 96 MiB of delta bases:
# the final checkout of 100,000 articles reached 1,055 MB resident, 142 MB with these.
DELTA_CACHE = ("-c", "core.deltaBaseCacheLimit=8m")
CHECKOUT_BOUNDS = (
    *("-c", "core.packedGitLimit=32m"),
    *("-c", "core.packedGitWindowSize=8m"),
    *DELTA_CACHE,
)
# fast-import reads back the folders it changes from the packs written before it: windows
# of 8 MiB made it map and unmap all the time (half its time in the kernel)
IMPORT_BOUNDS = (
    *("-c", "core.packedGitLimit=128m"),
    *("-c", "core.packedGitWindowSize=32m"),
    *DELTA_CACHE,
)


def article_path(article: Article) -> str:
    return f"{article.source}/{article.id // FOLDER_SIZE}/{article.id}.txt"


def article_text(article: Article, version: Version) -> str:
    lines = [version.title]
    if version.byline:
        lines.append(version.byline)
    lines.append(article.url)
    return "\n".join(lines) + "\n\n" + "\n\n".join(version.paragraphs) + "\n"


def commit_message(article: Article, version: Version) -> str:
    kinds = ", ".join(version.change_kinds)
    head = f"{article.source}: {version.title} (version {version.number})"
    return head + (f"\n\nChanged: {kinds}\n" if kinds else "\n") + f"\n{article.url}\n"


def _data(out: IO[bytes], payload: bytes) -> None:
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


def fast_import_stream(
    versions: Iterable[tuple[Article, Version]], out: IO[bytes], continues: bool = False
) -> int:
    """Write the fast-import script committing each version in turn; return commits.
    ``continues``: the branch already exists (an earlier import), its first commit follows
    the branch's head."""
    commits = 0
    for article, version in versions:
        when = b"%d +0000" % int(version.captured_at.timestamp())
        out.write(b"commit refs/heads/main\n")
        out.write(b"author " + AUTHOR + b" " + when + b"\n")
        out.write(b"committer " + AUTHOR + b" " + when + b"\n")
        _data(out, commit_message(article, version).encode())
        if continues and not commits:
            out.write(b"from refs/heads/main^0\n")
        out.write(b"M 100644 inline " + article_path(article).encode() + b"\n")
        _data(out, article_text(article, version).encode())
        commits += 1
    out.write(b"done\n")
    return commits


def write_git(versions: Iterable[tuple[Article, Version]], directory: Path) -> int:
    """Create a bare-free repository at ``directory`` holding the history; return commits.

    One ``git fast-import`` process takes at most :data:`COMMITS_PER_IMPORT` commits: it
    keeps an entry for every object it wrote until it ends, so the next commits go to a
    new process that continues the branch. At 100,000 commits a process, fast-import
    reached 110 MB at 1,000,000 versions (50 MB at 100,000); at 20,000, 33 MB (21 MB)
    (benchmarks/bench_export.py: the whole export, 109.5 MB anonymous against 97.6 MB).
    What still grows is its tree of the branch, about 0.13 KB an article file, and the
    index of the final checkout (0.2 KB a file): any working tree of that many files has
    one. Exporting 1,000,000 versions took 482 s rather than 424 s."""
    git = shutil.which("git")
    if git is None:
        raise InputError("the git export needs the git command, which is not installed")
    if directory.exists() and any(directory.iterdir()):
        raise InputError(f"{directory} is not empty: the git export creates a new repository")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [git, "init", "-q", "-b", "main", str(directory)], check=True, capture_output=True
    )
    remaining = iter(versions)
    total = 0
    while True:
        chunk = islice(remaining, COMMITS_PER_IMPORT)
        commits = _fast_import(git, directory, chunk, continues=total > 0)
        total += commits
        if commits < COMMITS_PER_IMPORT:
            break
    if total:
        subprocess.run(
            [git, *CHECKOUT_BOUNDS, "checkout", "-q", "main"],
            cwd=directory,
            check=True,
            capture_output=True,
        )
    return total


def _fast_import(
    git: str, directory: Path, versions: Iterable[tuple[Article, Version]], continues: bool
) -> int:
    process = subprocess.Popen(
        [git, *IMPORT_BOUNDS, "fast-import", "--quiet", "--done"],
        cwd=directory,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    try:
        commits = fast_import_stream(versions, process.stdin, continues)
        process.stdin.close()
    except BrokenPipeError:
        commits = 0
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.wait() != 0:
        raise InputError(f"git fast-import failed: {error.strip()[:500]}")
    return commits
