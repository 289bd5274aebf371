"""Admin actions with the token: sources, tracking, hiding (then 410 everywhere)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import ADMIN_TOKEN, Seeded, seed

from newsdiffs.models import ArticleStatus
from newsdiffs.web import create_app

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def test_hidden_article_answers_410_everywhere(client: TestClient, seeded: Seeded) -> None:
    article = seeded.kerry_id
    versions = seeded.store.versions(article)
    assert client.post(f"/api/v1/articles/{article}/hide", headers=AUTH).status_code == 204
    assert seeded.store.get_article(article).status is ArticleStatus.HIDDEN
    for path in (
        f"/articles/{article}",
        f"/articles/{article}/diff/1/2",
        f"/articles/{article}/versions/1",
        f"/versions/{versions[0].id}",
        f"/versions/{versions[1].id}",
        f"/articles/{article}/changes.atom",
        f"/articles/{article}/changes.rss",
        f"/api/v1/articles/{article}",
        f"/api/v1/articles/{article}/versions/2",
        f"/api/v1/articles/{article}/diff/1/2",
        f"/api/v1/versions/{versions[0].id}",
    ):
        response = client.get(path)
        assert response.status_code == 410, path
        assert "Kerry" not in response.text, path
    assert client.get(f"/api/v1/articles/{article}").json()["status"] == 410
    # gone from listings, search, lookup and feeds too
    for path in ("/", "/articles", "/search?q=kerry", "/feeds/changes.atom", "/api/v1/changes"):
        assert "Kerry" not in client.get(path).text, path
    lookup = client.get(
        "/lookup",
        params={"url": "https://www.nytimes.com/2015/12/16/world/europe/in-russia-john-kerry.html"},
    )
    assert lookup.status_code == 404


def test_hide_with_the_form(client: TestClient, seeded: Seeded) -> None:
    page = client.post("/admin/hide", data={"article_id": seeded.three_id, "token": ADMIN_TOKEN})
    assert page.status_code == 200 and "410" in page.text
    assert client.get(f"/articles/{seeded.three_id}").status_code == 410


def test_track_a_url_via_api_and_form(client: TestClient, seeded: Seeded) -> None:
    body = {"url": "https://www.nytimes.com/2015/12/17/new.html?utm_source=x", "source": "nytimes"}
    created = client.post("/api/v1/articles", json=body, headers=AUTH)
    assert created.status_code == 201
    assert created.json()["url"] == "https://www.nytimes.com/2015/12/17/new.html"
    again = client.post("/api/v1/articles", json=body, headers=AUTH)
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    bad = client.post(
        "/api/v1/articles", json={"url": "ftp://x", "source": "nytimes"}, headers=AUTH
    )
    assert bad.status_code == 400
    unknown = client.post("/api/v1/articles", json={**body, "source": "nope"}, headers=AUTH)
    assert unknown.status_code == 400
    form = {
        "url": "https://www.nytimes.com/2015/12/18/other.html",
        "source": "nytimes",
        "token": ADMIN_TOKEN,
    }
    response = client.post("/admin/track", data=form, follow_redirects=False)
    assert response.status_code == 303
    tracked = seeded.store.find_article("https://www.nytimes.com/2015/12/18/other.html")
    assert tracked is not None and response.headers["location"] == f"/articles/{tracked.id}"


def test_add_and_remove_sources(client: TestClient, seeded: Seeded) -> None:
    body = {
        "name": "guardian",
        "home_url": "https://www.theguardian.com/",
        "title": "The Guardian",
        "feed_url": "https://www.theguardian.com/world/rss",
    }
    added = client.post("/api/v1/sources", json=body, headers=AUTH)
    assert added.status_code == 201 and added.json()["title"] == "The Guardian"
    source = seeded.store.get_source("guardian")
    assert source is not None and source.endpoints[0].url.endswith("/world/rss")
    bad = client.post("/api/v1/sources", json={**body, "home_url": "javascript:x"}, headers=AUTH)
    assert bad.status_code == 400
    assert client.delete("/api/v1/sources/guardian", headers=AUTH).status_code == 204
    assert seeded.store.get_source("guardian") is None
    assert client.delete("/api/v1/sources/guardian", headers=AUTH).status_code == 404
    form = {"name": "bbc", "home_url": "https://www.bbc.co.uk/news", "token": ADMIN_TOKEN}
    assert "saved" in client.post("/admin/sources", data=form).text
    removed = client.post("/admin/sources/remove", data={"name": "bbc", "token": ADMIN_TOKEN})
    assert removed.status_code == 200 and seeded.store.get_source("bbc") is None


def test_admin_page_has_forms_without_scripts(client: TestClient) -> None:
    html = client.get("/admin").text
    assert html.count("<form") == 6  # five admin forms plus the search box
    assert 'name="token"' in html and "<script" not in html
