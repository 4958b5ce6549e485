"""The lesson's labelling: answers saved as they are given, reloaded after a restart, compared."""

from __future__ import annotations

import pandas as pd
import pytest

from kit.views import lesson


@pytest.fixture
def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": ["a:0:Putin", "a:1:Xi", "b:0:Putin"],
            "doc_id": ["a", "a", "b"],
            "sent_id": [0, 1, 0],
            "entity": ["Putin", "Xi", "Putin"],
            "source": ["Post", "<b>Kyiv</b>", "Post"],
            "sentence": ["Putin lied <script>x</script>.", "Xi smiled.", "Putin spoke."],
            "start": [0, 0, 0],
            "end": [5, 2, 5],
            "machine": ["negative", "positive", "neutral"],
        }
    )


def test_each_answer_is_on_disk_at_once_and_a_restart_resumes(items, tmp_path):
    path = tmp_path / "answers" / "ana.csv"
    board = lesson.labeller(items, path, student="ana")
    assert board.current() == 0
    board.buttons[0].click()  # negative, through the widget's own button
    assert lesson.load_answers(path)["label"].tolist() == ["negative"]  # no save step needed
    board.answer("neutral")
    restarted = lesson.labeller(items, path, student="ana")  # a new kernel, the same file
    assert restarted.current() == 2
    assert restarted.answers()["label"].tolist() == ["negative", "neutral"]
    restarted.answer("positive")
    assert restarted.current() is None and all(button.disabled for button in restarted.buttons)


def test_the_sentence_is_escaped_with_the_actor_marked(items, tmp_path):
    board = lesson.labeller(items, tmp_path / "a.csv", student="ana")
    shown = board.sentence.value
    assert "<mark>Putin</mark>" in shown and "&lt;script&gt;" in shown and "<script>" not in shown
    board.answer("neutral")
    assert "&lt;b&gt;Kyiv&lt;/b&gt;" in board.sentence.value


def test_comparison_puts_yours_beside_the_machine_and_the_class(items, tmp_path):
    for student, labels in {
        "ana": ["negative", "neutral"],
        "ben": ["negative", "positive"],
    }.items():
        for item, label in zip(items["item"], labels, strict=False):
            lesson.save_answer(tmp_path / f"{student}.csv", {"student": student, "item": item,
                                                              "label": label})  # fmt: skip
    mine = lesson.load_answers(tmp_path / "ana.csv")
    table = lesson.comparison(items, mine, lesson.class_answers(tmp_path)).set_index("item")
    assert table.loc["a:0:Putin", "yours"] == "negative"
    assert bool(table.loc["a:0:Putin", "you_agree_with_machine"])
    assert table.loc["a:0:Putin", "class_negative"] == 2
    assert table.loc["a:1:Xi", "class_majority"] in ("neutral", "positive")
    assert table.loc["b:0:Putin", "yours"] == "" and table.loc["b:0:Putin", "class_majority"] == ""


def test_reveal_chart_places_you_the_machine_and_the_class(items, tmp_path):
    for student, labels in {
        "ana": ["negative", "neutral"],
        "ben": ["negative", "positive"],
    }.items():
        for item, label in zip(items["item"], labels, strict=False):
            lesson.save_answer(tmp_path / f"{student}.csv", {"student": student, "item": item,
                                                              "label": label})  # fmt: skip
    mine = lesson.load_answers(tmp_path / "ana.csv")
    table = lesson.comparison(items, mine, lesson.class_answers(tmp_path))
    figure = lesson.reveal_chart(table)
    by_name = {trace.name: trace for trace in figure.data if trace.name}
    assert list(by_name["you"].x[:2]) == ["negative", "neutral"]
    assert list(by_name["the machine"].x) == table["machine"].tolist()
    negative_class = figure.data[0]  # the class's squares for "negative"
    assert list(negative_class.customdata[:2]) == [2, 0]
    agree = int(table["you_agree_with_machine"].sum())
    assert f"on {agree} of 2 sentences" in figure.layout.title.subtitle.text


def test_a_bad_label_is_refused(tmp_path):
    with pytest.raises(ValueError, match="use one of negative, neutral, positive"):
        lesson.save_answer(tmp_path / "x.csv", {"student": "a", "item": "i", "label": "angry"})


def test_lesson_items_from_the_founding_pages_cover_both_outlets():
    import kit

    items = lesson.lesson_items(kit.load(progress=False), n=6)
    assert len(items) == 6
    assert items["source"].nunique() == 2
    assert set(items["machine"]) <= set(lesson.LABELS)
    for row in items.itertuples():
        assert row.sentence[row.start : row.end]  # the mark falls on the actor's name
