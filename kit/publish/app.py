"""The web app's wiring: the views Voila shows (``make app``), and what a server needs.

Every chart in the views is a ``kit.plots.Plot``: its figure lives in an Output widget's state,
so Voila's page, which asks the kernel for each widget's state once the cell has run, opens
with the charts drawn. ``show`` displays the views.

``voila_command`` is the server's command line (``make app`` and the tests use it): kernels
are preheated (a pool of kernels has already run the notebook when a user arrives, so the
first paint is the page, not the Python), the code is hidden, and the page loads the app's
own extensions and template (``app/``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kit.publish.page_scripts import APP_EXTENSIONS, has_page_chunks, has_plotly_bundles

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "app" / "dashboard.ipynb"
# Kernels kept ready, each having run the notebook: more users arriving at once than this
# wait for a kernel to start and run it (about 120 MB each, measured by bench/app_load.py).
DEFAULT_POOL_SIZE = 8
# Seconds before a used kernel is replaced in the pool: the replacement runs the notebook (a
# few CPU-seconds), which would otherwise compete with the pages that just took kernels (at
# 20 s, 8 users' replacements started while their pages drew: redraw p50 1.98 s, now 0.51 s).
POOL_REFILL_DELAY = 120
# Page extensions the app does not use (its charts need no anywidget; its code is hidden).
UNUSED_EXTENSIONS = ["anywidget", "jupyterlab_pygments"]
# The app's Voila template, "kit" (app/jupyter/voila/templates/kit): Voila's lab template with a
# loading message that does not move (its spinner drew a frame every 16 ms while the page
# loaded: a fifth of 8 pages' browser CPU), and Voila's chunks loaded as one file when
# ``page_scripts`` has put it in place (its ``kit_page_chunks`` resource). Voila finds
# templates on the Jupyter path, so the server runs with this folder on $JUPYTER_PATH
# (``voila_environment``).
APP_JUPYTER = REPO / "app" / "jupyter"
TEMPLATE = "kit"
# Seconds Voila waits for a cell's outputs after the cell has run. Its default (4 s) is
# missed when many kernels start at once on a busy machine: the cell's widgets are then lost
# and the page waits for them forever (seen with 30 kernels on 2 cores).
OUTPUT_TIMEOUT = 120


def voila_command(
    port: int,
    *,
    pool_size: int | None = None,
    python: str = "python",
    notebook: Path = NOTEBOOK,
    page_chunks: bool | None = None,
) -> list[str]:
    """Return the command line that serves the app on 127.0.0.1:``port``.

    ``pool_size`` preheated kernels (default ``$KIT_APP_POOL`` or 8; 0 turns preheating off);
    ``page_chunks``: whether pages load Voila's chunks as one file (default: when it is in
    place, ``page_scripts.has_page_chunks``).

    Example:
        >>> voila_command(8866, pool_size=3)[-5:-2]
        ['--preheat_kernel=True', '--pool_size=3', '--VoilaKernelManager.fill_delay=120']
    """
    if pool_size is None:
        pool_size = int(os.environ.get("KIT_APP_POOL") or DEFAULT_POOL_SIZE)
    command = [python, "-m", "voila", str(notebook), "--no-browser", f"--port={port}"]
    command += ["--Voila.ip=127.0.0.1", f"--VoilaExecutor.iopub_timeout={OUTPUT_TIMEOUT}"]
    unused = list(UNUSED_EXTENSIONS)
    # The app's own extensions (app/labextensions, hand-written, no build step):
    # - kit-widgets: the widget manager waits for a model as long as it is restoring them, not
    #   2 s (ipywidgets' get_model gave up on a model that had arrived during its last 100 ms
    #   wait: "model not found" on a page in a few runs of 8 users);
    # - kit-plotly, when ``page_scripts`` has put its bundles in place (else jupyterlab-plotly):
    #   plotly.js's basic bundle (1.2 MB) in place of the full one (4.8 MB), whose start-up was
    #   most of a page's script time, and one Plotly.react per chart (jupyterlab-plotly also
    #   redraws each chart and renders it to a PNG).
    command += [f"--VoilaConfiguration.extra_labextensions_path={APP_EXTENSIONS}"]
    unused.append("jupyterlab-plotly" if has_plotly_bundles() else "kit-plotly")
    if has_page_chunks() if page_chunks is None else page_chunks:  # the template loads it
        command += ["--VoilaConfiguration.resources=kit_page_chunks=1"]
    command += [f"--VoilaConfiguration.extension_denylist={name}" for name in unused]
    if pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
        command += [f"--VoilaKernelManager.fill_delay={POOL_REFILL_DELAY}"]
    return [*command, f"--template={TEMPLATE}", "--strip_sources=True"]


def voila_environment(environment: dict | None = None) -> dict:
    """Return the environment variables the server needs beside ``voila_command``'s options:
    ``$JUPYTER_PATH`` led by the app's folder, where Voila finds the app's template.

    Example:
        >>> voila_environment({"JUPYTER_PATH": "/x"})["JUPYTER_PATH"] == f"{APP_JUPYTER}:/x"
        True
    """
    environment = os.environ if environment is None else environment
    paths = [str(APP_JUPYTER), *filter(None, environment.get("JUPYTER_PATH", "").split(os.pathsep))]
    return {"JUPYTER_PATH": os.pathsep.join(dict.fromkeys(paths))}


def show(*views: Any) -> None:
    """Display views (dashboards, framing views, widgets) in the page."""
    from IPython.display import display

    for view in views:
        display(view)


def main(argv: list[str] | None = None) -> None:
    """Serve the app: ``python -m kit.publish.app [--port 8866] [--pool N]`` (``make app``)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m kit.publish.app", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--pool", type=int, default=None, help="preheated kernels (default 8)")
    options = parser.parse_args(argv)
    command = voila_command(options.port, pool_size=options.pool, python=sys.executable)
    os.execve(sys.executable, command, {**os.environ, **voila_environment()})


if __name__ == "__main__":
    main()
