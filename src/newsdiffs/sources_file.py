"""The sources file: which outlets to watch and how to find their articles (TOML).

Schema::

    [[source]]
    name = "guardian"                  # 1-64 of a-z 0-9 . _ - (no "/"), starting a-z or 0-9
    title = "The Guardian"             # optional display name (defaults to name)
    home_url = "https://www.theguardian.com/"   # optional if an endpoint is given
    exclude = ['/live/', '/video/']    # optional regexes searched in the URL
    include = ['/20\\d\\d/']           # optional: if given, a URL must match one
    [[source.feed]]                    # also [[source.sitemap]] and [[source.frontpage]]
    url = "https://www.theguardian.com/world/rss"
    poll_minutes = 15                  # optional, default 15
    [[source.frontpage]]
    url = "https://www.theguardian.com/uk"
    link_pattern = '/20\\d\\d/[a-z]{3}/\\d\\d/'  # front pages only: regex a link must match

Every problem raises :class:`ConfigError` naming the file, the source and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsdiffs.errors import ConfigError
from newsdiffs.models import DiscoveryKind, Endpoint, Source
from newsdiffs.usecases.names import source_name_problem

DEFAULT_POLL = Endpoint(url="").poll_interval
_SOURCE_KEYS = frozenset({"name", "title", "home_url", "exclude", "include"})
_ENDPOINT_KEYS = {
    DiscoveryKind.FEED: frozenset({"url", "poll_minutes"}),
    DiscoveryKind.SITEMAP: frozenset({"url", "poll_minutes"}),
    DiscoveryKind.FRONTPAGE: frozenset({"url", "poll_minutes", "link_pattern"}),
}
_LITERAL_SAFE = re.compile(r"[^'\x00-\x08\x0a-\x1f\x7f]*")


def load_sources(path: Path) -> list[Source]:
    """The sources listed in the TOML file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read sources file: {error}") from error
    return parse_sources(text, origin=str(path))


def load_default_sources() -> list[Source]:
    """The sources shipped with newsdiffs (``newsdiffs/data/sources.toml``)."""
    data = resources.files("newsdiffs").joinpath("data", "sources.toml")
    return parse_sources(data.read_text(encoding="utf-8"), origin="newsdiffs/data/sources.toml")


def parse_sources(text: str, origin: str = "<sources>") -> list[Source]:
    """The sources in TOML ``text``; ``origin`` names the file in error messages."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{origin}: invalid TOML: {error}") from error
    unknown = set(document) - {"source"}
    if unknown:
        raise ConfigError(f"{origin}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    tables = document.get("source", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{origin}: 'source' must be an array of tables ([[source]])")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        source = _source(table, origin, index)
        if source.name in seen:
            raise ConfigError(f"{origin}: source '{source.name}': name used twice")
        seen.add(source.name)
        sources.append(source)
    return sources


def _source(table: Any, origin: str, index: int) -> Source:
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: source #{index}: must be a table")
    name = table.get("name")
    problem = source_name_problem(name)
    if problem or not isinstance(name, str):
        raise ConfigError(f"{origin}: source #{index}: 'name': {problem}")
    where = f"{origin}: source '{name}'"
    kinds = {kind.value for kind in DiscoveryKind}
    unknown = set(table) - _SOURCE_KEYS - kinds
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    endpoints = tuple(
        _endpoint(entry, kind, f"{where}: {kind.value} #{number}")
        for kind in DiscoveryKind
        for number, entry in enumerate(_table_list(table, kind.value, where), start=1)
    )
    home_url = table.get("home_url")
    if home_url is None and endpoints:
        parts = urlsplit(endpoints[0].url)
        home_url = f"{parts.scheme}://{parts.netloc}/"
    return Source(
        name=name,
        home_url=_url(home_url, f"{where}: 'home_url'"),
        endpoints=endpoints,
        exclude_patterns=_patterns(table.get("exclude", []), f"{where}: 'exclude'"),
        include_patterns=_patterns(table.get("include", []), f"{where}: 'include'"),
        title=_string(table.get("title", name), f"{where}: 'title'"),
    )


def _table_list(table: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{where}: '{key}' must be an array of tables ([[source.{key}]])")
    return value


def _endpoint(entry: Any, kind: DiscoveryKind, where: str) -> Endpoint:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = set(entry) - _ENDPOINT_KEYS[kind]
    if unknown:
        raise ConfigError(f"{where}: unknown key(s): {', '.join(sorted(unknown))}")
    minutes = entry.get("poll_minutes")
    if minutes is not None and (
        not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1
    ):
        raise ConfigError(f"{where}: 'poll_minutes' must be a whole number >= 1, got {minutes!r}")
    link_pattern = entry.get("link_pattern")
    if link_pattern is not None:
        link_pattern = _patterns([link_pattern], f"{where}: 'link_pattern'")[0]
    return Endpoint(
        url=_url(entry.get("url"), f"{where}: 'url'"),
        kind=kind,
        poll_interval=DEFAULT_POLL if minutes is None else timedelta(minutes=minutes),
        link_pattern=link_pattern,
    )


def _url(value: Any, where: str) -> str:
    if value is None:
        raise ConfigError(f"{where} is missing")
    text = _string(value, where)
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise ConfigError(f"{where}: invalid URL {text!r}: {error}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: must be an absolute http(s) URL, got {text!r}")
    return text


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: must be a non-empty string, got {value!r}")
    return value


def _patterns(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be a list of regular expressions")
    patterns = tuple(_string(item, where) for item in value)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(f"{where}: invalid regex {pattern!r}: {error}") from error
    return patterns


def dump_sources(sources: Iterable[Source]) -> str:
    """``sources`` as TOML that :func:`parse_sources` reads back to equal objects."""
    blocks = [_dump_source(source) for source in sources]
    return "\n".join(blocks)


def _dump_source(source: Source) -> str:
    lines = ["[[source]]", f"name = {_toml_string(source.name)}"]
    if source.title and source.title != source.name:
        lines.append(f"title = {_toml_string(source.title)}")
    lines.append(f"home_url = {_toml_string(source.home_url)}")
    if source.exclude_patterns:
        lines.append(f"exclude = {_toml_array(source.exclude_patterns)}")
    if source.include_patterns:
        lines.append(f"include = {_toml_array(source.include_patterns)}")
    for endpoint in source.endpoints:
        lines.append(f"[[source.{endpoint.kind.value}]]")
        lines.append(f"url = {_toml_string(endpoint.url)}")
        if endpoint.poll_interval != DEFAULT_POLL:
            lines.append(f"poll_minutes = {_whole_minutes(endpoint, source.name)}")
        if endpoint.link_pattern is not None:
            lines.append(f"link_pattern = {_toml_string(endpoint.link_pattern)}")
    return "\n".join(lines) + "\n"


def _whole_minutes(endpoint: Endpoint, source_name: str) -> int:
    minutes, remainder = divmod(endpoint.poll_interval, timedelta(minutes=1))
    if remainder or minutes < 1:
        raise ConfigError(
            f"source '{source_name}': poll interval of {endpoint.url} is not whole minutes"
        )
    return int(minutes)


def _toml_array(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_string(value) for value in values) + "]"


def _toml_string(value: str) -> str:
    """A TOML literal string when possible (readable regexes), else an escaped basic string."""
    if "\\" in value and _LITERAL_SAFE.fullmatch(value):
        return f"'{value}'"
    escaped = []
    for char in value:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'
