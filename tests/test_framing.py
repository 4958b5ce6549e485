"""The founding pages' framing, read through the whole pipeline: naming, voices, sources."""

from __future__ import annotations

POST, KYIV = "New York Post", "Kyiv Independent"


def test_each_outlet_names_putin_its_own_way(seeds_corpus):
    naming = seeds_corpus.naming_table(["Vladimir Putin"])
    assert "Russian President" in naming.loc["Vladimir Putin", POST]
    assert "Russian dictator" in naming.loc["Vladimir Putin", KYIV]
    assert "dictator" not in naming.loc["Vladimir Putin", POST]
    xi = seeds_corpus.naming_table(["Xi Jinping"]).loc["Xi Jinping", POST]
    assert "Communist Party leader" in xi


def test_the_post_quotes_three_officials_and_the_kyiv_independent_quotes_nobody(seeds_corpus):
    direct = seeds_corpus.quotes[seeds_corpus.quotes["kind"] == "direct"]
    post_speakers = set(direct.loc[direct["source"] == POST, "speaker"])
    assert {"Anthony Blinken", "Dmytro Kuleba", "Volodymyr Zelensky"} <= post_speakers
    assert direct[direct["source"] == KYIV].empty
    voices = seeds_corpus.voices().set_index(["source", "speaker"])
    assert voices.loc[(POST, "Anthony Blinken"), "n_words"] > 40


def test_both_rest_on_the_wall_street_journal(seeds_corpus):
    reliance = seeds_corpus.reliance()
    wsj = reliance[reliance["cited"] == "The Wall Street Journal"]
    assert set(wsj["source"]) == {POST, KYIV}
    kyiv_cited = set(reliance.loc[reliance["source"] == KYIV, "cited"])
    assert {"TASS", "The Guardian"} <= kyiv_cited


def test_words_that_set_outlets_apart_about_putin(seeds_corpus):
    words = seeds_corpus.distinctive_words(entity="Vladimir Putin", min_count=1, top=None)
    kyiv = words[(words["group"] == KYIV) & (words["term"] == "dictator")]
    assert len(kyiv) == 1 and kyiv["z"].iloc[0] > 0
    passages = seeds_corpus.passages("russian dictator")
    assert passages["source"].tolist() == [KYIV]


def test_stance_summary_per_outlet(seeds_corpus):
    summary = seeds_corpus.filter(entity="Vladimir Putin").stance_summary()
    assert set(summary["source"]) == {POST, KYIV}
    assert summary["n"].sum() == len(seeds_corpus.filter(entity="Vladimir Putin").stance)
