"""Every request the many-outlet newsroom answered, and what tests ask of that record.

One :class:`RequestRecord` per request: host, path, when it arrived (``time.monotonic()``,
which on Linux is one clock for every process on the machine, and the newsroom's sim time),
the status sent, for a request refused by the rate limit which rule it broke, whether a
hold parked it (:meth:`MultiNewsroom.hold`), and for an article page what it served (the
truth, as in :mod:`newsdiffs.demo.truth`). The :class:`RequestLog` keeps them in memory
(``records()``) and can also append each one to a JSONL file as it happens
(``python -m newsdiffs.demo.multi --log FILE``); :func:`read_jsonl` reads such a file back.
The helper functions below take any sequence of records, from memory or from a file.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from newsdiffs.demo.truth import ServedEntry

TOO_MANY_REQUESTS = 429
SERVICE_UNAVAILABLE = 503  # the answer to a held request, once released
# An article page of any outlet: /news/<yyyy>/<mm>/<dd>/<slug> (as in newsdiffs.demo).
_ARTICLE_PATH = re.compile(r"^/news/\d{4}/\d{2}/\d{2}/[a-z0-9-]+$")


def is_article_path(path: str) -> bool:
    return _ARTICLE_PATH.match(path) is not None


@dataclass(frozen=True, slots=True)
class RequestRecord:
    host: str  # the outlet's address, e.g. "127.0.0.7"
    path: str  # request target without the query
    started: float  # time.monotonic() when the request line and headers had arrived
    sim_time: datetime  # the newsroom clock's time then
    status: int
    violation: str | None = None  # the rate-limit rule broken (status 429), else None
    served: ServedEntry | None = None  # what an article-page response served (the truth)
    held: bool = False  # parked by a hold (MultiNewsroom.hold), then refused: served nothing

    @property
    def is_article(self) -> bool:
        return is_article_path(self.path)

    @property
    def fetched_nothing(self) -> bool:
        """Refused by the rate limit, or held and then refused: no page went out."""
        return self.status == TOO_MANY_REQUESTS or self.held

    def to_json(self) -> str:
        served = self.served
        return json.dumps(
            {
                "host": self.host,
                "path": self.path,
                "started": self.started,
                "sim_time": self.sim_time.isoformat(),
                "status": self.status,
                "violation": self.violation,
                "held": self.held,
                "served": None
                if served is None
                else {"url": served.url, "state": served.state, "content": served.content},
            }
        )

    @classmethod
    def from_json(cls, line: str) -> RequestRecord:
        data = json.loads(line)
        sim_time = datetime.fromisoformat(str(data["sim_time"]))
        served = data.get("served")
        return cls(
            host=str(data["host"]),
            path=str(data["path"]),
            started=float(data["started"]),
            sim_time=sim_time,
            status=int(data["status"]),
            violation=data.get("violation"),
            held=bool(data.get("held", False)),
            served=None
            if served is None
            else ServedEntry(served["url"], sim_time, served["state"], served.get("content")),
        )


class RequestLog:
    """Thread-safe, append-only; optionally mirrored line by line to a JSONL file."""

    def __init__(self, jsonl: Path | None = None, *, keep_in_memory: bool = True) -> None:
        self._records: list[RequestRecord] = []
        self._keep = keep_in_memory
        self._lock = threading.Lock()
        self._file: IO[str] | None = (
            jsonl.open("a", encoding="utf-8", buffering=1) if jsonl else None
        )

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            if self._keep:
                self._records.append(record)
            if self._file is not None:
                self._file.write(record.to_json() + "\n")

    def records(self) -> tuple[RequestRecord, ...]:
        with self._lock:
            return tuple(self._records)

    def write_jsonl(self, path: Path) -> None:
        """Write what is held in memory to ``path`` (replacing it)."""
        with path.open("w", encoding="utf-8") as out:
            for record in self.records():
                out.write(record.to_json() + "\n")

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def read_jsonl(path: Path) -> list[RequestRecord]:
    with path.open(encoding="utf-8") as lines:
        return [RequestRecord.from_json(line) for line in lines if line.strip()]


# --- questions tests ask --------------------------------------------------------------------


@dataclass(frozen=True)
class Refetch:
    """One article requested twice within the window: the two requests."""

    host: str
    path: str
    first: RequestRecord
    second: RequestRecord


def refetched_within(
    records: Iterable[RequestRecord], window: timedelta, *, real_time: bool = False
) -> list[Refetch]:
    """Article pages answered twice less than ``window`` apart (sim time, or real time).

    Requests that fetched nothing (refused with 429, or held and refused) are left out: the
    retry that follows one is not a second fetch.
    """
    by_article: dict[tuple[str, str], list[RequestRecord]] = defaultdict(list)
    for record in records:
        if record.is_article and not record.fetched_nothing:
            by_article[(record.host, record.path)].append(record)
    found = []
    for (host, path), answered in by_article.items():
        if real_time:
            answered.sort(key=lambda r: r.started)
        else:
            answered.sort(key=lambda r: (r.sim_time, r.started))
        for first, second in itertools.pairwise(answered):
            gap = (
                timedelta(seconds=second.started - first.started)
                if real_time
                else second.sim_time - first.sim_time
            )
            if gap < window:
                found.append(Refetch(host, path, first, second))
    return found


def min_gap_per_host(records: Iterable[RequestRecord]) -> dict[str, float]:
    """Per host, the smallest real-time gap (seconds) between two request starts.

    Every request counts, refused ones too. Hosts asked only once are left out.
    """
    starts: dict[str, list[float]] = defaultdict(list)
    for record in records:
        starts[record.host].append(record.started)
    gaps = {}
    for host, times in starts.items():
        if len(times) > 1:
            times.sort()
            gaps[host] = min(b - a for a, b in itertools.pairwise(times))
    return gaps


def served_entries(records: Iterable[RequestRecord]) -> list[ServedEntry]:
    """The newsroom's truth log, rebuilt from its request log (from another process's JSONL):
    score a tracker with ``newsdiffs.demo.truth.score(served_entries(records), recorded)``."""
    return [record.served for record in records if record.served is not None]


def violations(records: Iterable[RequestRecord]) -> list[RequestRecord]:
    """Requests the rate limit refused (429), in the order given."""
    return [record for record in records if record.violation is not None]


def requests_per_host(records: Sequence[RequestRecord]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[record.host] += 1
    return dict(counts)
