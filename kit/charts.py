"""Charts of tidy counts: one call per picture, a plotly ``go.Figure`` back.

Every function takes the tidy output of ``Corpus.mention_counts`` first and options by keyword,
as seaborn does; counting happens in the corpus, these functions only draw. One outlet keeps
one colour everywhere (``outlet_colors``), every chart names its measure in plain words
(``MEASURES``), and every piece of user text reaching plotly goes through
``kit.html.hover_safe``. ``figure_data`` and ``to_csv`` give back what was drawn.

Example:
    >>> import kit
    >>> corpus = kit.load(progress=False)
    >>> colors = outlet_colors(corpus)
    >>> figure = top_entities_by_outlet(corpus.mention_counts(), outlet_colors=colors)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from kit.html import hover_safe, unescape

MEASURES: dict[str, str] = {
    "mentions": "Mentions",
    "articles": "Articles mentioning",
    "per_1000_words": "Mentions per 1,000 words",
    "article_share": "Share of articles mentioning",
}
# How each measure reads in hover text (plotly d3-format).
MEASURE_FORMATS: dict[str, str] = {
    "mentions": ",d",
    "articles": ",d",
    "per_1000_words": ".2f",
    "article_share": ".1%",
}

# Okabe & Ito (2008) first (yellow and black last: weakest on white), then Paul Tol's
# "bright" and "muted" schemes: all distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
TOL = [
    "#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499",
]  # fmt: skip
PALETTE: list[str] = OKABE_ITO + TOL
FALLBACK_COLOR = "#777777"


def outlet_colors(sources: Any) -> dict[str, str]:
    """Return {outlet: colour}, assigned by sorted outlet name so each outlet keeps its colour.

    ``sources`` is a list of outlet names, a Series, or a Corpus (its ``sources``). Decide the
    colours once, on the whole corpus, and pass them to every chart. Beyond the palette's 24
    colours the palette repeats.

    Example:
        >>> outlet_colors(["Kyiv Independent", "New York Post"])
        {'Kyiv Independent': '#E69F00', 'New York Post': '#56B4E9'}
    """
    return _assign_colors(sources)


def _assign_colors(sources: Any) -> dict[str, str]:
    # Charts take an ``outlet_colors`` argument that shadows the public function's name.
    names = sources.sources if hasattr(sources, "sources") else sources
    if isinstance(names, str):
        names = [names]
    unique = sorted({str(name) for name in names if name is not None and not pd.isna(name)})
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(unique)}


def measure_label(measure: str) -> str:
    """Return the plain-words name of a measure column (e.g. "Mentions per 1,000 words")."""
    return MEASURES.get(measure, measure.replace("_", " ").capitalize())


def _check_columns(counts: pd.DataFrame, required: Iterable[str], chart: str) -> None:
    missing = [column for column in required if column not in counts.columns]
    if missing:
        raise ValueError(
            f"{chart}: the counts frame has no {missing[0]!r} column "
            f"(it has {', '.join(map(str, counts.columns))}); pass the tidy output of "
            "Corpus.mention_counts(...) with that column"
        )


def _color_of(outlet: str, colors: Mapping[str, str]) -> str:
    return colors.get(outlet, FALLBACK_COLOR)


def _title(text: str, subtitle: str | None = None) -> dict:
    """Return a layout title (escaped) with an optional subtitle line."""
    title: dict[str, Any] = {"text": hover_safe(text), "x": 0.01, "xanchor": "left"}
    if subtitle:
        title["subtitle"] = {"text": hover_safe(subtitle)}
    return title


def _top_outlets(counts: pd.DataFrame, measure: str, max_outlets: int | None) -> list[str]:
    """Return the outlets to draw (sorted by name): those that mention the entities most.

    Outlets are chosen by raw mentions where the frame has them, whatever the measure drawn:
    a rate from an outlet with one short article is noise, not a top outlet.
    """
    ranking = "mentions" if "mentions" in counts.columns else measure
    totals = counts.groupby("source", observed=True)[ranking].sum()
    if max_outlets is not None and len(totals) > max_outlets:
        ranked = totals.reset_index().sort_values([ranking, "source"], ascending=[False, True])
        totals = totals.loc[ranked["source"].head(max_outlets)]
    return sorted(totals.index)


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
    _check_columns(counts, ["entity", "source", measure], "top_entities_by_outlet")
    if "published" in counts.columns:
        raise ValueError(
            "top_entities_by_outlet: the counts frame has a 'published' column (a timeline); "
            "pass Corpus.mention_counts(by=('entity', 'source')) without freq="
        )
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(counts["source"])
    ranked = (
        counts.groupby("entity", observed=True)[measure]
        .sum()
        .reset_index()
        .sort_values([measure, "entity"], ascending=[False, True])
    )
    entities = ranked["entity"].head(n).tolist()
    shown = counts[counts["entity"].isin(entities)]
    outlets = _top_outlets(shown, measure, max_outlets) if len(shown) else []
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
            go.Bar(
                x=rows[measure].to_numpy(),
                y=np.array([hover_safe(entity) for entity in rows["entity"]], dtype=object),
                orientation="h",
                name=hover_safe(outlet),
                marker_color=_color_of(outlet, colors),
                meta={"source": hover_safe(outlet)},
                hovertemplate=(
                    f"<b>%{{y}}</b><br>%{{fullData.name}}<br>{hover_safe(label)}: "
                    f"%{{x:{value_format}}}<extra></extra>"
                ),
            )
        )
    figure = go.Figure(data=traces)
    if barmode is None:
        barmode = "stack" if measure in ("mentions", "articles") else "group"
    n_outlets = counts["source"].nunique()
    subtitle = _outlet_note(len(outlets), n_outlets)
    if not entities:
        subtitle = "No mentions match the current filters."
    bar_rows = len(entities) * (max(1, len(outlets)) if barmode == "group" else 1)
    figure.update_layout(
        title=_title(title or f"Top {n} entities by outlet: {label.lower()}", subtitle),
        barmode=barmode,
        xaxis_title=hover_safe(label),
        yaxis_title="Entity",
        yaxis={"categoryorder": "array", "categoryarray": [hover_safe(e) for e in entities[::-1]]},
        legend_title_text="Outlet",
        height=int(min(1400, max(360, 160 + 22 * bar_rows))),
        margin={"t": 90},
    )
    if measure == "article_share":
        figure.update_xaxes(tickformat=".0%")
    return figure


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
    _check_columns(counts, ["published", measure], "mentions_over_time")
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
    if has_entity:
        ranked = (
            dated.groupby("entity", observed=True)[measure]
            .sum()
            .reset_index()
            .sort_values([measure, "entity"], ascending=[False, True])
        )
        entities = ranked["entity"].tolist()
    else:
        entities = [None]
    outlets = _top_outlets(dated, measure, max_outlets) if has_source and len(dated) else []
    if has_source and colors is None:
        colors = _assign_colors(counts["source"])
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
            color = _color_of(name, colors) if has_source else None
            entity_line = f"<b>{hover_safe(entity)}</b><br>" if entity is not None else ""
            traces.append(
                {
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
                    "line": {"color": color},
                    "marker": {"color": color},
                    "hovertemplate": (
                        f"{entity_line}%{{fullData.name}}<br>%{{x|%Y-%m-%d}}<br>"
                        f"{hover_safe(label)}: %{{y:{value_format}}}<extra></extra>"
                    ),
                }
            )
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
        "title": _title(title, subtitle),
        "legend": {"title": {"text": "Outlet" if has_source else ""}},
        "height": int(min(1600, 200 + 220 * panels)) if panels > 1 else 420,
        "margin": {"t": 100},
        "hovermode": "closest",
    }
    y_axis = {"title": {"text": hover_safe(label)}, "rangemode": "tozero"}
    if measure == "article_share":
        y_axis["tickformat"] = ".0%"
    layout.update(_stacked_axes(panels, y_axis, entities if panels > 1 else []))
    # One validation pass for the whole figure (building trace objects first costs twice).
    return go.Figure({"data": traces, "layout": layout})


def _stacked_axes(panels: int, y_axis: dict, titles: list) -> dict:
    """Return layout axes for ``panels`` stacked panels sharing one date axis, with titles."""
    gap = min(0.08, 0.3 / panels) if panels > 1 else 0.0
    height = (1 - gap * (panels - 1)) / panels
    layout: dict[str, Any] = {"annotations": []}
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
    _check_columns(counts, ["entity", "source", measure], "entity_outlet_heatmap")
    if "published" in counts.columns:
        raise ValueError(
            "entity_outlet_heatmap: the counts frame has a 'published' column (a timeline); "
            "pass Corpus.mention_counts(by=('entity', 'source')) without freq="
        )
    ranked = (
        counts.groupby("entity", observed=True)[measure]
        .sum()
        .reset_index()
        .sort_values([measure, "entity"], ascending=[False, True])
    )
    entities = ranked["entity"].head(n).tolist()
    shown = counts[counts["entity"].isin(entities)]
    outlets = _top_outlets(shown, measure, max_outlets) if len(shown) else []
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
        title=_title(title or f"Who each outlet talks about: {label.lower()}", subtitle),
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
        raise TypeError(
            f"to_csv: got a {type(figure_or_frame).__name__}; pass a plotly figure or a DataFrame"
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


# ---- framing: stance, naming, voices, reliance, distinctive words ----------------------------
STANCE_METHOD_NAMES: dict[str, str] = {
    "model": "a fine-tuned language model (NewsMTSC) with a role rule",
    "model_only": "a fine-tuned language model (NewsMTSC)",
    "lexicon": "a word list (lexicon)",
}
# Fewer articles than this behind an outlet's stance toward an entity: "too few to say".
TOO_FEW_ARTICLES = 3
STANCE_AXIS = "Stance toward the entity (−1 = negative, 0 = neutral, +1 = positive)"


def _framing_columns(frame: pd.DataFrame, required: Iterable[str], chart: str, origin: str) -> None:
    """Raise a ValueError naming the missing column and the frame to pass instead."""
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{chart}: the frame has no {missing[0]!r} column "
            f"(it has {', '.join(map(str, frame.columns))}); pass the output of {origin}"
        )


def _safe_array(values: Iterable[Any]) -> np.ndarray:
    """Return user text escaped for plotly, as an object array (validated at once)."""
    return np.array([hover_safe(value) for value in values], dtype=object)


def _outlet_bars(
    rows: pd.DataFrame,
    *,
    value: str,
    category: str,
    categories: list[str],
    colors: Mapping[str, str],
    hover: str,
    customdata: list[str] | None = None,
    error: tuple[str, str] | None = None,
) -> list[go.Bar]:
    """Return one horizontal bar trace per outlet (sorted): ``value`` against ``category``.

    ``error`` names the columns holding each bar's error above and below its value.
    """
    traces = []
    for outlet, group in rows.groupby("source", sort=True, observed=True):
        present = set(group[category])
        group = group.set_index(category).reindex([c for c in categories if c in present])
        group = group.reset_index()
        error_x = None
        if error is not None:
            error_x = {"type": "data", "symmetric": False, "color": "#444444", "thickness": 1.2,
                       "array": group[error[0]].to_numpy(dtype=float),
                       "arrayminus": group[error[1]].to_numpy(dtype=float)}  # fmt: skip
        traces.append(
            go.Bar(
                error_x=error_x,
                x=group[value].to_numpy(),
                y=_safe_array(group[category]),
                orientation="h",
                name=hover_safe(outlet),
                marker_color=_color_of(str(outlet), colors),
                meta={"source": hover_safe(outlet)},
                customdata=group[customdata].to_numpy() if customdata else None,
                hovertemplate=hover,
            )
        )
    return traces


def stance_by_outlet(
    summary: pd.DataFrame,
    *,
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
    min_articles: int | None = None,
) -> go.Figure:
    """Return bars of the mean stance per outlet and entity, with confidence intervals.

    Args:
        summary: ``Corpus.stance_summary()`` (columns source, entity, n, mean_score, ci_low,
            ci_high; ``method`` too if the stance frame was summarised by it).
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        title: replaces the default title.

    Scores run from -1 (negative) to +1 (positive); the hover gives the number of mentions
    and articles behind each mean. Intervals with one mention are undefined and not drawn.
    With ``min_articles`` (e.g. ``TOO_FEW_ARTICLES``), a group resting on fewer articles
    (column ``n_articles``) is not drawn as a bar: a marker at 0 reads "too few to say".
    """
    _framing_columns(
        summary, ["source", "entity", "n", "mean_score", "ci_low", "ci_high"],
        "stance_by_outlet", "Corpus.stance_summary()",
    )  # fmt: skip
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(summary["source"])
    entities = (
        summary.groupby("entity")["n"].sum().reset_index()
        .sort_values(["n", "entity"], ascending=[False, True])["entity"].tolist()
    )  # fmt: skip
    articles = (
        summary["n_articles"] if "n_articles" in summary else pd.Series(np.nan, summary.index)
    )
    too_few = (articles < (min_articles or 0)).to_numpy()
    rows = summary.assign(
        above=(summary["ci_high"] - summary["mean_score"]).to_numpy(dtype=float),
        below=(summary["mean_score"] - summary["ci_low"]).to_numpy(dtype=float),
        n_text=summary["n"].map(lambda n: f"{int(n):,}"),
        articles_text=articles.map(lambda n: "?" if pd.isna(n) else f"{int(n):,}"),
    )
    few_rows, rows = rows[too_few], rows[~too_few]
    traces = _outlet_bars(
        rows,
        value="mean_score",
        category="entity",
        categories=entities,
        colors=colors,
        customdata=["n_text", "ci_low", "ci_high", "articles_text"],
        hover=(
            "<b>%{y}</b><br>%{fullData.name}<br>Mean stance: %{x:+.2f}"
            "<br>95% interval: %{customdata[1]:+.2f} to %{customdata[2]:+.2f}"
            "<br>Mentions scored: %{customdata[0]} in %{customdata[3]} article(s)<extra></extra>"
        ),
        error=("above", "below"),
    )
    if len(few_rows):
        traces.append(
            go.Scatter(
                x=np.zeros(len(few_rows)),
                y=_safe_array(few_rows["entity"]),
                mode="markers+text",
                marker={"symbol": "circle-open", "color": "#888888", "size": 9},
                text=[f"too few to say ({hover_safe(source)}: {n} mention(s), {k} article(s))"
                      for source, n, k in zip(few_rows["source"], few_rows["n_text"],
                                              few_rows["articles_text"], strict=True)],
                textposition="middle right",
                name="too few to say",
                meta={"too_few": True},
                hoverinfo="text",
            )
        )  # fmt: skip
    methods = sorted(summary["method"].dropna().unique()) if "method" in summary else []
    scored_by = "; ".join(STANCE_METHOD_NAMES.get(str(m), str(m)) for m in methods)
    subtitle = (
        "Bars: mean score of the mentions; lines: 95% interval. "
        + (f"Fewer than {min_articles} articles: too few to say. " if len(few_rows) else "")
        + (f"Scored by {scored_by}." if scored_by else "")
    )
    if summary.empty:
        subtitle = "No scored mentions match the current selection."
    figure = go.Figure(data=traces)
    figure.update_layout(
        title=_title(title or "How each outlet portrays each actor: mean stance", subtitle),
        barmode="group",
        xaxis={"title": {"text": STANCE_AXIS},
               "range": [-1.05, 1.05], "zeroline": True, "zerolinecolor": "#888888"},
        yaxis={"title": {"text": "Entity"}, "categoryorder": "array",
               "categoryarray": [hover_safe(entity) for entity in entities[::-1]]},
        legend_title_text="Outlet",
        height=int(min(1400, max(320, 160 + 26 * len(entities) * max(1, len(traces))))),
        margin={"t": 100},
    )  # fmt: skip
    return figure


def naming_chart(
    descriptor_counts: pd.DataFrame,
    *,
    entity: str,
    outlet_colors: Mapping[str, str] | None = None,
    top: int = 8,
) -> go.Figure:
    """Return bars of how often each outlet names ``entity`` with each descriptor.

    Args:
        descriptor_counts: ``kit.descriptors.descriptor_counts(corpus.descriptors)``
            (columns entity, source, descriptor, n).
        entity: the entity whose names are drawn.
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        top: the descriptors drawn (most used overall first).
    """
    _framing_columns(
        descriptor_counts, ["entity", "source", "descriptor", "n"], "naming_chart",
        "kit.descriptors.descriptor_counts(corpus.descriptors)",
    )  # fmt: skip
    rows = descriptor_counts[descriptor_counts["entity"] == entity]
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(rows["source"])
    ranked = (
        rows.groupby("descriptor")["n"].sum().reset_index()
        .sort_values(["n", "descriptor"], ascending=[False, True])["descriptor"].head(top).tolist()
    )  # fmt: skip
    rows = rows[rows["descriptor"].isin(ranked)]
    traces = _outlet_bars(
        rows,
        value="n",
        category="descriptor",
        categories=ranked,
        colors=colors,
        hover="<b>%{y}</b><br>%{fullData.name}<br>Times used: %{x:,d}<extra></extra>",
    )
    subtitle = None if len(rows) else "No outlet describes this entity in these articles."
    figure = go.Figure(data=traces)
    figure.update_layout(
        title=_title(f"How each outlet names {entity}", subtitle),
        barmode="group",
        xaxis_title="Times the outlet uses this name or title",
        yaxis={"title": {"text": "Descriptor"}, "categoryorder": "array",
               "categoryarray": [hover_safe(name) for name in ranked[::-1]]},
        legend_title_text="Outlet",
        height=int(min(1000, max(300, 160 + 26 * len(ranked) * max(1, len(traces))))),
        margin={"t": 90},
    )  # fmt: skip
    return figure


def voices_chart(
    voices: pd.DataFrame,
    *,
    outlet_colors: Mapping[str, str] | None = None,
    top: int = 10,
) -> go.Figure:
    """Return bars of the words each outlet quotes from each speaker (the ``top`` speakers).

    Args:
        voices: ``Corpus.voices()`` (columns source, speaker, n_quotes, n_words).
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        top: the speakers drawn, most quoted words overall first.
    """
    _framing_columns(
        voices, ["source", "speaker", "n_quotes", "n_words"], "voices_chart", "Corpus.voices()"
    )
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(voices["source"])
    ranked = (
        voices.groupby("speaker")["n_words"].sum().reset_index()
        .sort_values(["n_words", "speaker"], ascending=[False, True])["speaker"].head(top).tolist()
    )  # fmt: skip
    rows = voices[voices["speaker"].isin(ranked)]
    traces = _outlet_bars(
        rows,
        value="n_words",
        category="speaker",
        categories=ranked,
        colors=colors,
        customdata=["n_quotes"],
        hover=(
            "<b>%{y}</b><br>%{fullData.name}<br>Words quoted: %{x:,d}"
            "<br>Quotes: %{customdata[0]:,d}<extra></extra>"
        ),
    )
    subtitle = None if len(rows) else "No attributed quotes in these articles."
    figure = go.Figure(data=traces)
    figure.update_layout(
        title=_title("Who gets a voice: words quoted per speaker, by outlet", subtitle),
        barmode="group",
        xaxis_title="Words quoted (direct and reported speech)",
        yaxis={"title": {"text": "Speaker"}, "categoryorder": "array",
               "categoryarray": [hover_safe(name) for name in ranked[::-1]]},
        legend_title_text="Outlet",
        height=int(min(1200, max(300, 160 + 24 * len(ranked) * max(1, len(traces))))),
        margin={"t": 90},
    )  # fmt: skip
    return figure


def reliance_chart(reliance: pd.DataFrame, *, top: int = 15) -> go.Figure:
    """Return a heatmap of who relies on whom: outlets (rows) by the sources they cite.

    Args:
        reliance: ``Corpus.reliance()`` (columns source, cited, n_citations, n_articles).
        top: the cited sources drawn, most cited overall first.

    A cell without a row in ``reliance`` is an outlet that never cites that source: drawn as 0.
    """
    _framing_columns(
        reliance, ["source", "cited", "n_citations", "n_articles"], "reliance_chart",
        "Corpus.reliance()",
    )  # fmt: skip
    ranked = (
        reliance.groupby("cited")["n_citations"].sum().reset_index()
        .sort_values(["n_citations", "cited"], ascending=[False, True])["cited"].head(top).tolist()
    )  # fmt: skip
    rows = reliance[reliance["cited"].isin(ranked)]
    outlets = sorted(reliance["source"].dropna().unique())
    grid = rows.pivot_table(index="source", columns="cited", values="n_citations", aggfunc="sum")
    grid = grid.reindex(index=outlets, columns=ranked).fillna(0)
    articles = rows.pivot_table(index="source", columns="cited", values="n_articles", aggfunc="sum")
    articles = articles.reindex(index=outlets, columns=ranked).fillna(0)
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype=float),
            x=_safe_array(grid.columns),
            y=_safe_array(grid.index),
            customdata=articles.to_numpy(dtype=float),
            colorscale="Blues",
            colorbar={"title": {"text": "Citations"}},
            texttemplate="%{z:d}",
            meta={"measure": "n_citations"},
            hovertemplate=(
                "<b>%{y}</b> cites <b>%{x}</b><br>Citations: %{z:,d}"
                "<br>Articles citing: %{customdata:,d}<extra></extra>"
            ),
        )
    )
    subtitle = None if len(rows) else "No citations in these articles."
    figure.update_layout(
        title=_title("Who relies on whom: sources each outlet cites", subtitle),
        xaxis_title="Cited outlet, agency or institution",
        yaxis_title="Citing outlet",
        yaxis={"autorange": "reversed"},
        height=int(min(900, max(280, 200 + 40 * len(outlets)))),
        margin={"t": 90, "b": 140},
    )
    return figure


def distinctive_words_chart(
    words: pd.DataFrame,
    *,
    outlet_colors: Mapping[str, str] | None = None,
    top: int = 10,
) -> go.Figure:
    """Return one panel per outlet: its ``top`` most distinctive words by z-score.

    Args:
        words: ``Corpus.distinctive_words(...)`` (columns group, term, count, count_rest, z).
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        top: words per outlet.

    A z-score above about 2 means the outlet uses the word clearly more than the others do.
    """
    _framing_columns(
        words, ["group", "term", "count", "count_rest", "z"], "distinctive_words_chart",
        "Corpus.distinctive_words(...)",
    )  # fmt: skip
    from plotly.subplots import make_subplots

    groups = sorted(words["group"].dropna().unique())
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(groups)
    n_cols = max(1, min(len(groups), 3))
    n_rows = max(1, -(-len(groups) // n_cols))
    figure = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[hover_safe(group) for group in groups] or None,
        horizontal_spacing=0.18,
        vertical_spacing=0.12 if n_rows > 1 else 0.0,
    )
    for index, group in enumerate(groups):
        rows = words[words["group"] == group].sort_values("z", ascending=False).head(top)
        rows = rows.iloc[::-1]  # the strongest word on top
        figure.add_trace(
            go.Bar(
                x=rows["z"].to_numpy(dtype=float),
                y=_safe_array(rows["term"]),
                orientation="h",
                name=hover_safe(group),
                marker_color=_color_of(str(group), colors),
                meta={"source": hover_safe(group)},
                customdata=rows[["count", "count_rest"]].to_numpy(),
                hovertemplate=(
                    "<b>%{y}</b><br>%{fullData.name}: used %{customdata[0]:,d} times"
                    "<br>Other outlets: %{customdata[1]:,d} times<br>z = %{x:.2f}<extra></extra>"
                ),
                showlegend=False,
            ),
            row=index // n_cols + 1,
            col=index % n_cols + 1,
        )
    figure.update_xaxes(title_text="z-score (how much more this outlet uses the word)")
    figure.update_yaxes(title_text="Word or phrase", col=1)
    subtitle = "Log-odds with an informative prior, each outlet against all the others."
    if not groups:
        subtitle = "Too few words to compare outlets here."
    figure.update_layout(
        title=_title("Words that set each outlet apart", subtitle),
        height=int(min(1600, 180 + n_rows * max(240, 26 * top))),
        margin={"t": 110},
    )
    return figure


def coverage_chart(
    matrix: pd.DataFrame,
    *,
    outlet_colors: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Return a heatmap of articles per outlet and story, the first outlet on each story marked.

    Args:
        matrix: ``kit.compare.coverage_matrix(corpus)`` (one row per outlet × story).
        outlet_colors: {outlet: colour} for the "first to report" markers.
        title: replaces the default title.

    Stories run left to right by their first article; an empty cell is a blind spot.
    """
    _check_columns(matrix, ["story", "source", "articles"], "coverage_chart")
    colors = dict(outlet_colors) if outlet_colors else _assign_colors(matrix["source"])
    if "story_first_published" in matrix.columns:
        firsts = matrix.groupby("story")["story_first_published"].first().reset_index()
        stories = firsts.sort_values(["story_first_published", "story"])["story"].tolist()
    else:
        stories = sorted(matrix["story"].unique(), key=str)
    outlets = sorted(matrix["source"].unique(), key=str)
    grid = matrix.pivot_table(
        index="source", columns="story", values="articles", aggfunc="sum", fill_value=0
    ).reindex(index=outlets, columns=stories, fill_value=0)
    story_labels = np.array([hover_safe(story) for story in stories], dtype=object)
    outlet_labels = np.array([hover_safe(outlet) for outlet in outlets], dtype=object)
    traces: list[Any] = [
        go.Heatmap(
            z=grid.to_numpy(),
            x=story_labels,
            y=outlet_labels,
            colorscale=[[0.0, "#FFFFFF"], [1.0, "#0072B2"]],
            zmin=0,
            colorbar={"title": {"text": "Articles"}},
            xgap=1,
            ygap=1,
            hovertemplate="<b>%{x}</b><br>%{y}: %{z:,d} articles<extra></extra>",
        )
    ]
    if "is_first" in matrix.columns:
        first = matrix[matrix["is_first"].fillna(False).astype(bool)]
        for outlet, rows in first.groupby("source", sort=True):
            traces.append(
                go.Scatter(
                    x=np.array([hover_safe(story) for story in rows["story"]], dtype=object),
                    y=np.array([hover_safe(outlet)] * len(rows), dtype=object),
                    mode="markers",
                    marker={
                        "symbol": "star",
                        "size": 9,
                        "color": _color_of(outlet, colors),
                        "line": {"width": 1, "color": "#000000"},
                    },  # fmt: skip
                    name=hover_safe(f"{outlet} first"),
                    meta={"source": hover_safe(outlet)},
                    hovertemplate="<b>%{x}</b><br>%{y} reported first<extra></extra>",
                )
            )
    missed = int((grid.to_numpy() == 0).sum())
    subtitle = f"{len(stories):,} stories; {missed:,} blind spots (empty cells); ★ first to report."
    figure = go.Figure(data=traces)
    figure.update_layout(
        title=_title(title or "Who covered which story", subtitle),
        xaxis_title="Story (earliest first)",
        yaxis_title="Outlet",
        xaxis={
            "showticklabels": len(stories) <= 40,
            "categoryorder": "array",
            "categoryarray": story_labels,
        },  # fmt: skip
        legend_title_text="First to report",
        height=int(min(900, 220 + 40 * len(outlets))),
        margin={"t": 100},
    )
    return figure
