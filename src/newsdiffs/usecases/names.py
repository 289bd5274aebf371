"""The one rule for a source name and for a URL a user gives us.

A source name appears in paths (``/sources/{name}``, ``/sources/{name}/changes.atom``) and
file-like contexts, so it is short, lower-case and has no ``/``: a name with ``/`` could be
stored but every page of it answered 404. Plain functions returning the problem (or None),
so the sources file can report it as a ConfigError and the use cases as an InputError.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SOURCE_NAME_MAX = 64
SOURCE_NAME = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{SOURCE_NAME_MAX - 1}}}")
SOURCE_NAME_RULE = (
    f"a source name is 1 to {SOURCE_NAME_MAX} lower-case letters, digits, '.', '_' or '-', "
    "starting with a letter or digit"
)


def source_name_problem(name: object) -> str | None:
    """None when ``name`` is a valid source name, else what is wrong with it."""
    if isinstance(name, str) and SOURCE_NAME.fullmatch(name):
        return None
    return f"{SOURCE_NAME_RULE}, got {name!r}"


def http_url_problem(url: object) -> str | None:
    """None when ``url`` is an absolute http(s) URL with a host, else what is wrong."""
    if not isinstance(url, str) or not url.strip():
        return f"expected an http(s) URL, got {url!r}"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - a bad port raises ValueError here
    except ValueError as error:
        return f"not a valid URL {url!r}: {error}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"not an absolute http(s) URL: {url!r}"
    return None
