"""newsdiffs.core does no I/O: importing all of it must not load network, database or web code."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import newsdiffs.core

FORBIDDEN = (
    "httpx", "httpcore", "requests", "urllib3", "aiohttp", "h11", "anyio",
    "sqlalchemy", "alembic", "sqlite3", "psycopg", "psycopg2",
    "fastapi", "starlette", "uvicorn", "jinja2", "click", "rich", "celery", "redis",
    "lxml", "trafilatura", "feedparser", "htmldate", "courlan", "protego", "zstandard",
    "socket", "ssl", "asyncio", "selectors", "http.client", "urllib.request",
)  # fmt: skip

_PROBE = """
import importlib, json, pkgutil, sys
import newsdiffs.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "newsdiffs.core.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


def _core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(newsdiffs.core.__path__, "newsdiffs.core.")]


def test_core_imports_nothing_with_io() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["imported"]) == set(_core_modules())
    assert {"newsdiffs.core.normalize", "newsdiffs.core.urls", "newsdiffs.core.schedule"} <= set(
        report["imported"]
    )
    loaded = set(report["loaded"])
    offenders = sorted(
        name for name in loaded if name in FORBIDDEN or name.split(".")[0] in FORBIDDEN
    )
    assert offenders == [], f"newsdiffs.core pulled in I/O modules: {offenders}"


def test_core_readme_says_no_io() -> None:
    readme = newsdiffs.core.__path__[0] + "/README.md"
    with open(readme, encoding="utf-8") as handle:
        assert "no I/O" in handle.read()
