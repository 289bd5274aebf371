"""OPML import: feeds grouped into one source per site."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdiffs.errors import ParseError
from newsdiffs.models import DiscoveryKind
from newsdiffs.opml import name_for_domain, parse_opml, registered_domain

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My news</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="Guardian World" title="The Guardian - World"
               xmlUrl="https://www.theguardian.com/world/rss"
               htmlUrl="https://www.theguardian.com/world"/>
      <outline type="rss" text="Guardian Politics"
               xmlUrl="https://www.theguardian.com/politics/rss"
               htmlUrl="https://www.theguardian.com/politics"/>
      <outline type="rss" text="BBC" xmlUrl="https://feeds.bbci.co.uk/news/rss.xml"
               htmlUrl="https://www.bbc.co.uk/news"/>
      <outline type="rss" text="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"
               htmlUrl="https://www.bbc.co.uk/news/world"/>
    </outline>
    <outline text="Tech">
      <outline type="rss" text="NPR Tech" xmlUrl="https://feeds.npr.org/1019/feed.json"/>
      <outline type="rss" text="BBC dot com" xmlUrl="https://feeds.bbci.co.uk/news/rss.xml?edition=int"
               htmlUrl="https://www.bbc.com/news"/>
      <outline text="folder only"/>
      <outline type="rss" text="dup" xmlUrl="https://www.theguardian.com/world/rss"/>
      <outline type="rss" text="broken" xmlUrl="javascript:alert(1)"/>
    </outline>
  </body>
</opml>
"""


def test_feeds_are_grouped_by_site() -> None:
    sources = {source.name: source for source in parse_opml(OPML)}
    assert set(sources) == {"theguardian", "bbc", "npr", "bbc-com"}
    guardian = sources["theguardian"]
    assert guardian.title == "The Guardian - World"
    assert guardian.home_url == "https://www.theguardian.com/world"
    assert [endpoint.url for endpoint in guardian.endpoints] == [
        "https://www.theguardian.com/world/rss",
        "https://www.theguardian.com/politics/rss",
    ]
    assert all(endpoint.kind is DiscoveryKind.FEED for endpoint in guardian.endpoints)
    assert len(sources["bbc"].endpoints) == 2
    assert sources["bbc"].title == "BBC"
    npr = sources["npr"]
    assert npr.home_url == "https://feeds.npr.org/"  # no htmlUrl: the feed's scheme and host
    assert npr.title == "NPR Tech"


def test_opml_without_feeds_gives_no_sources() -> None:
    assert parse_opml(b"<opml version='1.0'><head/><body><outline text='x'/></body></opml>") == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage \x00\xff",
        b"<opml><body><outline xmlUrl='https://x.example/rss'>",
        b"<rss version='2.0'><channel/></rss>",
        b"<opml version='2.0'><head/></opml>",
    ],
)
def test_malformed_opml_is_a_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_opml(data)


@pytest.mark.parametrize(
    ("host", "domain", "name"),
    [
        ("www.theguardian.com", "theguardian.com", "theguardian"),
        ("feeds.bbci.co.uk", "bbci.co.uk", "bbci"),
        ("www.abc.net.au", "abc.net.au", "abc"),
        ("rss.nytimes.com", "nytimes.com", "nytimes"),
        ("localhost", "localhost", "localhost"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example", "xn--bcher-kva"),
    ],
)
def test_domain_and_name(host: str, domain: str, name: str) -> None:
    assert registered_domain(host) == domain
    assert name_for_domain(domain) == name


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<opml version="2.0"><body><outline text="&xxe;" title="&xxe;"'
        ' xmlUrl="https://x.example/rss"/></body></opml>'
    ).encode()
    with pytest.raises(ParseError) as caught:  # libxml2 refuses an external entity here
        parse_opml(data)
    assert "TOP-SECRET" not in str(caught.value)
