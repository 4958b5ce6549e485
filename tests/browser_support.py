"""What the browser tests and ``bench/app_load.py`` share: a real Voila server on 127.0.0.1,
a CPU hog, and users driving the app in Debian's Chromium through Playwright.

- ``VoilaServer``: the app (``kit.publish.app.voila_command``, preheated kernels) on a free loopback
  port, its memory (the server and every kernel it started) and its log.
- ``cpu_hog(seconds)``: one busy process per core for a bounded time, so a test sees the page
  and the kernels starved as on a loaded machine.
- ``run_users(url, n)``: ``n`` pages at once, each waiting for its charts, picking an entity
  (and narrowing the months where the corpus spans several), with every page error recorded.

Nothing leaves 127.0.0.1: requests elsewhere are answered empty and recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def skip_without_a_browser(api: str = "playwright.sync_api"):
    """Skip the calling test module unless Debian's Chromium and Playwright are installed;
    return Playwright's ``api`` module."""
    import pytest

    if not CHROMIUM.exists():  # pragma: no cover - CI installs it (.ci/run)
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium "
            "(apt-get install chromium; .ci/run does)",
            allow_module_level=True,
        )
    return pytest.importorskip(api, reason="playwright is not installed (pip install -e '.[dev]')")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Voila's page template links Font Awesome from a CDN; icons only, nothing the app needs.
ALLOWED_EXTERNAL = ("https://cdn.jsdelivr.net/npm/@fortawesome/",)
# The app's charts: the dashboard's two and the framing view's stance chart.
APP_CHARTS = 3
DRAWN = ".js-plotly-plot .main-svg"
XSS_TITLE = '<script>window.__kit_xss = "title"; alert("title")</script> Putin in Beijing'
XSS_BODY = "<img src=x onerror=\"window.__kit_xss = 'body'; alert('body')\">"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_console_error(kind: str, text: str) -> bool:
    """Return whether a console message is an error the page must not log."""
    return kind == "error" and "Failed to load resource" not in text


# ---- the test corpus ---------------------------------------------------------------------------
def _article(source: str, date: str, title: str, text: str) -> dict:
    return {"source": source, "published": date, "title": title, "text": text}


def write_corpus(folder: Path) -> Path:
    """Write a small JSONL corpus over three months, one article carrying script payloads."""
    articles = []
    for month, name in (("01", "January"), ("02", "February"), ("03", "March")):
        for outlet in ("Daily Example", "Evening Sample"):
            # Each text is its own: lines repeated across an outlet's pages are boilerplate.
            text = (
                f"In {name}, Vladimir Putin met Xi Jinping in Moscow to discuss trade. "
                f"Officials in Beijing told {outlet} that Xi Jinping would visit Russia again. "
                f"Putin praised the {name} talks, while critics in Kyiv called them a show."
            )
            articles.append(_article(outlet, f"2023-{month}-14", f"Summit news, {name}", text))
    articles.append(
        _article(
            "Daily Example",
            "2023-03-20",
            XSS_TITLE,
            f"Vladimir Putin landed in Beijing on Monday. {XSS_BODY} Putin spoke to reporters "
            "about <script>window.__kit_xss = 'script'</script> energy deals with China.",
        )
    )
    path = folder / "articles.jsonl"
    path.write_text("\n".join(json.dumps(article) for article in articles) + "\n")
    return path


# ---- the server --------------------------------------------------------------------------------
class VoilaServer:
    """The app served by Voila on 127.0.0.1 (``kit.publish.app.voila_command``) until ``stop()``."""

    def __init__(
        self,
        folder: Path,
        *,
        pool_size: int,
        environment: dict | None = None,
        start_timeout: float = 120,
        notebook: Path | None = None,
        page_chunks: bool | None = None,
    ) -> None:
        from kit.publish.app import NOTEBOOK, voila_command, voila_environment

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = folder / "voila.log"
        self.pool_size = pool_size
        self._log = self.log_path.open("w")
        command = voila_command(
            self.port,
            pool_size=pool_size,
            python=sys.executable,
            notebook=notebook or NOTEBOOK,
            page_chunks=page_chunks,
        )
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**os.environ, **voila_environment(), **(environment or {})},
            stdout=self._log,
            stderr=self._log,
        )
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                # Any HTTP answer means the server is up (GET / would take a kernel).
                urllib.request.urlopen(self.url + "voila/files/ready", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"voila did not start in {start_timeout:.0f} s: {self.log()}"
                    ) from error
                time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_pool(self, timeout: float = 300) -> float:
        """Wait until the preheated kernels have run the notebook; return the seconds taken."""
        started = time.monotonic()
        if self.pool_size <= 0:
            return 0.0
        while "Kernel pool of" not in self.log():
            if time.monotonic() - started > timeout or self.process.poll() is not None:
                raise RuntimeError(f"the kernel pool did not fill in {timeout:.0f} s: {self.log()}")
            time.sleep(1)
        # The log line says the kernels started; wait until they are done running the notebook
        # (the server and its kernels together below a fifth of a core, twice in a row).
        quiet = 0
        while quiet < 2:
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"the kernel pool was still busy after {timeout:.0f} s")
            quiet = quiet + 1 if self.cpu_percent() < 20 else 0
        return time.monotonic() - started

    def processes(self) -> list:
        """Return the server's process and every process under it (its kernels)."""
        import psutil

        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_percent(self, interval: float = 1.0) -> float:
        processes = self.processes()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.cpu_percent(None)
        time.sleep(interval)
        total = 0.0
        for proc in processes:
            with contextlib.suppress(Exception):
                total += proc.cpu_percent(None)
        return total

    def memory(self) -> dict:
        """Return {'total_mb', 'server_mb', 'kernels', 'kernel_mb'}: unique memory (USS)."""
        import psutil

        server_mb, kernel_mb = 0.0, []
        for proc in self.processes():
            try:
                megabytes = proc.memory_full_info().uss / 2**20
                is_kernel = "ipykernel" in " ".join(proc.cmdline())
            except psutil.Error:
                continue
            if is_kernel:
                kernel_mb.append(megabytes)
            else:
                server_mb += megabytes
        return {
            "total_mb": server_mb + sum(kernel_mb),
            "server_mb": server_mb,
            "kernels": len(kernel_mb),
            "kernel_mb": kernel_mb,
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for proc in reversed(self.processes()):
                with contextlib.suppress(Exception):
                    proc.kill()
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


# ---- the CPU hog -------------------------------------------------------------------------------
def _spin(deadline: float) -> None:
    while time.time() < deadline:
        pass


@contextlib.contextmanager
def cpu_hog(seconds: float = 600, cores: int | None = None) -> Iterator[int]:
    """Keep every core busy (one spinning process each) for at most ``seconds``; yield how
    many. The processes stop by themselves at the deadline and are ended on exit."""
    cores = cores or os.cpu_count() or 1
    deadline = time.time() + seconds
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, args=(deadline,), daemon=True) for _ in range(cores)]
    for spinner in spinners:
        spinner.start()
    try:
        yield cores
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            spinner.join(timeout=10)


# ---- users -------------------------------------------------------------------------------------
@dataclass
class UserRun:
    """What one simulated user saw: seconds to charts and to each redraw, and page errors."""

    user: int
    charts_s: float | None = None
    redraws_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failure: str = ""

    @property
    def ok(self) -> bool:
        return self.charts_s is not None and not self.errors and not self.failure


TIMELINE_TITLE = """() => {
    const plots = document.querySelectorAll('.kit-dashboard .js-plotly-plot');
    const plot = plots[1];
    return plot && plot.layout && plot.layout.title ? plot.layout.title.text || '' : '';
}"""
ALL_DRAWN = """count => {
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    return plots.length >= count && plots.every(plot => plot.querySelector('.main-svg'));
}"""


async def _one_user(browser, url: str, user: int, timeout_s: float) -> UserRun:
    run = UserRun(user)
    base = url.rstrip("/")
    context = await browser.new_context(viewport={"width": 1300, "height": 1000})
    page = await context.new_page()
    page.on("pageerror", lambda error: run.errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            run.errors.append(f"console error: {message.text}")
            if is_console_error(message.type, message.text)
            else None
        ),
    )

    async def outside(route) -> None:
        run.external.append(route.request.url)
        await route.fulfill(status=200, body="", content_type="text/css")

    await page.route(lambda address: not address.startswith(base), outside)
    timeout_ms = 1000 * timeout_s
    try:
        started = time.monotonic()
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_function(ALL_DRAWN, arg=APP_CHARTS, timeout=timeout_ms, polling=100)
        run.charts_s = time.monotonic() - started
        entities = page.locator(".kit-dashboard").get_by_label("Entities")
        # Pick the second entity offered, then the third: each must redraw the timeline.
        for index in (1, 2):
            option = entities.locator("option").nth(index)
            name = re.sub(r"\s*\([\d,]+\)$", "", (await option.inner_text()).replace("\xa0", " "))
            clicked = time.monotonic()
            await entities.select_option(index=index)
            await page.wait_for_function(
                f"() => ({TIMELINE_TITLE})().startsWith({name!r})", timeout=timeout_ms, polling=50
            )
            run.redraws_s.append(time.monotonic() - clicked)
        handle = page.locator(".kit-dashboard .noUi-handle-lower").first
        months = await page.locator(".kit-dashboard .widget-readout").first.inner_text()
        first, _, last = months.partition("-")
        if first.strip() != last.strip():  # several months: narrow them by one
            status = page.locator(".kit-dashboard .kit-note").first
            before = await status.inner_text()
            clicked = time.monotonic()
            await handle.focus()
            await page.keyboard.press("ArrowRight")
            await page.wait_for_function(
                "text => document.querySelector('.kit-dashboard .kit-note').innerText !== text",
                arg=before,
                timeout=timeout_ms,
                polling=50,
            )
            run.redraws_s.append(time.monotonic() - clicked)
        # Anything logged late (a widget failing after the first paint) counts too.
        await page.wait_for_timeout(1000)
    except Exception as error:  # recorded per user, reported by the caller
        run.failure = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        await context.close()
    return run


async def _users(url: str, n: int, timeout_s: float, stagger_s: float) -> list[UserRun]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:

            async def user(index: int) -> UserRun:
                await asyncio.sleep(index * stagger_s)
                return await _one_user(browser, url, index, timeout_s)

            return list(await asyncio.gather(*(user(index) for index in range(n))))
        finally:
            await browser.close()


def run_users(url: str, n: int, *, timeout_s: float = 180, stagger_s: float = 0.0) -> list[UserRun]:
    """Return what ``n`` users at once saw of the app at ``url`` (one Chromium, one context
    each), each bounded by ``timeout_s`` per step."""
    return asyncio.run(_users(url, n, timeout_s, stagger_s))


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile of values (nearest rank), NaN for none.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.0, 4.0)
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(round(share * len(ordered), 9))) - 1]
