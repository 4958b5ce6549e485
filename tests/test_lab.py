"""Notebook 01 opened in a real JupyterLab in Chromium with every core busy: its dashboard
draws, answers an entity pick, and the page logs no error.

JupyterLab runs on 127.0.0.1 over a copy of the notebook in a temporary folder (nothing is
saved into the repository) with its settings, workspaces and runtime files there too. The
notebook's cells are run by JupyterLab's own "run all cells" command; requests that leave
127.0.0.1 are answered empty and must be none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    cpu_hog,
    free_port,
    is_console_error,
    skip_without_a_browser,
)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
NOTEBOOK = REPO / "notebooks" / "01_explore.ipynb"
STEP_MS = 240_000

sync_api = skip_without_a_browser("playwright.sync_api")


@pytest.fixture()
def lab_url(tmp_path: Path) -> Iterator[str]:
    """Start JupyterLab on a copy of notebook 01; yield its URL; stop it."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    port = free_port()
    environment = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}"]
    command += ["--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password="]
    command += [f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]
    command += ["--allow-root", "--LabApp.extension_manager=readonly"]  # CI runs as root
    command += [
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=environment, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "api/status", timeout=5).close()
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"jupyter lab did not start: {(tmp_path / 'lab.log').read_text()}")
            time.sleep(0.5)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


KERNEL_IDLE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext && panel.sessionContext.session;
    return Boolean(session && session.kernel && session.kernel.status === 'idle');
}"""
ALL_RUN = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .every(prompt => /\\[\\d+\\]/.test(prompt.textContent))"""
TIMELINE_TITLE = """() => {
    const plot = document.querySelectorAll('.kit-dashboard .js-plotly-plot')[1];
    return plot && plot.layout && plot.layout.title ? plot.layout.title.text || '' : '';
}"""


def test_notebook_01_dashboard_draws_and_responds_in_jupyterlab_under_load(lab_url):
    errors: list[str] = []
    external: list[str] = []
    with cpu_hog(600), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"console error: {message.text}")
                if is_console_error(message.type, message.text)
                else None
            ),
        )
        base = lab_url.rstrip("/")

        def outside(route) -> None:
            external.append(route.request.url)
            route.fulfill(status=200, body="", content_type="text/plain")

        page.route(lambda address: not address.startswith(base), outside)
        page.goto(f"{lab_url}lab/tree/{NOTEBOOK.name}", timeout=STEP_MS)
        page.wait_for_function(
            "() => window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=STEP_MS
        )
        # Run every cell once the kernel is up, as a reader's "Run All" would.
        page.wait_for_function(KERNEL_IDLE, timeout=STEP_MS)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(
            "() => document.querySelectorAll('.kit-dashboard .js-plotly-plot .main-svg').length"
            " >= 2",
            timeout=STEP_MS,
        )
        before = page.evaluate(TIMELINE_TITLE)
        entities = page.locator(".kit-dashboard").get_by_label("Entities")
        names = entities.evaluate("node => [...node.options].map(option => option.textContent)")
        wanted = next(i for i, name in enumerate(names) if re.match(r"Xi\sJinping", name))
        entities.select_option(index=wanted)
        page.wait_for_function(
            f"() => ({TIMELINE_TITLE})().startsWith('Xi Jinping')", timeout=STEP_MS
        )
        # Wait for the whole notebook to finish (its later charts too), then for late errors.
        page.wait_for_function(ALL_RUN, timeout=STEP_MS)
        page.wait_for_function(KERNEL_IDLE, timeout=STEP_MS)
        page.wait_for_timeout(2000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".kit-dashboard").screenshot(path=str(SCREENSHOTS / "lab_dashboard.png"))
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].map(p => p.data.length)"
        )
        browser.close()
    assert not before.startswith("Xi Jinping"), before
    assert len(drawn) >= 6 and all(drawn), f"charts in the notebook (traces each): {drawn}"
    assert not errors, errors
    assert not external, f"the page tried to reach outside 127.0.0.1: {external}"
