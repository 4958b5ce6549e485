"""The web app's wiring: views shown by Voila (``make app``) with their charts drawn.

Voila's page asks the kernel for each widget's state once the cell has run. A plotly
``FigureWidget`` that was filled after it was made keeps its traces out of that state (it sent
them as changes to a page that was not yet listening), so its chart would open empty.
``show`` brings every figure's state up to date, then displays the views.
"""

from __future__ import annotations

import copy
from typing import Any


def _is_figure(widget: Any) -> bool:
    return hasattr(widget, "_widget_data") and hasattr(widget, "_layout_obj")


def _figures_in(widget: Any) -> list[Any]:
    """Return the FigureWidgets in a widget tree (a view's ``.widget``, boxes' children)."""
    widget = getattr(widget, "widget", widget)
    if _is_figure(widget):
        return [widget]
    found = []
    for child in getattr(widget, "children", ()) or ():
        found += _figures_in(child)
    return found


def sync_figures(*views: Any) -> int:
    """Return how many FigureWidgets had their saved state set to what they now draw.

    With views, only the figures inside them; without, every live figure (a report run, where
    no page is listening).
    """
    if views:
        figures = [figure for view in views for figure in _figures_in(view)]
    else:
        from ipywidgets.widgets.widget import _instances

        figures = [widget for widget in list(_instances.values()) if _is_figure(widget)]
    for figure in figures:
        figure._widget_layout = copy.deepcopy(figure._layout_obj._props)
        figure._widget_data = copy.deepcopy(figure._data)
    return len(figures)


def show(*views: Any) -> None:
    """Display views (dashboards, widgets) with their figures' state up to date for Voila."""
    from IPython.display import display

    sync_figures(*views)
    for view in views:
        display(view)
