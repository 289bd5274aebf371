"""Alert targets against loopback fakes of their services (tests/fakes/).

What each fake received is asserted exactly: headers, multipart alt text, facet byte offsets,
idempotency (the same message twice is one post), and how failures are classified
(4xx permanent, 408/429 retryable with Retry-After, 5xx/down/slow retryable).
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from fakes import FakeBluesky, FakeMastodon, FakeSavePageNow, FakeSmtp, FakeWebhook
from fakes.base import multipart
from fakes.bluesky import TID
from PIL import Image

from newsdiffs.alerts.message import AlertMessage, Target
from newsdiffs.alerts.targets import (
    AppriseTarget,
    BlueskyTarget,
    MastodonTarget,
    WaybackTarget,
    WebhookTarget,
    bluesky,
    check_target_url,
    mastodon,
    takes_card,
    target_for,
    wayback,
)
from newsdiffs.alerts.targets.http import retry_after
from newsdiffs.alerts.targets.posts import cut
from newsdiffs.errors import ConfigError, DeliveryError

LINK = "https://diffs.example.org/articles/7/diff/2/3"


def _card() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 675), "white").save(out, format="PNG")
    return out.getvalue()


CARD = _card()
MESSAGE = AlertMessage(
    key="3f2a9c1d0b7e",
    title="Headline changed · Daily Example",
    text=(
        "Headline changed: 'Minister resigns' → 'Minister stays'\n"
        "The minister [-resigned-]{+will stay+} on Tuesday.\n"
        f"Daily Example · 2026-12-03 12:00 UTC\n{LINK}"
    ),
    html="<p>The minister <del>resigned</del><ins>will stay</ins> on Tuesday.</p>",
    short_text=f"Headline changed: 'Minister resigns' → 'Minister stays' {LINK}",
    link=LINK,
    outlet="Daily Example",
    article_url="https://news.example.com/politics/minister?id=12",
    kinds=("headline",),
    card_png=CARD,
    alt_text="Diff card: the headline 'Minister resigns' became 'Minister stays'.",
    card_url=f"{LINK}.png",
)


def send(target: Target, message: AlertMessage = MESSAGE) -> str | None:
    return asyncio.run(target.send(message))


def failure(target: Target, message: AlertMessage = MESSAGE) -> DeliveryError:
    with pytest.raises(DeliveryError) as caught:
        send(target, message)
    return caught.value


# -- webhook -----------------------------------------------------------------------------


@pytest.fixture
def hook() -> Iterator[FakeWebhook]:
    with FakeWebhook() as fake:
        yield fake


def test_webhook_posts_the_message_as_json_with_the_key_header(hook: FakeWebhook) -> None:
    assert send(target_for(hook.url)) is None
    [request] = hook.requests
    assert request.headers["x-newsdiffs-alert-key"] == MESSAGE.key
    assert request.headers["content-type"] == "application/json"
    assert hook.received == [
        {
            "key": MESSAGE.key,
            "title": MESSAGE.title,
            "text": MESSAGE.text,
            "html": MESSAGE.html,
            "short_text": MESSAGE.short_text,
            "link": LINK,
            "outlet": "Daily Example",
            "article_url": MESSAGE.article_url,
            "kinds": ["headline"],
            "alt_text": MESSAGE.alt_text,
            "card_url": f"{LINK}.png",
        }
    ]


def test_webhook_has_no_card_url_when_the_message_has_no_card(hook: FakeWebhook) -> None:
    gone = replace(
        MESSAGE, link="https://diffs.example.org/articles/7", kinds=("gone",), card_url=None
    )
    send(target_for(hook.url), gone)
    assert "card_url" not in hook.received[0]
    assert hook.received[0]["kinds"] == ["gone"]


def test_webhook_sent_twice_is_received_once_by_a_deduping_receiver(hook: FakeWebhook) -> None:
    target = target_for(hook.url)
    send(target)
    send(target)
    assert len(hook.requests) == 2
    assert hook.keys == [MESSAGE.key]
    assert hook.duplicates == 1


def test_webhook_errors_are_classified(hook: FakeWebhook) -> None:
    target = target_for(hook.url)
    hook.fail_next(1, 400)
    bad = failure(target)
    assert bad.permanent and bad.retry_after is None and "HTTP 400" in str(bad)
    hook.fail_next(1, 429, retry_after=7)
    limited = failure(target)
    assert not limited.permanent and limited.retry_after == 7
    hook.fail_next(1, 408)
    assert not failure(target).permanent
    hook.fail_next(1, 502)
    server = failure(target)
    assert not server.permanent and server.retry_after is None
    hook.down = True
    down = failure(target)
    assert not down.permanent and "ConnectError" in str(down)
    hook.down = False
    send(target)
    assert hook.keys == [MESSAGE.key]


def test_webhook_credentials_in_the_url_are_sent_as_basic_auth(hook: FakeWebhook) -> None:
    target = target_for(f"webhook://alerts:s3cret@{hook.host}/hook")
    send(target)
    assert hook.requests[0].headers["authorization"] == "Basic YWxlcnRzOnMzY3JldA=="
    assert "s3cret" not in target.name


def test_a_slow_webhook_times_out_as_a_retryable_error(hook: FakeWebhook) -> None:
    hook.delay_s = 1.0
    target = WebhookTarget(hook.url, timeout=httpx.Timeout(0.2))
    error = failure(target)
    assert not error.permanent and "timed out" in str(error)


def test_retry_after_reads_seconds_dates_and_rate_limit_resets() -> None:
    def response(**headers: str) -> httpx.Response:
        return httpx.Response(429, headers=headers)

    now = 1_800_000_000.0
    assert retry_after(response(**{"Retry-After": "120"}), now) == 120
    assert retry_after(response(**{"Retry-After": "Fri, 15 Jan 2027 08:00:30 GMT"}), now) == 30
    assert retry_after(response(**{"RateLimit-Reset": str(int(now) + 42)}), now) == 42
    assert retry_after(response(**{"RateLimit-Reset": "15"}), now) == 15
    reset = "2027-01-15T08:01:00.000Z"
    assert retry_after(response(**{"X-RateLimit-Reset": reset}), now) == 60
    assert retry_after(response(**{"Retry-After": "soon"}), now) is None
    assert retry_after(response(), now) is None


# -- Mastodon ----------------------------------------------------------------------------


@pytest.fixture
def masto(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMastodon]:
    monkeypatch.setattr(mastodon, "MEDIA_POLL_FIRST_S", 0.01)
    with FakeMastodon(polls_until_ready=2) as fake:
        yield fake


def test_mastodon_uploads_the_card_with_alt_text_then_posts_with_the_key(
    masto: FakeMastodon,
) -> None:
    url = send(target_for(masto.url))
    assert masto.paths() == [
        "POST /api/v2/media",
        "GET /api/v1/media/100",
        "GET /api/v1/media/100",
        "POST /api/v1/statuses",
    ]
    upload, *_, post = masto.requests
    assert upload.headers["authorization"] == "Bearer fake-mastodon-token"
    parts = multipart(upload)
    assert parts["description"].text == MESSAGE.alt_text
    assert parts["file"].content_type == "image/png"
    assert parts["file"].data == CARD
    assert post.headers["idempotency-key"] == MESSAGE.key
    [status] = masto.statuses
    assert status.text == MESSAGE.text
    assert [media.id for media in status.media] == ["100"]
    assert url == f"{masto.base_url}/@fake/1000"


def test_mastodon_sent_twice_is_one_status(masto: FakeMastodon) -> None:
    target = target_for(masto.url)
    first = send(target)
    second = send(target)
    assert len(masto.statuses) == 1
    assert masto.duplicates == 1
    assert first == second


def test_mastodon_visibility_comes_from_the_url(masto: FakeMastodon) -> None:
    send(target_for(f"{masto.url}?visibility=unlisted"))
    assert masto.statuses[0].visibility == "unlisted"


def test_mastodon_without_a_card_posts_text_only(masto: FakeMastodon) -> None:
    send(target_for(masto.url), replace(MESSAGE, card_png=None))
    assert masto.paths() == ["POST /api/v1/statuses"]
    assert masto.statuses[0].media == ()


def test_a_long_mastodon_text_falls_back_to_the_short_text_with_the_link() -> None:
    long_text = "The minister " + "really " * 100 + f"resigned.\n{LINK}"
    text = mastodon.status_text(replace(MESSAGE, text=long_text))
    assert text == f"Headline changed: 'Minister resigns' → 'Minister stays'\n{LINK}"
    very_long_short = replace(MESSAGE, text=long_text, short_text="word " * 200)
    cut_text = mastodon.status_text(very_long_short)
    body, link = cut_text.rsplit("\n", 1)
    assert link == LINK and body.endswith("word…")
    assert len(body) + 1 + mastodon.URL_WEIGHT <= 500


def test_mastodon_media_that_never_finishes_processing_is_retryable(
    masto: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mastodon, "MEDIA_POLLS", 3)
    masto.polls_until_ready = 100
    error = failure(target_for(masto.url))
    assert not error.permanent and "still processing" in str(error)
    assert masto.statuses == []


def test_mastodon_bad_token_is_permanent_and_never_shown(masto: FakeMastodon) -> None:
    target = target_for(f"mastodon://wrong-secret-token@{masto.host}")
    error = failure(target)
    assert error.permanent and "HTTP 401" in str(error)
    assert "wrong-secret-token" not in str(error)
    assert "wrong-secret-token" not in target.name


def test_mastodon_rate_limit_and_server_errors_are_retryable(masto: FakeMastodon) -> None:
    target = target_for(masto.url)
    masto.fail_next(1, 429, retry_after=30)
    assert failure(target).retry_after == 30
    masto.fail_next(1, 503)
    assert not failure(target).permanent
    assert masto.statuses == []


# -- Bluesky -----------------------------------------------------------------------------


@pytest.fixture
def sky() -> Iterator[FakeBluesky]:
    with FakeBluesky() as fake:
        yield fake


def test_bluesky_posts_the_card_with_alt_text_and_a_link_facet_in_bytes(
    sky: FakeBluesky,
) -> None:
    german = replace(
        MESSAGE,
        short_text="Überschrift geändert: „Minister tritt zurück“ → „Minister bleibt“ 🗳️",
    )
    uri = send(target_for(sky.url), german)
    assert sky.paths() == [
        "POST /xrpc/com.atproto.server.createSession",
        "POST /xrpc/com.atproto.repo.uploadBlob",
        "POST /xrpc/com.atproto.repo.createRecord",
    ]
    assert sky.requests[1].headers["content-type"] == "image/png"
    assert sky.requests[1].body == CARD
    rkey = bluesky.record_key(MESSAGE.key)
    assert uri == f"at://did:plc:fakenewsdiffsfakenews/app.bsky.feed.post/{rkey}"
    post = sky.posts[rkey]
    label = "diffs.example.org/articles/7/diff/2/3"
    assert post["text"] == f"{german.short_text}\n{label}"
    [facet] = post["facets"]
    start = len(f"{german.short_text}\n".encode())
    assert start > len(german.short_text) + 1  # the UTF-8 offset, not the character one
    assert facet["index"] == {"byteStart": start, "byteEnd": start + len(label)}
    assert post["text"].encode()[start : start + len(label)].decode() == label
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": LINK}]
    [image] = post["embed"]["images"]
    assert image["alt"] == MESSAGE.alt_text
    assert image["aspectRatio"] == {"width": 1200, "height": 675}
    assert sky.blobs[image["image"]["ref"]["$link"]] == ("image/png", CARD)


@pytest.mark.parametrize("explicit", [False, True], ids=["pds-500", "explicit-error"])
def test_bluesky_sent_twice_is_one_post(sky: FakeBluesky, explicit: bool) -> None:
    if explicit:
        sky.duplicate_reply.status = 400
        sky.duplicate_reply.body = {"error": "RecordAlreadyExists", "message": "exists"}
    target = target_for(sky.url)
    first = send(target)
    second = send(target)
    assert len(sky.posts) == 1
    assert sky.duplicates == 1
    assert first == second
    assert sky.sessions_created == 1  # the session is kept per target


def test_bluesky_refreshes_an_expired_session_once(sky: FakeBluesky) -> None:
    target = target_for(sky.url)
    send(target)
    sky.expire_access_tokens()
    send(target, replace(MESSAGE, key="another-change"))
    assert len(sky.posts) == 2
    assert sky.sessions_created == 1
    assert sky.refreshes == 1


def test_bluesky_logs_in_again_when_the_refresh_token_lapsed_too(sky: FakeBluesky) -> None:
    target = target_for(sky.url)
    send(target)
    sky.expire_access_tokens(refresh_too=True)
    send(target, replace(MESSAGE, key="another-change"))
    assert len(sky.posts) == 2
    assert (sky.sessions_created, sky.refreshes) == (2, 0)


def test_bluesky_logs_in_again_when_the_pds_forgot_the_session(sky: FakeBluesky) -> None:
    target = target_for(sky.url)
    send(target)
    sky.forget_sessions()
    send(target, replace(MESSAGE, key="another-change"))
    assert len(sky.posts) == 2
    assert sky.sessions_created == 2


def test_bluesky_text_is_cut_to_300_characters_around_the_link(sky: FakeBluesky) -> None:
    combining = "e\u0301"  # é as e + combining accent: 2 code points, 1 grapheme
    long = replace(MESSAGE, short_text=("Zwölf Wörter geändert " + combining) * 40)
    send(target_for(sky.url), long)
    [post] = sky.posts.values()
    assert len(post["text"]) <= bluesky.MAX_POST_CHARS
    body, label = post["text"].rsplit("\n", 1)
    assert body.endswith("…") and label == "diffs.example.org/articles/7/diff/2/3"


def test_a_long_link_is_shown_short_and_kept_whole_in_the_facet(sky: FakeBluesky) -> None:
    link = "https://diffs.example.org/articles/123456789/diff/1234/1235?utm=" + "x" * 80
    send(target_for(sky.url), replace(MESSAGE, link=link))
    [post] = sky.posts.values()
    label = post["text"].rsplit("\n", 1)[1]
    assert len(label) <= bluesky.LINK_LABEL_CHARS and label.endswith("…")
    assert post["facets"][0]["features"][0]["uri"] == link


def test_bluesky_refuses_an_image_over_a_million_bytes_permanently(sky: FakeBluesky) -> None:
    error = failure(target_for(sky.url), replace(MESSAGE, card_png=b"\x89PNG" + bytes(10**6)))
    assert error.permanent and "1,000,000" in str(error)
    assert sky.requests == []


def test_bluesky_bad_password_is_permanent_and_never_shown(sky: FakeBluesky) -> None:
    target = target_for(f"bluesky://{sky.account_handle}:not-the-password@{sky.host}")
    error = failure(target)
    assert error.permanent and "createSession" in str(error)
    assert "not-the-password" not in str(error) + target.name


def test_bluesky_rate_limit_reset_becomes_retry_after(sky: FakeBluesky) -> None:
    reset = int(time.time()) + 300
    sky.fail_next(
        1,
        429,
        body={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={"RateLimit-Reset": str(reset)},
    )
    error = failure(target_for(sky.url))
    assert not error.permanent and "RateLimitExceeded" in str(error)
    assert error.retry_after is not None and 290 <= error.retry_after <= 300


def test_record_keys_are_tids_fixed_by_the_message_key() -> None:
    keys = [bluesky.record_key(f"rule:0:{n}") for n in range(500)]
    assert all(TID.match(key) for key in keys)
    assert len(set(keys)) == 500
    assert bluesky.record_key("rule:0:1") == keys[1]


# -- SavePageNow -------------------------------------------------------------------------


@pytest.fixture
def spn(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSavePageNow]:
    monkeypatch.setattr(wayback, "POLL_INTERVAL_S", 0.01)
    with FakeSavePageNow(polls_until_done=3) as fake:
        yield fake


def test_spn2_saves_with_keys_and_polls_until_the_snapshot(spn: FakeSavePageNow) -> None:
    snapshot = send(target_for(spn.url))
    assert snapshot == f"{spn.base_url}/web/20260102030405/{MESSAGE.article_url}"
    assert spn.paths() == ["POST /save"] + ["GET /save/status/" + next(iter(spn.jobs))] * 3
    start = spn.requests[0]
    assert start.headers["authorization"] == "LOW fakeaccess:fakesecret"
    assert start.headers["accept"] == "application/json"
    assert start.form() == {"url": MESSAGE.article_url}
    assert [capture.how for capture in spn.captures] == ["spn2"]


@pytest.mark.parametrize(
    ("status_ext", "permanent", "wait"),
    [
        ("error:blocked-url", True, None),
        ("error:too-many-daily-captures", False, 3600.0),
        ("error:bad-gateway", False, None),
    ],
)
def test_spn2_capture_errors_are_classified_by_status_ext(
    spn: FakeSavePageNow, status_ext: str, permanent: bool, wait: float | None
) -> None:
    spn.fail_captures(status_ext, "The capture failed.")
    error = failure(target_for(spn.url))
    assert error.permanent is permanent and error.retry_after == wait
    assert status_ext in str(error) and "The capture failed." in str(error)


def test_spn2_pending_too_long_is_retryable(
    spn: FakeSavePageNow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wayback, "STATUS_POLLS", 2)
    spn.polls_until_done = 10
    error = failure(target_for(spn.url))
    assert not error.permanent and "still pending" in str(error)


def test_spn2_bad_keys_are_permanent_and_never_shown(spn: FakeSavePageNow) -> None:
    target = target_for(f"wayback://wrongaccess:wrongsecret@{spn.host}")
    error = failure(target)
    assert error.permanent and "HTTP 401" in str(error)
    assert "wrongsecret" not in str(error) + target.name
    assert "wrongaccess" not in target.name


@pytest.mark.parametrize("header", ["Location", "Content-Location"])
def test_anonymous_save_reads_the_snapshot_from_the_answer(
    spn: FakeSavePageNow, header: str
) -> None:
    spn.anonymous_header = header
    snapshot = send(target_for(spn.anonymous_url))
    assert snapshot == f"{spn.base_url}/web/20260102030405/{MESSAGE.article_url}"
    assert spn.captures[0].url == MESSAGE.article_url
    assert "authorization" not in spn.requests[0].headers


def test_wayback_refuses_to_archive_a_non_http_url(spn: FakeSavePageNow) -> None:
    error = failure(target_for(spn.url), replace(MESSAGE, article_url="ftp://x/y"))
    assert error.permanent and spn.requests == []


def test_wayback_rate_limited_is_retryable_after(spn: FakeSavePageNow) -> None:
    spn.fail_next(1, 429, retry_after=90)
    error = failure(target_for(spn.anonymous_url))
    assert not error.permanent and error.retry_after == 90


# -- apprise -----------------------------------------------------------------------------


def test_apprise_json_reaches_the_webhook_receiver(hook: FakeWebhook) -> None:
    target = target_for(hook.json_url)
    assert isinstance(target, AppriseTarget)
    send(target)
    [body] = hook.keyless
    assert body["title"] == MESSAGE.title
    assert body["message"] == MESSAGE.text


def test_apprise_failure_is_a_retryable_error_with_its_logged_reason(hook: FakeWebhook) -> None:
    hook.fail_next(1, 500)
    error = failure(target_for(hook.json_url))
    assert not error.permanent
    assert "500" in str(error)  # from apprise's own log of this call


def test_apprise_mailto_sends_an_html_email_to_the_smtp_server() -> None:
    with FakeSmtp() as smtp:
        send(target_for(smtp.url))
        [email] = smtp.messages
    assert email["Subject"] == MESSAGE.title
    assert email["To"] == "reader@example.org"
    html = email.get_body(preferencelist=("html",))
    assert html is not None
    assert "<del>resigned</del><ins>will stay</ins>" in html.get_content()


def test_apprise_smtp_down_is_retryable_and_delivers_once_it_is_back() -> None:
    with FakeSmtp() as smtp:
        target = AppriseTarget(smtp.url, min_interval_s=0)  # not apprise's 5.5 s spacing
        smtp.down = True
        assert not failure(target).permanent
        smtp.down = False
        send(target)
        assert len(smtp.messages) == 1


def test_apprise_smtp_refusal_is_retryable_and_masks_the_password() -> None:
    with FakeSmtp() as smtp:
        smtp.fail_next(1, 451)
        url = (
            f"mailto://user:hunter2secret@127.0.0.1:{smtp.port}?from=a@example.org&to=b@example.org"
        )
        target = target_for(url)
        error = failure(target)
    assert not error.permanent
    assert "hunter2secret" not in str(error) + target.name


# -- target_for --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "name"),
    [
        ("webhook://127.0.0.1:8080/hook", WebhookTarget, "webhook://127.0.0.1:8080/hook"),
        ("webhooks://hooks.example.org/in?token=s3cret", WebhookTarget, None),
        (
            "webhooks://hooks.example.org/services/T0/B0/s3cretXyZ12345678",
            WebhookTarget,
            "webhooks://hooks.example.org/services/T0/B0/***",
        ),
        ("mastodons://s3cret@mastodon.social", MastodonTarget, "mastodons://***@mastodon.social"),
        ("mastodon://s3cret@localhost:3000", MastodonTarget, "mastodon://***@localhost:3000"),
        ("blueskys://me.example:s3cret@bsky.social", BlueskyTarget, None),
        ("blueskys://me.example:s3cret@", BlueskyTarget, "blueskys://me.example:***@bsky.social"),
        ("waybacks://", WaybackTarget, "waybacks://web.archive.org"),
        (
            "waybacks://ak:s3cret@web.archive.org",
            WaybackTarget,
            "waybacks://***:***@web.archive.org",
        ),
        ("json://127.0.0.1:9/hook", AppriseTarget, None),
        ("ntfy://ntfy.sh/newsdiffs", AppriseTarget, None),
        ("mailtos://user:s3cret@mail.example.org?to=a@example.org", AppriseTarget, None),
    ],
)
def test_target_for_picks_the_client_by_scheme_and_masks_secrets(
    url: str, kind: type, name: str | None
) -> None:
    target = target_for(url)
    assert isinstance(target, kind)
    assert "s3cret" not in target.name
    if name is not None:
        assert target.name == name
    check_target_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "not a url",
        "127.0.0.1:8080/hook",
        "webhook://",
        "webhook://host:port/x",
        "mastodons://mastodon.social",
        "mastodon://s3cret@mastodon.social",  # a token over plain http to another host
        "mastodons://tok@mastodon.social?max_chars=abc",
        "mastodons://tok@mastodon.social?visibility=everyone",
        "webhook://user:s3cret@hooks.example.org/in",  # a password over plain http
        "blueskys://me.example@bsky.social",
        "bluesky://me.example:s3cret@bsky.social",
        "waybacks://onlyaccess@web.archive.org",
        "nonsense://s3cret@somewhere",
        "webhooks://host/" + "x" * 5000,
    ],
)
def test_unusable_target_urls_are_config_errors_without_secrets(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_target_url(url)
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_only_mastodon_and_bluesky_take_the_card() -> None:
    assert takes_card(target_for("mastodons://t@mastodon.social"))
    assert takes_card(target_for("blueskys://me.example:pw@bsky.social"))
    assert not takes_card(target_for("webhooks://hooks.example.org/in"))
    assert not takes_card(target_for("waybacks://"))
    assert not takes_card(target_for("json://127.0.0.1:9/hook"))


def test_cut_ends_at_a_word_with_an_ellipsis() -> None:
    assert cut("short text", 20) == "short text"
    assert cut("the minister will stay on", 20) == "the minister will…"
    assert cut("x" * 50, 10) == "x" * 9 + "…"
    assert all(len(cut("word " * 30, limit)) <= limit for limit in range(1, 60))
    assert re.fullmatch(r"[^ ]+…", cut("a" * 30 + " b", 12)) is not None


@pytest.mark.parametrize(
    "url,secret",
    [
        ("slack://TokenA/TokenB/TokenC", "Token"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV", "JHMHI8q"),
        ("ntfy://ntfy.sh/private-topic-name", "private-topic"),
        ("json://hooks.example.org/hook?token=abc123", "abc123"),
    ],
)
def test_service_tokens_never_show_in_names_or_errors(url: str, secret: str) -> None:
    from newsdiffs.alerts.targets.http import masked

    assert secret not in masked(url)
    assert masked(url).split("://")[0] == url.split("://")[0]
