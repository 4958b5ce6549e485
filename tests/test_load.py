"""kit.load end to end: the founding pages, BASIL and an allsides slice, and the command line."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pandas as pd
import pytest
from conftest import REPO, seed_facts

import kit
from kit.corpus.memory import ARTICLE_COLUMNS


def test_seed_facts(seeds_corpus):
    articles = seeds_corpus.articles.set_index("doc_id")
    for fact in seed_facts():
        article = articles.loc[fact["file"].removesuffix(".txt")]
        assert article["source"] == fact["outlet"]
        assert article["title"] == fact["headline"]
        assert f"{article['published']:%Y-%m-%d}" == fact["published"][:10]
        if fact["author"].startswith("(none"):
            assert pd.isna(article["author"])
        else:
            assert article["author"] == fact["author"]
    kyiv = articles.loc["002_6a9f5d0f86e23afe", "published"]
    assert kyiv == pd.Timestamp("2023-02-21 17:00", tz="UTC")  # 7:00 PM in Kyiv


def test_contract_columns(seeds_corpus):
    contract = {
        "articles": ARTICLE_COLUMNS,
        "dropped": ["doc_id", "line_no", "text", "reason"],
        "sentences": ["doc_id", "sent_id", "start", "end", "text"],
        "mentions": ["doc_id", "sent_id", "start", "end", "text", "entity", "label", "source",
                     "published"],
        "descriptors": ["doc_id", "entity", "descriptor", "source"],
        "quotes": ["doc_id", "speaker", "text", "source"],
        "citations": ["doc_id", "cited", "text", "source"],
        "problems": ["path", "reason"],
    }  # fmt: skip
    for frame, columns in contract.items():
        missing = set(columns) - set(getattr(seeds_corpus, frame).columns)
        assert not missing, f"{frame} lacks {missing}"
    assert str(seeds_corpus.articles["published"].dtype).startswith("datetime64")
    assert str(seeds_corpus.articles["published"].dt.tz) == "UTC"


def test_no_boilerplate_reaches_the_mentions(seeds_corpus):
    entities = set(seeds_corpus.mentions["entity"])
    for boilerplate in ("Getty Images", "AFP/Getty Images", "Post Wires", "Kate Tsurkan", "SBU"):
        assert boilerplate not in entities


def test_basil_end_to_end(basil_dir, store_dir):
    corpus = kit.load(basil_dir, store=store_dir, progress=False)
    assert len(corpus.articles) == 300
    assert corpus.sources == ["Fox News", "HuffPost", "The New York Times"]
    assert corpus.articles["story"].nunique() == 100
    assert corpus.articles["published"].notna().all()
    assert len(corpus.problems) == 0
    top_people = corpus.top_entities(5, label="PERSON")["entity"].tolist()
    assert "Donald Trump" in top_people and "Barack Obama" in top_people
    counts = corpus.mention_counts(["source"], freq="M")
    assert counts["mentions"].sum() == len(corpus.mentions)
    # The lenses run end to end on every outlet.
    for frame in (corpus.descriptors, corpus.quotes, corpus.citations):
        assert set(frame["source"]) == set(corpus.sources)
    assert corpus.quotes["speaker"].notna().mean() > 0.5
    story = corpus.articles["story"].iloc[0]
    words = corpus.distinctive_words(story=story, min_count=1, top=5)
    assert set(words["group"]) == set(corpus.sources)  # each outlet against the other two
    term = words["term"].iloc[0]
    passages = corpus.passages(term, story=story)
    in_story = set(corpus.articles.loc[corpus.articles["story"] == story, "doc_id"])
    assert len(passages) and set(passages["doc_id"]) <= in_story
    stance = corpus.filter(entity="Barack Obama").stance
    assert len(stance) == len(corpus.filter(entity="Barack Obama", label="PERSON").mentions)
    assert stance["score"].between(-1, 1).all()


def test_allsides_slice_end_to_end(allsides_dir, tmp_path, store_dir):
    sample = tmp_path / "allsides_slice.jsonl"
    with open(allsides_dir / "random_sample_2000.jsonl", encoding="utf-8") as lines:
        sample.write_text("".join(itertools.islice(lines, 120)), encoding="utf-8")
    corpus = kit.load(sample, store=store_dir, progress=False)
    assert len(corpus.articles) + len(corpus.problems) >= 120
    assert corpus.articles["source"].nunique() > 20
    assert len(corpus.mentions) > 1000
    assert (corpus.mention_counts("source")["per_1000_words"] > 0).all()


def test_a_missing_path_names_it():
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        kit.load("no-such-folder", progress=False)


def test_command_line_annotate_prints_a_summary(store_dir):
    run = subprocess.run(
        [sys.executable, "-m", "kit", "annotate", str(REPO / "data"), "--store", str(store_dir)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    for expected in ("articles", "outlets", "date span", "mentions", "problems", "2023-02-21"):
        assert expected in run.stdout
