"""Untrusted article text renders inert; headers are strict; write actions need the token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import ADMIN_TOKEN, Seeded, seed

from newsdiffs.web import create_app
from newsdiffs.web.deps.security import CONTENT_SECURITY_POLICY, bearer_token, token_matches
from newsdiffs.web.viewmodels import safe_href


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded) -> TestClient:
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def hostile_pages(seeded: Seeded) -> list[str]:
    versions = seeded.store.versions(seeded.hostile_id)
    return [
        f"/articles/{seeded.hostile_id}",
        f"/articles/{seeded.hostile_id}/diff/1/2",
        f"/articles/{seeded.hostile_id}/diff/1/2?view=inline",
        f"/versions/{versions[1].id}",
        "/",
        "/articles",
        "/sources",
        "/sources/hostile",
        "/search?q=alert",
        "/search?q=%3Cscript%3E",
    ]


class TagCollector(HTMLParser):
    """Every start tag and its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_hostile_text_renders_inert(client: TestClient, seeded: Seeded) -> None:
    for path in hostile_pages(seeded):
        page = client.get(path)
        assert page.status_code == 200, path
        parser = TagCollector()
        parser.feed(page.text)
        names = {tag for tag, _ in parser.tags}
        assert not names & {"script", "img", "iframe", "object", "embed", "style"}, path
        for tag, attrs in parser.tags:
            for name, value in attrs:
                assert not name.startswith("on"), (path, tag, name)
                if name in ("href", "src", "action"):
                    assert not (value or "").strip().lower().startswith("javascript:"), path
    article = client.get(f"/articles/{seeded.hostile_id}").text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Breaking" in article
    assert "Its original address is <code>javascript:alert(document.cookie)</code>" in article
    diff = client.get(f"/articles/{seeded.hostile_id}/diff/1/2").text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in diff


def test_hostile_text_in_feeds_and_api_is_data(client: TestClient, seeded: Seeded) -> None:
    feed = client.get(f"/articles/{seeded.hostile_id}/changes.atom").text
    assert "<script>" not in feed and "&lt;script&gt;" in feed
    data = client.get(f"/api/v1/articles/{seeded.hostile_id}/versions/2").json()
    assert data["paragraphs"][1] == "<script>alert('body')</script>"


def test_security_headers_everywhere(client: TestClient, seeded: Seeded) -> None:
    for path in (
        "/",
        f"/articles/{seeded.kerry_id}",
        "/api/v1/sources",
        "/feeds/changes.atom",
        "/static/site.css",
        "/nowhere",
        "/healthz",
    ):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    for part in (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ):
        assert part in CONTENT_SECURITY_POLICY


def test_no_inline_scripts_or_styles_in_templates() -> None:
    templates = Path(__file__).parent.parent / "src/newsdiffs/web/templates"
    for template in templates.glob("*.html"):
        text = template.read_text()
        assert "<script" not in text and "<style" not in text and " style=" not in text
        assert not re.search(r"\son[a-z]+=", text), template.name


def test_safe_href() -> None:
    assert safe_href("https://example.com/a") == "https://example.com/a"
    assert safe_href("HTTP://example.com/") == "HTTP://example.com/"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//x.com/",
        "/relative",
        "",
        None,
        "http://",
    ):
        assert safe_href(bad) is None, bad


def test_token_helpers() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None and bearer_token(None) is None
    assert token_matches("t", "t") and not token_matches("t", "u")
    assert not token_matches("", "") and not token_matches("", "anything")


def test_writes_need_the_token(client: TestClient, seeded: Seeded) -> None:
    url = "https://www.nytimes.com/2015/12/17/new.html"
    body = {"url": url, "source": "nytimes"}
    assert client.post("/api/v1/articles", json=body).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert client.post("/api/v1/articles", json=body, headers=wrong).status_code == 401
    assert client.post(f"/api/v1/articles/{seeded.kerry_id}/hide").status_code == 401
    assert client.delete("/api/v1/sources/nytimes").status_code == 401
    form = {"url": url, "source": "nytimes", "token": "nope"}
    assert client.post("/admin/track", data=form).status_code == 403
    assert seeded.store.find_article(url) is None
    assert seeded.store.get_source("nytimes") is not None


def test_no_token_configured_disables_writes(seeded: Seeded) -> None:
    from dataclasses import replace

    client = TestClient(create_app(replace(seeded.settings, admin_token=""), seeded.store))
    headers = {"Authorization": "Bearer "}
    assert client.delete("/api/v1/sources/nytimes", headers=headers).status_code == 401
    assert client.post(
        "/admin/sources/remove", data={"name": "nytimes", "token": ""}
    ).status_code in (403, 422)
    assert seeded.store.get_source("nytimes") is not None
    assert ADMIN_TOKEN  # the seeded token is not used here


def _assert_security_headers(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what


def test_every_error_page_carries_the_security_headers(seeded: Seeded) -> None:
    """404, 410, 400, 422, 405 and an unhandled exception's 500, as HTML and as JSON."""
    app = create_app(seeded.settings, seeded.store, seeded.clock)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    seeded.store.set_status(seeded.three_id, "hidden")
    for path, status in (
        ("/boom", 500),
        ("/api/v1/boom", 500),
        ("/nowhere", 404),
        ("/api/v1/articles/999", 404),
        (f"/articles/{seeded.three_id}", 410),
        ("/?day=yesterday", 400),
        ("/api/v1/changes?day=9999-12-31", 400),
        ("/articles/x", 422),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        _assert_security_headers(response, path)
    page = client.get("/boom")
    assert "Something went wrong" in page.text and "a bug" not in page.text
    assert client.get("/api/v1/boom").json()["status"] == 500
    _assert_security_headers(client.post("/sources"), "405")


@pytest.mark.parametrize(
    "path",
    [
        "/?day=9999-12-31",
        "/?day=0001-01-01",
        "/api/v1/changes?day=9999-12-31",
        "/api/v1/changes?day=0001-01-01",
        "/?day=99999-01-01",
        "/?page=99999999999999999999",
        "/api/v1/changes?page=-1",
    ],
)
def test_extreme_days_and_pages_are_client_errors(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)


def test_the_days_next_to_the_extremes_render(client: TestClient) -> None:
    for day in ("9999-12-30", "0001-01-02"):
        page = client.get(f"/?day={day}")
        assert page.status_code == 200, day
    assert client.get("/api/v1/changes?day=9999-12-30").json()["items"] == []


def _texts(client: TestClient, seeded: Seeded, host: str) -> list[tuple[str, str]]:
    paths = [
        "/",
        "/sources",
        f"/articles/{seeded.kerry_id}",
        "/feeds/changes.atom",
        "/feeds/changes.rss",
        "/sources/nytimes/changes.atom",
        f"/articles/{seeded.kerry_id}/changes.rss",
        "/search.atom?q=Kerry",
        "/api/v1/sources",
        "/nowhere",
    ]
    found = []
    for path in paths:
        response = client.get(path, headers={"Host": host})
        found.append((path, response.text))
    return found


def test_the_host_header_never_reaches_feeds_pages_or_redirects(seeded: Seeded) -> None:
    from dataclasses import replace

    settings = replace(seeded.settings, public_url="https://diffs.example.org/")
    client = TestClient(create_app(settings, seeded.store, seeded.clock), follow_redirects=False)
    for path, text in _texts(client, seeded, "evil.example"):
        assert "evil.example" not in text, path
    feed = client.get("/feeds/changes.atom", headers={"Host": "evil.example"}).text
    assert "<id>tag:diffs.example.org,2026:changes</id>" in feed
    assert 'href="https://diffs.example.org/articles/' in feed
    assert 'rel="self" type="application/atom+xml" href="https://diffs.example.org/feeds/' in feed
    page = client.get(f"/articles/{seeded.kerry_id}", headers={"Host": "evil.example"}).text
    assert f'rel="canonical" href="https://diffs.example.org/articles/{seeded.kerry_id}"' in page
    for path in ("/sources/", "/articles/", f"/articles/{seeded.kerry_id}/", "/api/v1/sources/"):
        redirect = client.get(path + "?page=1", headers={"Host": "evil.example"})
        assert redirect.status_code == 307, path
        location = redirect.headers["location"]
        assert location == "https://diffs.example.org" + path.rstrip("/") + "?page=1", path


def test_without_public_url_links_use_the_configured_host_and_port(
    client: TestClient, seeded: Seeded
) -> None:
    feed = client.get("/feeds/changes.atom", headers={"Host": "evil.example"}).text
    assert "evil.example" not in feed
    assert "http://127.0.0.1:8080/articles/" in feed
    redirect = client.get("/sources/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert redirect.headers["location"] == "http://127.0.0.1:8080/sources"
