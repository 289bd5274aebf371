"""Where alerts go: a target URL's scheme picks the client that delivers to it.

=====================================  ==========================================
``webhook://`` / ``webhooks://``       our JSON POST with a stable key header (webhook.py)
``mastodon://`` / ``mastodons://``     our Mastodon client: card + alt text, Idempotency-Key
``bluesky://`` / ``blueskys://``       our XRPC client: card + alt text, link facet, fixed rkey
``wayback://`` / ``waybacks://``       SavePageNow; ``send`` returns the snapshot URL
anything else                          apprise (mailto, slack, discord, ntfy, tgram, json, …)
=====================================  ==========================================

The trailing ``s`` means https; plain http carries credentials only to loopback hosts (the
tests' fakes). Every target's ``name`` is its URL with secrets masked.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from newsdiffs.alerts.message import Target
from newsdiffs.alerts.targets.bluesky import BlueskyTarget
from newsdiffs.alerts.targets.http import masked
from newsdiffs.alerts.targets.mastodon import MastodonTarget
from newsdiffs.alerts.targets.via_apprise import AppriseTarget
from newsdiffs.alerts.targets.wayback import WaybackTarget
from newsdiffs.alerts.targets.webhook import WebhookTarget
from newsdiffs.errors import ConfigError

__all__ = [
    "AppriseTarget",
    "BlueskyTarget",
    "MastodonTarget",
    "WaybackTarget",
    "WebhookTarget",
    "check_target_url",
    "takes_card",
    "target_for",
]

_OWN_CLIENTS: dict[str, type[WebhookTarget | MastodonTarget | BlueskyTarget | WaybackTarget]] = {
    "webhook": WebhookTarget,
    "webhooks": WebhookTarget,
    "mastodon": MastodonTarget,
    "mastodons": MastodonTarget,
    "bluesky": BlueskyTarget,
    "blueskys": BlueskyTarget,
    "wayback": WaybackTarget,
    "waybacks": WaybackTarget,
}
_MAX_URL_CHARS = 4096


def target_for(url: str) -> Target:
    """The target ``url`` names; ConfigError (one line, secrets masked) when it names none."""
    url = url.strip()
    if not url or len(url) > _MAX_URL_CHARS or any(ch.isspace() for ch in url):
        raise ConfigError(f"target URL {masked(url[:200])!r} is empty, too long or has spaces")
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise ConfigError(f"target URL {masked(url)!r}: {exc}") from None
    if not scheme or "://" not in url:
        raise ConfigError(f"target URL {masked(url)!r} has no scheme (like webhooks://…)")
    client = _OWN_CLIENTS.get(scheme)
    if client is not None:
        return client(url)
    return AppriseTarget(url)


def check_target_url(url: str) -> None:
    """Raise ConfigError when ``url`` cannot be delivered to (for validating rules at load).

    Makes no connection: a service that is down is not a configuration error.
    """
    target_for(url)


def takes_card(target: Target) -> bool:
    """Whether ``target`` posts the diff card image (the sender renders it only then)."""
    return bool(getattr(target, "takes_card", False))
