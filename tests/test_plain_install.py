"""`pip install .` as a new user does it: a clean venv, the pip Python bundles, no extras.

The dev venv upgrades pip and installs `.[dev]`, which hid a broken plain install: pip 23.2
(bundled with Python 3.11) does not match justext's `lxml[html_clean]` to lxml's `html-clean`
extra, so `newsdiffs extract` and the demo died with "lxml.html.clean module is now a
separate project". This test installs without extras into a fresh venv and runs both.

Versions come from constraints.txt, as for `make test`, so a release elsewhere cannot turn
CI red overnight; NEWSDIFFS_PLAIN_INSTALL_UNPINNED=1 installs the newest releases instead
(what a user gets today: run it before refreshing constraints.txt).
"""

from __future__ import annotations

import ensurepip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# Enough to build the sdist/wheel: no tests, benchmarks, caches or venvs.
_NOT_NEEDED = shutil.ignore_patterns(
    ".git", ".venv", ".ci", "tests", "benchmarks", "build", "dist", "newsdiffs-data",
    "__pycache__", "*.egg-info", ".mypy_cache", ".pytest_cache", ".ruff_cache", "*.db*",
)  # fmt: skip

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Council approves new bridge | Example News</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council approves new bridge</h1>
<p>The city council voted on Tuesday to approve a new pedestrian bridge across the river,
ending a debate that had lasted for more than three years.</p>
<p>Construction is expected to begin in the spring and to take about eighteen months,
according to the council's own planning documents.</p>
<p>Residents who opposed the plan said they would keep raising concerns about the cost,
which has grown from twelve to nineteen million.</p>
</article><footer>Copyright Example News</footer></body></html>
"""


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding `pip install .` (no extras) made by this Python's own bundled pip."""
    base = tmp_path_factory.mktemp("plain-install")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_NEEDED)
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], base, timeout=120)
    assert made.returncode == 0, made.stderr
    pip = [str(venv / "bin" / "python"), "-m", "pip"]

    version = _run([*pip, "--version"], base, timeout=60)
    assert version.stdout.split()[1] == ensurepip.version(), version.stdout

    pins = [] if os.environ.get("NEWSDIFFS_PLAIN_INSTALL_UNPINNED") == "1" else [
        "-c", str(ROOT / "constraints.txt")
    ]  # fmt: skip
    installed = _run([*pip, "install", "-q", *pins, str(source)], base, timeout=600)
    if installed.returncode != 0:
        # Failed with nothing cached: skip only if no index answers at all (never in CI).
        index = _run([*pip, "index", "versions", "setuptools"], base, timeout=300)
        if index.returncode != 0 and not os.environ.get("CI"):
            pytest.skip("no package index reachable and no cached wheels: cannot pip install")
        pytest.fail(f"pip install . failed:\n{installed.stderr[-4000:]}")
    return venv


def test_plain_install_extracts_a_page(plain_venv: Path, tmp_path: Path) -> None:
    page = tmp_path / "bridge.html"
    page.write_text(PAGE, encoding="utf-8")
    result = _run(
        [
            str(plain_venv / "bin" / "newsdiffs"),
            "extract",
            str(page),
            "--url",
            "https://example.com/news/bridge",
            "--format",
            "jsonl",
        ],
        tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    extracted = json.loads(result.stdout)
    assert extracted["title"] == "Council approves new bridge"
    assert len(extracted["paragraphs"]) == 3
    assert extracted["paragraphs"][0].startswith("The city council voted on Tuesday")


def test_plain_install_runs_the_demo(plain_venv: Path, tmp_path: Path) -> None:
    result = _run(
        [str(plain_venv / "bin" / "newsdiffs"), "demo", "--for", "10", "--format", "json"],
        tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["articles"] >= 1
    assert summary["versions"] > summary["articles"], "no edit recorded in 10 s"
    assert summary["precision"] == 1.0
