"""What our own HTTP targets share: the client, target URLs, and how a failure is classified.

Classification (the one place, for every target we speak HTTP to ourselves):

- a 2xx is taken (each target decides what else it needs from the body);
- 408 and 429 are retryable, with ``retry_after`` from ``Retry-After`` (seconds or an HTTP
  date) or, failing that, a rate-limit reset header (Bluesky's ``RateLimit-Reset``, epoch
  seconds; Mastodon's ``X-RateLimit-Reset``, an ISO time);
- any other 4xx is permanent: the request itself (credentials, payload) is wrong;
- 5xx, timeouts and connection errors are retryable with the sender's own backoff.

Secrets (tokens, passwords, access keys) are never put in an error, a log line or a name:
errors say :func:`masked` URLs and the service's own error text, never our request.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import httpx

from newsdiffs.errors import ConfigError, DeliveryError
from newsdiffs.fetching.client import shared_ssl_context

# 15 s to answer, 5 s to connect: a stuck target costs the sender a bounded wait, and the
# sender runs apart from checking, so this never slows a check.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
USER_AGENT = "newsdiffs-alerts/0.1 (+https://github.com/newsdiffs/newsdiffs)"
MASK = "***"
_ERROR_TEXT_LIMIT = 200


@dataclass(frozen=True)
class TargetUrl:
    """A target URL split into what our own clients need.

    ``base`` is ``http(s)://host[:port]``: the scheme's trailing ``s`` (``webhooks://``,
    ``mastodons://``...) means https. ``user`` and ``password`` are percent-decoded.
    """

    scheme: str
    base: str
    host: str
    path: str
    query: str
    user: str | None
    password: str | None

    @property
    def secure(self) -> bool:
        return self.base.startswith("https:")

    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


def parse_target_url(url: str, *, default_host: str | None = None) -> TargetUrl:
    """Split ``url``; raise ConfigError (one line, secrets masked) when it has no usable host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"target URL {masked(url)!r}: {exc}") from None
    host = parts.hostname or default_host
    if not host:
        raise ConfigError(f"target URL {masked(url)!r} has no host")
    secure = parts.scheme.endswith("s")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return TargetUrl(
        scheme=parts.scheme,
        base=f"{'https' if secure else 'http'}://{netloc}",
        host=host,
        path=parts.path,
        query=parts.query,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def require_encrypted_credentials(target: TargetUrl, original: str) -> None:
    """Credentials go over plain http only to this machine (the tests' loopback fakes).

    ``mastodon://TOKEN@mastodon.social`` would otherwise send the token in clear text (and
    the server's redirect to https would not be followed anyway): say to use the ``s`` scheme.
    """
    if target.secure or _is_loopback(target.host):
        return
    raise ConfigError(
        f"target URL {masked(original)!r} would send credentials unencrypted: "
        f"use {target.scheme}s:// (plain http is for loopback hosts only)"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def masked(url: str) -> str:
    """``url`` with its user info, query values and token-like path segments as ``***``
    (for names and errors)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{url.split(':', 1)[0]}://{MASK}"
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    if parts.username is not None or parts.password is not None:
        userinfo = MASK if parts.password is None else f"{MASK}:{MASK}"
        netloc = f"{userinfo}@{netloc}"
    query = "&".join(f"{name}={MASK}" for name, _ in parse_qsl(parts.query, True))
    if parts.scheme.lower() not in _HOST_SCHEMES:
        # Other services (apprise's) carry tokens anywhere: slack://TokenA/TokenB/TokenC,
        # tgram://bottoken/chat. Keep only a host that is a domain name, mask the rest.
        shown = netloc if "." in host and not _looks_secret(host) else MASK
        path = "/" + MASK if parts.path.strip("/") else ""
        return SplitResult(parts.scheme, shown, path, query, "").geturl()
    path = "/".join(
        MASK if _looks_secret(segment) else segment for segment in parts.path.split("/")
    )
    return SplitResult(parts.scheme, netloc, path, query, "").geturl()


# Schemes whose host is a host name and whose path is a path (ours, and plain http).
_HOST_SCHEMES = frozenset(
    {"http", "https", "webhook", "webhooks", "mastodon", "mastodons", "bluesky", "blueskys",
     "wayback", "waybacks", "mailto", "mailtos"}
)  # fmt: skip


def _looks_secret(segment: str) -> bool:
    """A path segment that reads like a token (Slack-style hook URLs carry them in the path):
    16+ characters mixing letters and digits."""
    return (
        len(segment) >= 16
        and any(ch.isdigit() for ch in segment)
        and any(ch.isalpha() for ch in segment)
    )


@asynccontextmanager
async def http_client(
    base: str, name: str, timeout: httpx.Timeout = DEFAULT_TIMEOUT
) -> AsyncIterator[httpx.AsyncClient]:
    """A client for one delivery, turning timeouts and connection errors into DeliveryError.

    A client per delivery (not per target) because targets outlive event loops (each test's
    ``asyncio.run``, the sender's restarts) and a pooled connection must not. With the shared
    SSL context a client costs ~0.16 ms of CPU to make; with httpx's default (loading the CA
    bundle each time) it cost ~33 ms (measured, 50 clients, ``time.process_time``).
    """
    try:
        async with httpx.AsyncClient(
            base_url=base,
            timeout=timeout,
            verify=shared_ssl_context(),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            trust_env=False,
        ) as client:
            yield client
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"{name}: timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:  # connection refused/reset, protocol errors
        raise DeliveryError(f"{name}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def check_response(response: httpx.Response, name: str, what: str) -> None:
    """Return when ``response`` is a 2xx; else raise the DeliveryError its status calls for."""
    if response.is_success:
        return
    raise delivery_error(response, name, what)


def delivery_error(response: httpx.Response, name: str, what: str) -> DeliveryError:
    status = response.status_code
    message = f"{name}: {what} answered HTTP {status}"
    detail = error_text(response)
    if detail:
        message = f"{message}: {detail}"
    if status in (408, 429):
        return DeliveryError(message, retry_after=retry_after(response))
    if 400 <= status < 500:
        return DeliveryError(message, permanent=True)
    # 5xx, and 1xx/3xx nobody asked for (a redirect we do not follow: retrying may help
    # once the service is fixed, and the attempts are bounded).
    return DeliveryError(message, retry_after=retry_after(response) if status == 503 else None)


def error_text(response: httpx.Response) -> str:
    """The service's own words about an error: JSON ``error``/``message``, else the body."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        parts = [str(body[field]) for field in ("error", "message") if body.get(field)]
        text = ": ".join(parts) if parts else json.dumps(body)
    else:
        text = response.text
    text = " ".join(text.split())
    return text if len(text) <= _ERROR_TEXT_LIMIT else text[: _ERROR_TEXT_LIMIT - 1] + "…"


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds the service asked us to wait, or None when it did not say."""
    now = time.time() if now is None else now
    value = response.headers.get("Retry-After")
    if value is not None:
        return _seconds_or_date(value.strip(), now)
    for header in ("RateLimit-Reset", "X-RateLimit-Reset"):
        value = response.headers.get(header)
        if value is not None:
            return _reset_time(value.strip(), now)
    return None


def _seconds_or_date(value: str, now: float) -> float | None:
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _reset_time(value: str, now: float) -> float | None:
    """A reset header: epoch seconds (Bluesky), delta seconds (IETF draft), or ISO time."""
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now)
    # Anything past 2001 as an epoch is a time; a smaller number is a delay.
    return max(0.0, number - now) if number > 1e9 else max(0.0, number)


def json_object(response: httpx.Response, name: str) -> dict[str, Any]:
    """The response's JSON object; a retryable DeliveryError when it is something else."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise DeliveryError(f"{name}: expected a JSON object, got {response.text[:100]!r}")
    return body
