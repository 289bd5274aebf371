"""``newsdiffs import warc``: histories from web-archive captures, through the tracker's own
check. Round trips with the WARC export, the corpus' real pairs, resumability, skips."""

from __future__ import annotations

import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from corpus import corpus_dir, corpus_path
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdiffs.cli import cli, main
from newsdiffs.models import ArticleStatus
from newsdiffs.storage import open_store

WHEN = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f'<p class="byline">By A. Writer</p>{body}</article></body></html>'
    ).encode()


STORY = [
    "The council voted on Tuesday to approve the new budget after a long debate in the chamber.",
    "Members argued for three hours over spending on roads, schools and the town's libraries.",
    "The final vote was seven to four, with two members abstaining from the decision entirely.",
    "The mayor said the budget would protect services while keeping council tax rises low.",
]


def _write_warc(path: Path, records: list[dict[str, Any]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for spec in records:
            head = StatusAndHeaders(
                spec.get("status", "200 OK"),
                [("Content-Type", spec.get("type", "text/html; charset=utf-8"))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                spec["url"],
                spec.get("kind", "response"),
                payload=io.BytesIO(spec["body"]),
                http_headers=head,
                warc_headers_dict={"WARC-Date": spec["at"].strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)


def _import(db: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db, "import", "warc", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _hashes(db: str) -> dict[str, list[str]]:
    store = open_store(db)
    try:
        found: dict[str, list[str]] = {}
        for article in store.list_articles(limit=1000):
            found[article.url] = [v.content_hash for v in store.versions(article.id)]
        return found
    finally:
        store.close()


def test_export_then_import_gives_the_same_versions(tmp_path: Path) -> None:
    """Captures imported, exported as WARC, imported again: the same versions, hashes equal."""
    source = tmp_path / "source.db"
    pages = [
        ("https://news.example/2026/budget", WHEN, _page("Budget approved", STORY)),
        (
            "https://news.example/2026/budget",
            WHEN + timedelta(hours=2),
            _page("Budget approved after late vote", [*STORY[:3], "The mayor welcomed it."]),
        ),
        (
            "https://news.example/2026/budget",
            WHEN + timedelta(hours=5),
            _page("Budget approved after late vote", [*STORY[:3], "The mayor welcomed it."]),
        ),
        ("https://news.example/2026/roads", WHEN + timedelta(hours=1), _page("Roads", STORY[1:])),
    ]
    first = tmp_path / "first.warc.gz"
    _write_warc(first, [{"url": u, "at": at, "body": body} for u, at, body in pages])
    out = _import(str(source), str(first))
    assert "3 versions" in out
    exported = tmp_path / "exported.warc.gz"
    CliRunner().invoke(cli, ["--db", str(source), "export", "warc", str(exported)])
    again = tmp_path / "again.db"
    _import(str(again), str(exported))
    before, after = _hashes(str(source)), _hashes(str(again))
    assert before == after
    assert [len(v) for v in before.values()] == [2, 1] or sorted(map(len, before.values())) == [
        1,
        2,
    ]


def test_reimporting_adds_nothing_and_articles_are_retired(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    _write_warc(
        warc,
        [
            {"url": "https://news.example/a", "at": WHEN, "body": _page("A", STORY)},
            {
                "url": "https://news.example/a",
                "at": WHEN + timedelta(hours=1),
                "body": _page("A changed", STORY),
            },
        ],
    )
    db = str(tmp_path / "x.db")
    _import(db, str(warc))
    second = _import(db, str(warc))
    assert "0 replayed" in second and "already imported: 2" in second
    store = open_store(db)
    try:
        (article,) = store.list_articles(limit=10)
        assert article.status is ArticleStatus.RETIRED  # history, not a page to fetch live
        assert article.source == "news.example"
        assert len(store.versions(article.id)) == 2
        assert [v.captured_at for v in store.versions(article.id)] == [
            WHEN,
            WHEN + timedelta(hours=1),
        ]
    finally:
        store.close()


def test_non_pages_are_skipped_and_counted(tmp_path: Path) -> None:
    warc = tmp_path / "mixed.warc.gz"
    _write_warc(
        warc,
        [
            {"url": "https://news.example/a", "at": WHEN, "body": _page("A", STORY)},
            {
                "url": "https://news.example/logo.png",
                "at": WHEN,
                "body": b"\x89PNG",
                "type": "image/png",
            },
            {
                "url": "https://news.example/missing",
                "at": WHEN,
                "body": b"nope",
                "status": "404 Not Found",
            },
            {
                "url": "https://news.example/a",
                "at": WHEN + timedelta(hours=1),
                "body": _page("A", STORY),
            },
        ],
    )
    out = _import(str(tmp_path / "x.db"), str(warc), "--source", "example")
    assert "skipped, not HTML: 1" in out and "skipped, HTTP 404: 1" in out
    assert "first_version: 1" in out


def test_a_bad_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"this is not a WARC file at all\r\n\r\n"))
    for args in ([str(bad)], [str(tmp_path / "missing.warc")], [str(bad), "--source", "A/B"]):
        with pytest.raises(SystemExit) as exited:
            main(["--db", str(tmp_path / "x.db"), "import", "warc", *args])
        err = capsys.readouterr().err
        assert exited.value.code == 1 and err.startswith("newsdiffs:") and "Traceback" not in err


def _loose_date(text: str) -> datetime:
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)


def _pairs() -> list[dict[str, Any]]:
    path = corpus_path() / "versions" / "pairs.json"
    return json.loads(path.read_text()) if path.exists() else []


@pytest.mark.parametrize("pair", _pairs() or [None], ids=lambda p: p["pair"] if p else "no-corpus")
def test_real_pairs_imported_follow_their_ground_truth(
    pair: dict[str, Any] | None, tmp_path: Path
) -> None:
    """Each pair in a WARC of its own (two pairs share an article): an edit gives two
    versions, a template-only or whitespace change one."""
    folder = corpus_dir("versions")
    assert pair is not None, "pairs.json lists no pairs"
    records = []
    for offset, side in enumerate(("a", "b")):
        # Capture dates are given as loosely as "2009" or "2015-04": b is always later.
        day = _loose_date(pair[f"{side}_captured"]) + timedelta(hours=offset)
        body = gzip.decompress((folder / pair[side]).read_bytes())
        records.append({"url": pair["url"], "at": day, "body": body})
    warc = tmp_path / "pair.warc.gz"
    _write_warc(warc, records)
    db = str(tmp_path / "pair.db")
    _import(db, str(warc))
    (versions,) = _hashes(db).values()
    expected = 2 if pair["expected"] == "edit" else 1
    assert len(versions) == expected, (pair["expected"], pair["what_changed"])


def _arc_record(url: str, when: datetime, body: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    return f"{url} 127.0.0.1 {when:%Y%m%d%H%M%S} text/html {len(http)}\n".encode() + http + b"\n"


def test_arc_files_are_read_too(tmp_path: Path) -> None:
    """The older ARC format (Internet Archive crawls before WARC), written by hand here."""
    version = b"1 0 newsdiffs\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = f"filedesc://crawl.arc 0.0.0.0 {WHEN:%Y%m%d%H%M%S} text/plain {len(version)}\n"
    later = WHEN + timedelta(hours=2)
    records = [
        arc.encode() + version + b"\n",
        _arc_record("https://news.example/arc", WHEN, _page("Budget approved", STORY)),
        _arc_record("https://news.example/arc", later, _page("Budget approved late", STORY)),
    ]
    path = tmp_path / "crawl.arc.gz"
    path.write_bytes(b"".join(gzip.compress(record) for record in records))  # a member each
    db = str(tmp_path / "arc.db")
    out = _import(db, str(path))
    assert "2 replayed" in out and "new_version: 1" in out
    (versions,) = _hashes(db).values()
    assert len(versions) == 2
