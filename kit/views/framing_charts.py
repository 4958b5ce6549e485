"""Charts of how outlets portray people: stance, naming, voices, reliance, distinctive words,
coverage. Each takes the tidy frame its lens returns (``Corpus.stance_summary``,
``kit.framing`` tables, ``kit.compare``) and only draws; ``kit.charts`` offers them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kit.errors import ArgumentError
from kit.views.chart_style import (
    assign_colors,
    check_columns,
    color_of,
    title_layout,
)
from kit.views.html import hover_safe

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
        raise ArgumentError(
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
                marker_color=color_of(str(outlet), colors),
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
    colors = dict(outlet_colors) if outlet_colors else assign_colors(summary["source"])
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
        title=title_layout(title or "How each outlet portrays each actor: mean stance", subtitle),
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
        descriptor_counts: ``kit.annotate.descriptors.descriptor_counts(corpus.descriptors)``
            (columns entity, source, descriptor, n).
        entity: the entity whose names are drawn.
        outlet_colors: {outlet: colour}, e.g. ``outlet_colors(corpus)``.
        top: the descriptors drawn (most used overall first).
    """
    _framing_columns(
        descriptor_counts, ["entity", "source", "descriptor", "n"], "naming_chart",
        "kit.annotate.descriptors.descriptor_counts(corpus.descriptors)",
    )  # fmt: skip
    rows = descriptor_counts[descriptor_counts["entity"] == entity]
    colors = dict(outlet_colors) if outlet_colors else assign_colors(rows["source"])
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
        title=title_layout(f"How each outlet names {entity}", subtitle),
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
    colors = dict(outlet_colors) if outlet_colors else assign_colors(voices["source"])
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
        title=title_layout("Who gets a voice: words quoted per speaker, by outlet", subtitle),
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
        title=title_layout("Who relies on whom: sources each outlet cites", subtitle),
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
    colors = dict(outlet_colors) if outlet_colors else assign_colors(groups)
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
                marker_color=color_of(str(group), colors),
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
        title=title_layout("Words that set each outlet apart", subtitle),
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
        matrix: ``kit.views.compare.coverage_matrix(corpus)`` (one row per outlet × story).
        outlet_colors: {outlet: colour} for the "first to report" markers.
        title: replaces the default title.

    Stories run left to right by their first article; an empty cell is a blind spot.
    """
    check_columns(matrix, ["story", "source", "articles"], "coverage_chart")
    colors = dict(outlet_colors) if outlet_colors else assign_colors(matrix["source"])
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
                        "color": color_of(outlet, colors),
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
        title=title_layout(title or "Who covered which story", subtitle),
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
