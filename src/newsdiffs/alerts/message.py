"""What every alert target receives, and what every target is.

The sender builds one :class:`AlertMessage` per outbox row and hands it to the row's
:class:`Target`. Targets never read the store: everything they post is in the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AlertMessage:
    """One change, told once, for one target.

    ``key`` is stable across retries of the same outbox row (and across crashes): targets
    send it where the service supports idempotency (Mastodon's ``Idempotency-Key``; our
    webhooks' ``X-Newsdiffs-Alert-Key`` header) so a retried delivery is not a second post.
    """

    key: str
    title: str  # one line: "Headline changed · Daily Example"
    text: str  # plain text: the change itself ([-old-]{+new+}), outlet, time, link
    html: str  # the same for email, deletions in <del>, insertions in <ins>
    short_text: str  # at most 300 characters, for networks with a post limit (Bluesky)
    link: str  # absolute URL of the diff page
    outlet: str
    article_url: str
    kinds: tuple[str, ...]  # ChangeKind values and event kinds the change carries
    card_png: bytes | None = None  # the diff card (1200x675 PNG), for image posts
    alt_text: str = ""  # the card's alt text: what changed, in words
    card_url: str | None = None  # absolute URL of the card (webhooks link it)


class Target(Protocol):
    """Somewhere alerts go. Raises DeliveryError when the message was not taken."""

    @property
    def name(self) -> str:
        """The target as shown to users (its URL with secrets masked)."""
        ...

    async def send(self, message: AlertMessage) -> str | None:
        """Deliver ``message``; return the service's id or URL of the post, when it gives one."""
        ...
