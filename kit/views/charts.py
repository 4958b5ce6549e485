"""Charts of tidy counts: one call per picture, a plotly ``go.Figure`` back.

Every function takes the tidy output of ``Corpus.mention_counts`` first and options by keyword,
as seaborn does; counting happens in the corpus, these functions only draw. One outlet keeps
one colour everywhere (``outlet_colors``), every chart names its measure in plain words
(``MEASURES``), and every piece of user text reaching plotly goes through
``kit.views.html.hover_safe``. ``figure_data`` and ``to_csv`` give back what was drawn.

Example:
    >>> import kit
    >>> corpus = kit.load(progress=False)
    >>> colors = outlet_colors(corpus)
    >>> figure = top_entities_by_outlet(corpus.mention_counts(), outlet_colors=colors)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from kit.corpus.rankings import ranked_entities, top_outlets
from kit.errors import ArgumentError, ArgumentTypeError
from kit.views import chart_style
from kit.views.chart_style import (  # noqa: F401  (the charts' look, where it was)
    FALLBACK_COLOR,
    MEASURE_FORMATS,
    MEASURES,
    OKABE_ITO,
    PALETTE,
    TOL,
    assign_colors,
    check_columns,
    color_of,
    measure_label,
    title_layout,
)
from kit.views.framing_charts import (  # noqa: F401  (one namespace for every chart)
    STANCE_AXIS,
    STANCE_METHOD_NAMES,
    TOO_FEW_ARTICLES,
    coverage_chart,
    distinctive_words_chart,
    naming_chart,
    reliance_chart,
    stance_by_outlet,
    voices_chart,
)
from kit.views.html import hover_safe, unescape

# Charts take an ``outlet_colors`` argument (the colours): the function is also here by name.
outlet_colors = chart_style.outlet_colors


def _outlet_note(shown: int, total: int) -> str | None:
    if shown < total:
        return (
            f"Showing the {shown} of {total} outlets that mention these most; "
            "choose outlets to see others."
        )
    return None


def _join_notes(*notes: str | None) -> str | None:
    kept = [note for note in notes if note]
    return " ".join(kept) if kept else None


def top_entities_by_outlet(
    counts: pd.DataFrame,
    *,
    measure: str = "mentions",
    n: int = 10,
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
    barmode: str | None = None,
    max_outlets: int | None = 12,
) -> go.Figure:
    """Return horizontal bars of the ``n`` top entities, one bar colour per outlet.

    Args:
        counts: ``Corpus.mention_counts(by=("entity", "source"))`` (no ``freq``).
        measure: the column to draw (see ``MEASURES``); entities are ranked by its total.
        n: how many entities.
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        title: replaces the default title.
        barmode: "stack" or "group"; by default raw counts stack and normalised measures
            (which do not add up across outlets) are grouped.
        max_outlets: draw at most this many outlets (those mentioning most), said in the subtitle.
    """
    return go.Figure(
        top_entities_by_outlet_spec(
            counts, measure=measure, n=n, outlet_colors=outlet_colors, title=title,
            barmode=barmode, max_outlets=max_outlets,
        )
    )  # fmt: skip


def top_entities_by_outlet_spec(
    counts: pd.DataFrame,
    *,
    measure: str = "mentions",
    n: int = 10,
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
    barmode: str | None = None,
    max_outlets: int | None = 12,
) -> dict:
    """Return ``top_entities_by_outlet``'s figure as a plain dict (plotly's figure schema).

    ``go.Figure(spec)`` is the chart; ``kit.views.plots.Plot`` draws the dict as it is, which
    spares a redraw plotly's validation of every property (the tests validate every chart).
    """
    check_columns(counts, ["entity", "source", measure], "top_entities_by_outlet")
    if "published" in counts.columns:
        raise ArgumentError(
            "top_entities_by_outlet: the counts frame has a 'published' column (a timeline); "
            "pass Corpus.mention_counts(by=('entity', 'source')) without freq="
        )
    colors = dict(outlet_colors) if outlet_colors else assign_colors(counts["source"])
    entities = ranked_entities(counts, measure, n)
    shown = counts[counts["entity"].isin(entities)]
    outlets = top_outlets(shown, measure, max_outlets) if len(shown) else []
    label = measure_label(measure)
    value_format = MEASURE_FORMATS.get(measure, ".3g")
    rank = {entity: position for position, entity in enumerate(entities)}
    shown = shown[shown["source"].isin(outlets) & shown[measure].notna()]
    shown = shown.assign(rank=shown["entity"].map(rank).astype(int)).sort_values("rank")
    by_outlet = dict(tuple(shown.groupby("source", observed=True, sort=False)))
    traces = []
    for outlet in outlets:
        rows = by_outlet[outlet]
        traces.append(
            {
                "type": "bar",
                "x": rows[measure].to_numpy(),
                "y": np.array([hover_safe(entity) for entity in rows["entity"]], dtype=object),
                "orientation": "h",
                "name": hover_safe(outlet),
                "marker": {"color": color_of(outlet, colors)},
                "meta": {"source": hover_safe(outlet)},
                "hovertemplate": (
                    f"<b>%{{y}}</b><br>%{{fullData.name}}<br>{hover_safe(label)}: "
                    f"%{{x:{value_format}}}<extra></extra>"
                ),
            }
        )
    if barmode is None:
        barmode = "stack" if measure in ("mentions", "articles") else "group"
    n_outlets = counts["source"].nunique()
    subtitle = _outlet_note(len(outlets), n_outlets)
    if not entities:
        subtitle = "No mentions match the current filters."
    bar_rows = len(entities) * (max(1, len(outlets)) if barmode == "group" else 1)
    x_axis: dict[str, Any] = {"title": {"text": hover_safe(label)}}
    if measure == "article_share":
        x_axis["tickformat"] = ".0%"
    layout = {
        "title": title_layout(title or f"Top {n} entities by outlet: {label.lower()}", subtitle),
        "barmode": barmode,
        "xaxis": x_axis,
        "yaxis": {
            "title": {"text": "Entity"},
            "categoryorder": "array",
            "categoryarray": [hover_safe(entity) for entity in entities[::-1]],
        },
        "legend": {"title": {"text": "Outlet"}},
        "height": int(min(1400, max(360, 160 + 22 * bar_rows))),
        "margin": {"t": 90},
    }
    return {"data": traces, "layout": layout}


def mentions_over_time(
    counts: pd.DataFrame,
    *,
    measure: str = "mentions",
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
    max_outlets: int | None = 8,
) -> go.Figure:
    """Return lines of the measure over time, one per outlet, one panel per entity.

    Args:
        counts: ``Corpus.mention_counts(by=("entity", "source"), freq="W")`` (or "D", "M");
            ``fill_zeros=True`` draws the weeks without mentions as zeros rather than gaps.
        measure: the column to draw (see ``MEASURES``).
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        title: replaces the default title.
        max_outlets: draw at most this many outlets (those mentioning most), said in the subtitle.

    Rows for undated articles (``published`` is NaT) cannot be placed on the time axis; the
    subtitle says how many mentions were left out.
    """
    return go.Figure(
        mentions_over_time_spec(
            counts, measure=measure, outlet_colors=outlet_colors, title=title,
            max_outlets=max_outlets,
        )
    )  # fmt: skip


def mentions_over_time_spec(
    counts: pd.DataFrame,
    *,
    measure: str = "mentions",
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
    max_outlets: int | None = 8,
) -> dict:
    """Return ``mentions_over_time``'s figure as a plain dict (plotly's figure schema).

    ``go.Figure(spec)`` is the chart; ``kit.views.plots.Plot`` draws the dict as it is.
    """
    check_columns(counts, ["published", measure], "mentions_over_time")
    colors = dict(outlet_colors) if outlet_colors else None
    has_source = "source" in counts.columns
    has_entity = "entity" in counts.columns
    undated = counts[counts["published"].isna()]
    dated = counts[counts["published"].notna()].sort_values("published")
    undated_note = None
    if len(undated):
        if "mentions" in undated.columns:
            left_out = int(undated["mentions"].sum())
            undated_note = f"{left_out:,} mentions in undated articles are not shown."
        else:
            undated_note = f"{len(undated):,} rows for undated articles are not shown."
    entities = ranked_entities(dated, measure) if has_entity else [None]
    outlets = top_outlets(dated, measure, max_outlets) if has_source and len(dated) else []
    if has_source and colors is None:
        colors = assign_colors(counts["source"])
    label = measure_label(measure)
    value_format = MEASURE_FORMATS.get(measure, ".3g")
    panels = max(1, len(entities))
    legend_shown: set[str] = set()
    traces: list[dict] = []
    # Plotly validates lists item by item but numpy arrays at once: pass arrays, naive UTC.
    dated = dated.assign(published=dated["published"].dt.tz_convert("UTC").dt.tz_localize(None))
    keys = [key for key in ("entity", "source") if key in dated.columns]
    groups = dict(tuple(dated.groupby(keys, observed=True, sort=False))) if keys else {}
    for panel, entity in enumerate(entities, start=1):
        names = outlets if has_source else [entity]
        for name in names:
            key = (*([entity] if has_entity else []), *([name] if has_source else []))
            group = groups.get(key) if keys else dated
            if group is None or group.empty:
                continue
            meta = {}
            if has_source:
                meta["source"] = hover_safe(name)
            if entity is not None:
                meta["entity"] = hover_safe(entity)
            color = color_of(name, colors) if has_source else None
            entity_line = f"<b>{hover_safe(entity)}</b><br>" if entity is not None else ""
            trace = {
                "type": "scatter",
                "x": group["published"].to_numpy(),
                "y": group[measure].to_numpy(),
                "xaxis": f"x{panel if panel > 1 else ''}",
                "yaxis": f"y{panel if panel > 1 else ''}",
                "mode": "lines+markers",
                "name": hover_safe(name if name is not None else label),
                "legendgroup": hover_safe(name),
                "showlegend": name not in legend_shown,
                "meta": meta,
                "hovertemplate": (
                    f"{entity_line}%{{fullData.name}}<br>%{{x|%Y-%m-%d}}<br>"
                    f"{hover_safe(label)}: %{{y:{value_format}}}<extra></extra>"
                ),
            }
            if color is not None:
                trace.update(line={"color": color}, marker={"color": color})
            traces.append(trace)
            legend_shown.add(name)
    if title is None:
        title = f"{label} over time" + (", by outlet" if has_source else "")
        if len(entities) == 1 and entities[0] is not None:
            title = f"{entities[0]}: {title[0].lower()}{title[1:]}"
    subtitle = _join_notes(
        _outlet_note(len(outlets), dated["source"].nunique()) if has_source else None,
        undated_note,
        None if len(dated) else "No dated mentions match the current filters.",
    )
    layout = {
        "title": title_layout(title, subtitle),
        "legend": {"title": {"text": "Outlet" if has_source else ""}},
        "height": int(min(1600, 200 + 220 * panels)) if panels > 1 else 420,
        "margin": {"t": 100},
        "hovermode": "closest",
    }
    y_axis = {"title": {"text": hover_safe(label)}, "rangemode": "tozero"}
    if measure == "article_share":
        y_axis["tickformat"] = ".0%"
    layout.update(_stacked_axes(panels, y_axis, entities if panels > 1 else []))
    return {"data": traces, "layout": layout}


def _stacked_axes(panels: int, y_axis: dict, titles: list) -> dict:
    """Return layout axes for ``panels`` stacked panels sharing one date axis, with titles."""
    gap = min(0.08, 0.3 / panels) if panels > 1 else 0.0
    height = (1 - gap * (panels - 1)) / panels
    layout: dict[str, Any] = {"annotations": []} if titles else {}
    for panel in range(1, panels + 1):
        suffix = str(panel) if panel > 1 else ""
        top = 1 - (panel - 1) * (height + gap)
        bottom = max(0.0, top - height)
        x_axis: dict[str, Any] = {"anchor": f"y{suffix}", "domain": [0.0, 1.0]}
        if panel > 1:
            x_axis["matches"] = "x"
        if panel < panels:
            x_axis["showticklabels"] = False
        else:
            x_axis["title"] = {"text": "Date"}
        layout[f"xaxis{suffix}"] = x_axis
        layout[f"yaxis{suffix}"] = {**y_axis, "anchor": f"x{suffix}", "domain": [bottom, top]}
        if titles:
            layout["annotations"].append(
                {"text": hover_safe(titles[panel - 1]), "showarrow": False, "xref": "paper",
                 "yref": "paper", "x": 0.5, "xanchor": "center", "y": top, "yanchor": "bottom",
                 "font": {"size": 14}}
            )  # fmt: skip
    return layout


def entity_outlet_heatmap(
    counts: pd.DataFrame,
    *,
    measure: str = "per_1000_words",
    title: str | None = None,
    n: int = 20,
    max_outlets: int | None = 30,
) -> go.Figure:
    """Return a heatmap of entities (rows, most first) by outlets (columns, sorted).

    Args:
        counts: ``Corpus.mention_counts(by=("entity", "source"))`` (no ``freq``).
        measure: the column to colour by; normalised measures compare outlets fairly.
        title: replaces the default title.
        n: how many entities (ranked by the measure's total).
        max_outlets: draw at most this many outlets (those mentioning most), said in the subtitle.

    A cell with no row in ``counts`` is an outlet that never mentions the entity: drawn as 0.
    """
    check_columns(counts, ["entity", "source", measure], "entity_outlet_heatmap")
    if "published" in counts.columns:
        raise ArgumentError(
            "entity_outlet_heatmap: the counts frame has a 'published' column (a timeline); "
            "pass Corpus.mention_counts(by=('entity', 'source')) without freq="
        )
    entities = ranked_entities(counts, measure, n)
    shown = counts[counts["entity"].isin(entities)]
    outlets = top_outlets(shown, measure, max_outlets) if len(shown) else []
    grid = (
        shown[shown["source"].isin(outlets)]
        .pivot_table(index="entity", columns="source", values=measure, aggfunc="sum")
        .reindex(index=entities, columns=outlets)
        .fillna(0)
    )
    label = measure_label(measure)
    value_format = MEASURE_FORMATS.get(measure, ".3g")
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype=float),
            x=np.array([hover_safe(outlet) for outlet in grid.columns], dtype=object),
            y=np.array([hover_safe(entity) for entity in grid.index], dtype=object),
            colorscale="Cividis",
            colorbar={"title": {"text": hover_safe(label)}},
            meta={"measure": measure},
            hovertemplate=(
                f"<b>%{{y}}</b><br>%{{x}}<br>{hover_safe(label)}: %{{z:{value_format}}}"
                "<extra></extra>"
            ),
        )
    )
    subtitle = _outlet_note(len(outlets), counts["source"].nunique())
    if not entities:
        subtitle = "No mentions match the current filters."
    figure.update_layout(
        title=title_layout(title or f"Who each outlet talks about: {label.lower()}", subtitle),
        xaxis_title="Outlet",
        yaxis_title="Entity",
        yaxis={"autorange": "reversed"},
        height=int(min(1400, max(360, 180 + 24 * len(entities)))),
        margin={"t": 90},
    )
    return figure


def figure_data(figure: BaseFigure) -> pd.DataFrame:
    """Return what a figure draws, tidy: one row per point (per cell for heatmaps).

    Columns: ``trace`` (its index), ``type``, ``name``, the keys of each trace's ``meta``
    (e.g. ``source``, ``entity``), ``x``, ``y`` and, for heatmaps, ``z``. Text is unescaped, so
    the values are the data's own, ready to compare with the counts or write to CSV.

    Example:
        >>> figure = go.Figure(go.Bar(x=[3], y=["Tom &amp; Jerry"], name="Post"))
        >>> figure_data(figure)[["name", "x", "y"]].to_dict("records")
        [{'name': 'Post', 'x': 3, 'y': 'Tom & Jerry'}]
    """
    rows: list[dict] = []
    for index, trace in enumerate(figure.data):
        meta = trace.meta if isinstance(getattr(trace, "meta", None), dict) else {}
        base = {"trace": index, "type": trace.type, "name": unescape(trace.name)}
        base.update({key: unescape(value) for key, value in meta.items()})
        z_values = getattr(trace, "z", None)
        if z_values is not None:
            xs = list(trace.x) if trace.x is not None else list(range(len(z_values[0])))
            ys = list(trace.y) if trace.y is not None else list(range(len(z_values)))
            for row_index, y_value in enumerate(ys):
                for column_index, x_value in enumerate(xs):
                    rows.append(
                        {
                            **base,
                            "x": unescape(x_value),
                            "y": unescape(y_value),
                            "z": z_values[row_index][column_index],
                        }
                    )
            continue
        xs = list(trace.x) if getattr(trace, "x", None) is not None else []
        ys = list(trace.y) if getattr(trace, "y", None) is not None else []
        length = max(len(xs), len(ys))
        xs += [None] * (length - len(xs))
        ys += [None] * (length - len(ys))
        for x_value, y_value in zip(xs, ys, strict=True):
            rows.append({**base, "x": unescape(x_value), "y": unescape(y_value)})
    columns = ["trace", "type", "name"]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=[*columns, "x", "y"])
    return frame


def to_csv(figure_or_frame: BaseFigure | pd.DataFrame, path: str | Path) -> Path:
    """Write a chart's data (via ``figure_data``) or a table to CSV and return the path.

    Example: ``to_csv(top_entities_by_outlet(counts), "top_entities.csv")``.
    """
    if isinstance(figure_or_frame, BaseFigure):
        frame = figure_data(figure_or_frame)
    elif isinstance(figure_or_frame, pd.DataFrame):
        frame = figure_or_frame
    else:
        raise ArgumentTypeError(
            f"to_csv: got a {type(figure_or_frame).__name__}; pass a plotly figure or a DataFrame"
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path
