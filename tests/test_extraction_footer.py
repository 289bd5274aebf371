"""Footer blocks in a body ("Most read", "Related", "Contact the author", sign-ups) are
dropped: labelled link lists in several languages, sign-up forms, label lines.

Synthetic pages only.
"""

from __future__ import annotations

import pytest

from newsdiffs.extraction import extract
from newsdiffs.extraction.footer import drop_footer_lines, is_footer_label

TITLE = "Storm Elin: harbour wall breached as gales batter the coast"
PARAGRAPHS = (
    "Gales of up to ninety miles an hour battered the fictional coast of Porthwenna overnight, "
    "breaching the old harbour wall in two places and flooding the quayside shops.",
    "The harbour board said engineers would inspect the wall at first light, and asked boat "
    "owners to stay away from the quay until the tide had turned in the afternoon.",
    "Residents of the lower town were moved to the school hall, where volunteers served soup "
    "and tea through the night while the wind tore slates from the chapel roof.",
)
ARTICLE_URL = "https://news.example/2024/01/02/storm-elin-harbour-wall"
ARTICLE = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def _page(body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{TITLE}</title></head><body><main><article><h1>{TITLE}</h1>"
        f"{body}</article></main></body></html>"
    )


RELATED = (
    "Council approves new tram line to the airport",
    "Ferry operator announces summer timetable changes",
    "Lifeboat crew honoured for winter rescue",
)


def _links(items: tuple[str, ...] = RELATED) -> str:
    return "".join(f"<li><a href='/story/{n}'>{t}</a></li>" for n, t in enumerate(items))


@pytest.mark.parametrize(
    "label",
    [
        "Most read",
        "Related stories",
        "More from Example News",
        "Recommended for you",
        "You may also like...",
        "You may also be interested in...",
        "Contact the author",
        "Lesen Sie auch",
        "À lire aussi",
        "Leia também",
        "Te puede interesar",
        "Leggi anche",
        "Читайте также",
    ],
)
def test_labelled_link_lists_in_the_body_are_dropped(label: str) -> None:
    footer = f"<div><h3>{label}</h3><ul>{_links()}</ul></div>"
    body = f"<div class='article-body'>{ARTICLE}{footer}</div>"
    page = extract(_page(body), ARTICLE_URL)
    assert page.paragraphs == PARAGRAPHS, label


def test_a_label_and_link_cards_in_indented_markup_are_dropped() -> None:
    """Indentation (tabs, newlines) inside the label and the cards is not text."""
    cards = "".join(
        f"\n\t\t\t<a href='/s{n}'>\n\t\t\t\t<h3>{t}</h3>\n\t\t\t</a>" for n, t in enumerate(RELATED)
    )
    footer = (
        "<div class='row'>\n\t\t<div class='title-bar'>\n\t\t\tYou may also be interested"
        f" in...\t\t\t</div>\n\t\t<div class='cards'>{cards}\n\t\t</div>\n\t</div>"
    )
    body = f"<div class='article-body'>{ARTICLE}</div>{footer}"
    assert extract(_page(body), ARTICLE_URL).paragraphs == PARAGRAPHS


def test_a_label_followed_by_link_paragraphs_mid_body_is_dropped() -> None:
    links = "".join(f"<p><a href='/s'>{t}</a></p>" for t in RELATED)
    body = f"<p>{PARAGRAPHS[0]}</p><h4>Read more</h4>{links}" + "".join(
        f"<p>{p}</p>" for p in PARAGRAPHS[1:]
    )
    for url in (ARTICLE_URL, "https://nypost.com/2024/01/02/news/storm/"):
        html = _page(f"<div class='single__content entry-content'>{body}</div>")
        assert extract(html, url).paragraphs == PARAGRAPHS, url


def test_newsletter_sign_up_blocks_are_dropped() -> None:
    signup = (
        "<div><h3>Morning Briefing</h3><p>Get the day's top stories in your inbox.</p>"
        "<form><input type='email' name='email'><button>Sign up</button></form></div>"
    )
    body = f"<div class='article-body'>{ARTICLE}{signup}</div>"
    assert extract(_page(body), ARTICLE_URL).paragraphs == PARAGRAPHS


def test_a_label_alone_keeps_the_article_text_after_it() -> None:
    lines = [PARAGRAPHS[0], "Related", RELATED[0], RELATED[1], PARAGRAPHS[1], PARAGRAPHS[2]]
    assert drop_footer_lines(lines) == list(PARAGRAPHS)
    assert drop_footer_lines(list(PARAGRAPHS)) == list(PARAGRAPHS)


def test_footer_labels_are_whole_lines() -> None:
    assert is_footer_label("Most read in world news")
    assert is_footer_label("More:")
    assert not is_footer_label("More than 200 people were evacuated.")
    assert not is_footer_label("Related to the storm, the council said it would meet.")
    assert not is_footer_label("Most readers agreed")
