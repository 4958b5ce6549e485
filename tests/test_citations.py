"""Citations: outlets, agencies and unnamed sources cited, on the seed pages and one-liners."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.annotate import citations


@pytest.fixture(scope="module")
def seed_citations(seed_docs):
    rows, mentions, articles = [], [], []
    for doc_id, (source, doc) in enumerate(seed_docs.items()):
        rows += [{"doc_id": doc_id, **row} for row in citations.from_doc(doc)]
        mentions += [
            {"doc_id": doc_id, "start": e.start_char, "end": e.end_char, "entity": e.text}
            for e in doc.ents
        ]
        articles.append({"doc_id": doc_id, "source": source, "published": pd.NaT, "text": doc.text})
    return citations.build(pd.DataFrame(rows), pd.DataFrame(mentions), pd.DataFrame(articles))


def cited_by(frame: pd.DataFrame, source: str) -> set[tuple[str, str]]:
    rows = frame[frame["source"] == source]
    return set(zip(rows["cited"], rows["cue"], strict=True))


def test_rows_have_stable_columns(seed_docs):
    doc = seed_docs["Kyiv Independent"]
    rows = citations.from_doc(doc)
    assert rows
    for row in rows:
        assert tuple(row) == citations.COLUMNS
        assert doc.text[row["start"] : row["end"]] == row["cited_text"]


def test_post_citations(seed_citations):
    post = cited_by(seed_citations, "New York Post")
    assert ("the Wall Street Journal", "reported") in post
    assert ("the Wall Street Journal", "according to") in post
    assert ("the Wall Street Journal", "told") in post  # "told the newspaper"
    assert ("WSJ", "told") in post
    assert ("anonymous sources", "citing") in post
    assert ("China's Foreign Ministry", "said") in post


def test_kyiv_citations(seed_citations):
    kyiv = cited_by(seed_citations, "Kyiv Independent")
    assert ("the Wall Street Journal", "reported") in kyiv
    assert ("WSJ", "said") in kyiv  # "the WSJ sources said"
    assert ("TASS", "reported") in kyiv
    assert ("Guardian", "as quoted by") in kyiv
    assert ("anonymous sources", "according to") in kyiv
    assert not any(cited.startswith("Wang") for cited, _ in kyiv)  # "Wang said" is a person


def test_build_gives_the_citing_sentence(seed_citations):
    tass = seed_citations[seed_citations["cited"] == "TASS"]
    assert tass["text"].iloc[0].endswith("news outlet TASS reported.")
    assert list(seed_citations.columns[:4]) == ["doc_id", "cited", "text", "source"]


def test_reliance_counts_both_outlets_citing_the_journal(seed_citations):
    table = citations.reliance(seed_citations)
    journal = table[table["cited"] == "the Wall Street Journal"]
    assert set(journal["source"]) == {"New York Post", "Kyiv Independent"}
    assert journal["n_articles"].tolist() == [1, 1]


def found(nlp, text: str) -> list[tuple[str, str]]:
    return [(r["cited_label"], r["cue"]) for r in citations.from_doc(nlp(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ceasefire collapsed, as reported by Reuters.", [("Reuters", "reported by")]),
        ("The Kremlin said the talks failed.", [("Kremlin", "said")]),
        (
            "The plan is dead, Reuters reported, citing two senior officials.",
            [("Reuters", "reported"), ("anonymous sources", "citing")],
        ),
        ("NATO will send troops, a spokesperson told the BBC.", [("BBC", "told")]),
    ],
)
def test_one_sentence_cues(nlp, text, expected):
    assert found(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The talks failed, according to Dmitry Peskov.",  # a person: a quote, not a citation
        "Joe Biden said the talks failed.",
        "Beijing claims it wants peace.",  # a country speaking
        "He told the newspaper the plan was dead.",  # "the newspaper" with no outlet before
    ],
)
def test_cues_that_must_not_fire(nlp, text):
    assert found(nlp, text) == []


def test_build_prefers_head_entity_and_labels_anonymous():
    rows = pd.DataFrame(
        {
            "doc_id": [1, 1],
            "start": [0, 30],
            "end": [24, 43],
            "cited_text": ["China’s Foreign Ministry", "the sources"],
            "cited_label": ["China's Foreign Ministry", "anonymous sources"],
            "anonymous": [False, True],
            "cue": ["said", "said"],
            "sent_start": [0, 30],
            "sent_end": [29, 49],
        }
    )
    mentions = pd.DataFrame({"doc_id": [1], "start": [0], "end": [5], "entity": ["China"]})
    articles = pd.DataFrame(
        {"doc_id": [1], "source": ["Post"], "published": [pd.NaT], "text": ["x" * 49]}
    )
    frame = citations.build(rows, mentions, articles)
    assert frame["cited"].tolist() == ["China's Foreign Ministry", "anonymous sources"]
    assert citations.build(rows.iloc[0:0], mentions, articles).empty
