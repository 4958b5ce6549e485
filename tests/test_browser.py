"""The web app and the rendered report in a real Chromium (Debian's), driven by Playwright,
with every core kept busy beside them.

A real Voila server serves ``app/dashboard.ipynb`` on 127.0.0.1 as ``make app`` does
(``kit.app.voila_command``: preheated kernels); each step is checked in the page and saved as a
screenshot in ``artifacts/screenshots/``. A CPU hog (one spinning process per core, bounded in
time) runs for the whole module: charts that raced a start-up deadline under load (plotly's
anywidget ``FigureWidget`` did) fail here. Requests that leave 127.0.0.1 are answered empty by
the test (the machine has no network): the only ones allowed are Voila's icon font
stylesheets, and the test lists them if anything else tries to go out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    ALLOWED_EXTERNAL,
    CHROMIUM,
    CHROMIUM_ARGS,
    VoilaServer,
    cpu_hog,
    is_console_error,
    skip_without_a_browser,
    write_corpus,
)

from kit.publish import page_scripts

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
# The hog's bound: longer than this module takes on a loaded machine, so it covers every test.
HOG_SECONDS = 900

sync_api = skip_without_a_browser("playwright.sync_api")


@pytest.fixture(scope="module", autouse=True)
def busy_cpu() -> Iterator[int]:
    """Every core busy for the whole module (at most HOG_SECONDS)."""
    with cpu_hog(HOG_SECONDS) as cores:
        yield cores


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, busy_cpu: int) -> Iterator[str]:
    """Start the app's Voila server over the test corpus; yield its URL once its kernel is
    preheated; stop it."""
    folder = tmp_path_factory.mktemp("app")
    environment = {"KIT_APP_CORPUS": str(write_corpus(folder)), "KIT_STORE": str(folder / "store")}
    server = VoilaServer(folder, pool_size=1, environment=environment)
    try:
        server.wait_for_pool()
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with its JavaScript errors, dialogs and outside requests recorded."""

    def __init__(self, browser, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 1000})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.external: list[str] = []
        self.scripts: list[str] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)
        self.page.route(lambda url: not url.startswith(base), self._outside)

    def _request(self, request) -> None:
        if request.resource_type == "script":
            self.scripts.append(request.url.split("?")[0])

    def _console(self, message) -> None:
        if is_console_error(message.type, message.text):
            self.errors.append(f"console error: {message.text}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _outside(self, route) -> None:
        self.external.append(route.request.url)
        route.fulfill(status=200, body="", content_type="text/css")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.dialogs, f"a dialog fired: {self.dialogs}"
        unexpected = [url for url in self.external if not url.startswith(ALLOWED_EXTERNAL)]
        assert not unexpected, f"the page tried to reach outside 127.0.0.1: {unexpected}"


@pytest.fixture(scope="module")
def app(browser, app_url: str) -> Iterator[Watched]:
    """The app page, loaded once; the steps below interact with it in order."""
    watched = Watched(browser, app_url.rstrip("/"))
    started = time.monotonic()
    watched.page.goto(app_url, timeout=120_000)
    watched.page.wait_for_selector(".kit-dashboard .js-plotly-plot .main-svg", timeout=120_000)
    watched.load_seconds = time.monotonic() - started
    yield watched
    watched.page.close()


def _figure(page, index: int) -> dict:
    """Return {'names', 'titles', 'x', 'y'} of the dashboard's index-th chart, read in the page."""
    return page.evaluate(
        """index => {
            const plot = document.querySelectorAll('.kit-dashboard .js-plotly-plot')[index];
            return {
              names: plot.data.map(trace => trace.name),
              title: (plot.layout.title || {}).text || '',
              titles: (plot.layout.annotations || []).map(note => note.text),
              x: plot.data.map(trace => Array.from(trace.x || [])),
              y: plot.data.map(trace => Array.from(trace.y || [])),
            };
        }""",
        index,
    )


def _status(page) -> str:
    return page.locator(".kit-dashboard .kit-note").first.inner_text()


def test_1_app_loads_with_charts_labelled_controls_and_no_errors(app):
    page = app.page
    app.shot("1_app_loaded")
    assert app.load_seconds < 90
    assert page.locator(".kit-dashboard .js-plotly-plot").count() >= 2
    top = _figure(page, 0)
    assert top["names"] and any(sum(values) > 0 for values in top["x"]), "top chart is empty"
    for label in ("Find entity", "Entities", "Outlets", "Months", "Entity type", "Measure"):
        assert page.locator(".kit-dashboard").get_by_text(label, exact=True).first.is_visible(), (
            f"no label {label!r}"
        )
    # The selects are tied to their labels (screen readers read the label with the list).
    assert (
        page.locator(".kit-dashboard").get_by_label("Entities").evaluate("node => node.tagName")
        == "SELECT"
    )
    assert (
        page.locator(".kit-dashboard").get_by_label("Outlets").evaluate("node => node.tagName")
        == "SELECT"
    )
    entity_type = page.locator(".kit-dashboard").get_by_label("Entity type")
    shown = entity_type.evaluate("node => node.options[node.selectedIndex].text")
    assert shown.replace("\xa0", " ") == "All types"
    chart_titles = page.evaluate(
        "[...document.querySelectorAll('.kit-dashboard .js-plotly-plot .gtitle')]"
        ".map(title => title.textContent)"
    )
    assert any("Top" in title for title in chart_titles), chart_titles
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor").count() == 0, (
        "code cells are showing"
    )
    app.assert_clean()


def test_1_voilas_chunks_come_in_one_file(app):
    """With page_scripts' one file in place, the page asks the server for no chunk of Voila's
    front end on its own (a new Voila asks for others: refresh the list)."""
    if not page_scripts.has_page_chunks():
        pytest.fail("no page-chunks.js: run `make setup` (python -m kit.publish.page_scripts)")
    assert any(url.endswith("/static/page-chunks.js") for url in app.scripts), app.scripts
    own = [
        url.rsplit("/voila/", 1)[-1]
        for url in app.scripts
        if re.search(r"/voila/(static/\d+\.voila\.js|labextensions/@.*/static/\d+\.)", url)
    ]
    assert not own, (
        f"the page fetched {len(own)} chunks the list misses ({own[:5]}): "
        "refresh app/page-chunks.txt with bench/app_profile.py --record-chunks"
    )


def test_1_a_widget_model_that_arrives_during_the_last_wait_is_found(app):
    """ipywidgets' get_model looks for a model every 100 ms for 2 s, then gives up without a
    last look: a model that arrived while the page's main thread was held through that last
    wait was "not found" (a page in a few runs of 8 users). The app's kit-widgets extension
    looks again, and waits for a restore still going on."""
    outcome = app.page.evaluate(
        """async () => {
            const manager = window.jupyterapp.widgetManager;
            const id = Object.keys(manager._models)[0];
            const model = manager._models[id];
            delete manager._models[id];
            const asked = manager.get_model(id).then(() => 'found', error => String(error));
            // The model arrives just before the 2 s run out, and the main thread is then held
            // past them (a busy page), as when the manager creates a hundred models at once.
            setTimeout(() => {
                manager._models[id] = model;
                const until = Date.now() + 400;
                while (Date.now() < until) {}
            }, 1950);
            const missing = await manager.get_model('no-such-model').then(
                () => 'found', error => String(error));
            return {patient: manager.__kitPatient === true, asked: await asked, missing};
        }"""
    )
    assert outcome == {
        "patient": True,
        "asked": "found",
        "missing": "Error: widget model not found",
    }, outcome


def test_2_selecting_an_entity_changes_the_timeline(app):
    page = app.page
    before = _figure(page, 1)
    entities = page.locator(".kit-dashboard").get_by_label("Entities")
    option = entities.locator("option", has_text=re.compile(r"Xi\sJinping")).first.inner_text()
    entities.select_option(label=option)
    page.wait_for_function(
        """() => {
            const plot = document.querySelectorAll('.kit-dashboard .js-plotly-plot')[1];
            const title = (plot.layout.title || {}).text || '';
            return title.startsWith('Xi Jinping');
        }""",
        timeout=30_000,
    )
    after = _figure(page, 1)
    app.shot("2_entity_selected")
    # Before: the two most mentioned entities, one panel each; after: Xi Jinping alone.
    assert len(before["titles"]) == 2 and not before["title"].startswith("Xi Jinping")
    assert after["title"].startswith("Xi Jinping: mentions over time")
    assert after["titles"] == [], "a panel title of the previous view lingers on the chart"
    assert after["y"] != before["y"]
    app.assert_clean()


def test_3_narrowing_the_months_changes_the_counts(app):
    page = app.page
    before_status, before = _status(page), _figure(page, 0)
    assert "7 articles" in before_status, before_status
    page.locator(".kit-dashboard .noUi-handle-lower").first.focus()
    page.keyboard.press("ArrowRight")  # January dropped: February to March
    page.wait_for_function(
        "text => !document.querySelector('.kit-dashboard .kit-note').innerText.includes(text)",
        arg="7 articles",
        timeout=30_000,
    )
    after_status, after = _status(page), _figure(page, 0)
    app.shot("3_months_narrowed")
    assert "5 articles" in after_status, after_status
    assert sum(map(sum, after["x"])) < sum(map(sum, before["x"]))
    app.assert_clean()


def test_4_evidence_shows_the_sentence_with_the_mention_marked(app):
    page = app.page
    entities = page.locator(".kit-dashboard").get_by_label("Entities")
    option = entities.locator("option", has_text=re.compile(r"Vladimir\sPutin")).first.inner_text()
    entities.select_option(label=option)
    marks = page.locator(".kit-dashboard .kit-table mark")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.kit-dashboard .kit-table mark')]"
        ".some(mark => mark.innerText.includes('Putin'))",
        timeout=30_000,
    )
    app.shot("4_evidence")
    row = page.locator(".kit-dashboard .kit-table tr", has=page.locator("mark"))
    assert "Putin" in marks.first.inner_text()
    assert len(row.first.inner_text()) > len(marks.first.inner_text())  # the whole sentence
    app.assert_clean()


def test_5_script_in_title_and_body_shows_as_text_and_runs_nothing(app):
    page = app.page
    table = page.locator(".kit-dashboard .kit-table").first
    table.get_by_text("<script>", exact=False).first.wait_for(timeout=30_000)
    text = table.inner_text()
    app.shot("5_script_as_text")
    assert "<script>window.__kit_xss" in text, "the title's <script> is not shown as text"
    assert "<img src=x onerror=" in text, "the body's <img onerror> is not shown as text"
    assert page.evaluate("() => window.__kit_xss === undefined"), "a payload ran"
    assert page.locator(".kit-dashboard img[src='x']").count() == 0
    app.assert_clean()


def test_6_rendered_report_opens_with_its_charts_drawn_offline(browser, tmp_path):
    from kit.publish.report import build_reports

    (path,) = build_reports(out=tmp_path, notebooks=[REPO / "notebooks" / "01_explore.ipynb"])
    watched = Watched(browser, "file://")
    page = watched.page
    page.goto(path.as_uri())
    page.wait_for_selector(".kit-plot .main-svg", timeout=60_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.kit-plot')].every(plot => plot.querySelector("
        "'.main-svg'))",
        timeout=60_000,
    )
    watched.shot("6_report")
    plots = page.locator(".kit-plot")
    assert plots.count() == 6
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.kit-plot')].map(plot => plot.data.length)"
    )
    assert all(drawn), f"charts without traces: {drawn}"
    assert page.get_by_text("What this report was made from").is_visible()
    assert not watched.external, f"the report fetched {watched.external}"
    watched.assert_clean()
    page.close()
