"""``wayback://[ACCESS:SECRET@]host[:port]`` (http, loopback only) / ``waybacks://…``.

Archives ``message.article_url`` with the Internet Archive's SavePageNow and returns the
snapshot's URL (``https://web.archive.org/web/<timestamp>/<url>``), which the sender stores as
the alert's ``remote_id``: the snapshot link shown beside the version. Without a host,
web.archive.org.

- With S3-style keys (archive.org/account/s3.php) in the URL: SPN2. ``POST /save`` with
  ``url=`` and ``Authorization: LOW access:secret`` answers a ``job_id``; ``GET
  /save/status/<job_id>`` is polled (bounded) until ``status`` is ``success`` (then
  ``timestamp`` and ``original_url`` make the snapshot URL) or ``error`` (its ``message``,
  permanent or not by its ``status_ext``).
- Without keys: the anonymous ``GET /save/<url>``, whose answer names the snapshot in its
  ``Content-Location`` or ``Location`` header.

A capture takes seconds to minutes; the sender runs apart from checking, so polling here
never slows a check, and it is bounded: a capture still pending after ~2 minutes is a
retryable error.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, ClassVar

import httpx

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.alerts.targets.http import (
    DEFAULT_TIMEOUT,
    MASK,
    check_response,
    error_text,
    http_client,
    json_object,
    parse_target_url,
    require_encrypted_credentials,
)
from newsdiffs.errors import ConfigError, DeliveryError

DEFAULT_HOST = "web.archive.org"
STATUS_POLLS = 40
POLL_INTERVAL_S = 3.0
# The anonymous endpoint answers only once the capture is done: give it two minutes.
ANONYMOUS_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_SNAPSHOT_PATH = re.compile(r"/web/(\d{14})/(.+)$")

# SPN2's status_ext values after which retrying the same URL cannot succeed: the URL or
# our account is refused, or the page cannot be captured at all.
PERMANENT_ERRORS = frozenset(
    {
        "error:bad-request",
        "error:blocked",
        "error:blocked-client-ip",
        "error:blocked-url",
        "error:filesize-limit",
        "error:ftp-access-denied",
        "error:http-version-not-supported",
        "error:invalid-url-syntax",
        "error:method-not-allowed",
        "error:network-authentication-required",
        "error:no-access",
        "error:not-found",
        "error:not-implemented",
        "error:too-many-redirects",
        "error:unauthorized",
    }
)
# Limits that lift with time: wait this long (seconds) before the next try.
WAIT_ERRORS = {
    "error:too-many-daily-captures": 3600.0,  # this URL, today: a snapshot exists anyway
    "error:user-session-limit": 60.0,  # too many captures of ours in flight
    "error:too-many-requests": 60.0,
}


def capture_error(name: str, status: dict[str, Any]) -> DeliveryError:
    """The DeliveryError for an SPN2 ``"status": "error"`` answer."""
    kind = str(status.get("status_ext") or "error:unknown")
    message = " ".join(str(status.get("message") or kind).split())[:200]
    return DeliveryError(
        f"{name}: SavePageNow failed ({kind}): {message}",
        permanent=kind in PERMANENT_ERRORS,
        retry_after=WAIT_ERRORS.get(kind),
    )


class WaybackTarget:
    takes_card: ClassVar[bool] = False

    def __init__(
        self,
        url: str,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        anonymous_timeout: httpx.Timeout = ANONYMOUS_TIMEOUT,
        poll_interval_s: float | None = None,
    ) -> None:
        target = parse_target_url(url, default_host=DEFAULT_HOST)
        if (target.user is None) != (target.password is None):
            raise ConfigError(f"{target.scheme}:// keys go as {target.scheme}://ACCESS:SECRET@host")
        self._keys = (target.user, target.password) if target.user else None
        if self._keys is not None:
            require_encrypted_credentials(target, url)
        self._base = target.base
        where = target.base.split("://", 1)[1]
        userinfo = f"{MASK}:{MASK}@" if self._keys else ""
        self._name = f"{target.scheme}://{userinfo}{where}"
        self._timeout = timeout
        self._anonymous_timeout = anonymous_timeout
        # None: the module's constant, read at each send (tests may set it shorter).
        self._poll_interval_s = poll_interval_s

    @property
    def name(self) -> str:
        return self._name

    async def send(self, message: AlertMessage) -> str | None:
        if not message.article_url.startswith(("http://", "https://")):
            raise DeliveryError(
                f"{self._name}: not an http(s) URL to archive: {message.article_url[:100]!r}",
                permanent=True,
            )
        if self._keys is None:
            return await self._save_anonymously(message.article_url)
        return await self._save_with_keys(message.article_url)

    async def _save_with_keys(self, url: str) -> str:
        assert self._keys is not None
        access, secret = self._keys
        async with http_client(self._base, self._name, self._timeout) as client:
            client.headers.update(
                {"Accept": "application/json", "Authorization": f"LOW {access}:{secret}"}
            )
            response = await client.post("/save", data={"url": url})
            check_response(response, self._name, "POST /save")
            started = json_object(response, self._name)
            job_id = started.get("job_id")
            if not job_id:
                if started.get("status") == "error":
                    raise capture_error(self._name, started)
                raise DeliveryError(f"{self._name}: POST /save answered no job_id")
            interval = POLL_INTERVAL_S if self._poll_interval_s is None else self._poll_interval_s
            for _ in range(STATUS_POLLS):
                await asyncio.sleep(interval)
                response = await client.get(f"/save/status/{job_id}")
                check_response(response, self._name, "GET /save/status")
                status = json_object(response, self._name)
                if status.get("status") == "success":
                    timestamp = str(status.get("timestamp", ""))
                    original = str(status.get("original_url") or url)
                    if not re.fullmatch(r"\d{14}", timestamp):
                        raise DeliveryError(f"{self._name}: success without a timestamp")
                    return f"{self._base}/web/{timestamp}/{original}"
                if status.get("status") == "error":
                    raise capture_error(self._name, status)
        raise DeliveryError(
            f"{self._name}: capture {job_id} still pending after {STATUS_POLLS} polls"
        )

    async def _save_anonymously(self, url: str) -> str:
        async with http_client(self._base, self._name, self._anonymous_timeout) as client:
            response = await client.get(f"/save/{url}")
        if response.status_code >= 400:
            check_response(response, self._name, "GET /save")
        for header in ("Content-Location", "Location"):
            snapshot = self._snapshot_url(response.headers.get(header, ""))
            if snapshot is not None:
                return snapshot
        detail = error_text(response)
        raise DeliveryError(
            f"{self._name}: GET /save answered HTTP {response.status_code} without a snapshot"
            + (f": {detail}" if detail else "")
        )

    def _snapshot_url(self, location: str) -> str | None:
        if not location:
            return None
        absolute = str(httpx.URL(self._base).join(location))
        path = absolute.split("://", 1)[1]
        path = path[path.find("/") :] if "/" in path else ""
        return absolute if _SNAPSHOT_PATH.search(path) else None
