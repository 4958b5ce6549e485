"""Where a page of the web app spends its CPU: N users at once, one of them profiled.

Serves the app as ``bench/app_load.py`` does (a fresh server, ``--users`` preheated kernels),
opens that many Chromium pages at once and, for each, waits for the three charts. Prints:

- per page: seconds to charts and Chromium's own counters for it (``Performance.getMetrics``:
  script, compile, style, layout and total task time), and the bytes it downloaded;
- with ``--profile``, for the first page: a V8 sampling profile summed by script (self time
  per bundle; plotly.js is minified, so its own functions are not named);
- the CPU-seconds of Chromium (by process type: renderers, browser, GPU/compositing, network)
  and of the server (Voila and its kernels) over the run, and the machine's load average.

The counters are CPU time, which a busy machine changes far less than wall time: compare
two versions by them, run back to back.

    .venv/bin/python bench/app_profile.py --users 1 --profile
    .venv/bin/python bench/app_profile.py --users 8
    .venv/bin/python bench/app_profile.py --no-page-chunks --users 8   # Voila's chunks one by one

``--record-chunks`` serves the app without its one file of Voila's chunks, opens a page and
writes the chunks it asked for to ``app/page-chunks.txt`` (``kit.publish.page_scripts``): run
it after upgrading Voila or ipywidgets, then ``make setup``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from browser_support import (  # noqa: E402
    ALL_DRAWN,
    APP_CHARTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    VoilaServer,
    percentile,
)

from kit.publish.page_scripts import CHUNK_LIST, chunk_sources  # noqa: E402

METRICS = (
    "ScriptDuration",
    "V8CompileDuration",
    "RecalcStyleDuration",
    "LayoutDuration",
    "TaskDuration",
)


def cpu_seconds(processes) -> float:
    total = 0.0
    for proc in processes:
        with contextlib.suppress(Exception):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def chromium_cpu() -> collections.Counter:
    """Return CPU-seconds so far of this process's Chromium processes, by process type."""
    import psutil

    seconds: collections.Counter = collections.Counter()
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" not in (child.name() or "").lower():
                continue
            kind = "browser"
            for part in child.cmdline():
                if part.startswith("--type="):
                    kind = part.removeprefix("--type=")
                elif part.startswith("--utility-sub-type="):
                    kind = part.rsplit(".", 1)[-1]
            seconds[kind] += cpu_seconds([child])
    return seconds


def short(url: str) -> str:
    path = url.split("?")[0]
    return path.rsplit("/", 2)[-2] + "/" + path.rsplit("/", 1)[-1] if "/" in path else path


def summarise_profile(profile: dict) -> tuple[list, float]:
    """Return ([(script, self seconds)], sampled seconds) of a V8 CPU profile."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile.get("timeDeltas") or []
    by_script: collections.Counter = collections.Counter()
    for sample, delta in zip(profile.get("samples") or [], deltas[1:] + [0], strict=False):
        frame = nodes[sample]["callFrame"]
        if frame["functionName"] in ("(idle)", "(program)", "(garbage collector)"):
            by_script[frame["functionName"]] += delta / 1e6
        else:
            by_script[short(frame["url"]) or "(native)"] += delta / 1e6
    return by_script.most_common(12), sum(by_script.values())


async def one_page(browser, url: str, index: int, profile: bool, timeout_s: float) -> dict:
    context = await browser.new_context(viewport={"width": 1300, "height": 1000})
    page = await context.new_page()
    base = url.rstrip("/")

    async def outside(route) -> None:
        await route.fulfill(status=200, body="", content_type="text/css")

    await page.route(lambda address: not address.startswith(base), outside)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    await cdp.send("Network.enable")
    urls: dict = {}
    received: collections.Counter = collections.Counter()
    cached = []
    cdp.on(
        "Network.responseReceived",
        lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    cdp.on("Network.requestServedFromCache", lambda event: cached.append(event["requestId"]))
    if profile:
        await cdp.send("Profiler.enable")
        await cdp.send("Profiler.setSamplingInterval", {"interval": 500})
        await cdp.send("Profiler.start")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.monotonic()
    await page.goto(url, timeout=1000 * timeout_s)
    await page.wait_for_function(ALL_DRAWN, arg=APP_CHARTS, timeout=1000 * timeout_s, polling=100)
    charts_s = time.monotonic() - started
    metrics = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
    result = {
        "urls": sorted(urls.values()),
        "user": index,
        "charts_s": charts_s,
        "metrics": {name: metrics.get(name, 0.0) for name in METRICS},
        "bytes": sum(received.values()),
        "js_bytes": sum(
            size for rid, size in received.items() if urls.get(rid, "").endswith(".js")
        ),
        "requests": len(received),
        "from_cache": len(cached),
        "largest": sorted(
            ((size, short(urls.get(rid, "?"))) for rid, size in received.items()), reverse=True
        )[:4],
        "errors": errors,
    }
    if profile:
        result["profile"] = summarise_profile((await cdp.send("Profiler.stop"))["profile"])
    result["context"] = context  # closed by the caller once Chromium's CPU is read
    return result


async def pages(url: str, users: int, timeout_s: float, profile: bool) -> tuple[list, dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            before = chromium_cpu()
            runs = await asyncio.gather(
                *(
                    one_page(browser, url, index, profile and index == 0, timeout_s)
                    for index in range(users)
                )
            )
            after = chromium_cpu()
            for run in runs:
                await run.pop("context").close()
            return list(runs), {kind: after[kind] - before[kind] for kind in after}
        finally:
            await browser.close()


def record_chunks(urls: list[str]) -> None:
    """Write the Voila chunks among a page's ``urls`` to CHUNK_LIST, as paths under a Jupyter
    data folder (where ``page_scripts.chunk_sources`` finds them)."""
    from importlib.metadata import version

    from jupyter_core.paths import jupyter_path

    found = []
    for url in urls:
        path = url.split("?")[0].split("/voila/", 1)[-1]
        if re.fullmatch(r"static/\d+\.voila\.js", path):
            candidates = [f"voila/templates/base/{path}"]
        elif re.fullmatch(r"labextensions/@[^/]+/[^/]+/static/\d+\.[\w.]*js", path):
            candidates = [path, f"voila/{path}"]
        else:
            continue
        names = [name for name in candidates if chunk_sources([name], jupyter_path())]
        if not names:
            raise SystemExit(f"the page's chunk {path} is in no Jupyter data folder")
        found.append(names[0])
    header = [
        "# Voila's chunks a page of the app asks for (kit/publish/page_scripts.py puts them in one",
        "# file), as paths under a Jupyter data folder. Recorded by bench/app_profile.py",
        f"# --record-chunks with voila {version('voila')} and jupyterlab_widgets "
        f"{version('jupyterlab_widgets')}.",
    ]
    CHUNK_LIST.write_text("\n".join([*header, *found]) + "\n", encoding="utf-8")
    print(f"{len(found)} chunks written to {CHUNK_LIST}; now run make setup")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--profile", action="store_true", help="sample the first page's JS")
    parser.add_argument(
        "--no-page-chunks", action="store_true", help="pages fetch Voila's chunks one by one"
    )
    parser.add_argument(
        "--record-chunks",
        action="store_true",
        help="write the chunks a page asks for to app/page-chunks.txt",
    )
    options = parser.parse_args()
    one_by_one = options.no_page_chunks or options.record_chunks
    with tempfile.TemporaryDirectory(prefix="kit-app-profile-") as folder:
        server = VoilaServer(
            Path(folder), pool_size=options.users, page_chunks=False if one_by_one else None
        )
        try:
            server.wait_for_pool(timeout=600)
            load = os.getloadavg()
            server_before = cpu_seconds(server.processes())
            runs, chromium_s = asyncio.run(
                pages(server.url, options.users, options.timeout, options.profile)
            )
            server_s = cpu_seconds(server.processes()) - server_before
        finally:
            server.stop()
    if options.record_chunks:
        record_chunks(runs[0]["urls"])
    charts = [run["charts_s"] for run in runs]
    print(
        f"{options.users} page(s); load before {load[0]:.1f} {load[1]:.1f}; "
        f"time to charts p50 {percentile(charts, 0.5):.1f} s, max {max(charts):.1f} s"
    )
    by_kind = ", ".join(
        f"{kind} {seconds:.1f}"
        for kind, seconds in sorted(chromium_s.items(), key=lambda item: -item[1])
        if seconds >= 0.05
    )
    print(
        f"CPU-seconds over the run: Chromium {sum(chromium_s.values()):.1f} ({by_kind}); "
        f"server and kernels {server_s:.1f}"
    )
    for run in runs:
        metrics = " ".join(f"{name[:-8]} {value:.2f}" for name, value in run["metrics"].items())
        print(
            f"  page {run['user']}: charts {run['charts_s']:.1f} s; {metrics}; "
            f"{run['bytes'] / 1e6:.1f} MB in {run['requests']} requests "
            f"({run['js_bytes'] / 1e6:.1f} MB JS, {run['from_cache']} from cache); "
            f"errors {len(run['errors'])}"
        )
    first = runs[0]
    print(
        "  largest downloads of page 0:",
        ", ".join(f"{s / 1e6:.2f} MB {u}" for s, u in first["largest"]),
    )
    if "profile" not in first:
        return
    by_script, total = first["profile"]
    print(f"  page 0 sampled {total:.2f} s, self time by script:")
    for script, seconds in by_script:
        print(f"    {seconds:6.2f} s  {script}")


if __name__ == "__main__":
    main()
