"""What an alert says: :func:`compose` turns an outbox row into an :class:`AlertMessage`.

The change itself comes from :func:`newsdiffs.core.change_text.change_text` (the one change
summary: feeds and cards' alt text use it too). A message reads::

    Council votes to keep library open                          <- the article's headline
    Headline changed: 'Council to close library' → 'Council votes to keep library open'
    The council voted on Monday to [-close-]{+keep+} the central library …

    The Daily Example · 2026-03-01 12:10 UTC
    https://diffs.example.org/articles/7/diff/1/2

``short_text`` (Bluesky's limit) is the change cut at a word boundary so that, with the
outlet and the link, it holds at most :data:`SHORT_LIMIT` characters (a grapheme is at least
one character: 300 characters are at most 300 graphemes). ``card_png`` is left None: the
sender attaches the card for targets that post images.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from newsdiffs.alerts.message import AlertMessage
from newsdiffs.core.change_text import ChangeText, VersionText, change_text, cut_text
from newsdiffs.core.humanize import fmt_datetime
from newsdiffs.errors import HiddenError
from newsdiffs.models import ArticleStatus, Version
from newsdiffs.storage.base import OutboxAlert, ReaderStore

SHORT_LIMIT = 300
ALT_TEXT_LIMIT = 1_000  # Mastodon takes 1,500 characters of alt text, Bluesky 2,000
# The first of a change's kinds in this order names it in the message's title.
_KIND_LABELS = (
    ("headline", "Headline changed"),
    ("correction_notice", "Correction added"),
    ("quotes", "Quote changed"),
    ("numbers", "Figure changed"),
    ("lede", "Opening rewritten"),
    ("byline", "Byline changed"),
    ("stealth", "Text edited"),
    ("appended", "Text added"),
    ("typo", "Typo fixed"),
    ("cosmetic", "Cosmetic edit"),
)
_EVENT_LABELS = {
    "gone": ("Article removed", "The page is gone (it answers {detail})."),
    "redirected": ("Article redirected away", "The page now redirects to {detail}."),
    "returned": ("Article back", "The page answers again after being gone."),
}


def label_for(kinds: Sequence[str]) -> str:
    """ "Headline changed", "Quote changed", … for a change of these kinds."""
    return next((label for kind, label in _KIND_LABELS if kind in kinds), "Article changed")


def diff_link(public_url: str, article_id: int, a: int, b: int) -> str:
    return f"{public_url}/articles/{article_id}/diff/{a}/{b}"


def _footer(outlet: str, at: datetime) -> str:
    return f"{outlet} · {fmt_datetime(at)}"


def message_for_change(
    *,
    key: str,
    outlet: str,
    article_url: str,
    link: str,
    captured_at: datetime,
    kinds: Sequence[str],
    change: ChangeText,
    headline: str = "",
) -> AlertMessage:
    """The message of one change (also what ``newsdiffs alerts test`` sends)."""
    title = f"{label_for(kinds)} · {outlet}"
    lines = change.lines() or ["(no visible change in the text)"]
    top = [headline] if headline else []
    text = "\n".join([*top, *lines, "", _footer(outlet, captured_at), link])
    escaped_link = html.escape(link, quote=True)
    heading = f"<p><strong>{html.escape(headline)}</strong></p>\n" if headline else ""
    body = change.html() or "<p>(no visible change in the text)</p>"
    html_text = (
        f"{heading}{body}\n<p>{html.escape(_footer(outlet, captured_at))} · "
        f'<a href="{escaped_link}">See the changes</a></p>'
    )
    return AlertMessage(
        key=key,
        title=title,
        text=text,
        html=html_text,
        short_text=short_text(change.plain_summary(SHORT_LIMIT), outlet, link),
        link=link,
        outlet=outlet,
        article_url=article_url,
        kinds=tuple(kinds),
        alt_text=change.alt_text(ALT_TEXT_LIMIT),
    )


def short_text(summary: str, outlet: str, link: str, limit: int = SHORT_LIMIT) -> str:
    """``summary`` cut so that it, the outlet and the link fit in ``limit`` characters."""
    tail = f"\n{outlet}\n{link}"
    room = limit - len(tail)
    if room < 20:  # an outlet name or link too long to leave room: the link alone
        return cut_text(link, limit)
    return cut_text(summary, room) + tail


def _version_text(version: Version) -> VersionText:
    return VersionText(version.title, version.byline, version.paragraphs)


def _kinds(version: Version) -> tuple[str, ...]:
    kinds = list(version.change_kinds)
    if version.classification is not None and version.classification.stealth:
        kinds.append("stealth")
    return tuple(kinds)


def compose(alert: OutboxAlert, store: ReaderStore, public_url: str) -> AlertMessage:
    """The message for ``alert``: its version against the one before, or its event.

    Raises NotFoundError when the article, version or event is gone, HiddenError (a
    NotFoundError) when the article was hidden: hidden articles never alert.
    """
    article = store.get_article(alert.article_id)
    if article.status is ArticleStatus.HIDDEN:
        raise HiddenError(f"article {article.id} is hidden")
    source = store.get_source(article.source)
    outlet = (source.title or source.name) if source is not None else article.source
    if alert.version_id is None:
        return _event_message(alert, outlet, article.url, article.title, public_url)
    version = store.get_version(alert.version_id)
    previous = store.previous_versions([version.id]).get(version.id)
    if previous is None:  # a first capture (Wayback archiving, first_version rules)
        return _first_capture(alert.key, version, outlet, article.url, public_url)
    return message_for_change(
        key=alert.key,
        outlet=outlet,
        article_url=article.url,
        link=diff_link(public_url, article.id, previous.number, version.number),
        captured_at=version.captured_at,
        kinds=_kinds(version),
        change=change_text(_version_text(previous), _version_text(version), version.classification),
        headline=version.title,
    )


def _first_capture(
    key: str, version: Version, outlet: str, article_url: str, public_url: str
) -> AlertMessage:
    link = f"{public_url}/articles/{version.article_id}"
    summary = f"New article: {version.title}"
    footer = _footer(outlet, version.captured_at)
    return AlertMessage(
        key=key,
        title=f"New article · {outlet}",
        text=f"{summary}\n\n{footer}\n{link}",
        html=(
            f"<p>New article: <strong>{html.escape(version.title)}</strong></p>\n"
            f"<p>{html.escape(footer)} · "
            f'<a href="{html.escape(link, quote=True)}">Read it</a></p>'
        ),
        short_text=short_text(summary, outlet, link),
        link=link,
        outlet=outlet,
        article_url=article_url,
        kinds=("first_version",),
        alt_text=cut_text(summary, ALT_TEXT_LIMIT),
    )


def _event_message(
    alert: OutboxAlert, outlet: str, article_url: str, headline: str, public_url: str
) -> AlertMessage:
    kind = alert.event_kind or "gone"
    label, template = _EVENT_LABELS.get(kind, ("Article changed", "{detail}"))
    what = template.format(detail=alert.event_detail or "an error")
    link = f"{public_url}/articles/{alert.article_id}"
    summary = f"{headline}: {what}" if headline else what
    at = alert.created_at
    return AlertMessage(
        key=alert.key,
        title=f"{label} · {outlet}",
        text=f"{headline}\n{what}\n\n{_footer(outlet, at)}\n{link}",
        html=(
            f"<p><strong>{html.escape(headline)}</strong></p>\n<p>{html.escape(what)}</p>\n"
            f"<p>{html.escape(_footer(outlet, at))} · "
            f'<a href="{html.escape(link, quote=True)}">Every version</a></p>'
        ),
        short_text=short_text(summary, outlet, link),
        link=link,
        outlet=outlet,
        article_url=article_url,
        kinds=(kind,),
        alt_text=cut_text(summary, ALT_TEXT_LIMIT),
    )
