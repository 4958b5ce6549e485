"""The look every chart shares: outlet colours, measure names, titles, column checks.

One outlet keeps one colour everywhere (``outlet_colors``; the palettes are distinguishable
with the common colour-vision deficiencies), every measure has a name in plain words
(``MEASURES``) and every title goes through ``kit.views.html.hover_safe``.

>>> outlet_colors(["Kyiv Independent", "New York Post"])
{'Kyiv Independent': '#E69F00', 'New York Post': '#56B4E9'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit.errors import ArgumentError
from kit.views.html import hover_safe

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
    return assign_colors(sources)


def assign_colors(sources: Any) -> dict[str, str]:
    # Charts take an ``outlet_colors`` argument that shadows the public function's name.
    names = sources.sources if hasattr(sources, "sources") else sources
    if isinstance(names, str):
        names = [names]
    unique = sorted({str(name) for name in names if name is not None and not pd.isna(name)})
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(unique)}


def measure_label(measure: str) -> str:
    """Return the plain-words name of a measure column (e.g. "Mentions per 1,000 words")."""
    return MEASURES.get(measure, measure.replace("_", " ").capitalize())


def check_columns(counts: pd.DataFrame, required: Iterable[str], chart: str) -> None:
    missing = [column for column in required if column not in counts.columns]
    if missing:
        raise ArgumentError(
            f"{chart}: the counts frame has no {missing[0]!r} column "
            f"(it has {', '.join(map(str, counts.columns))}); pass the tidy output of "
            "Corpus.mention_counts(...) with that column"
        )


def color_of(outlet: str, colors: Mapping[str, str]) -> str:
    return colors.get(outlet, FALLBACK_COLOR)


def title_layout(text: str, subtitle: str | None = None) -> dict:
    """Return a layout title (escaped) with an optional subtitle line."""
    title: dict[str, Any] = {"text": hover_safe(text), "x": 0.01, "xanchor": "left"}
    if subtitle:
        title["subtitle"] = {"text": hover_safe(subtitle)}
    return title
