"""A loopback SavePageNow: SPN2 (keys, job, status polling) and the anonymous ``GET /save/<url>``.

    with FakeSavePageNow() as fake:
        target_for(fake.url)            # wayback://ACCESS:SECRET@127.0.0.1:port (SPN2)
        target_for(fake.anonymous_url)  # wayback://127.0.0.1:port
        fake.captures                   # each finished capture: url, timestamp, how
        fake.fail_captures("error:blocked-url", "This URL is excluded.")  # jobs end in error

An SPN2 job is ``pending`` for ``polls_until_done`` status polls, then ``success`` with a
14-digit timestamp (a fixed clock, one second per capture). The anonymous save answers 302
with the snapshot in ``Location`` (or, with ``anonymous_header = "Content-Location"``, 200
with it there, as the Wayback Machine also does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.base import FakeService, Reply, Request

ACCESS = "fakeaccess"
SECRET = "fakesecret"
_CLOCK = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass(frozen=True)
class Capture:
    url: str
    timestamp: str
    how: str  # "spn2" or "anonymous"


class FakeSavePageNow(FakeService):
    def __init__(self, *, polls_until_done: int = 1) -> None:
        super().__init__()
        self.polls_until_done = polls_until_done
        self.captures: list[Capture] = []
        self.anonymous_header = "Location"
        self.jobs: dict[str, dict[str, Any]] = {}
        self._capture_error: tuple[str, str] | None = None

    @property
    def url(self) -> str:
        return f"wayback://{ACCESS}:{SECRET}@{self.host}"

    @property
    def anonymous_url(self) -> str:
        return f"wayback://{self.host}"

    def fail_captures(self, status_ext: str, message: str) -> None:
        """Every SPN2 job from now on ends with ``status: error`` and this ``status_ext``."""
        self._capture_error = (status_ext, message)

    def handle(self, request: Request) -> Reply:
        if request.method == "POST" and request.path == "/save":
            return self._start_job(request)
        if request.method == "GET" and request.path.startswith("/save/status/"):
            return self._job_status(request)
        if request.method == "GET" and request.path.startswith("/save/"):
            return self._save_anonymously(request)
        return Reply(404, {"message": "not found"})

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"LOW {ACCESS}:{SECRET}"

    def _timestamp(self) -> str:
        return (_CLOCK + timedelta(seconds=len(self.captures))).strftime("%Y%m%d%H%M%S")

    def _start_job(self, request: Request) -> Reply:
        if not self._authorized(request):
            return Reply(401, {"message": "You need to be logged in to use Save Page Now."})
        url = request.form().get("url", "")
        if not url:
            return Reply(400, {"status": "error", "status_ext": "error:invalid-url-syntax"})
        job_id = f"spn2-{len(self.jobs):040x}"
        self.jobs[job_id] = {"url": url, "polls": 0}
        return Reply(200, {"url": url, "job_id": job_id})

    def _job_status(self, request: Request) -> Reply:
        if not self._authorized(request):
            return Reply(401, {"message": "You need to be logged in to use Save Page Now."})
        job_id = request.path.rsplit("/", 1)[1]
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(200, {"status": "error", "status_ext": "error:not-found"})
        job["polls"] += 1
        if job["polls"] < self.polls_until_done:
            return Reply(200, {"status": "pending", "job_id": job_id, "resources": []})
        if self._capture_error is not None:
            status_ext, message = self._capture_error
            return Reply(
                200,
                {"status": "error", "status_ext": status_ext, "message": message, "job_id": job_id},
            )
        if "timestamp" not in job:
            job["timestamp"] = self._timestamp()
            self.captures.append(Capture(job["url"], job["timestamp"], "spn2"))
        return Reply(
            200,
            {
                "status": "success",
                "job_id": job_id,
                "original_url": job["url"],
                "timestamp": job["timestamp"],
                "duration_sec": 1.2,
            },
        )

    def _save_anonymously(self, request: Request) -> Reply:
        url = request.path.removeprefix("/save/")
        if request.query:
            url += "?" + "&".join(f"{name}={value}" for name, value in request.query.items())
        timestamp = self._timestamp()
        self.captures.append(Capture(url, timestamp, "anonymous"))
        location = f"/web/{timestamp}/{url}"
        status = 302 if self.anonymous_header == "Location" else 200
        return Reply(status, b"", {self.anonymous_header: location})
