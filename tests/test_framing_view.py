"""The framing view: stance with its evidence, naming, voices, citations and words, driven from
Python on the founding pages and on a hand-made corpus full of markup."""

from __future__ import annotations

import json

import ipywidgets as widgets
import pandas as pd
import pytest

import kit
import kit.corpus.framing_data
from kit.annotate.stance import LABELS
from kit.corpus.memory import Corpus
from kit.views.charts import figure_data
from kit.views.framing import (
    choose_entities,
    distinctive_for,
    framing,
    naming_frame,
    naming_html,
    normalize_settings,
    passages_for,
    passages_html,
    reliance_in,
    stance_caveat,
    stance_evidence,
    stance_evidence_html,
    view,
    voices_in,
    words_html,
)

POST, KYIV = "New York Post", "Kyiv Independent"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"


def html_of(framing_view) -> list[str]:
    """Return every HTML string the view shows: its HTML panes and its figure's JSON."""
    found = [json.dumps(framing_view.stance_figure.to_plotly_json(), default=str)]
    stack = [framing_view.widget]
    while stack:
        widget = stack.pop()
        if isinstance(widget, widgets.HTML):
            found.append(widget.value)
        stack.extend(getattr(widget, "children", ()))
    return found


def assert_escaped(pieces) -> None:
    for piece in pieces:
        assert "<script" not in piece and "<img" not in piece, piece[:300]


@pytest.fixture()
def marked_up_corpus() -> Corpus:
    """Two outlets whose names, titles, entities, descriptors, speakers and sources are markup."""
    name = f"{SCRIPT} Smith"
    sentences_of = [f"{name} was condemned by critics.", f"Critics praised {name} {IMG}."]
    text = " ".join(sentences_of)
    second = len(sentences_of[0]) + 1
    outlets = [f"Post {SCRIPT}", f"Kyiv {IMG}"]
    articles = pd.DataFrame(
        {
            "doc_id": ["a1", "b1"],
            "source": outlets,
            "title": [f"Title {SCRIPT}", f"Title {IMG}"],
            "published": pd.to_datetime(["2023-02-21", "2023-02-22"], utc=True),
            "text": [text, text],
            "n_words": [len(text.split())] * 2,
            "story": [None, None],
        }
    )
    starts = [0, second + len("Critics praised ")]
    mentions = pd.DataFrame(
        {
            "doc_id": ["a1", "a1", "b1", "b1"],
            "sent_id": [0, 1, 0, 1],
            "start": starts * 2,
            "end": [start + len(name) for start in starts] * 2,
            "text": [name] * 4,
            "entity": [name] * 4,
            "label": ["PERSON"] * 4,
        }
    ).join(articles.set_index("doc_id")[["source", "published"]], on="doc_id")
    sentences = pd.DataFrame(
        {
            "doc_id": ["a1", "a1", "b1", "b1"],
            "sent_id": [0, 1, 0, 1],
            "start": [0, second] * 2,
            "end": [second - 1, len(text)] * 2,
            "text": sentences_of * 2,
        }
    )
    descriptors = pd.DataFrame(
        {"doc_id": ["a1", "b1"], "entity": [name] * 2, "descriptor": [f"leader {IMG}", SCRIPT],
         "source": outlets}
    )  # fmt: skip
    quotes = pd.DataFrame(
        {"doc_id": ["a1", "b1"], "speaker": [f"Speaker {SCRIPT}", f"Speaker {IMG}"],
         "text": [f"We {SCRIPT} win", "No"], "source": outlets, "n_words": [3, 1],
         "kind": ["direct", "direct"]}
    )  # fmt: skip
    citations = pd.DataFrame(
        {"doc_id": ["a1", "b1"], "cited": [f"Agency {IMG}", f"Paper {SCRIPT}"],
         "text": ["according to", "reported"], "source": outlets}
    )  # fmt: skip
    dropped = pd.DataFrame(columns=["doc_id", "line_no", "text", "reason"])
    return Corpus(
        articles=articles,
        dropped=dropped,
        sentences=sentences,
        mentions=mentions,
        descriptors=descriptors,
        quotes=quotes,
        citations=citations,
        stance_method="lexicon",
    )


# ---- pure functions on the founding pages ----------------------------------------------------
def test_entities_not_in_the_corpus_fall_back_to_the_top_people(seeds_corpus):
    assert choose_entities(seeds_corpus, ["Vladimir Putin", "Nobody"]) == ["Vladimir Putin"]
    top_people = seeds_corpus.top_entities(2, label="PERSON")["entity"].tolist()
    assert choose_entities(seeds_corpus, ["Nobody"]) == top_people
    assert choose_entities(seeds_corpus, None) == top_people


def test_stance_evidence_is_the_scored_sentences_with_the_mention_marked(seeds_corpus):
    evidence = stance_evidence(seeds_corpus, "Vladimir Putin")
    scored = seeds_corpus.filter(entity="Vladimir Putin").stance
    assert evidence.attrs["total"] == len(scored) == len(evidence)
    assert set(evidence["source"]) == {POST, KYIV}
    assert set(evidence["label"]) <= set(LABELS)
    assert evidence["score"].between(-1, 1).all()
    for row in evidence.itertuples():
        assert "Putin" in row.sentence[row.start : row.end]
    # Lined up by outlet, then date.
    assert evidence["source"].tolist() == sorted(evidence["source"])
    page = stance_evidence_html(evidence)
    assert "<mark>Russian dictator Vladimir Putin</mark>" not in page  # the name alone is marked
    assert "dictator <mark>Vladimir Putin</mark>" in page
    assert all(label in page for label in set(evidence["label"]))


def test_stance_evidence_limit_is_spread_across_outlets(seeds_corpus):
    evidence = stance_evidence(seeds_corpus, ["Xi Jinping"], limit=2)
    assert len(evidence) == 2 and set(evidence["source"]) == {POST, KYIV}
    assert evidence.attrs["total"] > 2
    assert "Showing 2 of" in stance_evidence_html(evidence)


def test_naming_voices_and_reliance_for_a_selection(seeds_corpus):
    naming = naming_html(naming_frame(seeds_corpus, ["Vladimir Putin", "Xi Jinping"]))
    assert "Russian dictator (1)" in naming and "Russian President (1)" in naming
    kyiv_voices = voices_in(seeds_corpus, entity=["Vladimir Putin"], source=KYIV)
    assert set(kyiv_voices["source"]) == {KYIV}
    post_voices = voices_in(seeds_corpus, entity=["Vladimir Putin"], source=POST)
    assert {"Anthony Blinken", "Dmytro Kuleba"} <= set(post_voices["speaker"])
    cited = reliance_in(seeds_corpus, entity=["Xi Jinping"])
    assert {"TASS", "The Guardian"} <= set(cited.loc[cited["source"] == KYIV, "cited"])
    assert set(cited.loc[cited["cited"] == "The Wall Street Journal", "source"]) == {POST, KYIV}


def test_distinctive_words_and_their_passages(seeds_corpus):
    words = distinctive_for(seeds_corpus, ["Vladimir Putin"])
    assert "dictator" in set(words.loc[words["group"] == KYIV, "term"])
    found = passages_for(seeds_corpus, "dictator", ["Vladimir Putin"])
    assert found["source"].tolist() == [KYIV]
    assert (found["match"].str.lower() == "dictator").all()
    assert "<mark>dictator</mark>" in passages_html(found, "dictator")
    assert "Pick a word" in passages_html(found.iloc[:0], None)


def test_view_model_has_every_pane(seeds_corpus):
    frames = view(seeds_corpus, {"entity": ["Vladimir Putin"], "term": "dictator"})
    assert frames["entities"] == ["Vladimir Putin"]
    assert set(frames["summary"]["entity"]) == {"Vladimir Putin"}
    assert len(frames["passages"]) == 1
    for name in ("evidence", "naming", "voices", "reliance", "words"):
        assert len(frames[name]), name


def test_stance_caveat_reads_the_models_score_from_its_meta(tmp_path, monkeypatch):
    (tmp_path / "meta.json").write_text(json.dumps({"dev_rw_macro_f1": 0.8012}))
    monkeypatch.setattr(kit.corpus.framing_data, "MODEL_DIR", tmp_path)
    caveat = stance_caveat(["model"])
    assert "macro-F1 of 80 out of 100" in caveat and "real-world" in caveat
    assert "word list" in stance_caveat(pd.Series(["lexicon", "lexicon"]))
    monkeypatch.setattr(kit.corpus.framing_data, "MODEL_DIR", tmp_path / "absent")
    assert "not found" in stance_caveat(["model"])


def test_unknown_settings_say_what_is_expected():
    with pytest.raises(ValueError, match="expected one of entity, source, term"):
        normalize_settings(measure="mentions")


# ---- the widget -------------------------------------------------------------------------------
def test_selecting_an_entity_redraws_the_stance_chart_with_its_summary(seeds_corpus):
    board = framing(seeds_corpus, entity=["Vladimir Putin"])
    before = figure_data(board.stance_figure)
    assert set(before["y"]) == {"Vladimir Putin"}
    board.entity.value = ("Xi Jinping",)
    drawn = figure_data(board.stance_figure)
    summary = seeds_corpus.filter(entity="Xi Jinping").stance_summary()
    drawn = drawn.sort_values("source")
    summary = summary.sort_values("source")
    assert drawn["source"].tolist() == summary["source"].tolist()
    assert set(drawn["y"]) == {"Xi Jinping"}
    assert drawn["x"].tolist() == pytest.approx(summary["mean_score"].tolist())
    assert "Xi Jinping" in board.evidence.value and "Putin</mark>" not in board.evidence.value
    board.source.value = (KYIV,)
    assert set(figure_data(board.stance_figure)["source"]) == {KYIV}
    assert POST not in board.evidence.value


def test_picking_a_term_shows_its_passages(seeds_corpus):
    board = framing(seeds_corpus, entity=["Vladimir Putin"])
    assert "dictator" in board.term.options
    board.term.value = "dictator"
    assert "<mark>dictator</mark>" in board.passages.value
    assert KYIV in board.passages.value and POST not in board.passages.value
    assert board.settings()["term"] == "dictator"


def test_settings_and_code_round_trip(seeds_corpus):
    board = framing(seeds_corpus)
    board.entity.value = ("Vladimir Putin", "Xi Jinping")
    board.source.value = (KYIV,)
    board.term.value = "russian dictator"
    settings = board.settings()
    assert settings == {"entity": ["Vladimir Putin", "Xi Jinping"], "source": [KYIV],
                        "term": "russian dictator"}  # fmt: skip
    assert framing(seeds_corpus, **settings).settings() == settings
    rebuilt = eval(board.code(), {"kit": kit, "corpus": seeds_corpus})
    assert rebuilt.settings() == settings
    assert board.code() in board.code_line.value.replace("&#x27;", "'")


def test_the_view_opens_on_the_top_people_when_none_is_chosen(seeds_corpus):
    board = framing(seeds_corpus)
    top_people = choose_entities(seeds_corpus)
    assert set(figure_data(board.stance_figure)["y"]) == set(top_people)
    assert board.settings()["entity"] is None
    assert "most mentioned people" in board.status.value


def test_markup_in_the_corpus_never_reaches_the_page_unescaped(marked_up_corpus):
    name = marked_up_corpus.entities()[0]
    pieces = [
        stance_evidence_html(stance_evidence(marked_up_corpus, name)),
        naming_html(naming_frame(marked_up_corpus, [name])),
        words_html(distinctive_for(marked_up_corpus, name, min_count=1)),
        passages_html(passages_for(marked_up_corpus, "critics", name), SCRIPT),
    ]
    assert_escaped(pieces)
    board = framing(marked_up_corpus, entity=[name], term="critics")
    assert "&lt;script&gt;" in board.evidence.value  # shown, as text
    assert "&lt;img" in board.voices.value and "&lt;script&gt;" in board.reliance.value
    assert_escaped(html_of(board))
    board.search.value = "smith"
    board.term.value = SCRIPT
    board.source.value = (marked_up_corpus.sources[0],)
    assert_escaped(html_of(board))


def test_view_model_has_each_articles_stance_and_the_table_says_how_many(seeds_corpus):
    from kit.views.framing import article_stance_counts, article_stance_html

    frames = view(seeds_corpus, {"entity": ["Vladimir Putin"]})
    articles = frames["articles"]
    assert set(articles["entity"]) == {"Vladimir Putin"}
    assert articles["doc_id"].is_unique  # one row per article and entity
    assert set(articles["label"]) <= {"negative", "neutral", "positive"}
    table = article_stance_html(
        article_stance_counts(seeds_corpus.filter(entity=["Vladimir Putin"]))
    )
    assert ">Articles</th>" in table
    for outlet in articles["source"].unique():
        assert outlet in table
