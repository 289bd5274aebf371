"""`newsdiffs demo`: the real tracker against the demo newsroom, scored by its truth."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from newsdiffs.cli import cli
from newsdiffs.settings import Settings
from newsdiffs.storage import open_store
from newsdiffs.web.app import create_app


def test_demo_finds_the_edits_and_only_the_edits(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    result = CliRunner().invoke(
        cli, ["--db", db, "demo", "--for", "25", "--keep", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) >= {"articles", "multi_version_articles", "versions", "precision", "recall"}
    assert summary["articles"] >= 20
    assert summary["multi_version_articles"] >= 10
    assert summary["versions"] >= summary["articles"] + 10
    assert summary["precision"] == 1.0
    assert summary["recall"] == 1.0
    # Alerts: a webhook rule for every edit, to the demo's local receiver.
    assert summary["alerts_expected"] == summary["versions"] - summary["articles"]
    assert summary["alerts_expected"] >= 10
    assert summary["alerts_delivered"] == summary["alerts_expected"]
    assert summary["alert_duplicates"] == 0
    # ... and the web over the kept database shows them: all sent, none pending or dead.
    store = open_store(db)
    try:
        counts = store.alert_counts()
        assert (counts["sent"], counts["pending"], counts["dead"]) == (
            summary["alerts_delivered"],
            0,
            0,
        )
        with TestClient(create_app(Settings(db=db), store)) as client:
            health = client.get("/healthz").json()
        assert (health["alerts_pending"], health["alerts_dead"]) == (0, 0)
    finally:
        store.close()
