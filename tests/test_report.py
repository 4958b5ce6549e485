"""Rendered reports: notebooks executed against a corpus, self-contained HTML with provenance."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from kit.__main__ import main
from kit.publish import report

REPO = Path(__file__).resolve().parents[1]


def _notebook(path: Path, *code: str) -> Path:
    """Write a small notebook: prose, a parameters cell, then the given code cells."""
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("corpus_path = None\ntop_n = 3")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# A test"), parameters]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in code]
    nbformat.write(notebook, path)
    return path


def _provenance(page: str) -> dict:
    found = re.search(r'<script[^>]*id="kit-provenance"[^>]*>(.*?)</script>', page)
    assert found, "no provenance JSON in the report"
    return json.loads(found.group(1))


def test_corpus_hash_ignores_order_and_changes_with_content():
    one = pd.DataFrame({"file_hash": ["a", "b", "c"]})
    assert report.corpus_hash(one) == report.corpus_hash(one.iloc[::-1])
    assert report.corpus_hash(one) != report.corpus_hash(one.iloc[:2])
    texts = pd.DataFrame({"file_hash": [None, None], "text": ["x", "y"]})
    assert len(report.corpus_hash(texts)) == 64


def test_provenance_block_escapes_every_value():
    record = {"corpus_path": "<script>alert(1)</script>", "articles": 2, "model": "</script><b>"}
    block = report.provenance_html(record)
    assert "<script>alert" not in block and "</script><b>" not in block
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert _provenance(str(block))["corpus_path"] == "<script>alert(1)</script>"


def test_parameters_are_injected_after_the_parameters_cell_only_if_defined(tmp_path):
    notebook = nbformat.read(_notebook(tmp_path / "a.ipynb", "x = 1"), as_version=4)
    injected = report.inject_parameters(notebook, {"corpus_path": "/c", "answers_path": "/a"})
    assert injected.cells[2].metadata["tags"] == ["injected-parameters"]
    assert "corpus_path = '/c'" in injected.cells[2].source
    assert "answers_path" not in injected.cells[2].source  # the notebook does not define it
    assert len(notebook.cells) == 3  # the original is untouched


def test_a_failing_cell_fails_the_command_naming_the_cell_and_error(tmp_path, capsys):
    path = _notebook(tmp_path / "broken.ipynb", "x = 1", "ratio = 1 / 0")
    with pytest.raises(report.ReportError, match=r"broken.ipynb, cell \d+ \(`ratio = 1 / 0`\)"):
        report.execute(path)
    status = main(["report", "--out", str(tmp_path / "out"), str(path)])
    assert status == 2
    error = capsys.readouterr().err
    assert "broken.ipynb" in error and "ZeroDivisionError" in error and "ratio = 1 / 0" in error


def test_widgets_get_static_counterparts_and_escaped_labels():
    models = {
        "box": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_a", "IPY_MODEL_b"]}},
        "a": {
            "model_name": "DropdownModel",
            "state": {
                "description": "<img src=x onerror=alert(1)>",
                "_options_labels": ["<b>"],
                "index": 0,
            },
        },  # fmt: skip
        "b": {
            "model_name": "AnyModel",
            "state": {
                "_widget_data": [{"type": "bar", "x": [1]}],
                "_widget_layout": {"height": 300},
            },
        },  # fmt: skip
    }
    static = report.static_widget("box", models)
    assert "<img src=x" not in static and "&lt;img src=x onerror=alert(1)&gt;" in static
    assert "&lt;b&gt;" in static
    assert 'Plotly.newPlot("kit-plot-1", [{"type": "bar", "x": [1]}]' in static
    assert "flex-direction:row" in static


def test_report_of_the_explore_notebook_is_self_contained(tmp_path):
    import kit

    written = report.build_reports(out=tmp_path, notebooks=[REPO / "notebooks/01_explore.ipynb"])
    assert written == [tmp_path / "01_explore.html"]
    page = written[0].read_text()
    corpus = kit.load(progress=False)
    record = _provenance(page)
    assert record["articles"] == len(corpus.articles) == 2
    assert record["corpus_hash"] == report.corpus_hash(corpus.articles)
    assert record["kit_version"] == kit.__version__
    assert record["model"] == corpus.meta["model"] and record["model"]
    assert record["stance_method"] in ("model", "lexicon")
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", record["created"])
    assert "What this report was made from" in page
    # Nothing is fetched: no external scripts, styles or widget manager; plotly.js is inline.
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=\"?https?:", page)
    assert "application/vnd.jupyter.widget" not in page
    assert "plotly.js" in page[: page.index("</head>")]
    # Four charts from fig.show() plus the dashboard's two figure widgets, drawn with data.
    plots = re.findall(r'Plotly\.newPlot\("kit-plot-\d+", (\[.*?\]), \{', page)
    assert len(plots) == 6
    assert all(json.loads(data) for data in plots), "a chart was saved without traces"
    # The dashboard's controls and evidence table have static counterparts.
    assert "Find entity" in page and "Showing" in page and "<mark>" in page


def test_a_buffer_under_a_reset_plotly_message_is_skipped():
    import base64

    from kit.publish.report import _state_with_buffers

    encoded = base64.b64encode(b"xy").decode()
    model = {
        "state": {"_py2js_addTraces": None, "_widget_data": [{"x": None}]},
        "buffers": [
            {"path": ["_py2js_addTraces", "data", 0, "x"], "data": encoded},
            {"path": ["_widget_data", 0, "x"], "data": encoded},
        ],
    }
    state = _state_with_buffers(model)
    assert state["_py2js_addTraces"] is None
    assert state["_widget_data"][0]["x"] == b"xy"
