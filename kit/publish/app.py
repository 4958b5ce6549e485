"""The web app's wiring: the views Voila shows (``make app``), and what a server needs.

Every chart in the views is a ``kit.plots.Plot``: its figure lives in an Output widget's state,
so Voila's page, which asks the kernel for each widget's state once the cell has run, opens
with the charts drawn. ``show`` displays the views.

``VOILA_OPTIONS`` are the server's options (``make app`` and the tests use them): kernels
are preheated (a pool of kernels has already run the notebook when a user arrives, so the
first paint is the page, not the Python) and the code is hidden.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
# Seconds Voila waits for a cell's outputs after the cell has run. Its default (4 s) is
# missed when many kernels start at once on a busy machine: the cell's widgets are then lost
# and the page waits for them forever (seen with 30 kernels on 2 cores).
OUTPUT_TIMEOUT = 120


def voila_command(
    port: int, *, pool_size: int | None = None, python: str = "python", notebook: Path = NOTEBOOK
) -> list[str]:
    """Return the command line that serves the app on 127.0.0.1:``port``.

    ``pool_size`` preheated kernels (default ``$KIT_APP_POOL`` or 8; 0 turns preheating off).

    Example:
        >>> voila_command(8866, pool_size=3)[-4:-1]
        ['--preheat_kernel=True', '--pool_size=3', '--VoilaKernelManager.fill_delay=120']
    """
    if pool_size is None:
        pool_size = int(os.environ.get("KIT_APP_POOL") or DEFAULT_POOL_SIZE)
    command = [python, "-m", "voila", str(notebook), "--no-browser", f"--port={port}"]
    command += ["--Voila.ip=127.0.0.1", f"--VoilaExecutor.iopub_timeout={OUTPUT_TIMEOUT}"]
    command += [f"--VoilaConfiguration.extension_denylist={name}" for name in UNUSED_EXTENSIONS]
    if pool_size > 0:
        command += ["--preheat_kernel=True", f"--pool_size={pool_size}"]
        command += [f"--VoilaKernelManager.fill_delay={POOL_REFILL_DELAY}"]
    return [*command, "--strip_sources=True"]


def show(*views: Any) -> None:
    """Display views (dashboards, framing views, widgets) in the page."""
    from IPython.display import display

    for view in views:
        display(view)


def main(argv: list[str] | None = None) -> None:
    """Serve the app: ``python -m kit.app [--port 8866] [--pool N]`` (what ``make app`` runs)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m kit.publish.app", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--pool", type=int, default=None, help="preheated kernels (default 8)")
    options = parser.parse_args(argv)
    command = voila_command(options.port, pool_size=options.pool, python=sys.executable)
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
