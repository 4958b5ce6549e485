"""Canonical entities: recurrences found, short forms joined, variants merged."""

from __future__ import annotations

import pandas as pd

from kit.annotate.entities import alias_table, canonical_names, clean_name, find_mentions, name_key


def spans(*rows):
    return pd.DataFrame(rows, columns=["start", "end", "text", "label"])


def test_a_name_found_once_is_found_where_it_recurs_and_short_forms_join_it():
    text = "Xi Jinping met Putin. Jinping said Xi would return. Putin agreed."
    found = find_mentions(text, spans((0, 10, "Xi Jinping", "PERSON"), (15, 20, "Putin", "PERSON")))
    assert found["text"].tolist() == ["Xi Jinping", "Putin", "Jinping", "Xi", "Putin"]
    assert found["name"].tolist() == ["Xi Jinping", "Putin", "Xi Jinping", "Xi Jinping", "Putin"]
    assert found["found"].tolist() == ["model", "model", "repeat", "repeat", "repeat"]


def test_a_short_form_the_model_mislabelled_joins_the_person():
    text = "Wang Yi spoke. Kuleba met with Wang."
    found = find_mentions(text, spans((0, 7, "Wang Yi", "PERSON"), (31, 35, "Wang", "ORG")))
    assert found.loc[found["text"] == "Wang", ["name", "label"]].values.tolist() == [
        ["Wang Yi", "PERSON"]
    ]


def test_a_name_that_is_also_a_common_word_in_the_article_is_not_propagated():
    text = "Will Smith arrived. Will the state act? The state will."
    found = find_mentions(text, spans((0, 10, "Will Smith", "PERSON"), (24, 29, "state", "ORG")))
    assert "Will" not in found["text"].tolist()[1:]


def test_clean_name_and_keys():
    assert clean_name("the Wall Street Journal’s", "ORG") == "Wall Street Journal"
    assert clean_name("President Vladimir Putin", "PERSON") == "Vladimir Putin"
    assert clean_name("Xi Jinping\nXi Jinping", "PERSON") == "Xi Jinping"
    assert name_key("U.S.") == name_key("US") == name_key("the u.s.")


def test_variants_merge_through_aliases_and_surnames():
    names = [
        "U.S.",
        "US",
        "United States",
        "WSJ",
        "Wall Street Journal",
        "Donald Trump",
        "Donald Trump",
        "Trump",
        "Trump",
        "Clinton",
        "Hillary Clinton",
        "Bill Clinton",
    ]
    labels = ["GPE"] * 3 + ["ORG"] * 2 + ["PERSON"] * 7
    entity, label = canonical_names(pd.DataFrame({"name": names, "label": labels}))
    assert entity.tolist()[:5] == ["United States"] * 3 + ["The Wall Street Journal"] * 2
    assert entity.tolist()[5:9] == ["Donald Trump"] * 4
    # Two Clintons share the surname about equally: "Clinton" alone stays as it is.
    assert entity.tolist()[9] == "Clinton"
    assert label.tolist()[0] == "GPE"


def test_user_aliases_extend_the_built_in_table(tmp_path):
    path = tmp_path / "aliases.csv"
    path.write_text("alias,entity\nPOTUS,Joe Biden\n")
    aliases = alias_table(path)
    assert aliases[name_key("POTUS")] == "Joe Biden"
    assert aliases[name_key("U.S.")] == "United States"


def test_seed_mentions_use_canonical_names(seeds_corpus):
    mentions = seeds_corpus.mentions
    putin = mentions[mentions["entity"] == "Vladimir Putin"]
    assert set(putin["text"]) == {"Vladimir Putin", "Putin"}
    assert set(putin["source"]) == {"New York Post", "Kyiv Independent"}
    xi = mentions[mentions["entity"] == "Xi Jinping"]
    assert {"Xi Jinping", "Xi", "Jinping"} <= set(xi["text"])
    wang = mentions[mentions["entity"] == "Wang Yi"]
    assert set(wang["text"]) == {"Wang Yi", "Wang"} and set(wang["label"]) == {"PERSON"}
    assert "DATE" not in set(mentions["label"])
    wsj = mentions[mentions["entity"] == "The Wall Street Journal"]
    assert set(wsj["source"]) == {"New York Post", "Kyiv Independent"}


def test_mention_offsets_point_into_the_article_text(seeds_corpus):
    texts = seeds_corpus.articles.set_index("doc_id")["text"]
    for row in seeds_corpus.mentions.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text
