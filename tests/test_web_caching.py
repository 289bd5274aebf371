"""HTTP caching: validators on pages, feeds and the API, 304s, Cache-Control, HEAD."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_seed import ADMIN_TOKEN, KERRY_V2, Seeded, record, seed

from newsdiffs.web import caching, create_app
from newsdiffs.web.caching import HTML_SLOT_S, matches, policy_for

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Seeded]:
    data = seed(tmp_path)
    yield data
    data.store.close()


@pytest.fixture
def client(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(caching, "SITE_STAMP_TTL_S", 0.0)  # every write shows at once
    return TestClient(create_app(seeded.settings, seeded.store, seeded.clock))


def cached_paths(seeded: Seeded) -> list[str]:
    kerry = seeded.kerry_id
    return [
        "/",  # a page
        f"/articles/{kerry}",
        f"/articles/{kerry}/diff/1/2",
        "/feeds/changes.atom",  # a feed
        f"/articles/{kerry}/changes.rss",
        "/api/v1/changes",  # the API
        f"/api/v1/articles/{kerry}",
        "/api/v1/sources",
        "/search?q=Kerry",
        "/stats",  # validated on its body
        "/api/v1/stats",
    ]


def test_validators_and_304_on_pages_feeds_and_the_api(client: TestClient, seeded: Seeded) -> None:
    for path in cached_paths(seeded):
        first = client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["etag"]
        assert etag.startswith('W/"'), path
        assert first.headers["cache-control"].startswith("public, max-age="), path
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b"", path
        assert again.headers["etag"] == etag, path
        assert "public" in again.headers["cache-control"], path
        assert again.headers["x-content-type-options"] == "nosniff", path  # security headers
        other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
        assert other.status_code == 200 and other.content == first.content, path


def test_last_modified_and_if_modified_since(client: TestClient, seeded: Seeded) -> None:
    for path in ("/feeds/changes.atom", f"/api/v1/articles/{seeded.kerry_id}"):
        first = client.get(path)
        last_modified = first.headers["last-modified"]
        assert last_modified.endswith(" GMT")
        assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
        long_ago = format_datetime(seeded.clock.now() - timedelta(days=30), usegmt=True)
        assert client.get(path, headers={"If-Modified-Since": long_ago}).status_code == 200
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
        both = {"If-Modified-Since": last_modified, "If-None-Match": 'W/"old"'}
        assert client.get(path, headers=both).status_code == 200


def test_a_new_version_changes_the_etags(client: TestClient, seeded: Seeded) -> None:
    kerry = seeded.kerry_id
    paths = ["/", "/feeds/changes.atom", f"/api/v1/articles/{kerry}", f"/articles/{kerry}"]
    before = {path: client.get(path).headers["etag"] for path in paths}
    at = seeded.clock.now() - timedelta(minutes=5)
    record(seeded.store, kerry, at, "Kerry: talks to resume in New York", KERRY_V2)
    for path in paths:
        answer = client.get(path, headers={"If-None-Match": before[path]})
        assert answer.status_code == 200, path
        assert answer.headers["etag"] != before[path], path
        assert "resume in New York" in answer.text, path


def test_a_diff_of_stored_versions_is_kept_longer(client: TestClient, seeded: Seeded) -> None:
    listed = client.get("/feeds/changes.atom").headers["cache-control"]
    diff = client.get(f"/articles/{seeded.kerry_id}/diff/1/2").headers["cache-control"]
    assert int(diff.rsplit("=", 1)[1]) > int(listed.rsplit("=", 1)[1])


def test_hiding_changes_the_etags_and_410_is_not_cached(client: TestClient, seeded: Seeded) -> None:
    three = seeded.three_id
    page, feed = f"/articles/{three}", "/feeds/changes.atom"
    etags = {path: client.get(path).headers["etag"] for path in (page, feed)}
    assert client.post(f"/api/v1/articles/{three}/hide", headers=AUTH).status_code == 204
    hidden = client.get(page, headers={"If-None-Match": etags[page]})
    assert hidden.status_code == 410
    assert hidden.headers["cache-control"] == "no-store"
    assert "etag" not in hidden.headers
    listed = client.get(feed, headers={"If-None-Match": etags[feed]})
    assert listed.status_code == 200  # the feed no longer lists it: not "not modified"


def test_errors_and_admin_are_never_cached(client: TestClient) -> None:
    for path, status in (
        ("/articles/999999", 404),
        ("/api/v1/articles/999999", 404),
        ("/no-such-page", 404),
        ("/api/v1/changes?page=0", 422),
    ):
        answer = client.get(path, headers={"If-None-Match": "*"})
        assert answer.status_code == status, path
        assert answer.headers["cache-control"] == "no-store", path
        assert "etag" not in answer.headers, path
    admin = client.get("/admin")
    assert admin.status_code == 200
    assert admin.headers["cache-control"] == "private, no-store"
    assert "etag" not in admin.headers
    assert client.get("/healthz").headers["cache-control"] == "no-store"


def test_head_answers_like_get_without_a_body(client: TestClient, seeded: Seeded) -> None:
    for path in ("/", "/feeds/changes.atom", f"/api/v1/articles/{seeded.kerry_id}", "/stats"):
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["etag"] == got.headers["etag"], path
        assert head.headers["content-length"] == str(len(got.content)), path
        assert client.head(path, headers={"If-None-Match": got.headers["etag"]}).status_code == 304
    assert client.head("/no-such-page").status_code == 404


def test_html_etags_change_with_the_clock_slot(client: TestClient, seeded: Seeded) -> None:
    """Pages say "3 hours ago": their validator ages; a feed's does not."""
    page, feed = client.get("/").headers["etag"], client.get("/feeds/changes.atom").headers["etag"]
    seeded.clock.advance(HTML_SLOT_S)
    assert client.get("/", headers={"If-None-Match": page}).status_code == 200
    assert client.get("/feeds/changes.atom", headers={"If-None-Match": feed}).status_code == 304


def test_static_files_keep_their_own_validators(client: TestClient) -> None:
    first = client.get("/static/site.css")
    assert first.headers["cache-control"] == "public, max-age=3600"
    again = client.get("/static/site.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("header", "etag", "expected"),
    [
        ('W/"abc"', 'W/"abc"', True),
        ('"abc"', 'W/"abc"', True),  # weak comparison
        ('W/"x", W/"abc"', 'W/"abc"', True),
        ("*", 'W/"abc"', False),  # known only once the route has run: the page is sent
        ('W/"abcd"', 'W/"abc"', False),
        ("", 'W/"abc"', False),
    ],
)
def test_if_none_match_comparison(header: str, etag: str, expected: bool) -> None:
    assert matches(header, etag) is expected


def test_policies() -> None:
    assert policy_for("/static/site.css") is None
    admin_api, card, stats = (
        policy_for(path) for path in ("/api/v1/admin/alerts", "/articles/3/diff/1/2.png", "/stats")
    )
    assert admin_api is not None and admin_api.cache_control == "private, no-store"
    assert card is not None and card.cache_control == "public, max-age=600"
    assert stats is not None and stats.body_etag


def test_the_site_stamp_is_kept_a_second(seeded: Seeded) -> None:
    """Under load the site-wide stamp is read once a second, not once a request."""
    engine = seeded.store.engine
    kept = caching._KeptStamp(ttl=3600)
    first = kept.get(engine)
    record(seeded.store, seeded.kerry_id, seeded.clock.now(), "Kerry: a later headline", KERRY_V2)
    assert kept.get(engine) is first
    assert caching._KeptStamp(ttl=0).get(engine).key != first.key


def test_unchanged_pages_are_answered_from_memory_until_a_write(
    client: TestClient, seeded: Seeded
) -> None:
    kerry = seeded.kerry_id
    paths = ["/", "/feeds/changes.atom", f"/api/v1/articles/{kerry}"]
    first = {path: client.get(path) for path in paths}
    for path in paths:  # no validator sent: the same response, headers and all
        again = client.get(path)
        assert again.content == first[path].content, path
        assert again.headers["etag"] == first[path].headers["etag"], path
        assert again.headers["content-type"] == first[path].headers["content-type"], path
        assert client.head(path).content == b"", path
    at = seeded.clock.now() - timedelta(minutes=1)
    record(seeded.store, kerry, at, "Kerry: talks move to Geneva", KERRY_V2)
    for path in paths:
        assert "talks move to Geneva" in client.get(path).text, path


def test_kept_responses_are_bounded_least_recently_used_first() -> None:
    kept = caching._Rendered(max_bytes=1600)
    for n in range(5):
        kept.put(f"e{n}", [], b"x" * 100)
    assert kept.get("e0") is not None  # used: kept over e1
    for n in range(5, 20):
        kept.put(f"e{n}", [], b"x" * 100)
    assert len(kept) == 16 and kept.get("e1") is None and kept.get("e0") is not None
    kept.put("big", [], b"x" * 101)  # more than a sixteenth of the budget: not kept
    assert kept.get("big") is None


def test_an_admin_write_shows_at_once_with_the_stamp_kept(seeded: Seeded) -> None:
    """The kept site stamp is dropped by a write through the app (hiding, here)."""
    client = TestClient(create_app(seeded.settings, seeded.store, seeded.clock))
    feed = client.get("/feeds/changes.atom")
    three = f"/articles/{seeded.three_id}"
    assert three in feed.text
    assert client.post(f"/api/v1{three}/hide", headers=AUTH).status_code == 204
    again = client.get("/feeds/changes.atom", headers={"If-None-Match": feed.headers["etag"]})
    assert again.status_code == 200 and three not in again.text
