"""`newsdiffs demo`: the real tracker against the demo newsroom, scored by its truth."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsdiffs.cli import cli


def test_demo_finds_the_edits_and_only_the_edits() -> None:
    result = CliRunner().invoke(cli, ["demo", "--for", "25", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) >= {"articles", "multi_version_articles", "versions", "precision", "recall"}
    assert summary["articles"] >= 20
    assert summary["multi_version_articles"] >= 10
    assert summary["versions"] >= summary["articles"] + 10
    assert summary["precision"] == 1.0
    assert summary["recall"] == 1.0
