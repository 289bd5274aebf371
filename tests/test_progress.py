"""Progress of long CLI work: plain lines on stderr when it is not a terminal (logs, CI).

``demo``, ``crawl --once`` and ``reextract`` each end a task with a line that says how
many of what it did; a long task also says how far along it is and the time left.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from web_seed import seed

from newsdiffs import cli_progress
from newsdiffs.cli import cli
from newsdiffs.clock import ManualClock
from newsdiffs.demo import DemoNewsroom
from newsdiffs.sources_file import dump_sources

ANSI = re.compile(r"\x1b\[")


def test_plain_lines_count_and_say_the_time_left(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_progress, "PLAIN_EVERY_S", 0.0)  # a line at every step
    with cli_progress.progress() as bar:
        bar.begin("checking articles", 4, "checks")
        bar.advance(1)
        bar.advance(3)
        bar.end()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("checking articles: 1/4 checks, about ")
    assert lines[0].endswith("s left")
    assert lines[1] == "checking articles: 4/4 checks"
    assert re.fullmatch(r"checking articles: 4 checks in \d+\.\ds", lines[2])


def test_silent_progress_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with cli_progress.progress(shown=False) as bar:
        bar.begin("anything", 2)
        bar.advance(2)
        bar.end()
    assert capsys.readouterr().err == ""


def test_crawl_once_shows_polls_and_checks(tmp_path: Path) -> None:
    env = {
        "NEWSDIFFS_ALLOW_PRIVATE_ADDRESSES": "true",
        "NEWSDIFFS_PER_HOST_DELAY_S": "0",
        "NEWSDIFFS_DB": str(tmp_path / "crawl.db"),
    }
    runner = CliRunner(env=env)
    clock = ManualClock(datetime(2026, 1, 5, 6, 0, tzinfo=UTC))
    with DemoNewsroom(clock, n_articles=6) as room:
        room.start()
        sources_file = tmp_path / "demo.toml"
        sources_file.write_text(dump_sources([room.source()]))
        assert runner.invoke(cli, ["sources", "import", str(sources_file)]).exit_code == 0
        crawled = runner.invoke(cli, ["crawl", "--once"])
    assert crawled.exit_code == 0, crawled.output
    summary = re.search(r"(\d+) checks", crawled.stdout)
    assert summary is not None, crawled.stdout
    checks = int(summary[1])
    assert checks >= 1
    assert not ANSI.search(crawled.stderr)
    assert re.search(r"^polling sources: \d+ endpoints in ", crawled.stderr, re.MULTILINE)
    assert re.search(rf"^checking articles: {checks} checks in ", crawled.stderr, re.MULTILINE)


def test_reextract_counts_versions(tmp_path: Path) -> None:
    seeded = seed(tmp_path)
    versions = seeded.store.totals().versions
    seeded.store.close()
    result = CliRunner().invoke(cli, ["--db", seeded.settings.db, "reextract"])
    assert result.exit_code == 0, result.output
    assert f"re-extracted {versions} versions" in result.stdout
    assert not ANSI.search(result.stderr)
    assert re.search(rf"^re-extracting: {versions} versions in ", result.stderr, re.MULTILINE)


def test_demo_shows_simulated_time(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "d.db"), "demo", "--for", "5", "--articles", "5"]
    )
    assert result.exit_code == 0, result.output
    minutes = 5 * 3000 // 60
    assert not ANSI.search(result.stderr)
    assert re.search(
        rf"^demo: simulated time: {minutes:,} simulated minutes in ", result.stderr, re.MULTILINE
    )
    assert "demo finished after" in result.stdout
    as_json = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "j.db"), "demo", "--for", "5", "--format", "json"]
    )
    assert as_json.exit_code == 0 and as_json.stderr == ""  # JSON output stays clean
