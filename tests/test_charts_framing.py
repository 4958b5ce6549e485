"""Framing charts draw the frames they are given, and no user text reaches plotly unescaped."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kit.views.charts import (
    distinctive_words_chart,
    figure_data,
    naming_chart,
    outlet_colors,
    reliance_chart,
    stance_by_outlet,
    voices_chart,
)
from kit.views.html import unescape

OUTLETS = ["Kyiv Independent", "New York Post", "<script>alert('outlet')</script>"]
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture()
def summary() -> pd.DataFrame:
    """Stance per outlet and entity shaped like ``Corpus.stance_summary()``, seeded."""
    rng = np.random.default_rng(3)
    rows = []
    for outlet in OUTLETS:
        for entity in ["Vladimir Putin", "Xi Jinping", EVIL]:
            mean = float(rng.uniform(-0.8, 0.8))
            half = float(rng.uniform(0.05, 0.3))
            rows.append({"source": outlet, "entity": entity, "method": "lexicon",
                         "n": int(rng.integers(1, 30)), "mean_score": mean,
                         "ci_low": mean - half, "ci_high": mean + half})  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture()
def descriptor_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "entity": ["Vladimir Putin"] * 4 + ["Xi Jinping"],
            "source": ["New York Post", "New York Post", "Kyiv Independent", OUTLETS[2],
                       "New York Post"],
            "descriptor": ["Russian President", "Kremlin chief", "Russian dictator", EVIL,
                           "Chinese President"],
            "n": [5, 2, 4, 1, 3],
        }
    )  # fmt: skip


@pytest.fixture()
def voices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["New York Post"] * 3 + ["Kyiv Independent", OUTLETS[2]],
            "speaker": ["Dmytro Kuleba", "Anthony Blinken", "Volodymyr Zelensky", "Wang Yi", EVIL],
            "n_quotes": [3, 3, 3, 1, 2],
            "n_words": [60, 54, 40, 22, 9],
        }
    )


@pytest.fixture()
def reliance() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["Kyiv Independent", "New York Post", "Kyiv Independent", "Kyiv Independent",
                       OUTLETS[2]],
            "cited": ["The Wall Street Journal", "The Wall Street Journal", "TASS",
                      "The Guardian", EVIL],
            "n_citations": [4, 4, 1, 1, 2],
            "n_articles": [1, 1, 1, 1, 2],
        }
    )  # fmt: skip


@pytest.fixture()
def words() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for outlet in OUTLETS:
        for index, term in enumerate(["dictator", "president", "war", "summit", EVIL]):
            rows.append({"group": outlet, "term": f"{term}" if index else f"{term} {outlet[:3]}",
                         "count": int(rng.integers(1, 9)), "count_rest": int(rng.integers(0, 9)),
                         "z": float(rng.normal(1.5, 1))})  # fmt: skip
    return pd.DataFrame(rows)


def assert_no_raw_html(figure) -> None:
    text = json.dumps(figure.to_plotly_json(), default=str)
    assert "<script" not in text and "<img" not in text


def test_stance_chart_draws_each_mean_with_its_interval(summary):
    figure = stance_by_outlet(summary, outlet_colors=outlet_colors(OUTLETS))
    drawn = figure_data(figure).rename(columns={"x": "mean_score", "y": "entity"})
    expected = summary[["source", "entity", "mean_score"]]
    merged = drawn.merge(expected, on=["source", "entity"], suffixes=("_drawn", ""))
    assert len(merged) == len(summary)
    assert np.allclose(merged["mean_score_drawn"], merged["mean_score"])
    for trace in figure.data:
        rows = summary[summary["source"] == unescape(trace.meta["source"])].set_index("entity")
        for entity, mean, above, below, n in zip(
            trace.y, trace.x, trace.error_x.array, trace.error_x.arrayminus,
            trace.customdata[:, 0], strict=True,
        ):  # fmt: skip
            row = rows.loc[unescape(entity)]
            assert mean == pytest.approx(row["mean_score"])
            assert mean + above == pytest.approx(row["ci_high"])
            assert mean - below == pytest.approx(row["ci_low"])
            assert n == f"{row['n']:,}"  # n shown in hover
    assert "−1 = negative" in figure.layout.xaxis.title.text
    assert "+1 = positive" in figure.layout.xaxis.title.text
    assert "word list" in figure.layout.title.subtitle.text  # the method is named
    colors = outlet_colors(OUTLETS)
    assert all(t.marker.color == colors[unescape(t.meta["source"])] for t in figure.data)
    assert_no_raw_html(figure)


def test_stance_chart_of_nothing_says_so(summary):
    figure = stance_by_outlet(summary.iloc[:0])
    assert not figure.data and "No scored mentions" in figure.layout.title.subtitle.text


def test_naming_chart_draws_one_entitys_descriptor_counts(descriptor_counts):
    figure = naming_chart(descriptor_counts, entity="Vladimir Putin")
    drawn = figure_data(figure)
    expected = descriptor_counts[descriptor_counts["entity"] == "Vladimir Putin"]
    assert sorted(zip(drawn["source"], drawn["y"], drawn["x"], strict=True)) == sorted(
        zip(expected["source"], expected["descriptor"], expected["n"], strict=True)
    )
    assert "Chinese President" not in set(drawn["y"])
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    assert_no_raw_html(figure)
    assert len(figure_data(naming_chart(descriptor_counts, entity="Vladimir Putin", top=1))) == 1


def test_voices_chart_draws_quoted_words_per_speaker(voices):
    figure = voices_chart(voices, top=10)
    drawn = figure_data(figure)
    assert sorted(zip(drawn["source"], drawn["y"], drawn["x"], strict=True)) == sorted(
        zip(voices["source"], voices["speaker"], voices["n_words"], strict=True)
    )
    top_two = figure_data(voices_chart(voices, top=2))
    assert set(top_two["y"]) == {"Dmytro Kuleba", "Anthony Blinken"}
    assert_no_raw_html(figure)


def test_reliance_heatmap_has_every_citation_and_zeros_elsewhere(reliance):
    figure = reliance_chart(reliance)
    drawn = figure_data(figure)
    cells = {(row.y, row.x): row.z for row in drawn.itertuples()}
    for row in reliance.itertuples():
        assert cells[(row.source, row.cited)] == row.n_citations
    assert cells[("New York Post", "TASS")] == 0
    assert drawn["z"].sum() == reliance["n_citations"].sum()
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    assert_no_raw_html(figure)


def test_distinctive_words_chart_has_a_panel_per_outlet(words):
    figure = distinctive_words_chart(words, outlet_colors=outlet_colors(OUTLETS), top=3)
    drawn = figure_data(figure)
    assert set(drawn["source"]) == set(OUTLETS)
    for outlet, group in drawn.groupby("source"):
        expected = words[words["group"] == outlet].nlargest(3, "z")
        assert sorted(group["x"]) == pytest.approx(sorted(expected["z"]))
        assert set(group["y"]) == set(expected["term"])
    assert_no_raw_html(figure)


def test_charts_say_which_frame_they_need(voices):
    with pytest.raises(ValueError, match=r"Corpus\.stance_summary"):
        stance_by_outlet(voices)
    with pytest.raises(ValueError, match=r"Corpus\.reliance"):
        reliance_chart(voices)


def test_stance_chart_shows_too_few_to_say_instead_of_a_bar(summary):
    summary = summary.assign(n_articles=5)
    summary.loc[0, "n_articles"] = 1  # Kyiv Independent on Vladimir Putin: one article
    assert len(stance_by_outlet(summary).data) == len(OUTLETS)  # off by default: all bars
    figure = stance_by_outlet(summary, min_articles=3)
    bars = [trace for trace in figure.data if trace.type == "bar"]
    drawn = {(unescape(t.meta["source"]), unescape(y)) for t in bars for y in t.y}
    assert ("Kyiv Independent", "Vladimir Putin") not in drawn
    assert len(drawn) == len(summary) - 1
    (marker,) = [trace for trace in figure.data if trace.type == "scatter"]
    assert list(marker.x) == [0] and unescape(marker.y[0]) == "Vladimir Putin"
    assert "too few to say" in marker.text[0] and "1 article" in marker.text[0]
    assert "too few to say" in figure.layout.title.subtitle.text
    assert all("article(s)" in t.hovertemplate for t in bars)
