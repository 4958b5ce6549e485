"""Charts draw the counts they are given: compare what was drawn to the data (as seaborn does)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from kit.views import charts
from kit.views.charts import (
    MEASURES,
    PALETTE,
    entity_outlet_heatmap,
    figure_data,
    mentions_over_time,
    outlet_colors,
    to_csv,
    top_entities_by_outlet,
)

OUTLETS = ["Fox News", "Kyiv Independent", "New York Post"]
ENTITIES = ["Vladimir Putin", "Xi Jinping", "Kremlin", "Russia", "China", "Joe Biden"]


@pytest.fixture()
def counts() -> pd.DataFrame:
    """Entity-by-outlet counts shaped like ``Corpus.mention_counts()``, seeded."""
    rng = np.random.default_rng(7)
    rows = []
    for entity in ENTITIES:
        for outlet in OUTLETS:
            if entity == "Joe Biden" and outlet != "Fox News":
                continue  # an outlet that never names someone has no row
            mentions = int(rng.integers(1, 40))
            words = int(rng.integers(2000, 9000))
            articles = int(rng.integers(1, 10))
            rows.append(
                {"entity": entity, "source": outlet, "mentions": mentions, "articles": articles,
                 "per_1000_words": 1000 * mentions / words, "article_share": articles / 20}
            )  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture()
def timeline() -> pd.DataFrame:
    """Counts by entity, outlet and week, with one undated row, like mention_counts(freq="W")."""
    rng = np.random.default_rng(11)
    weeks = pd.date_range("2023-01-02", periods=5, freq="W-MON", tz="UTC")
    rows = [
        {"entity": entity, "source": outlet, "published": week,
         "mentions": int(rng.integers(0, 9)), "per_1000_words": float(rng.random())}
        for entity in ENTITIES[:2] for outlet in OUTLETS for week in weeks
    ]  # fmt: skip
    rows.append(
        {"entity": "Vladimir Putin", "source": "Fox News", "published": pd.NaT,
         "mentions": 4, "per_1000_words": 0.5}
    )  # fmt: skip
    return pd.DataFrame(rows)


def test_outlet_colors_follow_sorted_names_and_start_with_okabe_ito():
    colors = outlet_colors(["New York Post", "Kyiv Independent", "Fox News", "Fox News"])
    assert list(colors) == OUTLETS
    assert list(colors.values()) == ["#E69F00", "#56B4E9", "#009E73"]
    many = outlet_colors([f"Outlet {number:03d}" for number in range(30)])
    assert len(set(list(many.values())[: len(PALETTE)])) == len(PALETTE)


def test_outlet_colors_accept_a_corpus():
    class FakeCorpus:
        sources = ["B", "A"]

    assert outlet_colors(FakeCorpus()) == {"A": PALETTE[0], "B": PALETTE[1]}


@pytest.mark.parametrize("measure", ["mentions", "per_1000_words", "article_share"])
def test_top_entities_bars_carry_the_counts(counts, measure):
    figure = top_entities_by_outlet(counts, measure=measure, n=4)
    drawn = figure_data(figure)
    ranked = counts.groupby("entity")[measure].sum().sort_values(ascending=False)
    top = ranked.index[:4].tolist()
    expected = counts[counts["entity"].isin(top)]
    merged = expected.merge(drawn, left_on=["entity", "source"], right_on=["y", "name"])
    assert len(merged) == len(expected) == len(drawn)
    assert np.allclose(merged[measure], merged["x"])
    assert list(figure.layout.yaxis.categoryarray)[::-1] == top
    assert figure.layout.xaxis.title.text == MEASURES[measure]
    assert figure.layout.yaxis.title.text == "Entity"
    assert MEASURES[measure].lower() in figure.layout.title.text
    assert figure.layout.barmode == ("stack" if measure == "mentions" else "group")


def test_colours_are_the_same_in_every_chart(counts, timeline):
    colors = outlet_colors(OUTLETS + ["Another Outlet"])
    bars = top_entities_by_outlet(counts, outlet_colors=colors)
    lines = mentions_over_time(timeline, outlet_colors=colors)
    bar_colors = {trace.name: trace.marker.color for trace in bars.data}
    line_colors = {trace.name: trace.line.color for trace in lines.data}
    assert bar_colors == {outlet: colors[outlet] for outlet in OUTLETS}
    assert line_colors == bar_colors
    # Without a map the colours still follow the sorted outlet names.
    assert {t.name: t.marker.color for t in top_entities_by_outlet(counts).data} == {
        outlet: PALETTE[index] for index, outlet in enumerate(OUTLETS)
    }


def test_top_entities_limits_outlets_and_says_so(counts):
    figure = top_entities_by_outlet(counts, max_outlets=2)
    assert len(figure.data) == 2
    assert "2 of 3 outlets" in figure.layout.title.subtitle.text


def test_top_entities_refuses_a_timeline(timeline):
    with pytest.raises(ValueError, match="without freq"):
        top_entities_by_outlet(timeline)


def test_mentions_over_time_draws_dated_counts_and_notes_undated(timeline):
    figure = mentions_over_time(timeline)
    drawn = figure_data(figure)
    dated = timeline[timeline["published"].notna()]
    drawn["published"] = pd.to_datetime(drawn["x"], utc=True)
    merged = dated.merge(drawn, on=["entity", "source", "published"])
    assert len(merged) == len(dated) == len(drawn)
    assert (merged["mentions"] == merged["y"]).all()
    assert "4 mentions in undated articles are not shown" in figure.layout.title.subtitle.text
    # One panel per entity (most mentioned first), titled with its name; each outlet in the
    # legend once.
    order = dated.groupby("entity")["mentions"].sum().sort_values(ascending=False).index
    assert [note.text for note in figure.layout.annotations] == order.tolist()
    assert sum(trace.showlegend is not False for trace in figure.data) == len(OUTLETS)
    assert figure.layout.yaxis.title.text == "Mentions"
    assert "over time" in figure.layout.title.text


def test_mentions_over_time_for_one_entity_names_it(timeline):
    one = timeline[timeline["entity"] == "Xi Jinping"]
    figure = mentions_over_time(one, measure="per_1000_words")
    assert figure.layout.title.text.startswith("Xi Jinping: mentions per 1,000 words over time")
    assert figure.layout.yaxis.title.text == "Mentions per 1,000 words"
    assert figure.layout.title.subtitle.text in (None, "")
    expected = one.sort_values(["source", "published"])["per_1000_words"]
    assert np.allclose(figure_data(figure)["y"], expected)


def test_heatmap_cells_carry_the_counts(counts):
    figure = entity_outlet_heatmap(counts)
    drawn = figure_data(figure)
    merged = counts.merge(drawn, left_on=["entity", "source"], right_on=["y", "x"], how="left")
    assert np.allclose(merged["per_1000_words"], merged["z"])
    # Joe Biden is never named by two outlets: those cells are zeros.
    missing = drawn[(drawn["y"] == "Joe Biden") & (drawn["x"] != "Fox News")]
    assert (missing["z"] == 0).all() and len(missing) == 2
    assert figure.layout.xaxis.title.text == "Outlet"
    assert figure.data[0].colorbar.title.text == "Mentions per 1,000 words"


def test_empty_counts_give_an_empty_chart_that_says_so(counts):
    figure = top_entities_by_outlet(counts.iloc[0:0])
    assert len(figure.data) == 0
    assert "No mentions" in figure.layout.title.subtitle.text


def test_figure_data_and_to_csv_export_what_was_drawn(counts, tmp_path):
    figure = top_entities_by_outlet(counts, n=3)
    path = to_csv(figure, tmp_path / "top.csv")
    exported = pd.read_csv(path)
    assert exported[["name", "x", "y"]].equals(figure_data(figure)[["name", "x", "y"]])
    table_path = to_csv(counts, tmp_path / "counts.csv")
    assert pd.read_csv(table_path).shape == counts.shape
    widget_data = figure_data(go.Figure(figure))
    assert widget_data.equals(figure_data(figure))
    with pytest.raises(TypeError, match="pass a plotly figure or a DataFrame"):
        to_csv("not a chart", tmp_path / "x.csv")


def test_measure_names_are_plain_words():
    assert charts.measure_label("per_1000_words") == "Mentions per 1,000 words"
    assert charts.measure_label("words_total") == "Words total"


def test_mentions_over_time_without_outlets_or_entities(timeline):
    by_entity = timeline.groupby(["entity", "published"], as_index=False)["mentions"].sum()
    drawn = figure_data(mentions_over_time(by_entity))
    assert set(drawn["name"]) == set(ENTITIES[:2])
    assert drawn["y"].sum() == by_entity.dropna(subset=["published"])["mentions"].sum()
    overall = timeline.groupby("published", as_index=False)["mentions"].sum()
    figure = mentions_over_time(overall)
    assert figure_data(figure)["y"].tolist() == overall["mentions"].tolist()
    assert figure.layout.title.text == "Mentions over time"


def test_outlets_to_show_are_chosen_by_mentions_not_by_rate(counts):
    tiny = pd.DataFrame(
        [{"entity": "Vladimir Putin", "source": "Tiny Blog", "mentions": 1, "articles": 1,
          "per_1000_words": 500.0, "article_share": 1.0}]
    )  # fmt: skip
    figure = top_entities_by_outlet(
        pd.concat([counts, tiny]), measure="per_1000_words", max_outlets=3
    )
    assert {trace.name for trace in figure.data} == set(OUTLETS)
