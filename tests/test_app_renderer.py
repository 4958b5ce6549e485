"""The web app's page: its chart renderer (app/labextensions/kit-plotly: plotly.js's basic
bundle for the app's charts, the full bundle only for a figure that needs it, jupyterlab-plotly
without the bundles) and its template (a loading message that does not move); the page draws
every chart with no page error (a real Voila and Chromium)."""

from __future__ import annotations

import json
import shutil
import urllib.request

import pytest
from browser_support import (
    ALL_DRAWN,
    CHROMIUM,
    CHROMIUM_ARGS,
    VoilaServer,
    is_console_error,
    skip_without_a_browser,
)

from kit.publish import app, page_scripts


def _needs_the_bundles() -> None:
    """Skip without npm (the app then draws with jupyterlab-plotly); with npm, setup must have
    installed the bundles."""
    if shutil.which("npm") is None and not page_scripts.has_plotly_bundles():
        pytest.skip("no npm: make setup could not fetch plotly.js's basic bundle")
    assert page_scripts.has_plotly_bundles(), "run `make setup` (kit.publish.page_scripts)"


def test_the_app_draws_with_its_own_renderer_when_the_bundles_are_installed():
    _needs_the_bundles()
    command = app.voila_command(8866, pool_size=2)
    assert f"--VoilaConfiguration.extra_labextensions_path={app.APP_EXTENSIONS}" in command
    assert "--VoilaConfiguration.extension_denylist=jupyterlab-plotly" in command
    # The basic bundle is the plotly.js the plotly package ships (reports, JupyterLab).
    from plotly.offline import get_plotlyjs_version

    for bundle in (page_scripts.BASIC_BUNDLE, page_scripts.FULL_BUNDLE):
        assert page_scripts.bundle_version(page_scripts.PLOTLY_BUNDLES / bundle) == (
            get_plotlyjs_version()
        )


def test_without_the_bundles_the_app_keeps_jupyterlab_plotly(tmp_path, monkeypatch):
    monkeypatch.setattr(page_scripts, "PLOTLY_BUNDLES", tmp_path / "none")
    command = " ".join(app.voila_command(8866, pool_size=0))
    assert "extension_denylist=kit-plotly" in command
    assert "extension_denylist=jupyterlab-plotly" not in command
    # kit-widgets (a patient widget manager) is the app's either way.
    assert f"extra_labextensions_path={app.APP_EXTENSIONS}" in command


def _notebook(path):
    """Write a notebook that shows a bar, a line and a heatmap as the app does (kit.plots)."""
    source = "\n".join(
        [
            "import plotly.graph_objects as go",
            "from kit.publish.app import show",
            "from kit.views.plots import Plot",
            "show(Plot(go.Figure(go.Bar(x=[3, 1], y=['Putin', 'Xi'], orientation='h'))).widget)",
            "show(Plot(go.Figure(go.Scatter(x=[1, 2, 3], y=[2, 1, 3]))).widget)",
            "show(Plot(go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))).widget)",
        ]
    )
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "c1",
        "metadata": {},
        "outputs": [],
        "source": source,
    }
    notebook = {
        "cells": [cell],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))
    return path


@pytest.mark.browser
def test_basic_traces_draw_with_the_basic_bundle_and_a_heatmap_with_the_full_one(tmp_path):
    _needs_the_bundles()
    sync_api = skip_without_a_browser("playwright.sync_api")
    notebook = _notebook(tmp_path / "renderer.ipynb")
    server = VoilaServer(tmp_path, pool_size=0, notebook=notebook)
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            errors, scripts = [], []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    errors.append(message.text)
                    if is_console_error(message.type, message.text)
                    else None
                ),
            )
            page.on("request", lambda request: scripts.append(request.url.split("?")[0]))
            page.goto(server.url, timeout=120_000)
            page.wait_for_function(ALL_DRAWN, arg=3, timeout=120_000, polling=100)
            types = page.evaluate(
                "[...document.querySelectorAll('.js-plotly-plot')]"
                ".map(plot => plot._fullData[0].type)"
            )
            browser.close()
        with urllib.request.urlopen(server.url, timeout=120) as response:
            html = response.read().decode()
    finally:
        server.stop()
    # The app's template ("kit"): a still loading message, not Voila's turning spinner.
    assert 'id="loading_text"' in html and 'class="spinner"' not in html
    assert types == ["bar", "scatter", "heatmap"]
    assert not errors, errors
    loaded = {url.rsplit("/", 1)[-1] for url in scripts if url.endswith(".js")}
    assert {page_scripts.BASIC_BUNDLE, page_scripts.FULL_BUNDLE} <= loaded, sorted(loaded)
    assert not [url for url in scripts if "/jupyterlab-plotly/" in url], "jupyterlab-plotly loaded"
