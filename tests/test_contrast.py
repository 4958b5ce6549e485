"""Contrast: log-odds with an informative Dirichlet prior, on frames where the answer is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kit.corpus import contrast

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def two_outlets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [1, 2, 3, 4],
            "source": ["Post", "Post", "Kyiv", "Kyiv"],
            "text": [
                "Russian President Vladimir Putin met Xi. The war goes on.",
                "Russian President Vladimir Putin spoke about the war.",
                "Russian dictator Vladimir Putin met Xi. The war goes on.",
                "Russian dictator Vladimir Putin's war against Ukraine.",
            ],
        }
    )


def test_terms_drop_stop_words_and_keep_bigrams_within_phrases():
    assert contrast.terms("The war in Ukraine.") == ["war", "ukraine"]
    assert contrast.terms("Putin’s war, Ukraine", ngram_range=(2, 2)) == ["putin war"]
    assert contrast.terms("Founded in 2022 by well-known people", ngram_range=(1, 1)) == [
        "founded",
        "well-known",
        "people",
    ]


def test_distinctive_words_finds_the_naming_difference(two_outlets):
    words = contrast.distinctive_words(two_outlets, min_count=2, top=3)
    assert words.columns.tolist() == [
        "group",
        "term",
        "count",
        "count_rest",
        "log_odds",
        "variance",
        "z",
    ]
    top_terms = words.groupby("group")["term"].first().to_dict()
    assert top_terms["Kyiv"] in {"dictator", "russian dictator", "dictator vladimir"}
    assert top_terms["Post"] in {"president", "russian president", "president vladimir"}
    dictator = words[(words["group"] == "Kyiv") & (words["term"] == "dictator")]
    assert dictator[["count", "count_rest"]].values.tolist() == [[2, 0]]


def test_shared_words_score_zero(two_outlets):
    words = contrast.distinctive_words(two_outlets, min_count=2, top=None)
    putin = words[words["term"] == "putin"]
    assert np.allclose(putin["z"], 0.0)


@pytest.mark.parametrize("prior", ["corpus", "uniform", {"dictator": 5.0, "president": 5.0}])
def test_two_groups_are_symmetric(two_outlets, prior):
    words = contrast.distinctive_words(two_outlets, min_count=1, top=None, prior=prior)
    wide = words.pivot(index="term", columns="group", values="z")
    assert np.allclose(wide["Post"], -wide["Kyiv"])
    spread = words.pivot(index="term", columns="group", values="variance")
    assert np.allclose(spread["Post"], spread["Kyiv"])


def test_matches_the_formula_by_hand():
    articles = pd.DataFrame({"source": ["A", "B"], "text": ["cat cat dog", "dog dog dog cat"]})
    words = contrast.distinctive_words(
        articles, min_count=1, top=None, prior="uniform", ngram_range=(1, 1)
    )
    row = words[(words["group"] == "A") & (words["term"] == "cat")].iloc[0]
    a, a0 = 0.01, 0.02
    delta = np.log((2 + a) / (3 + a0 - 2 - a)) - np.log((1 + a) / (4 + a0 - 1 - a))
    variance = 1 / (2 + a) + 1 / (1 + a)
    assert row["log_odds"] == pytest.approx(delta)
    assert row["z"] == pytest.approx(delta / np.sqrt(variance))


def test_three_groups_each_against_the_rest():
    articles = pd.DataFrame(
        {"source": ["A", "B", "C"], "text": ["tanks tanks tanks", "drones drones", "talks talks"]}
    )
    words = contrast.distinctive_words(articles, min_count=1, top=1, ngram_range=(1, 1))
    assert dict(zip(words["group"], words["term"], strict=True)) == {
        "A": "tanks",
        "B": "drones",
        "C": "talks",
    }


def test_min_count_and_errors(two_outlets):
    words = contrast.distinctive_words(two_outlets, min_count=4, top=None)
    assert set(words["term"]) >= {"russian", "vladimir putin"}
    assert "dictator" not in set(words["term"])
    with pytest.raises(ValueError, match="prior='flat' is not valid"):
        contrast.distinctive_words(two_outlets, prior="flat")
    with pytest.raises(KeyError, match="no column 'outlet'"):
        contrast.distinctive_words(two_outlets, by="outlet")


def test_passages_show_the_words_in_context(two_outlets):
    found = contrast.passages(two_outlets, "putin war", width=12)
    assert found[["doc_id", "source", "match"]].values.tolist() == [[4, "Kyiv", "Putin's war"]]
    assert found["right"].iloc[0] == "against Ukr"
    assert contrast.passages(two_outlets, "dictators").empty


def body(path: Path) -> str:
    paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
    return "\n\n".join(p for p in paragraphs if "\n" not in p and len(p.split()) >= 12)


def test_seed_pages_differ_in_naming_putin():
    articles = pd.DataFrame(
        {
            "source": ["New York Post", "Kyiv Independent"],
            "text": [
                body(DATA / "000_626c3d33b069517d.txt"),
                body(DATA / "002_6a9f5d0f86e23afe.txt"),
            ],
        }
    )
    words = contrast.distinctive_words(articles, min_count=1, top=None)
    z = words.set_index(["group", "term"])["z"]
    assert z["Kyiv Independent", "russian dictator"] > 0
    assert z["New York Post", "russian president"] > 0
