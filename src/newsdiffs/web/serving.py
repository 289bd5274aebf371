"""``newsdiffs serve``: the web app in one process, or in several uvicorn workers.

One process answers one request at a time per core it can use: under 50 concurrent readers
on 2 cores it queued (191 requests/s, p95 438 ms; issue 13). With ``workers`` > 1, uvicorn
starts that many worker processes on the one listening socket, each with its own store
over the same database (SQLite: WAL and a busy timeout, ``storage/engine``).

A worker builds its settings the way the command did, from the same inputs: the config
file path and the command line's values travel in :data:`LAUNCH_ENV` (JSON), the
environment is inherited, and :func:`newsdiffs.settings.load_settings` does the rest. The
parent opens the database first, so migrations run once, before any worker starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsdiffs.settings import Settings, load_settings
from newsdiffs.storage import open_store
from newsdiffs.storage.base import Store
from newsdiffs.web.app import create_app
from newsdiffs.web.app import serve as serve_in_process

LAUNCH_ENV = "NEWSDIFFS_SERVE_LAUNCH"
DEBUG_ENV = "NEWSDIFFS_DEBUG"  # also names the worker in an X-Worker-Pid header


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def serve(
    settings: Settings,
    store: Store,
    workers: int = 1,
    config_file: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> None:
    """Serve on ``settings.host``:``settings.port`` until interrupted. With ``workers`` > 1,
    each worker rebuilds ``settings`` from ``config_file`` and ``overrides`` (the command
    line's values), as the command itself did."""
    if workers <= 1:
        serve_in_process(settings, store)
        return
    launch = {"config": config_file, "overrides": dict(overrides or {})}
    os.environ[LAUNCH_ENV] = json.dumps(launch)
    uvicorn.run(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
    )


def worker_app() -> FastAPI:
    """The app of one worker process (uvicorn calls this in each)."""
    launch = json.loads(os.environ[LAUNCH_ENV])
    settings = load_settings(launch["config"], overrides=launch["overrides"])
    store = open_store(settings.db)
    app = create_app(settings, store)
    app.router.on_shutdown.append(store.close)
    if os.environ.get(DEBUG_ENV):
        app.add_middleware(WorkerPidHeader)
    return app


class WorkerPidHeader:
    """``X-Worker-Pid: <pid>`` on every response: which worker answered (debugging)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pid = str(os.getpid()).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-worker-pid", self.pid)]
            await send(message)

        await self.app(scope, receive, sending)
