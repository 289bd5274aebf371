"""What the browser tests share: Debian's chromium through Playwright, the app served by
uvicorn in a thread at its public address, artifacts, and axe-core from npm."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from web_seed import Seeded

from newsdiffs.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(
    os.environ.get("NEWSDIFFS_ARTIFACTS") or Path(__file__).resolve().parent / "artifacts"
)
WIDTHS = (1280, 390)
SERIOUS = ("serious", "critical")
# pytestmark of every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="needs playwright"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(data: Seeded) -> Iterator[str]:
    """The app over ``data`` served by uvicorn in a thread, at its public address (so that
    absolute URLs such as og:image point at this server); yields that address."""
    port = free_port()
    data.settings = replace(data.settings, public_url=f"http://127.0.0.1:{port}")
    config = uvicorn.Config(
        create_app(data.settings, data.store, data.clock),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def launch(playwright: Any) -> Any:
    """Debian's chromium, as it runs on this machine kind (no sandbox, no GPU)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def axe_script(tmp_path_factory: pytest.TempPathFactory) -> str:
    """axe-core's axe.min.js, from the npm registry into a temporary directory."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("needs npm to install axe-core")
    prefix = tmp_path_factory.mktemp("axe")
    try:
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "axe-core", "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=180,
        )
    except (subprocess.SubprocessError, OSError) as error:
        pytest.skip(f"npm could not install axe-core: {error}")
    return (prefix / "node_modules" / "axe-core" / "axe.min.js").read_text()


def serious_violations(page: Any, axe_script: str) -> list[str]:
    """axe-core run on ``page`` (injected: the site's CSP forbids inline scripts, so the
    page's context must bypass it): its serious and critical violations, one line each."""
    page.add_script_tag(content=axe_script)
    result = page.evaluate("async () => JSON.stringify(await axe.run())")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in json.loads(result)["violations"]
        if v.get("impact") in SERIOUS
    ]


def violations_at_every_width(
    browser: Any,
    base: str,
    paths: Mapping[str, str],
    axe_script: str,
    unfold: Callable[[str], bool] = lambda name: True,
) -> dict[str, list[str]]:
    """Serious and critical axe-core violations of each page at each of :data:`WIDTHS`, by
    "<name> at <width> px"; pages for which ``unfold(name)`` have their ``<details>``
    opened first, so that what is folded is checked too."""
    found: dict[str, list[str]] = {}
    for width in WIDTHS:
        # The site's Content-Security-Policy forbids inline scripts: axe is injected.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        for name, path in paths.items():
            page.goto(base + path)
            if unfold(name):
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            if problems := serious_violations(page, axe_script):
                found[f"{name} at {width} px"] = problems
        context.close()
    return found
