"""A digest: the alerts of one rule, target and period told in one message."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.core.change_text import cut_text

SHORT_TEXT_LIMIT = 300
_RULE = "\n\n" + "—" * 8 + "\n\n"


def digest_key(rule: str, target_url: str, period_label: str, alert_ids: Sequence[int]) -> str:
    """The digest's stable key (short hex, like an alert's).

    The spec's ``digest:{rule}:{target}:{period}`` plus the first and last alert id: a
    retried digest carries the same alerts (they fail and are retried together), so it keeps
    its key and a deduping receiver takes it once; an alert of the period that was claimed
    only after the period's digest went (written a moment before the period ended, committed
    after) goes in a digest of its own with its own key instead of being taken for a
    retry of the first, and lost.
    """
    raw = f"digest:{rule}:{target_url}:{period_label}:{min(alert_ids)}-{max(alert_ids)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def digest_message(
    key: str, rule: str, period_label: str, messages: Sequence[AlertMessage]
) -> AlertMessage:
    """One message with every change of ``messages`` (in their order), for a digest."""
    if not messages:
        raise ValueError("a digest needs at least one message")
    first = messages[0]
    count = len(messages)
    outlets = sorted({m.outlet for m in messages})
    title = f"{count} change{'s' if count != 1 else ''} · {rule} · {period_label}"
    kinds = tuple(dict.fromkeys(kind for m in messages for kind in m.kinds))
    more = f" (+{count - 1} more)" if count > 1 else ""
    short = cut_text(first.short_text, SHORT_TEXT_LIMIT - len(more)) + more
    return AlertMessage(
        key=key,
        title=title,
        text=f"{title}\n\n" + _RULE.join(m.text for m in messages),
        html=f"<h2>{html.escape(title)}</h2>\n" + "\n<hr>\n".join(m.html for m in messages),
        short_text=short,
        link=first.link,
        outlet=", ".join(outlets),
        article_url=first.article_url,
        kinds=kinds,
        card_png=None,
        alt_text=first.alt_text,
    )
