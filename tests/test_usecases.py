"""One use-case layer for the CLI and the web admin: one rule each, one JSON shape each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from web_seed import ADMIN_TOKEN, Seeded, seed

from newsdiffs import usecases
from newsdiffs.cli import cli
from newsdiffs.errors import ConfigError, InputError, NotFoundError
from newsdiffs.models import ArticleStatus
from newsdiffs.opml import parse_opml
from newsdiffs.sources_file import parse_sources
from newsdiffs.web import create_app

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
KERRY_URL = "https://www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html"
GOOD_NAMES = ["bbc", "bbc.co.uk", "le_monde-2", "9news", "x" * 64]
BAD_NAMES = ["a/b", "news/world", "Guardian", "-dash", ".dot", "x" * 65, "a b", "é"]


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    # The system clock, as the CLI uses: status sentences ("1 day ago") must agree.
    return TestClient(create_app(seeded.settings, seeded.store))


def run_cli(seeded: Seeded, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--db", seeded.settings.db, *args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def cli_json(seeded: Seeded, *args: str) -> Any:
    return json.loads(run_cli(seeded, *args, "--format", "json").output)


# --- one rule for a source name --------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_a_good_name_is_good_everywhere(seeded: Seeded, client: TestClient, name: str) -> None:
    home = "https://news.example.org/"
    run_cli(seeded, "sources", "add", name, home, "--feed", home + "rss")
    assert seeded.store.get_source(name) is not None
    body = {"name": name, "home_url": home}
    assert client.post("/api/v1/sources", json=body, headers=AUTH).status_code == 201
    toml = f'[[source]]\nname = "{name}"\nhome_url = "{home}"\n'
    assert parse_sources(toml)[0].name == name
    assert client.get(f"/sources/{name}").status_code == 200
    assert client.get(f"/sources/{name}/changes.atom").status_code == 200


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_name_is_refused_everywhere(seeded: Seeded, client: TestClient, name: str) -> None:
    """Before: the CLI stored "a/b", whose pages then all answered 404."""
    home = "https://news.example.org/"
    result = CliRunner().invoke(
        cli,
        ["--db", seeded.settings.db, "sources", "add", "--feed", home + "rss", "--", name, home],
    )
    assert isinstance(result.exception, InputError), name
    assert "a source name is" in str(result.exception)
    body = {"name": name, "home_url": home}
    refused = client.post("/api/v1/sources", json=body, headers=AUTH)
    assert refused.status_code in (400, 422), name
    with pytest.raises(ConfigError, match="a source name is"):
        parse_sources(f'[[source]]\nname = "{name}"\nhome_url = "{home}"\n')
    checked = CliRunner().invoke(
        cli, ["--db", seeded.settings.db, "check", f"--source={name}", "https://news.example.org/1"]
    )
    assert isinstance(checked.exception, InputError), name
    assert seeded.store.get_source(name) is None


def test_opml_names_keep_to_the_rule() -> None:
    long_label = "a" * 80
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="Long" xmlUrl="https://www.{long_label}.com/rss"/>'
        '<outline text="Odd" xmlUrl="https://_odd_.example.net/rss"/>'
        '<outline text="Clash 1" xmlUrl="https://news.example.com/rss"/>'
        '<outline text="Clash 2" xmlUrl="https://news.example.org/rss"/>'
        "</body></opml>"
    ).encode()
    sources = parse_opml(opml)
    assert len(sources) == 4
    for source in sources:
        assert usecases.source_name_problem(source.name) is None, source.name
        assert usecases.source_problems(source) == []
    assert len({source.name for source in sources}) == 4


def test_import_checks_every_source_before_storing_any(seeded: Seeded, tmp_path: Path) -> None:
    from newsdiffs.models import Source

    good = Source(name="good", home_url="https://good.example/")
    bad = Source(name="bad", home_url="ftp://bad.example/")
    with pytest.raises(InputError, match="home page"):
        usecases.import_sources(seeded.store, [good, bad])
    assert seeded.store.get_source("good") is None


# --- the other actions -----------------------------------------------------------------------


def test_track_url_one_rule(seeded: Seeded) -> None:
    now = seeded.clock.now()
    with pytest.raises(InputError):
        usecases.track_url(seeded.store, "ftp://x.example/1", "nytimes", now, "newssniffer")
    with pytest.raises(InputError, match="no source called"):
        usecases.track_url(seeded.store, "https://x.example/1", "nope", now, "newssniffer")
    article, created = usecases.track_url(
        seeded.store,
        "https://x.example/1?utm_source=a",
        "adhoc",
        now,
        "newssniffer",
        create_source=True,
    )
    assert created and article.url == "https://x.example/1"
    again, created = usecases.track_url(
        seeded.store, "https://x.example/1", "adhoc", now, "newssniffer"
    )
    assert not created and again.id == article.id


def test_hide_and_unhide_from_the_cli_and_the_api(seeded: Seeded, client: TestClient) -> None:
    run_cli(seeded, "hide", KERRY_URL)
    assert client.get(f"/articles/{seeded.kerry_id}").status_code == 410
    run_cli(seeded, "unhide", KERRY_URL)
    assert client.get(f"/articles/{seeded.kerry_id}").status_code == 200
    path = f"/api/v1/articles/{seeded.kerry_id}"
    assert client.post(path + "/hide", headers=AUTH).status_code == 204
    assert client.get(path).status_code == 410
    assert client.post(path + "/unhide", headers=AUTH).status_code == 204
    assert seeded.store.get_article(seeded.kerry_id).status is ArticleStatus.ACTIVE
    assert client.post(path + "/unhide", headers=AUTH).status_code == 400  # not hidden
    form = {"article_id": str(seeded.kerry_id), "token": ADMIN_TOKEN}
    assert client.post("/admin/hide", data=form).status_code == 200
    assert "shown again" in client.post("/admin/unhide", data=form).text


def test_pick_versions(seeded: Seeded) -> None:
    three = seeded.store.get_article(seeded.three_id)
    pick = usecases.pick_versions
    assert [v.number for v in pick(seeded.store, three)] == [2, 3]
    assert [v.number for v in pick(seeded.store, three, 1)] == [1, 2]
    assert [v.number for v in pick(seeded.store, three, 3, 1)] == [3, 1]
    for a, b in ((2, 2), (3, None), (1, 9), (0, 1)):
        with pytest.raises(NotFoundError):
            pick(seeded.store, three, a, b)
    gone = seeded.store.get_article(seeded.gone_id)
    with pytest.raises(NotFoundError, match="nothing to compare"):
        pick(seeded.store, gone)


# --- the CLI's JSON is the API's JSON ----------------------------------------------------


def test_sources_json_equals_the_api(seeded: Seeded, client: TestClient) -> None:
    listed = cli_json(seeded, "sources", "list")
    assert listed == client.get("/api/v1/sources").json()
    nytimes = next(row for row in listed if row["name"] == "nytimes")
    assert nytimes["endpoints"][0]["url"] == "https://rss.nytimes.com/world.xml"


def test_history_json_equals_the_api(seeded: Seeded, client: TestClient) -> None:
    history = cli_json(seeded, "history", KERRY_URL)
    assert history == client.get(f"/api/v1/articles/{seeded.kerry_id}").json()
    assert [v["number"] for v in history["versions"]] == [1, 2]


def test_diff_json_equals_the_api(seeded: Seeded, client: TestClient) -> None:
    three_url = "https://www.nytimes.com/2015/12/16/three.html"
    assert (
        cli_json(seeded, "diff", three_url)
        == client.get(f"/api/v1/articles/{seeded.three_id}/diff/2/3").json()
    )
    assert (
        cli_json(seeded, "diff", three_url, "1", "3")
        == client.get(f"/api/v1/articles/{seeded.three_id}/diff/1/3").json()
    )


def test_stats_json_equals_the_api(seeded: Seeded, client: TestClient) -> None:
    everything = cli_json(seeded, "stats")
    assert everything == client.get("/api/v1/stats").json()["outlets"]
    assert {row["source"] for row in everything} >= {"nytimes"}
    one = cli_json(seeded, "stats", "--source", "nytimes")
    assert one == client.get("/api/v1/stats", params={"source": "nytimes"}).json()["outlets"]
    assert client.get("/api/v1/stats", params={"source": "nope"}).status_code == 404
