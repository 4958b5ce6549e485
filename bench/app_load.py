"""The web app under a class: 1, 8 and 30 users opening it at once on one Voila server.

For each number of users: a fresh server (``kit.publish.app.voila_command``, as ``make app POOL=N``
runs it: N preheated kernels), waited on until its pool has run the notebook, then N Chromium
pages at once (one browser, one context each), each waiting for the app's three charts and
picking two entities (and narrowing the months when the corpus spans several). Prints:

- time to charts per page (p50, p95, max), from the request to all three charts drawn;
- time for an interaction to redraw (p50, p95), from the pick to the timeline's new title;
- page errors, pages that failed a step, and the server's memory (unique memory of Voila and
  its kernels) in total and per user, with the machine's load average beside each run.

Everything runs on this machine: the pages' Chromium shares the cores with the server, so
the times are those of a server whose users also load it (a real class's browsers are on
their own machines).

    .venv/bin/python bench/app_load.py                    # 1, 8 and 30 users, bundled corpus
    .venv/bin/python bench/app_load.py --users 8 --corpus PATH
    .venv/bin/python bench/app_load.py --users 8 --compare  # and pages fetching Voila's chunks
                                                            # one by one, run after each

Pages load Voila's front end as one file (``kit.publish.page_scripts``); ``--compare`` also
runs each number of users against a server whose pages fetch its 84 chunks one by one, as
Voila does on its own, and prints the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from browser_support import VoilaServer, percentile, run_users  # noqa: E402


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores"


def measure(
    users: int,
    *,
    corpus: str | None,
    pool: int | None,
    timeout_s: float,
    page_chunks: bool | None = None,
) -> dict:
    """Return the figures of one run of ``users`` pages at once against a fresh server
    (``page_chunks=False``: its pages fetch Voila's chunks one by one)."""
    with tempfile.TemporaryDirectory(prefix="kit-app-load-") as folder:
        environment = {"KIT_APP_CORPUS": corpus} if corpus else {}
        server = VoilaServer(
            Path(folder),
            pool_size=users if pool is None else pool,
            environment=environment,
            page_chunks=page_chunks,
        )
        try:
            pool_seconds = server.wait_for_pool(timeout=600)
            idle = server.memory()
            load_before = load_average()
            started = time.monotonic()
            runs = run_users(server.url, users, timeout_s=timeout_s)
            wall = time.monotonic() - started
            busy = server.memory()
        finally:
            server.stop()
    charts = [run.charts_s for run in runs if run.charts_s is not None]
    redraws = [seconds for run in runs for seconds in run.redraws_s]
    return {
        "users": users,
        "chunks": "one by one" if page_chunks is False else "in one file",
        "pool": server.pool_size,
        "pool_seconds": pool_seconds,
        "drew": len(charts),
        "redrew": sum(len(run.redraws_s) >= 2 for run in runs),
        "charts": charts,
        "redraws": redraws,
        "errors": [error for run in runs for error in run.errors],
        "failures": [f"user {run.user}: {run.failure}" for run in runs if run.failure],
        "wall": wall,
        "idle_mb": idle["total_mb"],
        "memory_mb": busy["total_mb"],
        "server_mb": busy["server_mb"],
        "kernels": busy["kernels"],
        "load_before": load_before,
        "load_after": load_average(),
    }


def report(figures: dict) -> None:
    users = figures["users"]
    charts, redraws = figures["charts"], figures["redraws"]
    lines = [
        f"\n{users} user(s) at once, Voila's chunks {figures['chunks']} (pool of "
        f"{figures['pool']} preheated kernels, filled in {figures['pool_seconds']:.0f} s); "
        f"before: {figures['load_before']}",
        f"  drew charts          {figures['drew']}/{users}; "
        f"redrew on entity picks {figures['redrew']}/{users}",
    ]
    if charts:
        lines.append(
            f"  time to charts       p50 {percentile(charts, 0.5):5.1f} s   "
            f"p95 {percentile(charts, 0.95):5.1f} s   max {max(charts):5.1f} s"
        )
    if redraws:
        lines.append(
            f"  redraw on a pick     p50 {percentile(redraws, 0.5):5.2f} s   "
            f"p95 {percentile(redraws, 0.95):5.2f} s   ({len(redraws)} interactions)"
        )
    errors = figures["errors"]
    lines.append(f"  page errors          {len(errors)}" + (f": {errors[:3]}" if errors else ""))
    if figures["failures"]:
        lines.append(f"  failed steps         {figures['failures'][:3]}")
    kernels = max(1, figures["kernels"])
    per_kernel = (figures["memory_mb"] - figures["server_mb"]) / kernels
    lines += [
        f"  server memory        {figures['memory_mb']:,.0f} MB with the users on "
        f"({figures['kernels']} kernels, {per_kernel:,.0f} MB each; "
        f"Voila {figures['server_mb']:,.0f} MB); {figures['idle_mb']:,.0f} MB before",
        f"  per user             {figures['memory_mb'] / users:,.0f} MB (total / users); "
        f"run {figures['wall']:.0f} s; after: {figures['load_after']}",
    ]
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 30])
    parser.add_argument("--corpus", default=None, help="corpus path (default: bundled data/)")
    parser.add_argument("--pool", type=int, default=None, help="preheated kernels (default: users)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per page step")
    parser.add_argument(
        "--compare", action="store_true", help="also run pages fetching Voila's chunks one by one"
    )
    options = parser.parse_args()
    print(f"bench/app_load.py: {options.users} users; {load_average()}")
    settings = {"corpus": options.corpus, "pool": options.pool, "timeout_s": options.timeout}
    for users in options.users:
        figures = measure(users, **settings)
        report(figures)
        if not options.compare:
            continue
        baseline = measure(users, page_chunks=False, **settings)
        report(baseline)
        if figures["charts"] and baseline["charts"]:
            ratio = percentile(figures["charts"], 0.5) / percentile(baseline["charts"], 0.5)
            print(f"  median time to charts, one file / one by one: {ratio:.2f}")


if __name__ == "__main__":
    main()
