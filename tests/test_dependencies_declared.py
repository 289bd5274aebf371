"""Every distribution we import is declared in pyproject.toml, and a plain install gets it.

Two ways a plain `pip install .` breaks while the dev venv works:
- we import a module that only arrives through someone else's dependency (httpcore via
  httpx, pydantic via fastapi...): their next release may drop it;
- a dependency asks for an extra by a spelling that old pip does not match (justext wants
  `lxml[html_clean]`, lxml provides `html-clean`; pip 23.2, bundled with Python 3.11,
  warns and installs lxml without it), so the extra's packages are missing at run time.
"""

from __future__ import annotations

import ast
import functools
import sys
import tomllib
from collections.abc import Iterator, Mapping
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

# Declared on purpose though src/ never imports them, each for a stated reason.
DECLARED_WITHOUT_IMPORT = {
    "sniffio": "httpcore probes for it on every request; missing, that costs ~0.5 ms each",
    "lxml-html-clean": "justext imports it; old pip misses justext's lxml[html_clean]",
    "python-multipart": "FastAPI parses the admin's form posts with it",
    "httptools": "uvicorn parses HTTP with it when installed (h11, in Python, cost more CPU)",
    "uvloop": "uvicorn runs its event loop on it when installed (not on Windows)",
}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(text).name) for text in requirements}


RUNTIME = _names(PYPROJECT["dependencies"])
EXTRAS = {name: _names(reqs) for name, reqs in PYPROJECT["optional-dependencies"].items()}
ALL_DECLARED = RUNTIME.union(*EXTRAS.values())
OURS = frozenset({"newsdiffs"})


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    """Top-level module -> the installed distributions that provide it."""
    return metadata.packages_distributions()


def _optional_import_nodes(tree: ast.AST) -> set[int]:
    """Imports inside `try: ... except ImportError`: used only when present."""
    optional: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = {
            name.id
            for handler in node.handlers
            for name in ast.walk(handler.type or ast.Pass())
            if isinstance(name, ast.Name)
        }
        if caught & {"ImportError", "ModuleNotFoundError"}:
            optional |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return optional


@functools.cache
def _third_party_imports(folder: Path, local: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(top-level module, where) for every non-stdlib, non-local import under folder."""
    return tuple(_scan_imports(folder, local))


def _scan_imports(folder: Path, local: frozenset[str]) -> Iterator[tuple[str, str]]:
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        optional = _optional_import_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    yield top, f"{path.relative_to(ROOT)}:{node.lineno}"


def _undeclared(folder: Path, declared: set[str], local: frozenset[str]) -> list[str]:
    providers = _providers()
    problems = []
    for module, where in _third_party_imports(folder, local):
        distributions = {canonicalize_name(name) for name in providers.get(module, [])}
        if not distributions:
            problems.append(f"{where}: {module} is not installed")
        elif not distributions & declared:
            problems.append(f"{where}: {module} comes from {sorted(distributions)}, undeclared")
    return sorted(set(problems))


def _local_modules(*folders: Path) -> frozenset[str]:
    """Modules and packages (``tests/fakes/``) that live beside the tests themselves."""
    modules = {path.stem for folder in folders for path in folder.glob("*.py")}
    packages = {path.parent.name for folder in folders for path in folder.glob("*/__init__.py")}
    return frozenset(modules | packages | OURS)


def test_every_import_in_src_is_a_declared_runtime_dependency() -> None:
    assert _undeclared(ROOT / "src", RUNTIME, OURS) == []


def test_every_import_in_tests_and_benchmarks_is_declared() -> None:
    local = _local_modules(ROOT / "tests", ROOT / "benchmarks")
    problems = _undeclared(ROOT / "tests", ALL_DECLARED, local)
    problems += _undeclared(ROOT / "benchmarks", ALL_DECLARED, local)
    assert problems == []


def test_every_runtime_dependency_is_imported_or_has_a_reason() -> None:
    providers = _providers()
    imported = {
        canonicalize_name(distribution)
        for module, _ in _third_party_imports(ROOT / "src", OURS)
        for distribution in providers.get(module, [])
    }
    assert RUNTIME - imported == set(DECLARED_WITHOUT_IMPORT)


def _active_requirements(distribution: str, extras: frozenset[str]) -> Iterator[Requirement]:
    for text in metadata.requires(distribution) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras | {""}):
            yield requirement


def _extras_old_pip_misses() -> Iterator[tuple[str, Requirement]]:
    """(who asks, requirement) for each extra whose spelling the target does not provide.

    pip before PEP 685 support matches an extra's name as written (lower-cased) against the
    target's Provides-Extra, so `html_clean` misses `html-clean`.
    """
    start = [Requirement(text) for text in PYPROJECT["dependencies"]]
    start += [Requirement(text) for text in PYPROJECT["optional-dependencies"]["postgres"]]
    queue = [("newsdiffs", requirement) for requirement in start]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        asker, requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        extras = frozenset(extra.lower() for extra in requirement.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            provided = metadata.metadata(name).get_all("Provides-Extra") or []
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} (required by {asker}) is not installed in this venv")
        if extras - {extra.lower() for extra in provided}:
            yield asker, requirement
        queue += [(name, inner) for inner in _active_requirements(name, extras)]


def test_extras_old_pip_cannot_resolve_are_declared_directly() -> None:
    missing = []
    for asker, requirement in _extras_old_pip_misses():
        target = canonicalize_name(requirement.name)
        without = {str(inner) for inner in _active_requirements(target, frozenset())}
        for extra in requirement.extras:
            for inner in _active_requirements(target, frozenset({extra})):
                if str(inner) not in without and canonicalize_name(inner.name) not in RUNTIME:
                    missing.append(f"{asker} wants {requirement}: declare {inner.name}")
    assert missing == []
