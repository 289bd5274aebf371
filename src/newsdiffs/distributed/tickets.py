"""What a task carries: per claimed article its id, the claim's token and when it lapses.

JSON-safe (Celery's json serializer: no pickle from the broker). The article itself is read
again by the worker, so a task never carries state that could be stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsdiffs.errors import InputError
from newsdiffs.storage.base import Claim


@dataclass(frozen=True)
class Ticket:
    article_id: int
    token: str
    expires_at: datetime  # the clock's time the claim lapses at

    @classmethod
    def of(cls, claim: Claim) -> Ticket:
        return cls(claim.article.id, claim.token, claim.expires_at)

    def lapsed(self, now: datetime) -> bool:
        return now >= self.expires_at

    def to_json(self) -> list[Any]:
        return [self.article_id, self.token, self.expires_at.isoformat()]

    @classmethod
    def from_json(cls, data: Any) -> Ticket:
        try:
            article_id, token, expires = data
            expires_at = datetime.fromisoformat(str(expires))
        except (TypeError, ValueError) as error:
            raise InputError(f"not a claim ticket: {data!r}") from error
        if expires_at.tzinfo is None or not isinstance(article_id, int):
            raise InputError(f"not a claim ticket: {data!r}")
        return cls(article_id, str(token), expires_at)
