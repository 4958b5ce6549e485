"""The explorer: its pure view model against Corpus counts, and the widgets driven from Python."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import kit
from kit.corpus.memory import Corpus
from kit.views.charts import figure_data
from kit.views.explorer import (
    Dashboard,
    Rollup,
    dashboard,
    entity_counts,
    entity_options,
    evidence_rows,
    normalize_settings,
    settings_code,
    timeline_counts,
    view,
)

ENTITIES = {
    "Vladimir Putin": ("Vladimir Putin", "PERSON"),
    "Putin": ("Vladimir Putin", "PERSON"),
    "Xi Jinping": ("Xi Jinping", "PERSON"),
    "Kremlin": ("Kremlin", "ORG"),
    "Russia": ("Russia", "GPE"),
    "China": ("China", "GPE"),
}
KYIV, POST, FOX = "Kyiv Independent", "New York Post", "Fox News"
DOCS = [
    (KYIV, "2023-01-10", "Putin and Xi",
     "Vladimir Putin met Xi Jinping. Russia and China talked. Putin smiled."),
    (KYIV, "2023-02-21", "Visit", "Xi Jinping will visit Russia. The Kremlin said so."),
    (KYIV, "2023-03-05", "War", "Putin spoke. Nothing else happened here at all today."),
    (POST, "2023-01-12", "Xi to Moscow", "Xi Jinping plans a trip. Putin waits in the Kremlin."),
    (POST, "2023-02-20", "Summit", "Vladimir Putin and Xi Jinping meet. Russia hosts China."),
    (POST, "2023-02-22", "Weather", "It rained in New York today. Nobody was named."),
    (FOX, "2023-02-21", "Russia",
     "Russia said the Kremlin is ready. Putin agreed. Putin again, Putin said."),
    (FOX, None, "Undated", "Putin appears in an undated piece. China too."),
]  # fmt: skip


def make_corpus(docs=DOCS, entities=ENTITIES) -> Corpus:
    """Return a small Corpus built by hand: sentences split on '. ', mentions found by name."""
    articles, sentences, mentions = [], [], []
    surfaces = sorted(entities, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(surface) for surface in surfaces))
    for number, (source, published, title, text) in enumerate(docs):
        doc_id = f"d{number}"
        stamp = pd.Timestamp(published, tz="UTC") if published else pd.NaT
        articles.append(
            {"doc_id": doc_id, "source": source, "title": title, "author": None,
             "published": stamp, "url": None, "text": text, "n_words": len(text.split()),
             "path": f"{doc_id}.txt", "story": None}
        )  # fmt: skip
        start = 0
        for sent_id, piece in enumerate(re.split(r"(?<=\.) ", text)):
            start = text.index(piece, start)
            end = start + len(piece)
            sentences.append(
                {"doc_id": doc_id, "sent_id": sent_id, "start": start, "end": end, "text": piece}
            )
            for match in pattern.finditer(piece):
                entity, label = entities[match.group()]
                mentions.append(
                    {"doc_id": doc_id, "sent_id": sent_id, "start": start + match.start(),
                     "end": start + match.end(), "text": match.group(), "entity": entity,
                     "label": label, "source": source, "published": stamp, "found": "model"}
                )  # fmt: skip
            start = end
    articles = pd.DataFrame(articles)
    articles["published"] = pd.to_datetime(articles["published"], utc=True)
    mention_columns = ["doc_id", "sent_id", "start", "end", "text", "entity", "label", "source"]
    mentions = pd.DataFrame(mentions, columns=[*mention_columns, "published", "found"])
    mentions["published"] = pd.to_datetime(mentions["published"], utc=True)
    return Corpus(
        articles=articles,
        dropped=pd.DataFrame(columns=["doc_id", "line_no", "text", "reason"]),
        sentences=pd.DataFrame(sentences),
        mentions=mentions,
    )


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture(scope="module")
def rollup(corpus) -> Rollup:
    return Rollup.build(corpus)


MEASURE_COLUMNS = ["mentions", "articles", "per_1000_words", "article_share"]


def _expected(corpus: Corpus, settings: dict, **counts_options) -> pd.DataFrame:
    filters = {key: settings.get(key) for key in ("entity", "source", "start", "end", "label")}
    return corpus.filter(**filters).mention_counts(**counts_options)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"source": ["New York Post"]},
        {"start": "2023-02-01", "end": "2023-02-28"},
        {"label": "GPE"},
        {"source": ["Fox News", "Kyiv Independent"], "start": "2023-02-21"},
    ],
)
def test_entity_counts_match_corpus_counts(corpus, rollup, settings):
    expected = _expected(corpus, settings)
    actual = entity_counts(rollup, settings)
    merged = expected.merge(actual, on=["entity", "source"], suffixes=("_corpus", "_view"))
    assert len(merged) == len(expected) == len(actual)
    for column in MEASURE_COLUMNS:
        pd.testing.assert_series_equal(
            merged[f"{column}_corpus"], merged[f"{column}_view"], check_names=False
        )


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_timeline_counts_match_corpus_counts(corpus, rollup, freq):
    settings = {"start": "2023-01-01", "end": "2023-02-21", "freq": freq}
    entities = ["Vladimir Putin", "Xi Jinping"]
    expected = _expected(corpus, {**settings, "entity": entities}, freq=freq)
    actual = timeline_counts(rollup, settings, entities)
    keys = ["entity", "source", "published"]
    merged = expected.merge(actual, on=keys, suffixes=("_corpus", "_view"), how="left")
    assert merged["mentions_view"].notna().all()
    for column in MEASURE_COLUMNS:
        pd.testing.assert_series_equal(
            merged[f"{column}_corpus"], merged[f"{column}_view"], check_names=False
        )
    # The rest are the zeros: periods in which an outlet published without mentioning them.
    extra = actual.merge(expected[keys], on=keys, how="left", indicator=True)
    assert (extra.loc[extra["_merge"] == "left_only", "mentions"] == 0).all()


def test_view_defaults_to_the_two_most_mentioned_entities(corpus):
    frames = view(corpus)
    assert frames["entities"] == corpus.top_entities(2)["entity"].tolist()
    assert set(frames["timeline"]["entity"]) == set(frames["entities"])
    assert frames["evidence_total"] == len(frames["evidence"])


def test_evidence_marks_the_mention_inside_its_sentence(rollup):
    evidence, total = evidence_rows(rollup, {}, ["Vladimir Putin"])
    # One row per sentence: "Putin again, Putin said." is one piece of evidence, not two.
    assert (corpus_mentions := rollup.corpus.mentions["entity"].eq("Vladimir Putin").sum()) == 9
    assert total == corpus_mentions - 1
    for row in evidence.itertuples():
        assert row.sentence[row.mark_start : row.mark_end] == row.mention
    published = evidence["published"].dropna()
    assert published.is_monotonic_increasing


def test_evidence_is_capped_and_spread_across_outlets(rollup):
    evidence, total = evidence_rows(rollup, {}, ["Vladimir Putin"], limit=3)
    assert total == 8
    assert len(evidence) == 3
    assert evidence["source"].nunique() == 3


def test_entity_options_search_keeps_selection(rollup):
    options = entity_options(rollup, search="xi", keep=["Russia"])
    values = [value for _, value in options]
    assert values == ["Russia", "Xi Jinping"]
    assert options[1][0].startswith("Xi Jinping (")
    assert [value for _, value in entity_options(rollup, label="ORG")] == ["Kremlin"]


def test_settings_code_names_only_what_differs():
    assert settings_code({}) == "kit.dashboard(corpus)"
    code = settings_code(
        {"entity": "Vladimir Putin", "source": ["Kyiv Independent"], "start": "2023-02-01",
         "end": "2023-02-28", "measure": "per_1000_words"}
    )  # fmt: skip
    assert code == (
        "kit.dashboard(corpus, entity=['Vladimir Putin'], source=['Kyiv Independent'], "
        "start='2023-02-01', end='2023-02-28', measure='per_1000_words')"
    )


def test_bad_settings_say_what_is_expected():
    with pytest.raises(ValueError, match="measure='words' is not one of"):
        normalize_settings(measure="words")
    with pytest.raises(ValueError, match="unknown setting 'outlet'"):
        normalize_settings(outlet="Fox News")


# ---- the widget, driven from Python ---------------------------------------------------------
@pytest.fixture()
def board(corpus) -> Dashboard:
    return dashboard(corpus)


def _time_points(board: Dashboard) -> pd.DataFrame:
    return figure_data(board.time_figure)


def test_selecting_an_entity_redraws_the_timeline_with_its_counts(board, corpus):
    before = _time_points(board)
    board.entity.value = ("Kremlin",)
    after = _time_points(board)
    assert set(after["entity"]) == {"Kremlin"}
    assert not before.equals(after)
    expected = timeline_counts(board.rollup, board.settings(), ["Kremlin"])
    drawn = after[["source", "x", "y"]].rename(columns={"x": "published", "y": "mentions"})
    drawn["published"] = pd.to_datetime(drawn["published"], utc=True)
    merged = expected.merge(drawn, on=["source", "published"], suffixes=("", "_drawn"))
    assert len(merged) == len(expected) == len(drawn)
    assert (merged["mentions"] == merged["mentions_drawn"]).all()
    assert board.settings()["entity"] == ["Kremlin"]
    assert "Kremlin" in board.evidence.value
    assert board.timings()["total_ms"] > 0


def test_narrowing_the_dates_changes_the_counts(board):
    board.entity.value = ("Vladimir Putin",)
    before = figure_data(board.top_figure)
    board.dates.index = (1, 1)  # February 2023 only
    after = figure_data(board.top_figure)
    assert board.settings()["start"] == "2023-02-01"
    assert board.settings()["end"] == "2023-02-28"
    assert before["x"].sum() > after["x"].sum()
    times = pd.to_datetime(_time_points(board)["x"], utc=True)
    assert times.min() >= pd.Timestamp("2023-01-30", tz="UTC")  # the week of 1 Feb
    assert "Showing 3 of 3 sentences" in board.evidence.value


def test_choosing_an_outlet_changes_the_traces(board):
    assert {"Fox News", "Kyiv Independent", "New York Post"} <= set(
        figure_data(board.top_figure)["name"]
    )
    board.source.value = ("New York Post",)
    assert set(figure_data(board.top_figure)["name"]) == {"New York Post"}
    assert set(_time_points(board)["name"]) == {"New York Post"}
    assert board.settings()["source"] == ["New York Post"]


def test_measure_and_label_controls_reach_the_charts(board):
    board.measure.value = "per_1000_words"
    assert board.top_figure.layout.xaxis.title.text == "Mentions per 1,000 words"
    board.label.value = "GPE"
    assert set(figure_data(board.top_figure)["y"]) == {"Russia", "China"}
    assert board.settings()["label"] == "GPE"


def test_settings_and_code_round_trip(corpus, board):
    board.entity.value = ("Vladimir Putin",)
    board.source.value = ("Kyiv Independent", "New York Post")
    board.dates.index = (1, 2)
    board.measure.value = "article_share"
    code = board.code()
    assert code.startswith("kit.dashboard(corpus, entity=['Vladimir Putin']")
    recreated = eval(code, {"kit": kit, "corpus": corpus})
    assert isinstance(recreated, Dashboard)
    assert recreated.settings() == board.settings()
    assert recreated.entity.value == board.entity.value
    assert recreated.dates.index == board.dates.index
    assert figure_data(recreated.time_figure).equals(figure_data(board.time_figure))


def test_opening_on_settings_keeps_exact_dates(corpus):
    board = dashboard(corpus, start="2023-02-10", end="2023-02-21", entity="Xi Jinping")
    assert board.settings()["start"] == "2023-02-10"
    assert board.dates.value[0] == pd.Timestamp("2023-02-01", tz="UTC")
    assert eval(board.code(), {"kit": kit, "corpus": corpus}).settings() == board.settings()


def test_searching_filters_the_entity_list_without_losing_the_selection(board):
    board.entity.value = ("Kremlin",)
    board.search.value = "chi"
    assert [value for _, value in board.entity.options] == ["Kremlin", "China"]
    assert board.entity.value == ("Kremlin",)


def test_dashboard_displays_as_its_widget(board):
    bundle = board._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == board.widget.model_id


def test_dashboard_on_undated_and_unmentioned_corpora():
    undated = make_corpus([(KYIV, None, "t", "Putin spoke. China too."), (FOX, None, "u", "Xi.")])
    board = dashboard(undated)
    assert board.dates.disabled
    assert figure_data(board.time_figure).empty
    assert "2 mentions in undated articles" in board.time_figure.layout.title.subtitle.text
    board.entity.value = ("China",)
    assert "Showing 1 of 1 sentences" in board.evidence.value
    silent = make_corpus(
        [(KYIV, "2023-01-01", "t", "Nobody here."), (FOX, "2023-02-01", "u", "No.")]
    )
    board = dashboard(silent)
    assert figure_data(board.top_figure).empty
    assert "No mentions" in board.top_figure.layout.title.subtitle.text
    assert "No sentences mention" in board.evidence.value
    board.dates.index = (1, 1)
    assert board.settings()["start"] == "2023-02-01"


def test_tally_sums_as_pandas_groupby_does(rollup):
    from kit.corpus.tally import sum_by

    days = rollup.reader.label_days  # categoricals, and NaT for undated
    for keys in (["source"], ["entity", "source"], ["entity", "source", "W"], ["label", "M"]):
        expected = (
            days.groupby(keys, observed=True, dropna=False, sort=False)[["mentions", "articles"]]
            .sum()
            .reset_index()
        )
        pd.testing.assert_frame_equal(sum_by(days, keys, ["mentions", "articles"]), expected)
