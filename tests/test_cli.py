"""The command line: help with examples everywhere, one-line errors, the main commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsdiffs.cli import cli

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    command = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    if not isinstance(command, click.Group):
        assert "Example:" in result.output, f"{' '.join(path)} --help has no example"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdiffs", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = run(
        "--db", str(tmp_path / "x.db"), "history", "https://example.com/nope", cwd=tmp_path
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "not tracking" in result.stderr

    missing = run("extract", str(tmp_path / "missing.html"), cwd=tmp_path)
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert "cannot read" in missing.stderr

    bad_db = run("--db", "/proc/definitely/not/here.db", "sources", "list", cwd=tmp_path)
    assert bad_db.returncode == 1
    assert "Traceback" not in bad_db.stderr


def test_init_sources_and_opml_import(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "init"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["--db", db, "sources", "list", "--format", "json"])
    names = {s["name"] for s in json.loads(listed.output)}
    assert {"bbc", "guardian", "nytimes"} <= names
    assert len(names) >= 19

    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="Example" title="Example News" type="rss" '
        'xmlUrl="https://news.example.org/rss.xml" htmlUrl="https://news.example.org/"/>'
        "</body></opml>"
    )
    imported = runner.invoke(cli, ["--db", db, "sources", "import", str(opml)])
    assert imported.exit_code == 0, imported.output
    assert "imported 1 sources" in imported.output
    removed = runner.invoke(cli, ["--db", db, "sources", "remove", "guardian"])
    assert removed.exit_code == 0
    again = runner.invoke(cli, ["--db", db, "sources", "list", "--format", "json"])
    assert "guardian" not in {s["name"] for s in json.loads(again.output)}


def test_extract_jsonl_keeps_input_order(tmp_path: Path) -> None:
    files = []
    for n in range(3):
        path = tmp_path / f"p{n}.html"
        path.write_text(
            f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
            f"<p>This is the opening paragraph of story number {n}, long enough to count.</p>"
            f"<p>And a second paragraph for story {n} with more words in it.</p>"
            "</article></body></html>"
        )
        files.append(str(path))
    result = CliRunner().invoke(cli, ["extract", *files, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["file"] for r in rows] == files
    assert [r["title"] for r in rows] == ["Story 0", "Story 1", "Story 2"]
    assert set(rows[0]) >= {
        "file",
        "url",
        "title",
        "byline",
        "published",
        "updated",
        "paragraphs",
        "extractor",
    }
    assert any("opening paragraph of story number 1" in p for p in rows[1]["paragraphs"])


def test_crawl_check_history_and_diff_against_the_demo_newsroom(tmp_path: Path) -> None:
    """The tracking commands end to end, against the demo newsroom on loopback."""
    from datetime import UTC, datetime

    from newsdiffs.clock import ManualClock
    from newsdiffs.demo import DemoNewsroom
    from newsdiffs.sources_file import dump_sources

    clock = ManualClock(datetime(2026, 1, 5, 6, 0, tzinfo=UTC))
    env = {
        "NEWSDIFFS_ALLOW_PRIVATE_ADDRESSES": "true",
        "NEWSDIFFS_PER_HOST_DELAY_S": "0",
        "NEWSDIFFS_DB": str(tmp_path / "cli.db"),
    }
    runner = CliRunner(env=env)
    with DemoNewsroom(clock, n_articles=8) as room:
        room.start()
        sources_file = tmp_path / "demo.toml"
        sources_file.write_text(dump_sources([room.source()]))
        imported = runner.invoke(cli, ["sources", "import", str(sources_file)])
        assert imported.exit_code == 0, imported.output
        crawled = runner.invoke(cli, ["crawl", "--once"])
        assert crawled.exit_code == 0, crawled.output
        assert "new articles" in crawled.output
        url = room.article_urls()[5]
        clock.advance(48 * 3600)  # past every edit of the story
        checked = runner.invoke(cli, ["check", url])
        assert checked.exit_code == 0, checked.output
        assert checked.output.split(":")[0] in {"new_version", "unchanged", "first_version"}
        as_json = runner.invoke(cli, ["check", url, "--format", "json"])
        assert as_json.exit_code == 0, as_json.output
        check_result = json.loads(as_json.output)
        from newsdiffs.models import CheckOutcome

        assert check_result["outcome"] in {outcome.value for outcome in CheckOutcome}
        shown = runner.invoke(cli, ["history", url, "--format", "json"])
        assert shown.exit_code == 0, shown.output
        history = json.loads(shown.output)
        assert history["article"]["url"] == url
        # the check's article is the API's article (history is the API's article page)
        assert check_result["article"]["id"] == history["article"]["id"]
        assert check_result["article"].keys() == history["article"].keys()
        assert len(history["versions"]) >= 1
        listed = runner.invoke(cli, ["sources", "list"])
        assert "demo" in listed.output
