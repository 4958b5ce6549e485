"""Every view escapes every field: tables, evidence, chart titles/hover/legend, dashboard."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from test_dashboard import make_corpus

from kit.views import charts
from kit.views import html as kit_html
from kit.views.explorer import Rollup, dashboard, evidence_html, evidence_rows, view

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
RAW = ("<script", "<img")


def assert_no_raw_markup(text: str, where: str) -> None:
    lowered = text.lower()
    for raw in RAW:
        assert raw not in lowered, f"{where}: raw {raw!r} survived: {text[:300]}"


def figure_text(figure: go.Figure) -> str:
    return json.dumps(figure.to_plotly_json(), default=str)


# ---- the helpers ------------------------------------------------------------------------------
def test_escape_handles_missing_values_and_quotes():
    assert kit_html.escape(None) == ""
    assert kit_html.escape(float("nan")) == ""
    assert kit_html.escape(pd.NaT) == ""
    assert kit_html.escape(3) == "3"
    assert kit_html.escape("\"a\" & 'b'") == "&quot;a&quot; &amp; &#x27;b&#x27;"


def test_hover_safe_uses_entities_plotly_decodes():
    assert kit_html.hover_safe(IMAGE) == "&lt;img src=x onerror=alert(1)&gt;"
    assert kit_html.hover_safe('say "hi" & go') == "say &#34;hi&#34; &amp; go"
    assert kit_html.unescape(kit_html.hover_safe("a &amp; <b>")) == "a &amp; <b>"


def test_highlight_escapes_all_three_parts_and_checks_the_colour():
    sentence = f"{SCRIPT} met {IMAGE}"
    marked = kit_html.highlight(sentence, sentence.index(IMAGE), len(sentence))
    assert marked.endswith("<mark>&lt;img src=x onerror=alert(1)&gt;</mark>")
    assert marked.startswith("&lt;script&gt;")
    assert 'style="background:#F0E442"' in kit_html.highlight("abc", 0, 1, color="#F0E442")
    with pytest.raises(ValueError, match="not a CSS colour"):
        kit_html.highlight("abc", 0, 1, color='red" onmouseover="alert(1)')
    assert kit_html.highlight("abc", 5, 9) == "abc<mark></mark>"


def test_table_escapes_headers_cells_and_caption():
    frame = pd.DataFrame({SCRIPT: [IMAGE, None], "n": [1, 2]})
    table = kit_html.table(frame, caption=IMAGE)
    assert_no_raw_markup(table, "table")
    assert "<th" in table and "<td" in table
    renamed = kit_html.table(frame, columns={"n": IMAGE}, highlight=SCRIPT)
    assert_no_raw_markup(renamed, "table with header labels")
    assert table._repr_html_() == table
    with pytest.raises(ValueError, match="column 'missing' is not in the frame"):
        kit_html.table(frame, columns=["missing"])
    aligned = kit_html.table(frame, columns=["n"], align={"n": "right"})
    assert '<td style="text-align:right;' in aligned
    with pytest.raises(ValueError, match="use 'left', 'right' or 'center'"):
        kit_html.table(frame, align={"n": "right;background:url(x)"})


# ---- every view, fed hostile text as entity, outlet, title and body -------------------------
@pytest.fixture(scope="module")
def hostile_corpus():
    entities = {SCRIPT: (SCRIPT, "PERSON"), IMAGE: (IMAGE, "ORG"), "Putin": ("Putin", "PERSON")}
    docs = [
        (SCRIPT, "2023-01-10", IMAGE, f"{SCRIPT} met Putin. {IMAGE} agreed."),
        (IMAGE, "2023-02-11", SCRIPT, f"Putin and {IMAGE} spoke. {SCRIPT} wrote."),
        ("Plain Outlet", None, f"{IMAGE}{SCRIPT}", f"{SCRIPT} again. Putin too."),
    ]
    return make_corpus(docs, entities)


def test_evidence_table_escapes_everything(hostile_corpus):
    frames = view(hostile_corpus, {"entity": [SCRIPT, IMAGE]})
    assert frames["evidence_total"] > 0
    page = evidence_html(frames["evidence"], frames["evidence_total"])
    assert_no_raw_markup(page, "evidence")
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in page
    rows, total = evidence_rows(Rollup.build(hostile_corpus), {}, [IMAGE])
    assert_no_raw_markup(evidence_html(rows, total), "evidence of one entity")


def test_contexts_table_escapes_everything(hostile_corpus):
    contexts = hostile_corpus.contexts(SCRIPT)
    page = kit_html.table(contexts, columns=["published", "source", "title", "left", "mention",
                                             "right"], highlight="mention")  # fmt: skip
    assert_no_raw_markup(page, "contexts table")


def test_charts_escape_titles_hover_legend_and_axes(hostile_corpus):
    counts = hostile_corpus.mention_counts()
    timeline = hostile_corpus.mention_counts(freq="W")
    colors = charts.outlet_colors(hostile_corpus)
    figures = {
        "top": charts.top_entities_by_outlet(counts, outlet_colors=colors, title=SCRIPT),
        "timeline": charts.mentions_over_time(timeline, outlet_colors=colors, title=IMAGE),
        "one entity": charts.mentions_over_time(timeline[timeline["entity"] == SCRIPT]),
        "heatmap": charts.entity_outlet_heatmap(counts, title=SCRIPT),
    }
    for name, figure in figures.items():
        assert_no_raw_markup(figure_text(figure), f"{name} chart")
        drawn = charts.figure_data(figure)
        # What is exported is the data itself, not its escaped form.
        assert {SCRIPT, IMAGE} & set(drawn[["name", "x", "y"]].astype(str).stack()), name


def test_dashboard_widgets_escape_everything(hostile_corpus):
    board = dashboard(hostile_corpus, entity=[SCRIPT])
    board.source.value = (IMAGE, SCRIPT)
    board.entity.value = (IMAGE, SCRIPT)
    board.search.value = "<"

    def html_surfaces() -> dict[str, str]:
        return {
            "evidence": board.evidence.value,
            "status": board.status.value,
            "code line": board.code_line.value,
            "top figure": figure_text(board.top_figure),
            "time figure": figure_text(board.time_figure),
        }

    for name, text in html_surfaces().items():
        assert_no_raw_markup(text, f"dashboard {name}")
    assert "&lt;script&gt;" in board.evidence.value
    # Option captions are drawn as text (not HTML) by the browser: they keep the real names.
    assert SCRIPT in board.entity.value and any(IMAGE in caption for caption, _ in
                                                board.source.options)  # fmt: skip
    for control in (board.search, board.entity, board.source, board.dates, board.label):
        assert not getattr(control, "description_allow_html", False)
