"""Processes for ``bench_scale.py``: start and stop them, and read their CPU time from /proc.

psutil is not a dependency: CPU time is ``utime + stime`` of ``/proc/<pid>/stat`` for every
process of a process group (a Celery worker is a main process and its pool process), and
the machine's busy share is read from ``/proc/stat``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # the command name may hold spaces


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) of the living processes of process group ``pgid``."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        # fields[0] is the state (field 3 of stat): pgrp is field 5, utime 14, stime 15.
        if fields is not None and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def run_time_s(pids: Sequence[int]) -> float:
    """CPU seconds the processes ``pids`` ran, to the nanosecond (``/proc/<pid>/schedstat``:
    readable for other users' processes, such as PostgreSQL's backends)."""
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return total / 1e9


@dataclass(frozen=True)
class MachineCpu:
    busy: int
    total: int

    @classmethod
    def now(cls) -> MachineCpu:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return cls(sum(values) - idle, sum(values))

    def busy_share_since(self, earlier: MachineCpu) -> float:
        """Share of all cores' time spent busy between ``earlier`` and this reading."""
        return (self.busy - earlier.busy) / max(1, self.total - earlier.total)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """A child in its own process group, its output in a log file."""

    def __init__(
        self, name: str, argv: Sequence[str], env: dict[str, str], cwd: Path, log_dir: Path
    ) -> None:
        self.name = name
        self.log = log_dir / f"{name}.log"
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                list(argv),
                env=env,
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def cpu_s(self) -> float:
        return group_cpu_s(self.pid)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_log(self, marker: str, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if marker in self.log_text():
                return True
            if self.popen.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def stop(self, grace_s: float = 15.0) -> None:
        """SIGTERM the group, then SIGKILL what is left after ``grace_s``."""
        if self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # pool processes left behind
            os.killpg(self.pid, signal.SIGKILL)


@contextlib.contextmanager
def redis_server(work_dir: Path) -> Iterator[tuple[str, Process]]:
    """A throwaway Redis on a free loopback port: (URL, process)."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = Process("redis", argv, dict(os.environ), work_dir, work_dir)
    try:
        if not process.wait_for_log("Ready to accept connections", 30):
            raise SystemExit(f"redis did not start: {process.log_text()[-500:]}")
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.stop()
