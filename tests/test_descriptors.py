"""Descriptors: titles, appositives and epithets found on the seed pages and on one-liners."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.annotate import descriptors


def namings(doc) -> set[tuple[str, str, str]]:
    return {(row["mention"], row["descriptor"], row["kind"]) for row in descriptors.from_doc(doc)}


def test_rows_have_stable_scalar_columns(seed_docs):
    rows = descriptors.from_doc(seed_docs["New York Post"])
    assert rows
    for row in rows:
        assert tuple(row) == descriptors.COLUMNS
        assert all(isinstance(value, (str, int)) for value in row.values())
        doc_text = seed_docs["New York Post"].text
        assert doc_text[row["start"] : row["end"]] == row["mention"]
        assert row["sent_start"] <= row["desc_start"] < row["desc_end"] <= row["sent_end"]


def test_seed_outlets_name_putin_differently(seed_docs):
    assert ("Vladimir Putin", "Russian President", "title") in namings(seed_docs["New York Post"])
    kyiv = namings(seed_docs["Kyiv Independent"])
    assert ("Vladimir Putin", "Russian dictator", "title") in kyiv
    assert not any(desc == "Russian President" for _, desc, _ in kyiv)


def test_seed_titles(seed_docs):
    post = namings(seed_docs["New York Post"])
    kyiv = namings(seed_docs["Kyiv Independent"])
    assert ("Wang Yi", "China's top diplomat", "title") in post
    assert ("Wang Yi", "China's top diplomat", "title") in kyiv
    assert ("Anthony Blinken", "US Secretary of State", "title") in post
    assert ("Dmytro Kuleba", "Ukrainian Foreign Minister", "title") in post
    assert ("Xi Jinping", "Chinese leader", "title") in kyiv


def test_seed_epithet_communist_party_leader(seed_docs):
    assert ("Xi Jinping", "Communist Party leader", "epithet") in namings(
        seed_docs["New York Post"]
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Michael Steele, chairman of the Republican National Committee, said the party won.",
            ("Michael Steele", "chairman of the Republican National Committee", "appositive"),
        ),
        (
            "Xi Jinping, China's president, arrived in Bangkok on Saturday.",
            ("Xi Jinping", "China's president", "appositive"),
        ),
        (
            "The country's top diplomat, Wang Yi, met Sergey Lavrov in Moscow.",
            ("Wang Yi", "country's top diplomat", "appositive"),
        ),
        (
            "Kremlin spokesman Dmitry Peskov denied the report.",
            ("Dmitry Peskov", "Kremlin spokesman", "title"),
        ),
        (
            "Joe Biden spoke on Monday, and the president promised more aid.",
            ("Joe Biden", "president", "epithet"),
        ),
    ],
)
def test_one_sentence_rules(nlp, sentence, expected):
    assert expected in namings(nlp(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        # two people: "the president" could be either
        "Joe Biden met Emmanuel Macron in Paris, and the president said the talks went well.",
        "A meeting between Joe Biden and Emmanuel Macron ended early, and the president left.",
        # a noun before a name it is not attached to
        "The sanctions Putin faces are severe.",
        # an organisation whose name starts with a title word
        "General Motors said sales rose.",
    ],
)
def test_rules_that_must_not_fire(nlp, sentence):
    found = namings(nlp(sentence))
    assert not {row for row in found if row[2] == "epithet"}
    assert ("Motors", "General", "title") not in found
    assert ("Putin", "sanctions", "title") not in found


def test_normalise_drops_determiners_keeps_case():
    assert descriptors.normalise("the  Communist Party\nleader") == "Communist Party leader"
    assert descriptors.normalise("China’s top diplomat") == "China's top diplomat"
    assert descriptors.normalise("Top diplomat", sentence_initial=True) == "top diplomat"


def seed_frames(seed_docs):
    rows, mentions, articles = [], [], []
    for doc_id, (source, doc) in enumerate(seed_docs.items()):
        rows += [{"doc_id": doc_id, **row} for row in descriptors.from_doc(doc)]
        mentions += [
            {"doc_id": doc_id, "start": e.start_char, "end": e.end_char, "entity": e.text}
            for e in doc.ents
        ]
        published = pd.Timestamp("2023-02-21", tz="UTC")
        articles.append({"doc_id": doc_id, "source": source, "published": published})
    return pd.DataFrame(rows), pd.DataFrame(mentions), pd.DataFrame(articles)


def test_build_and_naming_table_on_seeds(seed_docs):
    rows, mentions, articles = seed_frames(seed_docs)
    frame = descriptors.build(rows, mentions, articles)
    assert list(frame.columns[:4]) == ["doc_id", "entity", "descriptor", "source"]
    assert {"kind", "start", "end", "published"} <= set(frame.columns)
    table = descriptors.naming_table(frame, entities=["Vladimir Putin", "Wang Yi"])
    assert table.loc["Vladimir Putin", "New York Post"] == "Russian President (1)"
    assert table.loc["Vladimir Putin", "Kyiv Independent"] == "Russian dictator (1)"
    assert "China's top diplomat" in table.loc["Wang Yi", "Kyiv Independent"]


def test_build_drops_spans_that_are_no_mention():
    rows = pd.DataFrame(
        [{"doc_id": 1, "start": 0, "end": 5, "descriptor": "x", "kind": "title"}]
        + [{"doc_id": 1, "start": 20, "end": 25, "descriptor": "y", "kind": "title"}]
    )
    mentions = pd.DataFrame({"doc_id": [1], "start": [0], "end": [5], "entity": ["Putin"]})
    articles = pd.DataFrame({"doc_id": [1], "source": ["Post"], "published": [pd.NaT]})
    frame = descriptors.build(rows, mentions, articles)
    assert frame["descriptor"].tolist() == ["x"]
    assert descriptors.build(rows.iloc[0:0], mentions, articles).empty


def test_naming_table_orders_cells_and_limits_top():
    frame = pd.DataFrame(
        {
            "entity": ["Putin"] * 4 + ["Xi"],
            "source": ["A", "A", "A", "B", "A"],
            "descriptor": ["dictator", "president", "president", "leader", "leader"],
        }
    )
    table = descriptors.naming_table(frame, top=1)
    assert table.index.tolist() == ["Putin", "Xi"]
    assert table.loc["Putin", "A"] == "president (2)"
    assert table.loc["Xi", "B"] == ""
    counts = descriptors.descriptor_counts(frame)
    assert counts.columns.tolist() == ["entity", "source", "descriptor", "n"]
    assert counts.iloc[0].tolist() == ["Putin", "A", "president", 2]
