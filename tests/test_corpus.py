"""The Corpus: consistent filters, raw and normalised counts, contexts, exports."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.corpus.memory import FRAMES, Corpus


@pytest.fixture
def small_corpus() -> Corpus:
    """Outlet A: 2 articles, 1,000 words, 4 mentions of X. Outlet B: 1 article, 100 words, 1."""
    published = pd.to_datetime(["2023-01-02", "2023-01-09", "2023-01-03", None], utc=True)
    articles = pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "b1", "b2"],
            "source": ["A", "A", "B", "B"],
            "title": ["t1", "t2", "t3", "t4"],
            "published": published,
            "text": ["X met Y. X left."] * 4,
            "n_words": [500, 500, 100, 50],
            "story": [None] * 4,
        }
    )
    mentions = pd.DataFrame(
        {
            "doc_id": ["a1", "a1", "a2", "a2", "b1", "b1", "b2"],
            "sent_id": [0, 1, 0, 1, 0, 0, 0],
            "start": [0, 9, 0, 9, 0, 6, 0],
            "end": [1, 10, 1, 10, 1, 7, 1],
            "text": ["X", "X", "X", "X", "X", "Y", "X"],
            "entity": ["X", "X", "X", "X", "X", "Y", "X"],
            "label": ["PERSON"] * 5 + ["ORG", "PERSON"],
        }
    )
    mentions = mentions.join(articles.set_index("doc_id")[["source", "published"]], on="doc_id")
    sentences = pd.DataFrame(
        {"doc_id": ["a1", "a1"], "sent_id": [0, 1], "start": [0, 9], "end": [8, 16],
         "text": ["X met Y.", "X left."]}
    )  # fmt: skip
    dropped = pd.DataFrame({"doc_id": ["a1", "b1"], "line_no": [1, 1], "text": ["Subscribe"] * 2,
                            "reason": ["prompt or navigation"] * 2})  # fmt: skip
    return Corpus(articles=articles, dropped=dropped, sentences=sentences, mentions=mentions)


def test_normalised_counts_do_not_reward_publishing_more(small_corpus):
    counts = small_corpus.filter(entity="X").mention_counts(by=["entity", "source"])
    by_source = counts.set_index("source")
    assert by_source.loc["A", "mentions"] == 4
    assert by_source.loc["B", "mentions"] == 2
    assert by_source.loc["A", "per_1000_words"] == pytest.approx(4.0)
    assert by_source.loc["B", "per_1000_words"] == pytest.approx(2 / 150 * 1000)
    # Share of the outlet's articles that mention X: the entity filter does not change it.
    assert by_source.loc["A", "article_share"] == 1.0
    assert by_source.loc["B", "article_share"] == 1.0
    y_counts = small_corpus.filter(entity="Y").mention_counts("source")
    assert y_counts.set_index("source").loc["B", "article_share"] == 0.5


def test_weekly_timeline_with_undated_articles_kept(small_corpus):
    timeline = small_corpus.filter(entity="X").mention_counts(["source"], freq="W")
    week_of = {
        str(day.date()) if pd.notna(day) else "undated": n
        for day, n in zip(timeline["published"], timeline["mentions"], strict=True)
    }
    assert timeline["mentions"].sum() == 6
    assert pd.isna(timeline["published"]).sum() == 1  # b2 has no date: shown, not dropped
    assert timeline.loc[timeline["source"] == "A", "published"].dt.day_of_week.eq(0).all()
    assert "2023-01-02" in week_of and "2023-01-09" in week_of


def test_fill_zeros_gives_every_period(small_corpus):
    timeline = small_corpus.filter(source="B").mention_counts(["source"], freq="D", fill_zeros=True)
    assert timeline["mentions"].sum() == 3


def test_filter_is_consistent_across_frames(small_corpus):
    only_a = small_corpus.filter(source="A")
    for name in ("articles", "mentions", "sentences", "dropped"):
        assert set(getattr(only_a, name)["doc_id"]) <= {"a1", "a2"}
    january_3 = small_corpus.filter(start="2023-01-03", end="2023-01-03")
    assert january_3.articles["doc_id"].tolist() == ["b1"]
    people = small_corpus.filter(label="ORG")
    assert people.mentions["entity"].unique().tolist() == ["Y"]
    assert people.articles["doc_id"].tolist() == ["b1"]


def test_top_entities_and_contexts(small_corpus):
    top = small_corpus.top_entities(1)
    assert top[["entity", "mentions", "articles"]].values.tolist() == [["X", 6, 4]]
    per_outlet = small_corpus.top_entities(1, by="source")
    assert per_outlet["source"].tolist() == ["A", "B"]
    per_label = small_corpus.top_entities(1, by="label")
    assert per_label[["label", "entity"]].values.tolist() == [["ORG", "Y"], ["PERSON", "X"]]
    contexts = small_corpus.contexts("X", width=4)
    assert contexts["doc_id"].tolist()[:3] == ["a1", "a1", "b1"]  # by date across outlets
    assert contexts.loc[1, ["left", "mention", "right"]].tolist() == ["Y.", "X", "lef"]
    assert contexts.loc[0, "sentence"] == "X met Y."


def test_to_csv_writes_every_frame(small_corpus, tmp_path):
    written = small_corpus.to_csv(tmp_path)
    assert sorted(path.stem for path in written) == sorted(FRAMES)
    assert len(pd.read_csv(tmp_path / "mentions.csv")) == 7


def test_seed_corpus_summary(seeds_corpus):
    summary = seeds_corpus.summary()
    assert summary["articles"] == 2 and summary["outlets"] == 2
    assert summary["date span"] == "2023-02-21 to 2023-02-21"
    assert "2 articles from 2 outlets" in repr(seeds_corpus)


def test_unknown_freq_is_a_clear_error(small_corpus):
    with pytest.raises(ValueError, match="freq='Y' is not valid"):
        small_corpus.mention_counts(freq="Y")
