"""Live charts in widget views, drawn by plotly's own renderer, with no start-up deadline.

``Plot`` is how the dashboard and the framing view show a chart. It holds the current figure
(``plot.figure`` gives it as a ``plotly.graph_objects.Figure``, what the tests and
``charts.figure_data`` read) and shows it in an ``ipywidgets.Output`` (``plot.widget``) as one
output of plotly's own MIME type, ``application/vnd.plotly.v1+json``. A redraw replaces that
output in one message.

Why not ``plotly.graph_objects.FigureWidget``: it is an anywidget that carries all of
plotly.js (4.8 MB) in every chart's state, and anywidget gives a widget 2 s to start in the
page (a fixed ``AbortSignal.timeout(2000)`` in its runtime). Under load (a class on one
server, a busy CPU) the charts missed that window and the page logged
``[anywidget] Failed to initialize model.`` Here the page's plotly renderer (the
``jupyterlab-plotly`` extension that ships with plotly, in JupyterLab and in Voila) loads
plotly.js once per page and draws with ``Plotly.react``, however long that takes. Saved
notebooks and rendered reports keep each chart as that output (``kit.publish.report`` draws it), and
importing this module does not import plotly's widget stack (which pulls in nbformat and
jsonschema: seconds at start-up).
"""

from __future__ import annotations

import functools
import json
from typing import Any

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Plotly's renderer redraws on resize; no mode bar logo, no link to plotly's cloud editor.
PLOT_CONFIG: dict[str, Any] = {"responsive": True, "displaylogo": False}


def figure_output(figure: Any) -> dict:
    """Return a figure as one notebook output (display_data) of plotly's MIME type.

    ``figure`` is a plotly ``Figure`` or a figure as a plain dict (``{"data": [...], "layout":
    {...}}``, what ``kit.views.charts``' ``*_spec`` functions give): a dict is written as it
    is, unvalidated (``plotly.io.to_json(..., validate=False)``), with the default template
    that ``go.Figure(dict)`` would add, so both give the same output. Arrays become plain JSON
    lists (not plotly's base64 typed arrays), so anything reading the saved output (a report,
    a test in the page) sees the numbers themselves.

    Example:
        >>> import plotly.graph_objects as go
        >>> output = figure_output(go.Figure(go.Bar(x=[1, 2], y=[3, 4])))
        >>> output["data"][PLOTLY_MIME]["data"][0]["y"]
        [3, 4]
    """
    if isinstance(figure, dict):
        import plotly.io as pio

        spec = json.loads(pio.to_json(_without_none(figure), validate=False, engine="json"))
        layout = spec.setdefault("layout", {})
        if "template" not in layout:
            layout["template"] = default_template()
    else:
        spec = _plain_arrays(json.loads(figure.to_json(validate=False, engine="json")))
    spec["config"] = dict(PLOT_CONFIG)
    title = (spec.get("layout", {}).get("title") or {}).get("text") or "a chart"
    return {
        "output_type": "display_data",
        "data": {PLOTLY_MIME: spec, "text/plain": f"<plotly chart: {title}>"},
        "metadata": {},
    }


def default_template() -> dict:
    """Return the template plotly gives a new figure (``plotly.io.templates.default``), as JSON.

    Serialised once per default template name, then parsed afresh for each caller.
    """
    import plotly.io as pio

    return json.loads(_template_json(str(pio.templates.default)))


@functools.cache
def _template_json(name: str) -> str:
    import plotly.graph_objects as go

    spec = _plain_arrays(json.loads(go.Figure().to_json(validate=False, engine="json")))
    return json.dumps(spec["layout"]["template"])


def _without_none(value: Any) -> Any:
    """Return a figure dict without the properties set to None (which plotly leaves unset)."""
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _plain_arrays(value: Any) -> Any:
    """Return a plotly JSON value with base64 typed arrays ({dtype, bdata}) as lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            import base64

            import numpy as np

            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if value.get("shape"):
                shape = [int(size) for size in str(value["shape"]).split(",")]
                array = array.reshape(shape)
            return array.tolist()
        return {key: _plain_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_arrays(item) for item in value]
    return value


class Plot:
    """A chart in a widget view: ``show(figure)`` draws it, ``figure`` is what it draws.

    Example:
        >>> import plotly.graph_objects as go
        >>> plot = Plot(go.Figure(go.Bar(x=[1], y=["Putin"])))
        >>> plot.figure.data[0].y
        ('Putin',)
        >>> len(plot.widget.outputs)
        1
    """

    def __init__(self, figure: Any = None) -> None:
        import ipywidgets as widgets

        self.widget = widgets.Output()
        self.widget.add_class("kit-plot-pane")
        self._figure: Any = {"data": []}
        if figure is not None:
            self.show(figure)

    def show(self, figure: Any) -> None:
        """Draw ``figure`` (a ``Figure``, or a figure as a dict) in place of the current chart.

        One message to the page. A dict is drawn unvalidated; ``figure`` validates it when
        first asked for.
        """
        self._figure = figure
        # Setting ``outputs`` replaces the Output's content whole: no blank chart between.
        self.widget.outputs = (figure_output(figure),)

    @property
    def figure(self) -> Any:
        """The chart drawn now, as a plotly ``Figure`` (built from a dict when first asked)."""
        if isinstance(self._figure, dict):
            import plotly.graph_objects as go

            self._figure = go.Figure(self._figure)
        return self._figure

    def __repr__(self) -> str:
        return f"<Plot: {figure_output(self.figure)['data']['text/plain']}>"
