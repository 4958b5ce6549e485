"""The line model: shipped weights that match the code, and a training script that reproduces."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from conftest import REPO

from kit.ingest import lines

sys.path.insert(0, str(REPO / "train"))
import train_lines

MENU = ["Home", "World", "Sport", "Opinion", "Most read", "Sign in"]
FOOTER = ["About us", "Contact", "Privacy", "Terms", "© 2024 The Example Gazette"]


def fixture_page(number: int) -> train_lines.TrainingPage:
    """Return a small page written for the test: a menu, a body of sentences, a footer."""
    body = [
        f"Story {number}: the river rose by {number + 2} metres overnight, officials said on "
        "Sunday, and several roads near the old town were closed to traffic.",
        "Residents were asked to move their cars to higher ground before the evening.",
        f"The mayor said {number * 10} volunteers had filled sandbags since Friday.",
    ]
    page_lines = MENU + body + FOOTER
    extracted = "\n".join(body)
    return train_lines.TrainingPage(
        f"p{number}",
        page_lines,
        train_lines.label_lines(page_lines, extracted),
        with_passages=(body[0][:40], body[-1][-30:]),
        without_passages=("Most read", "Privacy"),
    )


def test_labels_follow_the_extractor_and_the_passages():
    page = fixture_page(1)
    assert page.labels == [0] * len(MENU) + [1, 1, 1] + [0] * len(FOOTER)
    relabelled = train_lines.label_lines(["Home", "Kept by the passage"], "", ["Kept by the"])
    assert relabelled == [0, 1]


def test_training_is_reproducible_and_the_table_round_trips():
    pytest.importorskip("sklearn", reason="training needs scikit-learn (the dev and train extras)")
    pages = [fixture_page(number) for number in range(6)]
    first = lines.model_table(train_lines.train(pages))
    second = lines.model_table(train_lines.train(pages))
    assert first == second
    model = lines.model_from_table(json.loads(json.dumps(first)))
    scores = model.scores(model.features(pages[0].lines))
    body = slice(len(MENU), len(MENU) + 3)
    assert scores[body].min() > np.delete(scores, np.r_[body]).max()


def test_the_shipped_table_matches_the_code_and_says_how_it_was_made():
    table = json.loads(lines.MODEL_PATH.read_text(encoding="utf-8"))
    model = lines.model_from_table(table)
    assert [row["name"] for row in table["features"]] == lines.feature_names()
    assert "train/train_lines.py" in table["about"] and table["training_pages"] > 500
    assert 0 < model.threshold < 1


def test_the_word_table_learns_which_words_stand_around_articles():
    pages = [fixture_page(number) for number in range(6)]
    table = train_lines.word_table(pages)
    assert table["privacy"] < 0 < table["residents"]
    assert train_lines.word_table(pages[:4]) == {}  # words on fewer than WORD_MIN_PAGES pages
    features = lines.line_features(["Privacy", "Residents left."], table)
    said = features[:, lines.feature_names().index("words_say_body")]
    assert said[0] < 0 < said[1]


def test_the_shipped_word_table_knows_prompts_from_reporting():
    table = lines.load_model().words
    assert table["newsletter"] < 0 < table["said"]
