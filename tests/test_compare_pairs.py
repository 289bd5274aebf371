"""Real captures of the same article: edits must make a new version, template changes not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from corpus import corpus_dir, corpus_path

from newsdiffs.compare import compare_pages


def _pairs() -> list[dict[str, Any]]:
    path = corpus_path() / "versions" / "pairs.json"
    if not path.exists():
        return []
    pairs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return pairs


def _read(folder: Path, name: str) -> bytes:
    return gzip.decompress((folder / name).read_bytes())


@pytest.mark.parametrize("pair", _pairs() or [None], ids=lambda p: p["pair"] if p else "no-corpus")
def test_pair_verdict_matches_ground_truth(pair: dict[str, Any] | None) -> None:
    folder = corpus_dir("versions")
    assert pair is not None, "pairs.json is missing from the corpus"
    result = compare_pages(_read(folder, pair["a"]), _read(folder, pair["b"]), pair["url"])
    expected_new = pair["expected"] == "edit"
    assert result.new_version is expected_new, (
        f"{pair['pair']} ({pair['expected']}: {pair['what_changed']}): got {result.reason!r}"
    )
    assert result.paragraphs_a > 0 and result.paragraphs_b > 0
    assert (result.a_hash != result.b_hash) is expected_new
    if expected_new:
        # Issue 4: every real edit is classified substantive.
        assert result.classification is not None
        assert result.classification["substantive"] is True
        assert result.classification["significance"] > 0
    else:
        # no-change and whitespace pairs yield no version at all (so no classification).
        assert result.classification is None


@pytest.mark.parametrize("pair", _pairs() or [None], ids=lambda p: p["pair"] if p else "no-corpus")
def test_compare_command_on_each_pair(pair: dict[str, Any] | None) -> None:
    """The `newsdiffs compare` command itself, on the gzipped corpus files."""
    from click.testing import CliRunner

    from newsdiffs.cli import cli

    folder = corpus_dir("versions")
    assert pair is not None
    files = [str(folder / pair["a"]), str(folder / pair["b"])]
    runner = CliRunner()
    as_json = runner.invoke(cli, ["compare", *files, "--url", pair["url"], "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    verdict = json.loads(as_json.output)
    assert verdict["new_version"] is (pair["expected"] == "edit")
    assert isinstance(verdict["reason"], str) and verdict["reason"]
    as_text = runner.invoke(cli, ["compare", *files, "--url", pair["url"]])
    expected_text = "new version" if pair["expected"] == "edit" else "no new version"
    assert as_text.output.startswith(expected_text + ":")
