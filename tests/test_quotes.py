"""Quotes: direct and reported speech and their speakers, on the seed pages and one-liners."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.annotate import quotes


@pytest.fixture(scope="module")
def seed_quotes(seed_docs):
    rows, mentions, articles = [], [], []
    for doc_id, (source, doc) in enumerate(seed_docs.items()):
        rows += [{"doc_id": doc_id, **row} for row in quotes.from_doc(doc)]
        mentions += [
            {"doc_id": doc_id, "start": e.start_char, "end": e.end_char, "entity": e.text}
            for e in doc.ents
        ]
        articles.append({"doc_id": doc_id, "source": source, "published": pd.NaT})
    return quotes.build(pd.DataFrame(rows), pd.DataFrame(mentions), pd.DataFrame(articles))


def speaker_of(frame: pd.DataFrame, words: str) -> str | None:
    found = frame[frame["text"].str.contains(words, regex=False)]
    assert len(found) == 1, f"{words!r} quoted {len(found)} times"
    return found["speaker"].iloc[0]


def test_rows_have_stable_columns_and_offsets(seed_docs):
    doc = seed_docs["New York Post"]
    rows = quotes.from_doc(doc)
    assert rows
    for row in rows:
        assert tuple(row) == quotes.COLUMNS
        assert doc.text[row["start"] : row["end"]] == row["text"]
        if row["speaker_start"] is not None:
            assert doc.text[row["speaker_start"] : row["speaker_end"]] == row["speaker_text"]


def test_post_direct_quotes_and_speakers(seed_quotes):
    post = seed_quotes[(seed_quotes["source"] == "New York Post")]
    direct = post[post["kind"] == "direct"]
    assert "Blinken" in speaker_of(direct, "very concerned that China")
    assert "Blinken" in speaker_of(direct, "have it both ways")
    assert "Blinken" in speaker_of(direct, "Publicly, they present themselves")
    assert speaker_of(direct, "Because if any country helps Russia") == "Dmytro Kuleba"
    assert "Zelensky" in speaker_of(direct, "pragmatic assessment of what is happening")
    assert "Zelensky" in speaker_of(direct, "Because if China allies itself")
    assert speaker_of(direct, "hot-spot issues") == "China's Foreign Ministry"
    multi = direct[direct["text"].str.startswith("Publicly")]
    assert "But privately" in multi["text"].iloc[0]  # one quote over two sentences


def test_post_reported_speech(seed_quotes):
    reported = seed_quotes[seed_quotes["kind"] == "reported"]
    assert speaker_of(reported, "he had met with Wang") == "Dmytro Kuleba"
    assert speaker_of(reported, "the plan must be based") == "Dmytro Kuleba"
    assert speaker_of(reported, "could lead to World War III") == "Volodymyr Zelensky"


def test_kyiv_quotes_nobody_directly(seed_quotes):
    kyiv = seed_quotes[seed_quotes["source"] == "Kyiv Independent"]
    assert (kyiv["kind"] != "direct").all()
    fragment = kyiv[kyiv["text"] == "lethal support"]
    assert fragment["kind"].tolist() == ["fragment"]
    assert fragment["speaker"].isna().all()


def test_voices_per_outlet(seed_quotes):
    table = quotes.voices(seed_quotes, kinds=["direct"])
    assert set(table.columns) == {"source", "speaker", "n_quotes", "n_words"}
    assert set(table["source"]) == {"New York Post"}
    kuleba = table[table["speaker"] == "Dmytro Kuleba"]
    assert kuleba["n_quotes"].tolist() == [1]


def found(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(r["kind"], r["speaker_text"], r["text"]) for r in quotes.from_doc(nlp(text))]


def test_pronoun_resolves_to_person_named_before(nlp):
    text = "Dmitry Peskov spoke in Moscow on Monday. “The talks have failed,” he said."
    [(kind, speaker, words)] = found(nlp, text)
    assert (kind, words) == ("direct", "The talks have failed")
    assert "Peskov" in speaker


def test_quote_continues_previous_speaker(nlp):
    text = "“We are deeply concerned,” Antony Blinken said. “We will act with our allies.”"
    assert [speaker for _, speaker, _ in found(nlp, text)] == ["Antony Blinken"] * 2


def test_quote_open_at_paragraph_end_takes_next_speaker(nlp):
    text = "“The war will end soon.\n\n“We are ready for peace,” Zelensky said."
    assert [speaker for _, speaker, _ in found(nlp, text)] == ["Zelensky", "Zelensky"]


def test_according_to_names_a_speaker(nlp):
    text = "“The talks have failed completely,” according to Dmitry Peskov."
    rows = quotes.from_doc(nlp(text))
    assert (rows[0]["speaker_text"], rows[0]["verb"]) == ("Dmitry Peskov", "according to")


def test_reported_speech(nlp):
    text = "Emmanuel Macron said that Europe must rearm quickly."
    assert found(nlp, text) == [("reported", "Emmanuel Macron", "Europe must rearm quickly")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The plan was dubbed “a new era of friendship between nations” by observers.", "direct"),
        ("Officials fear China could send “lethal aid” soon.", "fragment"),
        (
            'According to multiple reports, China might send "lethal support," such as arms.',
            "fragment",
        ),
    ],
)
def test_quote_without_speech_verb_gets_no_speaker(nlp, text, kind):
    rows = quotes.from_doc(nlp(text))
    assert [(r["kind"], r["speaker_text"], r["speaker_start"]) for r in rows] == [(kind, "", None)]


def test_quote_spans_strip_marks_and_commas():
    text = "“One, two,” he said. Critics call it “a plan”. Not 'single'."
    assert [text[s:e] for s, e in quotes.quote_spans(text)] == ["One, two", "a plan"]


def test_build_keeps_unresolved_and_uses_head_entity():
    rows = pd.DataFrame(
        [
            {"doc_id": 1, "start": 0, "end": 9, "text": "one two three four", "kind": "direct"}
            | {"speaker_start": 20, "speaker_end": 44, "speaker_text": "China’s Foreign Ministry"}
            | {"speaker_named": True, "verb": "said"},
            {"doc_id": 1, "start": 50, "end": 55, "text": "lethal support", "kind": "fragment"}
            | {"speaker_start": None, "speaker_end": None, "speaker_text": ""}
            | {"speaker_named": False, "verb": ""},
        ]
    )
    mentions = pd.DataFrame({"doc_id": [1], "start": [20], "end": [25], "entity": ["China"]})
    articles = pd.DataFrame({"doc_id": [1], "source": ["Post"], "published": [pd.NaT]})
    frame = quotes.build(rows, mentions, articles)
    assert frame["speaker"].tolist() == ["China's Foreign Ministry", None]
    assert frame["n_words"].tolist() == [4, 2]
    assert list(frame.columns[:4]) == ["doc_id", "speaker", "text", "source"]
