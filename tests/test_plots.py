"""The views' charts: plotly outputs in an Output widget, and a warm start that stays light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go

from kit.views.plots import PLOTLY_MIME, Plot, figure_output

REPO = Path(__file__).resolve().parents[1]


def test_a_plot_shows_its_figure_as_one_plotly_output_and_a_redraw_replaces_it():
    plot = Plot(go.Figure(go.Bar(x=[3, 1], y=["Putin", "Xi"], name="Post")))
    (output,) = plot.widget.outputs
    spec = output["data"][PLOTLY_MIME]
    assert spec["data"][0]["x"] == [3, 1] and spec["data"][0]["name"] == "Post"
    assert spec["config"]["responsive"] is True
    plot.show(go.Figure(go.Scatter(x=["2023-01-02"], y=[5], name="Kyiv")))
    (output,) = plot.widget.outputs  # replaced, not appended
    assert output["data"][PLOTLY_MIME]["data"][0]["type"] == "scatter"
    assert plot.figure.data[0].name == "Kyiv"


def test_numpy_arrays_reach_the_page_as_plain_numbers():
    import numpy as np

    figure = go.Figure(go.Heatmap(z=np.arange(6).reshape(2, 3), x=np.array([0.5, 1.5, 2.5])))
    trace = figure_output(figure)["data"][PLOTLY_MIME]["data"][0]
    assert trace["z"] == [[0, 1, 2], [3, 4, 5]] and trace["x"] == [0.5, 1.5, 2.5]
    json.dumps(trace)  # plain JSON all the way down


def test_views_draw_through_plots_and_their_figures_match_what_the_page_gets(seeds_corpus):
    import kit
    from kit.views.framing import framing

    board = kit.dashboard(seeds_corpus)
    view = framing(seeds_corpus)
    for plot, figure in (
        (board.top_plot, board.top_figure),
        (board.time_plot, board.time_figure),
        (view.stance_plot, view.stance_figure),
    ):
        assert plot.widget in _widgets_under(board.widget) + _widgets_under(view.widget)
        (output,) = plot.widget.outputs
        drawn = output["data"][PLOTLY_MIME]
        assert [trace.get("name") for trace in drawn["data"]] == [t.name for t in figure.data]
        assert drawn["layout"]["title"]["text"] == figure.layout.title.text


def test_charts_drawn_from_their_dicts_give_their_validated_figures_output(seeds_corpus):
    """The dashboard draws its charts from plain dicts, unvalidated: the page must get what the
    validated figure built from the same dict would give it, for every measure and shape."""
    from kit.views import charts
    from kit.views.explorer import Rollup, entity_counts, timeline_counts

    rollup = Rollup.build(seeds_corpus)
    colors = charts.outlet_colors(seeds_corpus)
    for measure in ("mentions", "per_1000_words", "article_share"):
        for settings in ({}, {"label": "PERSON"}, {"source": seeds_corpus.sources[:1]}):
            settings = {**settings, "measure": measure}
            top = entity_counts(rollup, settings)
            entities = top["entity"].drop_duplicates().tolist()
            timeline = timeline_counts(rollup, settings, entities[:2])
            specs = [
                charts.top_entities_by_outlet_spec(top, measure=measure, outlet_colors=colors),
                charts.top_entities_by_outlet_spec(top.iloc[0:0], measure=measure),
                charts.mentions_over_time_spec(timeline, measure=measure, outlet_colors=colors),
                charts.mentions_over_time_spec(timeline.drop(columns="source"), measure=measure),
                charts.mentions_over_time_spec(
                    timeline.drop(columns=["source", "entity"]), measure=measure
                ),
            ]
            for spec in specs:
                assert figure_output(spec) == figure_output(go.Figure(spec))


def test_the_dashboard_draws_what_its_figures_hold(seeds_corpus):
    import kit

    board = kit.dashboard(seeds_corpus)
    entities = [value for _, value in board.entity.options][:2]
    for change in (
        lambda: None,
        lambda: setattr(board.entity, "value", tuple(entities)),
        lambda: setattr(board.measure, "value", "article_share"),
        lambda: setattr(board.entity, "value", ()),
    ):
        change()
        for plot in (board.top_plot, board.time_plot):
            (output,) = plot.widget.outputs
            assert isinstance(plot.figure, go.Figure)
            assert output == figure_output(plot.figure)


def _widgets_under(widget) -> list:
    found = [widget]
    for child in getattr(widget, "children", ()) or ():
        found += _widgets_under(child)
    return found


WARM_START = """
import sys, time
import kit
from kit.views.framing import framing
started = time.perf_counter()
corpus = kit.load(progress=False)
board, view = kit.dashboard(corpus), framing(corpus)
print(sorted(name for name in ("spacy", "anywidget", "nbformat", "plotly.basewidget")
             if name in sys.modules))
"""


def test_a_warm_start_of_both_views_imports_no_spacy_and_no_widget_stack(tmp_path):
    """The app's first cell on a warm snapshot: no spaCy, no anywidget, no nbformat/jsonschema
    (plotly's FigureWidget pulled those in: seconds of start-up per kernel)."""
    environment = {**os.environ, "KIT_STORE": str(tmp_path / "store")}
    command = [sys.executable, "-c", WARM_START]
    cold = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.strip().splitlines()[-1] == "[]", warm.stdout
