"""The JSON API shares the pages' data path; its OpenAPI document describes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_seed import KERRY_V1, KERRY_V1_TITLE, KERRY_V2_TITLE, Seeded, seed

from newsdiffs.web import create_app


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("api"))
    yield data
    data.store.close()


@pytest.fixture(scope="module")
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def test_sources(client: TestClient) -> None:
    sources = {s["name"]: s for s in client.get("/api/v1/sources").json()}
    assert sources["nytimes"]["articles"] == 3 and sources["nytimes"]["versions"] == 6
    assert sources["hostile"]["home_url"] is None  # javascript: is never offered as a link
    assert client.get("/api/v1/sources/nytimes").json()["title"] == "The New York Times"
    assert client.get("/api/v1/sources/nope").status_code == 404


def test_article_and_versions(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/api/v1/articles/{seeded.kerry_id}").json()
    assert data["article"]["changes"] == 1 and data["article"]["version_count"] == 2
    assert [v["title"] for v in data["versions"]] == [KERRY_V1_TITLE, KERRY_V2_TITLE]
    change = data["versions"][1]["change"]
    assert change["later"] == "about 7 hours later" and change["headline_changed"] is True
    assert "headline" in change["kinds"]
    version = client.get(f"/api/v1/articles/{seeded.kerry_id}/versions/1").json()
    assert version["paragraphs"] == list(KERRY_V1) and version["change"] is None
    same = client.get(f"/api/v1/versions/{version['id']}").json()
    assert same == version


def test_diff(client: TestClient, seeded: Seeded) -> None:
    data = client.get(f"/api/v1/articles/{seeded.kerry_id}/diff/1/2").json()
    assert data["seconds_between"] == 7 * 3600
    assert data["diff"]["title"]["kind"] == "change"
    kinds = [p["kind"] for p in data["diff"]["paragraphs"]]
    assert kinds[0] == "equal" and "change" in kinds
    assert data["classification"]["substantive"] is True


def test_changes_search_lookup(client: TestClient, seeded: Seeded) -> None:
    changes = client.get("/api/v1/changes", params={"day": "2015-12-16"}).json()
    assert [item["change"]["number"] for item in changes["items"]] == [3, 2]
    assert client.get("/api/v1/changes", params={"day": "nope"}).status_code == 400
    hits = client.get("/api/v1/search", params={"q": "title:syrian"}).json()["hits"]
    assert len(hits) == 1 and hits[0]["version_number"] == 1 and "[[" in hits[0]["snippet"]
    found = client.get(
        "/api/v1/lookup",
        params={"url": "http://nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html"},
    ).json()
    assert found["found"] is True and found["article"]["id"] == seeded.kerry_id
    missing = client.get("/api/v1/lookup", params={"url": "https://example.com/"}).json()
    assert missing == {"found": False, "article": None}
    assert client.get("/api/v1/lookup", params={"url": "mailto:x"}).status_code == 400


def test_pages_and_api_agree(client: TestClient, seeded: Seeded) -> None:
    api = client.get(f"/api/v1/articles/{seeded.three_id}").json()
    page = client.get(f"/articles/{seeded.three_id}").text
    for version in api["versions"][1:]:
        assert version["change"]["later"] in page
        size = (
            f"+{version['change']['words_inserted']} / −{version['change']['words_deleted']} words"
        )
        assert size in page


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/sources",
        "/api/v1/articles/{article_id}",
        "/api/v1/search",
        "/api/v1/lookup",
        "/api/v1/articles/{article_id}/diff/{a}/{b}",
        "/api/v1/versions/{version_id}",
        "/api/v1/changes",
    ):
        assert "get" in paths[path], path
    assert "post" in paths["/api/v1/articles"]
