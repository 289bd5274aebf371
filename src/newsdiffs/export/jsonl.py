"""``jsonl``: one JSON object per line, one line per exported version.

Each line carries the article's fields (id, source, URL), the version (title, byline,
dates, paragraphs, content hash, classification kinds and significance, words added and
removed) and its change against the previous version: the sentence operations of its
classification and the word diff of the title, the byline and each changed paragraph.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import BinaryIO

from newsdiffs.export.records import version_record
from newsdiffs.export.selection import History, Selection


def write_jsonl(histories: Iterable[History], selection: Selection, out: BinaryIO) -> int:
    """Write every picked version of ``histories``; return how many lines were written."""
    lines = 0
    for history in histories:
        for version in history.picked(selection):
            record = version_record(history, version)
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
            out.write(b"\n")
            lines += 1
    return lines
