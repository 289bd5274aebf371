"""``newsdiffs export``: every format opens in its own ecosystem's tool, exports are
deterministic, filters pick versions, hidden articles never leave, bad input is one line."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from web_seed import KERRY_V2_TITLE, START, Seeded, seed

from newsdiffs.cli import cli, main
from newsdiffs.export import gitrepo
from newsdiffs.models import ArticleStatus
from newsdiffs.storage import SqlStore

# The NewsEdits dataset's published tables (isi-nlp/NewsEdits: the notebooks and Spark
# scripts read these columns), field by field.
NEWSEDITS_COLUMNS = {
    "entryversion": [
        "id",
        "entry_id",
        "version",
        "title",
        "created",
        "url",
        "source",
        "num_versions",
        "summary",
    ],
    "split_sentences": ["entry_id", "version", "sent_idx", "sentence"],
    "matched_sentences": [
        "entry_id",
        "version_x",
        "version_y",
        "sent_idx_x",
        "sent_idx_y",
        "avg_sentence_distance_x",
        "avg_sentence_distance_y",
    ],
}


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    return seed(tmp_path)


def _export(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, "export", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _all_versions(store: SqlStore) -> int:
    return store.totals().versions


def _digest(path: Path) -> str:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    files = sorted(p for p in path.rglob("*") if p.is_file() and ".git" not in p.parts)
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_jsonl_has_one_line_per_version_with_its_change(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    _export(seeded.settings.db, "jsonl", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == _all_versions(seeded.store)
    kerry = [line for line in lines if line["article_id"] == seeded.kerry_id]
    assert [line["number"] for line in kerry] == [1, 2]
    first, second = kerry
    assert first["classification"] is None and first["word_diff"] is None
    assert second["title"] == KERRY_V2_TITLE and "headline" in second["kinds"]
    assert second["previous_number"] == 1
    title_spans = second["word_diff"]["title"]["spans"]
    assert {"op": "insert", "text": "Syria Talks"} in title_spans
    assert all(op["kind"] != "equal" for op in second["word_diff"]["paragraphs"])
    ops = {op["op"] for op in second["classification"]["operations"]}
    assert ops <= {"addition", "deletion", "edit", "refactor"} and ops


def test_filters_pick_versions(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "headlines.jsonl"
    _export(seeded.settings.db, "jsonl", str(out), "--kind", "headline")
    picked = [json.loads(line) for line in out.read_text().splitlines()]
    assert picked and all("headline" in line["kinds"] for line in picked)
    late = tmp_path / "late.jsonl"
    since = (START + timedelta(days=1)).isoformat()
    _export(seeded.settings.db, "jsonl", str(late), "--since", since, "--source", "nytimes")
    rows = [json.loads(line) for line in late.read_text().splitlines()]
    assert {row["article_id"] for row in rows} == {seeded.three_id}
    assert all(row["captured_at"] >= since for row in rows)
    signif = tmp_path / "sig.jsonl"
    _export(seeded.settings.db, "jsonl", str(signif), "--min-significance", "0.0001")
    assert all(json.loads(x)["significance"] > 0 for x in signif.read_text().splitlines())


def test_hidden_articles_are_never_exported(seeded: Seeded, tmp_path: Path) -> None:
    seeded.store.set_status(seeded.kerry_id, ArticleStatus.HIDDEN.value)
    for fmt, name in (("jsonl", "x.jsonl"), ("warc", "x.warc.gz"), ("newsedits", "x.db")):
        _export(seeded.settings.db, fmt, str(tmp_path / name))
    assert "kerry" not in (tmp_path / "x.jsonl").read_text()
    assert b"kerry" not in gzip.decompress((tmp_path / "x.warc.gz").read_bytes())
    with sqlite3.connect(tmp_path / "x.db") as db:
        urls = [row[0] for row in db.execute("SELECT url FROM entryversion")]
    assert urls and not any("kerry" in url for url in urls)


@pytest.mark.parametrize(
    "fmt,name",
    [("jsonl", "a.jsonl"), ("newsedits", "a.db"), ("parquet", "pq"), ("warc", "a.warc.gz")],
)
def test_exports_are_deterministic(seeded: Seeded, tmp_path: Path, fmt: str, name: str) -> None:
    first, second = tmp_path / "one" / name, tmp_path / "two" / name
    first.parent.mkdir()
    second.parent.mkdir()
    _export(seeded.settings.db, fmt, str(first))
    _export(seeded.settings.db, fmt, str(second))
    assert _digest(first) == _digest(second)


def test_newsedits_matches_the_published_schema(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "newsedits.db"
    _export(seeded.settings.db, "newsedits", str(out))
    with sqlite3.connect(out) as db:
        for table, columns in NEWSEDITS_COLUMNS.items():
            found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            assert found == columns, table
        versions = db.execute(
            "SELECT version, num_versions, summary FROM entryversion WHERE entry_id = ? "
            "ORDER BY version",
            (seeded.kerry_id,),
        ).fetchall()
        assert [v[0] for v in versions] == [0, 1]  # 0-based, as NewsEdits numbers them
        assert all(v[1] == 2 and v[2].startswith("<p>MOSCOW") for v in versions)
        # Every sentence of both versions appears exactly once on its side of the matching.
        sentences = {
            version: {
                i
                for (i,) in db.execute(
                    "SELECT sent_idx FROM split_sentences WHERE entry_id = ? AND version = ?",
                    (seeded.kerry_id, version),
                )
            }
            for version in (0, 1)
        }
        matched = db.execute(
            "SELECT sent_idx_x, sent_idx_y, avg_sentence_distance_x FROM matched_sentences "
            "WHERE entry_id = ? AND version_x = 0 AND version_y = 1",
            (seeded.kerry_id,),
        ).fetchall()
    xs = [x for x, _, _ in matched if x is not None]
    ys = [y for _, y, _ in matched if y is not None]
    assert sorted(xs) == sorted(sentences[0]) and sorted(ys) == sorted(sentences[1])
    edited = [d for x, y, d in matched if x is not None and y is not None and d]
    assert edited and all(0 < d < 1 for d in edited)  # "He met …" was edited, not replaced
    added = [y for x, y, _ in matched if x is None]
    assert added  # "Talks in New York …" was added


def test_parquet_opens_in_pyarrow(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    _export(seeded.settings.db, "parquet", str(out))
    versions = pq.read_table(out / "versions.parquet")
    assert versions.num_rows == _all_versions(seeded.store)
    assert pq.read_table(out / "articles.parquet").num_rows == 4
    changes = pq.read_table(out / "sentence_changes.parquet").to_pylist()
    assert {c["op"] for c in changes} <= {"addition", "deletion", "edit", "refactor"}
    assert any(c["article_id"] == seeded.kerry_id for c in changes)
    row = [r for r in versions.to_pylist() if r["article_id"] == seeded.kerry_id][1]
    assert row["captured_at"] == START + timedelta(hours=7) and "headline" in row["kinds"]


def test_warc_opens_in_warcio_with_pages_dated_at_capture(seeded: Seeded, tmp_path: Path) -> None:
    out = tmp_path / "archive.warc.gz"
    _export(seeded.settings.db, "warc", str(out))
    with out.open("rb") as stream:
        records = [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("WARC-Date"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream)
        ]
    assert records[0][0] == "warcinfo"
    responses = [r for r in records if r[0] == "response"]
    assert len(responses) == _all_versions(seeded.store)
    dates = [r[2] for r in responses]
    assert dates == sorted(dates)  # capture order
    kerry = seeded.store.versions(seeded.kerry_id)
    page = [r for r in responses if r[1] == seeded.store.get_article(seeded.kerry_id).url]
    assert [r[3] for r in page] == [seeded.store.raw_html(v.id) for v in kerry]
    assert page[1][2].startswith((START + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S"))
    # warcio's own indexer reads it.
    index = subprocess.run(
        [str(Path(__import__("sys").executable).with_name("warcio")), "index", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert index.count('"response"') == len(responses)


def test_git_history_has_a_commit_per_version_dated_at_capture(
    seeded: Seeded, tmp_path: Path
) -> None:
    out = tmp_path / "repo"
    _export(seeded.settings.db, "git", str(out))
    log = subprocess.run(
        ["git", "log", "--reverse", "--format=%at %s"],
        cwd=out,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert len(log) == _all_versions(seeded.store)
    stamps = [int(line.split()[0]) for line in log]
    assert stamps == sorted(stamps) and stamps[0] == int(START.timestamp())
    folder = str(seeded.kerry_id // 1000)  # folders of at most 1,000 articles
    text = (out / "nytimes" / folder / f"{seeded.kerry_id}.txt").read_text()
    assert text.startswith(KERRY_V2_TITLE)
    again = tmp_path / "again"
    _export(seeded.settings.db, "git", str(again))
    heads = [
        subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=d, capture_output=True, text=True, check=True
        ).stdout
        for d in (out, again)
    ]
    assert heads[0] == heads[1]  # the same database gives the same commits


def test_git_history_split_over_several_imports_is_the_same_history(
    seeded: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each git fast-import process takes a bounded number of commits (its memory grows
    with them); the next continues the branch: the same commits, hashes and files."""
    whole = tmp_path / "whole"
    _export(seeded.settings.db, "git", str(whole))
    versions = _all_versions(seeded.store)
    assert versions >= 5
    imports: list[int] = []
    fast_import = gitrepo._fast_import

    def counted(*args: Any, **kwargs: Any) -> int:
        imports.append(commits := fast_import(*args, **kwargs))
        return commits

    monkeypatch.setattr(gitrepo, "_fast_import", counted)
    for size in (2, versions):  # several imports; exactly one full import and an empty one
        monkeypatch.setattr(gitrepo, "COMMITS_PER_IMPORT", size)
        imports.clear()
        split = tmp_path / f"split-{size}"
        _export(seeded.settings.db, "git", str(split))
        heads, counts = [], []
        for repo in (whole, split):
            heads.append(_git(repo, "rev-parse", "HEAD"))
            counts.append(_git(repo, "rev-list", "--count", "HEAD"))
        assert heads[0] == heads[1] and counts == [str(versions)] * 2
        assert _digest(split) == _digest(whole)
        full, rest = divmod(versions, size)
        assert imports == [size] * full + [rest]  # the last import takes what is left


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_jsonl_streams_to_stdout(seeded: Seeded) -> None:
    result = CliRunner().invoke(cli, ["--db", seeded.settings.db, "export", "jsonl", "-"])
    assert result.exit_code == 0
    lines = [line for line in io.StringIO(result.stdout) if line.startswith("{")]
    assert len(lines) == _all_versions(seeded.store)


def test_bad_input_is_one_line_and_nothing_is_overwritten(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "exists.jsonl"
    existing.write_text("keep me")
    for args in (
        ["jsonl", str(existing)],
        ["jsonl", str(tmp_path / "x.jsonl"), "--since", "yesterday"],
        ["parquet", "-"],
    ):
        with pytest.raises(SystemExit) as exited:
            main(["--db", seeded.settings.db, "export", *args])
        err = capsys.readouterr().err
        assert exited.value.code == 1, err
        assert "Traceback" not in err and err.startswith("newsdiffs:") and err.count("\n") == 1
    assert existing.read_text() == "keep me"
    assert not (tmp_path / "x.jsonl").exists()
