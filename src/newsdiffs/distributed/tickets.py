"""What a task carries: per claimed article its id, the claim's token, when it lapses and
how long its lease was.

JSON-safe (Celery's json serializer: no pickle from the broker). The article itself is read
again by the worker, so a task never carries state that could be stale. The lease travels
with the claim so that a worker judges "too late to start" in the scheduler's clock time
(on a simulated clock a real second is many clock seconds) without being told the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from newsdiffs.errors import InputError
from newsdiffs.storage.base import Claim


@dataclass(frozen=True)
class Ticket:
    article_id: int
    token: str
    expires_at: datetime  # the clock's time the claim lapses at
    lease: timedelta  # the claim's whole lease, in the clock's time

    @classmethod
    def of(cls, claim: Claim, lease: timedelta) -> Ticket:
        return cls(claim.article.id, claim.token, claim.expires_at, lease)

    def lapsed(self, now: datetime) -> bool:
        return now >= self.expires_at

    def lapses_within(self, now: datetime, share: float) -> bool:
        """Whether the claim lapses before ``share`` of its lease has passed from ``now``."""
        return now + self.lease * share >= self.expires_at

    def to_json(self) -> list[Any]:
        return [
            self.article_id,
            self.token,
            self.expires_at.isoformat(),
            self.lease.total_seconds(),
        ]

    @classmethod
    def from_json(cls, data: Any) -> Ticket:
        try:
            article_id, token, expires, lease_s = data
            expires_at = datetime.fromisoformat(str(expires))
            lease = timedelta(seconds=float(lease_s))
        except (TypeError, ValueError, OverflowError) as error:
            raise InputError(f"not a claim ticket: {data!r}") from error
        if expires_at.tzinfo is None or not isinstance(article_id, int) or lease <= timedelta(0):
            raise InputError(f"not a claim ticket: {data!r}")
        return cls(article_id, str(token), expires_at, lease)
