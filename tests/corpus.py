"""Where the shared real-world corpus lives; tests skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def corpus_path() -> Path:
    """``$NEWSDIFFS_CORPUS``, else ``<repo>/../shared/corpus`` (it may not exist)."""
    return Path(os.environ.get("NEWSDIFFS_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


def corpus_dir(*parts: str) -> Path:
    """The corpus folder (or a sub-folder of it), or ``pytest.skip`` when it is absent."""
    path = corpus_path().joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real-world corpus not found at {path} "
            "(set NEWSDIFFS_CORPUS to the shared corpus folder to run this test)"
        )
    return path
