"""Rendered reports: every notebook executed against a corpus, written as self-contained HTML.

``build_reports(corpus_path, out=...)`` runs each notebook in ``notebooks/`` with the corpus
injected after its tagged ``parameters`` cell (as papermill does), then converts it to one HTML
file that needs neither a kernel nor the network:

- plotly.js is inlined once in the page's head and every chart (``fig.show()`` or a view's
  ``kit.views.plots.Plot``) is drawn from its JSON, so charts stay interactive offline;
- every widget view is replaced by a static counterpart built from the widget state the run
  saved (boxes keep their layout, HTML outputs their content, figures are drawn, controls show
  their label and value), so nothing renders blank;
- a provenance block at the top says what the report was made from (corpus content hash,
  article count, kit, spaCy model, stance method, date; for a collected corpus, the feeds and
  queries, the fetch times and the URLs kept and failed), also as JSON in
  ``<script type="application/json" id="kit-provenance">``.

A cell that fails stops the run with a ``ReportError`` naming the notebook, the cell and the error.
"""

from __future__ import annotations

import ast
import base64
import copy
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kit.errors import KitError
from kit.views import html as kit_html
from kit.views import templates

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
PROVENANCE_FIELDS = {
    "corpus_hash": "Corpus content hash (sha256)",
    "articles": "Articles",
    "corpus_path": "Corpus",
    "kit_version": "Coverage kit version",
    "model": "spaCy model",
    "stance_method": "Stance method",
    "notebook": "Notebook",
    "created": "Made on (UTC)",
    # Only for a corpus that kit.collect fetched (kit.collect.manifest.summary):
    "collected_by": "Collected by",
    "fetched": "Fetched (UTC)",
    "urls": "URLs",
}

# Templates are data (kit.views.templates); every value is escaped before it meets one.
TEMPLATES = templates.REPORT
PAGE_TEMPLATE = templates.REPORT_PAGE


class ReportError(KitError):
    """A notebook that could not be executed or rendered into a report."""


# ---- provenance --------------------------------------------------------------------------------
def corpus_hash(articles: pd.DataFrame) -> str:
    """Return the sha256 of a corpus's content: over its sorted file hashes (else its texts).

    Two loads of the same files give the same hash whatever their order or location.

    Example:
        >>> corpus_hash(pd.DataFrame({"file_hash": ["b", "a"]})) == corpus_hash(
        ...     pd.DataFrame({"file_hash": ["a", "b"]})
        ... )
        True
    """
    if "file_hash" in articles and articles["file_hash"].notna().all() and len(articles):
        parts = sorted(set(map(str, articles["file_hash"])))
    else:
        parts = sorted(hashlib.sha256(str(text).encode()).hexdigest() for text in articles["text"])
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def provenance(
    corpus: Any, *, notebook: str | None = None, created: dt.datetime | None = None
) -> dict[str, Any]:
    """Return what a report is made from: corpus hash, articles, kit, model, stance, date."""
    from kit.annotate import stance
    from kit.collect import manifest as collected

    meta = getattr(corpus, "meta", {}) or {}
    created = created or dt.datetime.now(dt.UTC)
    return {
        "corpus_hash": corpus_hash(corpus.articles),
        "articles": len(corpus.articles),
        "corpus_path": str(meta.get("path", "")),
        "kit_version": str(meta.get("kit_version") or _kit_version()),
        "model": str(meta.get("model", "")),
        "stance_method": getattr(corpus, "stance_method", None) or stance.default_method(),
        "notebook": notebook or "",
        "created": created.strftime("%Y-%m-%d %H:%M:%S"),
        **collected.summary(meta.get("path")),
    }


def _kit_version() -> str:
    from kit import __version__

    return __version__


def provenance_html(record: Mapping[str, Any]) -> kit_html.Html:
    """Return the provenance block: a labelled list plus the same record as escaped JSON."""
    items = "".join(
        TEMPLATES["provenance_item"].format(
            label=kit_html.escape(label), value=kit_html.escape(record.get(key, ""))
        )
        for key, label in PROVENANCE_FIELDS.items()
        if key in record
    )
    return kit_html.Html(
        TEMPLATES["provenance"].format(items=items, json=_script_json(dict(record)))
    )


def _script_json(value: Any) -> str:
    """Return JSON that is safe inside a ``<script>`` element (no ``</`` can close it)."""
    text = json.dumps(value, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---- execution ---------------------------------------------------------------------------------
def parameter_names(notebook: Any) -> tuple[int, set[str]]:
    """Return (index of the cell tagged ``parameters``, the names it assigns)."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            names: set[str] = set()
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
            return index, names
    raise ReportError(
        f"{notebook.metadata.get('kit_name', 'notebook')}: no code cell is tagged 'parameters'; "
        "tag the first code cell 'parameters'"
    )


def inject_parameters(notebook: Any, parameters: Mapping[str, Any]) -> Any:
    """Return a copy of the notebook with a cell setting ``parameters`` after its parameters cell.

    Only names the parameters cell defines are set (a notebook without ``answers_path`` is not
    given one). The injected cell also makes plotly emit figures as JSON, which the report draws.
    """
    notebook = copy.deepcopy(notebook)
    index, names = parameter_names(notebook)
    import nbformat

    lines = [
        "# Injected by `python -m kit report`",
        "import plotly.io as _kit_pio",
        '_kit_pio.renderers.default = "plotly_mimetype"',
    ]
    lines += [f"{name} = {value!r}" for name, value in parameters.items() if name in names]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, cell)
    return notebook


def execute(
    path: str | Path, parameters: Mapping[str, Any] | None = None, *, timeout: int = 600
) -> Any:
    """Return the notebook at ``path`` executed with ``parameters`` (widget state saved).

    Raises:
        ReportError: naming the notebook, the cell (number and first line) and the error.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    notebook = inject_parameters(nbformat.read(path, as_version=4), parameters or {})
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=timeout,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        raise ReportError(_failure_message(path, notebook, error)) from None
    return notebook


def _failure_message(path: Path, notebook: Any, error: Any) -> str:
    """Return "NOTEBOOK, cell N (`first line`): Error: value" for the cell that failed."""
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line for line in cell.source.splitlines() if line.strip()), "")
                return (
                    f"{path.name}, cell {number} (`{first.strip()[:80]}`): "
                    f"{output.get('ename')}: {output.get('evalue')}"
                )
    return f"{path.name}: {getattr(error, 'ename', 'error')}: {getattr(error, 'evalue', error)}"


# ---- static counterparts -----------------------------------------------------------------------
class _Plots:
    """Numbers the plot divs of one page."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, data: Any, layout: Mapping[str, Any] | None, config: Any = None) -> str:
        self.count += 1
        layout = dict(layout or {})
        height = int(layout.get("height") or 450)
        return TEMPLATES["plot"].format(
            div_id=f"kit-plot-{self.count}",
            height=height,
            data=_script_json(data or []),
            layout=_script_json(layout),
            config=_script_json({"responsive": True, **(config or {})}),
        )


def _decode_array(value: Any) -> Any:
    """Return plotly's binary array spec ({dtype, shape, value/buffer}) as a plain list."""
    import numpy as np

    if isinstance(value, dict) and "dtype" in value and ("value" in value or "buffer" in value):
        raw = value.get("value", value.get("buffer"))
        if isinstance(raw, str):
            raw = base64.b64decode(raw)
        if isinstance(raw, bytes | bytearray | memoryview):
            array = np.frombuffer(bytes(raw), dtype=value["dtype"])
            return array.reshape(value.get("shape") or array.shape).tolist()
    if isinstance(value, dict):
        return {key: _decode_array(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode_array(item) for item in value]
    return value


def _state_with_buffers(model: Mapping[str, Any]) -> dict:
    """Return a widget model's state with its binary buffers put back at their paths."""
    state = copy.deepcopy(dict(model.get("state", {})))
    for buffer in model.get("buffers", []) or []:
        target: Any = state
        path = list(buffer.get("path", []))
        for key in path[:-1]:
            # A FigureWidget resets a sent message (``_py2js_addTraces``) to None but keeps its
            # buffers listed: such a buffer belongs to nothing the page shows.
            target = target[key] if target is not None else None
        if path and target is not None:
            target[path[-1]] = base64.b64decode(buffer.get("data", ""))
    return state


def _option_text(state: Mapping[str, Any]) -> str:
    """Return the selected option label(s) of a selection widget's state."""
    labels = list(state.get("_options_labels", []))
    index = state.get("index")
    if index is None:
        return "(none selected)"
    if isinstance(index, list | tuple):
        chosen = [labels[i] for i in index if isinstance(i, int) and i < len(labels)]
        if "Range" in str(state.get("_model_name", "")) and len(chosen) == 2:
            return f"{chosen[0]} – {chosen[1]}"
        return ", ".join(chosen) if chosen else "(none selected)"
    return labels[index] if isinstance(index, int) and index < len(labels) else "(none selected)"


def static_widget(model_id: str, models: Mapping[str, Any], plots: _Plots | None = None) -> str:
    """Return a static HTML counterpart of a saved widget view (and its children)."""
    plots = plots or _Plots()
    model = models.get(model_id)
    if model is None:
        return TEMPLATES["missing"].format(name="a widget")
    state = _state_with_buffers(model)
    name = str(model.get("model_name", ""))
    if "_widget_data" in state:  # a plotly FigureWidget (a notebook saved by other code)
        return plots.html(
            _decode_array(state["_widget_data"]), _decode_array(state["_widget_layout"])
        )
    if "children" in state:
        children = [
            static_widget(str(child).removeprefix("IPY_MODEL_"), models, plots)
            for child in state.get("children", [])
        ]
        direction = "row" if name in ("HBoxModel", "GridBoxModel") else "column"
        return TEMPLATES["box"].format(direction=direction, children="".join(children))
    if name in ("HTMLModel", "HTMLMathModel"):
        return str(state.get("value", ""))  # the same HTML the live widget shows
    if name == "OutputModel":
        return "".join(_static_output(output, plots) for output in state.get("outputs", []))
    label = kit_html.escape(state.get("description") or state.get("tooltip") or "")
    if "_options_labels" in state:
        value = _option_text(state)
    elif name == "ButtonModel":
        return TEMPLATES["control"].format(label="", value=f"[{label}]")
    elif "value" in state:
        value = state["value"]
    else:
        return TEMPLATES["missing"].format(name=kit_html.escape(name.removesuffix("Model")))
    return TEMPLATES["control"].format(label=label, value=kit_html.escape(value))


def _static_output(output: Mapping[str, Any], plots: _Plots) -> str:
    """Return the HTML of one output kept by an Output widget."""
    data = output.get("data", {})
    if PLOTLY_MIME in data:
        figure = data[PLOTLY_MIME]
        return plots.html(figure.get("data"), figure.get("layout"), figure.get("config"))
    if "text/html" in data:
        return (
            "".join(data["text/html"]) if isinstance(data["text/html"], list) else data["text/html"]
        )
    text = output.get("text") or data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else text
    return TEMPLATES["output_text"].format(text=kit_html.escape(text)) if text else ""


def make_static(notebook: Any) -> Any:
    """Return the notebook with plotly JSON and widget views replaced by static HTML outputs."""
    notebook = copy.deepcopy(notebook)
    widgets = notebook.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {})
    models = widgets.get("state", {})
    plots = _Plots()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            if PLOTLY_MIME in data:
                figure = data.pop(PLOTLY_MIME)
                data["text/html"] = plots.html(
                    figure.get("data"), figure.get("layout"), figure.get("config")
                )
            elif WIDGET_VIEW_MIME in data:
                view = data.pop(WIDGET_VIEW_MIME)
                data["text/html"] = static_widget(str(view.get("model_id")), models, plots)
    notebook.metadata.pop("widgets", None)
    return notebook


# ---- HTML ---------------------------------------------------------------------------------------
def to_html(notebook: Any, record: Mapping[str, Any]) -> str:
    """Return the executed notebook as one self-contained HTML page with its provenance."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"kit_report.html.j2": PAGE_TEMPLATE})],
        template_file="kit_report.html.j2",
        embed_images=True,
    )
    resources = {
        "kit_plotly_js": get_plotlyjs(),
        "kit_provenance": provenance_html(record),
        "metadata": {"name": record.get("notebook", "report")},
    }
    notebook = make_static(notebook)
    notebook.metadata["kit_provenance"] = dict(record)
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def report_notebooks(folder: str | Path = NOTEBOOKS) -> list[Path]:
    """Return the notebooks a report is made of (every ``*.ipynb`` in the folder, sorted)."""
    return sorted(Path(folder).glob("*.ipynb"))


def build_reports(
    corpus_path: str | Path | None = None,
    *,
    out: str | Path = "reports",
    notebooks: Iterable[str | Path] | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
    echo: Any = None,
) -> list[Path]:
    """Return the HTML reports written to ``out``: each notebook run against the corpus.

    Args:
        corpus_path: the corpus (default: the bundled ``data/``).
        out: the folder to write ``<notebook>.html`` into (created if needed).
        notebooks: the notebooks to run (default: every notebook in ``notebooks/``).
        parameters: more values for the parameters cells (e.g. ``{"top_n": 5}``).
        timeout: seconds a single cell may take.
        echo: a function called with a progress line per notebook (e.g. ``print``).
    """
    import kit

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(path) for path in notebooks] if notebooks is not None else report_notebooks()
    if not paths:
        raise ReportError(f"no notebooks to run (looked in {NOTEBOOKS}); pass notebooks=")
    corpus_value = str(Path(corpus_path).resolve()) if corpus_path is not None else None
    corpus = kit.load(corpus_value, progress=False)
    written = []
    for path in paths:
        values = {
            "corpus_path": corpus_value,
            # A lesson run for a report writes its answers beside the report, not in the repo.
            "answers_path": str((out / f"{path.stem}_answers.csv").resolve()),
            "answers_folder": str(out.resolve()),
            **(parameters or {}),
        }
        if echo:
            echo(f"running {path.name} …")
        notebook = execute(path, values, timeout=timeout)
        record = provenance(corpus, notebook=path.name)
        target = out / f"{path.stem}.html"
        target.write_text(to_html(notebook, record), encoding="utf-8")
        written.append(target)
        if echo:
            echo(f"  wrote {target}")
    return written
