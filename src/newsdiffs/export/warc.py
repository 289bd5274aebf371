"""``warc``: every stored raw page as a WARC response record, dated at its capture.

Replay tools (pywb, ReplayWeb.page) and warcio's index open the file. One gzipped WARC 1.1
file, a ``warcinfo`` record first, then one ``response`` record per picked version in capture
order: ``WARC-Target-URI`` is the article's URL, ``WARC-Date`` the capture time, the payload
the page exactly as it was fetched, behind a rebuilt ``HTTP/1.1 200 OK`` head (newsdiffs
keeps the page, not the response headers: the head says ``text/html`` and nothing else, so
a page whose charset came only from its HTTP header is decoded by its own declarations).
Record ids are derived from the record's content, so the same database gives the same bytes.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import chain
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsdiffs import __version__
from newsdiffs.models import Article, Version

_NAMESPACE = uuid.UUID("5b0f6f6e-5d1b-4c59-9f0e-6e6577736469")
# Headers naming the version a record holds, so an import can verify what it read.
VERSION_HEADER = "X-Newsdiffs-Version"
HASH_HEADER = "X-Newsdiffs-Content-Hash"


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_id(*parts: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join(parts))}>"


def write_warc(
    versions: Iterable[tuple[Article, Version]],
    raw_page: Callable[[int], bytes],
    out: BinaryIO,
) -> int:
    """Write the WARC; return the responses written. The warcinfo record is dated at the
    first capture (the epoch when there is none), never at the clock."""
    stream = iter(versions)
    first = next(stream, None)
    first_date = first[1].captured_at if first else datetime(1970, 1, 1, tzinfo=UTC)
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = f"software: newsdiffs {__version__}\r\nformat: WARC File Format 1.1\r\n".encode()
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo", warc_date(first_date)),
                "WARC-Date": warc_date(first_date),
            },
        )
    )
    written = 0
    for article, version in chain([first] if first else [], stream):
        body = raw_page(version.id)
        head = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        date = warc_date(version.captured_at)
        record = writer.create_warc_record(
            article.url,
            "response",
            payload=io.BytesIO(body),
            http_headers=head,
            warc_headers_dict={
                "WARC-Record-ID": record_id(article.url, date, version.content_hash),
                "WARC-Date": date,
                VERSION_HEADER: f"{article.source}/{article.id}/{version.number}",
                HASH_HEADER: version.content_hash,
            },
        )
        writer.write_record(record)
        written += 1
    return written
