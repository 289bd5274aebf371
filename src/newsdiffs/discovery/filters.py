"""Which discovered URLs are articles worth tracking, per source.

Built-in excludes (searched, case-insensitive, in the URL path) drop pages that are not
articles, or that change by design so that tracking them records noise:

- live coverage: ``/live/``, ``/liveblog``, ``/live-news/``, ``/live-updates/``, ``/live-blog/``
- audio and video: ``/video/``, ``/videos/``, ``/av/``, ``/audio/``, ``/podcast/``, ``/podcasts/``
- picture pages: ``/gallery/``, ``/galleries/``
- index pages: ``/tag/``, ``/tags/``, ``/topic/``, ``/topics/``, ``/author/``
- files: paths ending in ``.pdf``, ``.jpg``/``.jpeg``, ``.png``, ``.gif``, ``.mp3``, ``.mp4``

Sport is *not* excluded by default: a source that does not want it lists it in ``exclude``.
A source's own ``exclude_patterns`` and ``include_patterns`` are searched in the whole URL.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from newsdiffs.errors import ConfigError
from newsdiffs.models import Source

BUILTIN_EXCLUDES: tuple[str, ...] = (
    r"/live/",
    r"/liveblog",
    r"/live-news/",
    r"/live-updates/",
    r"/live-blog/",
    r"/videos?/",
    r"/av/",
    r"/audio/",
    r"/podcasts?/",
    r"/galler(y|ies)/",
    r"/tags?/",
    r"/topics?/",
    r"/author/",
    r"\.(pdf|jpe?g|png|gif|mp3|mp4)$",
)
_BUILTIN = re.compile("|".join(f"(?:{pattern})" for pattern in BUILTIN_EXCLUDES), re.IGNORECASE)


def is_article_url(source: Source, url: str) -> bool:
    """Whether ``url`` is an http(s) article URL that ``source`` should track.

    False when the path matches a built-in exclude (see the module docstring) or the URL
    matches one of ``source.exclude_patterns``, or when ``source.include_patterns`` is
    non-empty and none of them matches. Raises ConfigError for an invalid pattern.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if _BUILTIN.search(parts.path):
        return False
    if any(compile_pattern(pattern).search(url) for pattern in source.exclude_patterns):
        return False
    if source.include_patterns:
        return any(compile_pattern(pattern).search(url) for pattern in source.include_patterns)
    return True


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled (cached); ConfigError naming the pattern when it is invalid."""
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ConfigError(f"invalid URL pattern {pattern!r}: {error}") from error
