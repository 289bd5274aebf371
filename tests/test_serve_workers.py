"""`newsdiffs serve --workers 2`: two worker processes over one database, both answering."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from newsdiffs.storage import open_store

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("serve did not answer in time")


def test_two_workers_both_answer_and_stop_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "web.db"
    open_store(str(db)).close()
    config = tmp_path / "newsdiffs.toml"
    config.write_text('[newsdiffs]\npublic_url = "https://diffs.example.org"\n')
    port = free_port()
    env = {**os.environ, "NEWSDIFFS_DEBUG": "1"}  # the workers name themselves
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "newsdiffs", "--config", str(config), "--db", str(db)),
            *("serve", "--port", str(port), "--workers", "2"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)

        def ask(_: int) -> tuple[str, str]:
            with httpx.Client(timeout=10) as client:  # a new connection each time
                answer = client.get(f"{base}/feeds/changes.atom")
                assert answer.status_code == 200
                return answer.headers["x-worker-pid"], answer.text

        pids: set[str] = set()
        deadline = time.monotonic() + 30
        with ThreadPoolExecutor(8) as pool:
            while len(pids) < 2 and time.monotonic() < deadline:
                answers = list(pool.map(ask, range(32)))
                pids |= {pid for pid, _ in answers}
                # Every worker has the settings of the command: the config file's public URL.
                assert all("https://diffs.example.org/" in text for _, text in answers)
        assert len(pids) == 2, f"answered by {pids}"
        assert str(server.pid) not in pids  # the parent only supervises
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.communicate()
            pytest.fail("serve did not stop on Ctrl-C")
    assert server.returncode == 0, err.decode()[-2000:]
    for pid in pids:  # no worker left behind
        assert not Path(f"/proc/{pid}").exists(), f"worker {pid} still running"


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop has no Windows build")
def test_serve_runs_on_the_c_http_parser_and_uvloop() -> None:
    """What uvicorn's "auto" picks (serve leaves both on auto): the installed C parser and
    libuv loop, not h11 and asyncio's loop, which cost more CPU per request."""
    import asyncio

    from uvicorn.loops.auto import auto_loop_factory
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
    loop = auto_loop_factory(use_subprocess=False)()
    try:
        assert type(loop).__module__.startswith("uvloop")
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()


@pytest.mark.parametrize("threads", [1, 4])
def test_page_handlers_run_on_the_web_threads_setting(tmp_path: Path, threads: int) -> None:
    """The started app sizes its event loop's thread pool from ``web_threads``, not
    Starlette's 40, and pages still answer."""
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from newsdiffs.settings import Settings
    from newsdiffs.web import create_app

    db = tmp_path / "threads.db"
    store = open_store(str(db))
    try:
        app = create_app(Settings(db=str(db), web_threads=threads), store)
        with TestClient(app) as client:
            assert client.get("/").status_code == 200
            limiter = client.portal.call(anyio.to_thread.current_default_thread_limiter)
            assert limiter.total_tokens == threads
    finally:
        store.close()
