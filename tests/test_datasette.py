"""The archive in Datasette: a real Datasette on the demo database runs every canned query;
tables with article text and arbitrary SQL are closed unless the archive is opened."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from web_seed import seed

from newsdiffs.cli import cli
from newsdiffs.datasette import QUERIES
from newsdiffs.models import ArticleStatus

pytest.importorskip("datasette")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short demo run's archive (the README's make demo, on a fast clock)."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "newsdiffs", "--db", str(db), "demo", "--for", "8", "--keep"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return db


def _serve(db: Path, *flags: str) -> Iterator[str]:
    port = _free_port()
    meta = db.with_suffix(".meta.json")
    runner = CliRunner().invoke(
        cli, ["--db", str(db), "datasette", "--metadata-out", str(meta), *flags]
    )
    assert runner.exit_code == 0, runner.output
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(db),
            "--metadata",
            str(meta),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/-/versions.json", timeout=1.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_canned_query_runs_on_the_demo_archive(demo_db: Path) -> None:
    for base in _serve(demo_db):
        rows_by_query = {}
        for name in QUERIES:
            params = {"article_id": "1"} if ":article_id" in QUERIES[name]["sql"] else {}
            answer = httpx.get(f"{base}/demo/{name}.json", params={**params, "_shape": "objects"})
            assert answer.status_code == 200, (name, answer.text[:300])
            body = answer.json()
            assert "rows" in body and not body.get("error"), (name, body)
            rows_by_query[name] = body["rows"]
        # The demo newsroom edits headlines and articles: the queries find them.
        assert rows_by_query["most_edited_articles"]
        assert rows_by_query["article_versions"]
        assert rows_by_query["time_to_first_edit_by_outlet"][0]["edited_articles"] > 0
        described = httpx.get(f"{base}/-/metadata.json").json()
        assert described["databases"]["demo"]["tables"]["versions"]["columns"]["captured_at"]


def test_hidden_articles_stay_hidden(tmp_path: Path) -> None:
    seeded = seed(tmp_path)
    seeded.store.set_status(seeded.kerry_id, ArticleStatus.HIDDEN.value)
    db = Path(seeded.settings.db)
    for base in _serve(db):
        assert httpx.get(f"{base}/web/versions.json").status_code == 403
        assert httpx.get(f"{base}/web.json", params={"sql": "select 1"}).status_code in (400, 403)
        most = httpx.get(f"{base}/web/most_edited_articles.json", params={"_shape": "objects"})
        urls = [row["url"] for row in most.json()["rows"]]
        assert urls and not any("kerry" in url for url in urls)
    for base in _serve(db, "--open"):
        opened = httpx.get(f"{base}/web/versions.json")
        assert opened.status_code == 200


def test_a_postgresql_archive_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            "postgresql+psycopg://u@127.0.0.1:1/x",
            "datasette",
            "--metadata-out",
            str(tmp_path / "m.json"),
        ],
    )
    assert result.exit_code != 0
    assert "SQLite archive file" in str(result.exception)
    assert not (tmp_path / "m.json").exists()
