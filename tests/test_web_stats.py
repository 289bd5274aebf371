"""Outlet statistics on the web: /stats, /sources/{name}/stats, their JSON twins and CSVs.

The numbers must be those of ``newsdiffs stats --format json`` for the same database; the
charts must be well-formed SVG with a title, a description and a table of their numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from web_seed import START, Seeded, record, seed

from newsdiffs.cli import cli
from newsdiffs.core.stats import StatsReport
from newsdiffs.models import ArticleStatus
from newsdiffs.usecases.sources import statistics_report
from newsdiffs.web import create_app
from newsdiffs.web.stats_cache import StatsCache
from newsdiffs.web.stats_pages import CSV_COLUMNS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def cli_json(seeded: Seeded, *args: str) -> Any:
    result = CliRunner().invoke(
        cli, ["--db", seeded.settings.db, "stats", *args, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def svgs(page_html: str) -> list[ET.Element]:
    """Every inline <svg> of a page, parsed on its own as XML (it must be well-formed)."""
    return [ET.fromstring(text) for text in re.findall(r"<svg\b.*?</svg>", page_html, re.S)]


def test_pages_answer_and_unknown_sources_are_404(client: TestClient) -> None:
    for path in ("/stats", "/sources/nytimes/stats", "/sources/hostile/stats"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    for path in (
        "/sources/nope/stats",
        "/sources/nope/stats.csv",
        "/api/v1/sources/nope/stats",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/sources/nope/stats").json()["status"] == 404


@pytest.mark.parametrize("path", ["/stats", "/sources/nytimes/stats"])
def test_charts_are_valid_labelled_svg_with_a_table_of_their_numbers(
    client: TestClient, path: str
) -> None:
    page = client.get(path).text
    charts = svgs(page)
    assert len(charts) >= 4
    tree = lxml_html.fromstring(page)
    for chart in charts:
        assert chart.tag == f"{SVG}svg"
        assert chart.get("role") == "img"
        assert chart.get("viewBox", "").startswith("0 0 400 ")
        assert chart.get("width") == "100%"
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and (title.text or "").strip()
        assert desc is not None and (desc.text or "").strip()
        ident = chart.get("id")
        assert chart.get("aria-labelledby") == f"{ident}-title {ident}-desc"
        # the text alternative: a table in the same figure, folded in <details>
        (figure,) = tree.xpath(f"//*[@id='{ident}']/ancestor::figure")
        assert figure.xpath(".//details/summary")
        assert figure.xpath(".//details//table/tbody/tr")


def test_the_day_chart_and_its_table_agree(seeded: Seeded, client: TestClient) -> None:
    tree = lxml_html.fromstring(client.get("/sources/nytimes/stats").text)
    rows = tree.xpath("//*[@id='chart-days']/ancestor::figure//tbody/tr")
    table = {row.xpath("string(th)"): [td.text_content() for td in row.xpath("td")] for row in rows}
    day1, day2 = START.date().isoformat(), (START + timedelta(days=1)).date().isoformat()
    # Kerry (2 versions) and "gone" (1) on day 1; "three" (3 versions, 2 edits) on day 2
    # versions, edits, stealth edits, headline edits: Kerry's one edit rewrote the headline
    assert table[day1] == ["3", "1", "1", "1"]
    assert table[day2][:2] == ["3", "2"]
    # one column part per non-zero count: day 1's stealth edit, day 2's two other edits
    (chart,) = [
        c for c in svgs(client.get("/sources/nytimes/stats").text) if c.get("id") == "chart-days"
    ]
    heights = [float(r.get("height", 0)) for r in chart.findall(f"{SVG}rect")[2:]]
    assert len(heights) == 2 and heights[1] == 150.0 and heights[0] == 75.0


def test_api_equals_the_cli_json(seeded: Seeded, client: TestClient) -> None:
    everything = client.get("/api/v1/stats").json()
    assert everything["outlets"] == cli_json(seeded)
    assert {row["source"] for row in everything["outlets"]} == {"nytimes", "hostile"}
    one = client.get("/api/v1/sources/nytimes/stats").json()
    assert one["outlets"] == cli_json(seeded, "--source", "nytimes")
    assert {day["source"] for day in one["days"]} == {"nytimes"}
    kinds = {k["kind"]: k["changes"] for k in one["breakdowns"][0]["kinds"]}
    assert kinds["headline"] == 3  # Kerry's and the budget vote's two
    assert [a["id"] for a in one["most_edited"]] == [seeded.three_id, seeded.kerry_id]
    assert one["most_edited"][0]["path"] == f"/articles/{seeded.three_id}"


def test_the_pages_show_the_cli_numbers(seeded: Seeded, client: TestClient) -> None:
    tree = lxml_html.fromstring(client.get("/stats").text)
    for outlet in cli_json(seeded):
        (row,) = tree.xpath(
            f"//table[@class='stats-outlets']//tr[@data-source='{outlet['source']}']"
        )

        def cell(field: str, row: Any = row) -> str:
            return str(row.xpath(f"string(td[@data-field='{field}'])")).strip()

        assert cell("articles") == f"{outlet['articles']:,}"
        assert cell("edits") == f"{outlet['edits']:,}"
        assert cell("share_edited") == f"{outlet['share_edited']:.0%}"
        assert cell("edits_per_article") == f"{outlet['edits_per_article']:.2f}"
        assert cell("stealth_edits").startswith(f"{outlet['stealth_edits']:,} (")
        assert cell("headline_change_rate") == f"{outlet['headline_change_rate']:.0%}"
    (nytimes,) = cli_json(seeded, "--source", "nytimes")
    page = lxml_html.fromstring(client.get("/sources/nytimes/stats").text)
    field = lambda name: str(page.xpath(f"string(//dd[@data-field='{name}'])"))  # noqa: E731
    assert field("articles") == f"{nytimes['articles']:,}"
    assert field("edits").startswith(f"{nytimes['edits']:,} (")
    assert field("stealth_edits").startswith(f"{nytimes['stealth_edits']:,} (")
    assert field("headline_changed_articles").startswith(
        f"{round(nytimes['headline_change_rate'] * nytimes['articles'])} articles"
    )
    hours = nytimes["median_seconds_to_first_edit"] / 3600
    assert field("median") == f"{hours:.1f} hours"


def test_csv_downloads_parse_and_match_the_json(client: TestClient) -> None:
    for path, api in (
        ("/stats.csv", "/api/v1/stats"),
        ("/sources/nytimes/stats.csv", "/api/v1/sources/nytimes/stats"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        days = client.get(api).json()["days"]
        assert [{key: str(value) for key, value in day.items()} for day in days] == rows
        assert rows and set(rows[0]) >= {"day", "source", "versions", "edits", "stealth_edits"}


def test_hidden_articles_are_never_listed(seeded: Seeded, client: TestClient) -> None:
    assert f"/articles/{seeded.three_id}" in client.get("/stats").text  # cached from now on
    seeded.store.set_status(seeded.three_id, ArticleStatus.HIDDEN.value)
    for path in ("/stats", "/sources/nytimes/stats"):
        page = client.get(path).text
        assert f"/articles/{seeded.three_id}" not in page
        assert "Budget vote" not in page
    listed = client.get("/api/v1/sources/nytimes/stats").json()["most_edited"]
    assert [a["id"] for a in listed] == [seeded.kerry_id]
    # computed afresh, the report leaves it out too, but still counts its edits
    fresh = statistics_report(seeded.store, "nytimes")
    assert seeded.three_id not in [a.article_id for a in fresh.most_edited]
    assert fresh.outlets[0].edits == 3


def test_hostile_text_is_escaped_in_charts_and_lists(seeded: Seeded, client: TestClient) -> None:
    page = client.get("/sources/hostile/stats").text
    assert "<script>" not in page
    assert "&lt;script&gt;" in page  # the hostile title, as text in the most-edited list
    for chart in svgs(page):
        assert not chart.findall(f".//{SVG}script")


def test_a_new_version_reaches_the_pages(seeded: Seeded, client: TestClient) -> None:
    before = client.get("/api/v1/sources/nytimes/stats").json()["outlets"][0]["edits"]
    record(
        seeded.store, seeded.kerry_id, START + timedelta(days=1, hours=9), "New title", ("Text.",)
    )
    cache: StatsCache = client.app.state.stats_cache  # type: ignore[attr-defined]
    cache.get()  # starts the refresh (the report cost almost nothing: stale at once)
    for _ in range(200):
        after = client.get("/api/v1/sources/nytimes/stats").json()["outlets"][0]["edits"]
        if after != before:
            break
        time.sleep(0.01)
    assert after == before + 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def report_counter() -> tuple[list[int], Any]:
    calls: list[int] = []

    def compute() -> StatsReport:
        calls.append(1)
        return StatsReport((), (), (), ())

    return calls, compute


def test_the_cache_computes_once_until_the_archive_changes() -> None:
    clock, fingerprint = FakeClock(), [1]
    calls, compute = report_counter()
    cache = StatsCache(compute, lambda: fingerprint[0], spacing=0, max_age=100, monotonic=clock)
    cache.get()
    clock.now = 50
    cache.get()
    assert len(calls) == 1  # unchanged archive: no recomputation
    clock.now = 150
    cache.get()
    _wait_for(lambda: len(calls) == 2)  # too old: refreshed (in the background)


def test_a_changed_archive_is_refreshed_no_sooner_than_spacing_allows() -> None:
    clock, fingerprint = FakeClock(), [1]
    calls, compute = report_counter()

    def slow() -> StatsReport:
        clock.now += 2.0  # the report "takes" 2 s
        return compute()

    cache = StatsCache(slow, lambda: fingerprint[0], spacing=20, monotonic=clock)
    cache.get()
    fingerprint[0] = 2
    clock.now += 39  # younger than 20 x 2 s
    cache.get()
    assert len(calls) == 1
    clock.now += 2
    cache.get()
    _wait_for(lambda: len(calls) == 2)


def _wait_for(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("condition never met")


def test_a_short_demo_run_gives_the_same_numbers_everywhere(tmp_path: Path) -> None:
    """The real tracker's archive: web = CLI = classifying every version from its text."""
    from newsdiffs import history
    from newsdiffs.settings import Settings
    from newsdiffs.storage import open_store

    db = str(tmp_path / "demo.db")
    result = CliRunner().invoke(cli, ["--db", db, "demo", "--for", "25", "--keep"])
    assert result.exit_code == 0, result.output
    cli_out = CliRunner().invoke(cli, ["--db", db, "stats", "--format", "json"])
    assert cli_out.exit_code == 0, cli_out.output
    store = open_store(db)
    try:
        client = TestClient(create_app(Settings(db=db), store))
        api = client.get("/api/v1/stats").json()
        assert api["outlets"] == json.loads(cli_out.output)
        (demo,) = api["outlets"]
        assert demo["edits"] >= 10 and demo["headline_tests"] >= 0
        rediffed = [outlet.to_json_dict() for outlet in history.outlet_statistics(store)]
        assert api["outlets"] == rediffed
        assert sum(day["edits"] for day in api["days"]) == demo["edits"]
        for path in ("/stats", f"/sources/{demo['source']}/stats", "/stats.csv"):
            assert client.get(path).status_code == 200
    finally:
        store.close()


def test_warming_computes_in_the_background_and_readers_wait_for_it() -> None:
    calls, compute = report_counter()
    cache = StatsCache(compute, lambda: 1)
    cache.warm()
    report = cache.get()  # waits for the warm-up instead of computing a second time
    assert report == StatsReport((), (), (), ())
    assert len(calls) == 1


def test_a_source_without_articles_has_empty_statistics(seeded: Seeded, client: TestClient) -> None:
    from newsdiffs.models import Source

    seeded.store.upsert_source(Source(name="quiet", home_url="https://quiet.example/"))
    page = client.get("/sources/quiet/stats")
    assert page.status_code == 200
    assert "No articles from this outlet yet." in page.text
    assert len(svgs(page.text)) == 4  # the charts still draw, saying there is no data
    api = client.get("/api/v1/sources/quiet/stats").json()
    assert api == {"outlets": [], "days": [], "breakdowns": [], "most_edited": []}
    assert api["outlets"] == cli_json(seeded, "--source", "quiet")
    assert client.get("/sources/quiet/stats.csv").text.strip() == ",".join(CSV_COLUMNS)


def test_chart_text_is_escaped_and_parses_back_unchanged() -> None:
    from newsdiffs.web.charts import Bar, Series, ShareRow, bar_chart, column_chart, share_bars

    nasty = "<script>\"&'</script>"
    charts = [
        bar_chart("c1", nasty, nasty, [Bar(nasty, 3, nasty)]),
        column_chart("c2", nasty, nasty, [nasty, "b"], [Series(nasty, [1.0, 2.0], "#000")]),
        share_bars("c3", nasty, nasty, [nasty, "b"], [ShareRow(nasty, (1, 1))]),
    ]
    for chart in charts:
        assert "<script>" not in chart
        root = ET.fromstring(str(chart))
        assert root.findtext(f"{SVG}title") == nasty
        assert root.findtext(f"{SVG}desc") == nasty
        assert any(nasty in (text.text or "") for text in root.iter(f"{SVG}text"))


def test_a_starting_server_warms_the_statistics(seeded: Seeded) -> None:
    """The app's startup starts the report in the background (uvicorn runs the lifespan;
    TestClient as a context manager does too)."""
    app = create_app(seeded.settings, seeded.store, seeded.clock)
    warmed: list[bool] = []
    cache = app.state.stats_cache
    original = cache.warm

    def spy() -> None:
        warmed.append(True)
        original()

    cache.warm = spy
    with TestClient(app) as client:
        assert warmed == [True]
        assert client.get("/stats").status_code == 200
