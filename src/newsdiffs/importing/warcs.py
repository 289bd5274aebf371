"""Reading WARC and ARC files: an index of their HTML captures, then one capture at a time.

The index holds where each capture is (file and offset), never its page, so a crawl of any
size is indexed in little memory; pages are read back by offset, one at a time, in the
order the import replays them.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsdiffs.core.urls import canonicalize_url
from newsdiffs.errors import InputError

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, order=True)
class Capture:
    """One HTML page a crawler fetched: where to find it and what it was."""

    url: str  # canonical
    captured_at: datetime
    path: str
    offset: int
    digest: str  # the payload digest the crawler wrote, or "" when it wrote none


@dataclass(frozen=True)
class CapturedPage:
    capture: Capture
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


@dataclass
class IndexReport:
    captures: list[Capture]
    skipped: Counter[str]  # why records were not captures, and how many


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:  # ARC dates: 14 digits
            moment = datetime.strptime(text[:14], "%Y%m%d%H%M%S")
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _skip_reason(record: object) -> str | None:
    rec_type = getattr(record, "rec_type", "")
    if rec_type == "revisit":
        return "revisit (a duplicate the crawler did not store again)"
    if rec_type != "response":
        return f"{rec_type or 'unknown'} record"
    http = getattr(record, "http_headers", None)
    if http is None:
        return "response without HTTP headers"
    status = http.get_statuscode()
    if status != "200":
        return f"HTTP {status}"
    content_type = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in HTML_TYPES:
        return "not HTML"
    return None


def _check_format(path: Path) -> None:
    """A WARC starts with ``WARC/``, an ARC with ``filedesc://`` (each maybe gzipped)."""
    with path.open("rb") as raw:
        head = raw.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as stream:
            start = stream.read(16)
    except (OSError, EOFError) as error:
        raise InputError(f"{path}: not a readable WARC or ARC file ({error})") from error
    if not start.startswith((b"WARC/", b"filedesc://")):
        raise InputError(f"{path}: not a WARC or ARC file (it starts with {start[:10]!r})")


def index_captures(
    paths: Iterable[Path], progress: Callable[[int], None] = lambda n: None
) -> IndexReport:
    """Every HTML capture in ``paths``, sorted by URL then capture time.

    Raises InputError for a file that cannot be read as WARC or ARC at all."""
    captures: list[Capture] = []
    skipped: Counter[str] = Counter()
    for path in paths:
        _check_format(path)
        try:
            with path.open("rb") as stream:
                records = ArchiveIterator(stream, arc2warc=True)
                for record in records:
                    reason = _skip_reason(record)
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    date = _warc_date(record.rec_headers.get_header("WARC-Date"))
                    offset = records.get_record_offset()
                    if reason is None and uri and date is not None:
                        digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
                        captures.append(
                            Capture(canonicalize_url(uri), date, str(path), offset, digest)
                        )
                    else:
                        skipped[reason or "no target URI or date"] += 1
                    progress(1)
        except (OSError, ArchiveLoadFailed, ValueError) as error:
            raise InputError(f"{path}: not a readable WARC or ARC file ({error})") from error
    captures.sort()
    return IndexReport(captures, skipped)


def read_capture(capture: Capture) -> CapturedPage:
    """The page of one indexed capture."""
    with open(capture.path, "rb") as stream:
        stream.seek(capture.offset)
        for record in ArchiveIterator(stream, arc2warc=True):
            http = record.http_headers
            body = record.content_stream().read()
            return CapturedPage(
                capture,
                body,
                http.get_header("Content-Type") if http else None,
                http.get_header("ETag") if http else None,
                http.get_header("Last-Modified") if http else None,
            )
    raise InputError(f"{capture.path}: no record at offset {capture.offset}")
