"""The media-literacy lesson: students label the stance of sentences, then compare.

``lesson_items(corpus)`` picks sentences naming someone, spread across outlets. A student labels
each one (negative, neutral, positive) in ``Labeller``; every answer is appended to the
student's CSV and flushed to disk at once, so a kernel restart loses nothing and the widget
reopens at the first unanswered sentence. ``comparison(items, answers, classmates)`` then puts
the student's label beside the machine's and the class's.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kit.errors import ArgumentError
from kit.views import html as kit_html

LABELS = ("negative", "neutral", "positive")
ANSWER_COLUMNS = ["student", "item", "entity", "label", "answered_at"]
ITEM_COLUMNS = ["item", "doc_id", "sent_id", "entity", "source", "sentence", "start", "end"]
MACHINE_CAVEAT = (
    "The machine's labels are guesses. On news sentences like these, the best published systems "
    "agree with careful human readers about 4 times in 5, and simpler methods far less often. "
    "Where you and the machine disagree, the machine is at least as likely to be wrong."
)


def lesson_items(corpus: Any, *, n: int = 12, seed: int = 0) -> pd.DataFrame:
    """Return up to ``n`` sentences to label, each about one named actor, spread across outlets.

    Columns: item (a stable id), doc_id, sent_id, entity, source, sentence, start, end (the
    mention inside ``sentence``), machine (the machine's stance label).
    """
    stance = corpus.stance
    if stance.empty:
        return pd.DataFrame(columns=[*ITEM_COLUMNS, "machine"])
    people = corpus.mentions.loc[corpus.mentions["label"].isin(["PERSON", "ORG", "GPE"]), "entity"]
    rows = stance[stance["entity"].isin(set(people))] if len(people) else stance
    rows = rows.drop_duplicates(["doc_id", "sent_id"]).sample(frac=1.0, random_state=seed)
    # Round-robin over outlets so that every outlet gets its turn.
    rows = rows.assign(turn=rows.groupby("source").cumcount()).sort_values(
        ["turn", "source"], kind="stable"
    )
    rows = rows.head(n).rename(columns={"label": "machine"})
    keys = zip(rows["doc_id"], rows["sent_id"], rows["entity"], strict=True)
    rows = rows.assign(item=[f"{doc}:{sent}:{entity}" for doc, sent, entity in keys])
    return rows[[*ITEM_COLUMNS, "machine"]].reset_index(drop=True)


def load_answers(path: str | Path) -> pd.DataFrame:
    """Return the answers saved at ``path`` (the last answer per item wins); empty if none."""
    path = Path(path).expanduser()
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    answers = pd.read_csv(path, dtype=str, keep_default_na=False)
    return answers.drop_duplicates(["student", "item"], keep="last").reset_index(drop=True)


def save_answer(path: str | Path, answer: Mapping[str, Any]) -> Path:
    """Append one answer to the CSV at ``path`` and flush it to disk; return the path."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    if answer.get("label") not in LABELS:
        raise ArgumentError(f"answer label {answer.get('label')!r}; use one of {', '.join(LABELS)}")
    row = pd.DataFrame([{column: answer.get(column, "") for column in ANSWER_COLUMNS}])
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as handle:
        row.to_csv(handle, header=new, index=False)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def class_answers(folder: str | Path) -> pd.DataFrame:
    """Return every student's answers from the CSVs in ``folder`` (one file per student)."""
    files = sorted(Path(folder).expanduser().glob("*.csv"))
    frames = [load_answers(path) for path in files]
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    return pd.concat(frames, ignore_index=True).drop_duplicates(["student", "item"], keep="last")


def comparison(
    items: pd.DataFrame, answers: pd.DataFrame, classmates: pd.DataFrame
) -> pd.DataFrame:
    """Return, per item: the sentence, your label, the machine's, and the class's counts.

    Columns: item, entity, source, sentence, yours, machine, class_negative, class_neutral,
    class_positive, class_majority, you_agree_with_machine.
    """
    yours = answers.set_index("item")["label"] if len(answers) else pd.Series(dtype=str)
    table = items[["item", "entity", "source", "sentence", "machine"]].copy()
    table["yours"] = table["item"].map(yours).fillna("")
    counts = (
        classmates.groupby(["item", "label"]).size().unstack(fill_value=0)
        if len(classmates)
        else pd.DataFrame()
    )
    for label in LABELS:
        column = counts[label] if label in counts else pd.Series(dtype=int)
        table[f"class_{label}"] = table["item"].map(column).fillna(0).astype(int)
    class_columns = [f"class_{label}" for label in LABELS]
    majority = table[class_columns].idxmax(axis=1).str.removeprefix("class_")
    table["class_majority"] = majority.where(table[class_columns].sum(axis=1) > 0, "")
    table["you_agree_with_machine"] = (table["yours"] == table["machine"]) & (table["yours"] != "")
    columns = ["item", "entity", "source", "sentence", "yours", "machine", *class_columns]
    return table[[*columns, "class_majority", "you_agree_with_machine"]]


def item_html(item: Mapping[str, Any], position: int, total: int) -> kit_html.Html:
    """Return one sentence to label, the actor marked, with its outlet and place in the list."""
    sentence = kit_html.highlight(item["sentence"], int(item["start"]), int(item["end"]))
    heading = kit_html.note(
        f"Sentence {position} of {total}, from {item['source']}. "
        f"How does it portray {item['entity']}?"
    )
    return kit_html.block(heading, kit_html.quotation(sentence))


class Labeller:
    """The labelling widget: one sentence at a time, three buttons, answers saved as you go."""

    def __init__(self, items: pd.DataFrame, answers_path: str | Path, *, student: str) -> None:
        import ipywidgets as widgets

        self.items = items.reset_index(drop=True)
        self.answers_path = Path(answers_path).expanduser()
        self.student = student
        self.sentence = widgets.HTML()
        self.progress = widgets.HTML()
        self.buttons = [
            widgets.Button(description=label.capitalize(), tooltip=f"Label it {label}")
            for label in LABELS
        ]
        for button, label in zip(self.buttons, LABELS, strict=True):
            button.on_click(lambda _button, label=label: self.answer(label))
        self.widget = widgets.VBox(
            [self.sentence, widgets.HBox(self.buttons), self.progress],
            layout=widgets.Layout(max_width="800px"),
        )
        self._show()

    def answers(self) -> pd.DataFrame:
        """Return this student's saved answers (read back from the CSV)."""
        saved = load_answers(self.answers_path)
        return saved[saved["student"] == self.student].reset_index(drop=True)

    def current(self) -> int | None:
        """Return the position of the first unanswered sentence (None when all are done)."""
        done = set(self.answers()["item"])
        for position, item in enumerate(self.items["item"]):
            if item not in done:
                return position
        return None

    def answer(self, label: str) -> None:
        """Save ``label`` for the current sentence and move on to the next."""
        position = self.current()
        if position is None:
            return
        item = self.items.iloc[position]
        save_answer(
            self.answers_path,
            {
                "student": self.student,
                "item": item["item"],
                "entity": item["entity"],
                "label": label,
                "answered_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
        )
        self._show()

    def _show(self) -> None:
        position = self.current()
        total = len(self.items)
        for button in self.buttons:
            button.disabled = position is None
        if position is None:
            self.sentence.value = kit_html.note("All done: run the next cell to compare.")
        else:
            self.sentence.value = item_html(self.items.iloc[position], position + 1, total)
        answered = len(set(self.answers()["item"]) & set(self.items["item"]))
        self.progress.value = kit_html.note(
            f"{answered} of {total} answered; saved to {self.answers_path}"
        )

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def labeller(items: pd.DataFrame, answers_path: str | Path, *, student: str) -> Labeller:
    """Return the labelling widget over ``items``, saving to ``answers_path`` as ``student``."""
    return Labeller(items, answers_path, student=student)


def reveal_chart(table: pd.DataFrame) -> Any:
    """Return a chart of where you, the class and the machine agree, one row per sentence.

    ``table`` is :func:`comparison`'s. Each sentence is a row; the x axis is the label
    (negative, neutral, positive); a filled circle is your label, a diamond the machine's and
    a grey bar the share of the class that chose each label. Where all three sit together,
    you agreed; where they spread, read the sentence again.
    """
    import plotly.graph_objects as go

    from kit.views.html import hover_safe

    rows = [f"{position + 1}. {hover_safe(entity)}" for position, entity in
            enumerate(table["entity"])]  # fmt: skip
    class_columns = [f"class_{label}" for label in LABELS]
    totals = table[class_columns].sum(axis=1).replace(0, 1)
    figure = go.Figure()
    for offset, label in enumerate(LABELS):
        share = (table[f"class_{label}"] / totals).to_numpy(dtype=float)
        figure.add_trace(
            go.Scatter(
                x=[label] * len(table),
                y=rows,
                mode="markers",
                marker={"symbol": "square", "size": 6 + 28 * share, "color": "#bbbbbb"},
                name="the class" if offset == 0 else None,
                showlegend=offset == 0,
                legendgroup="class",
                customdata=table[f"class_{label}"].to_numpy(),
                hovertemplate="%{y}<br>" + label + ": %{customdata} classmate(s)<extra></extra>",
            )
        )
    markers = (
        ("yours", "you", "circle", "#1f77b4"),
        ("machine", "the machine", "diamond-open", "#d62728"),
    )
    for column, name, symbol, color in markers:
        chosen = table[column].where(table[column].isin(LABELS))
        figure.add_trace(
            go.Scatter(
                x=chosen.tolist(),
                y=rows,
                mode="markers",
                marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2}},
                name=name,
                hovertemplate="%{y}<br>" + name + ": %{x}<extra></extra>",
            )
        )
    agree = int(table["you_agree_with_machine"].sum())
    answered = int((table["yours"] != "").sum())
    figure.update_layout(
        title={"text": "You, the class and the machine",
               "subtitle": {"text": f"You agreed with the machine on {agree} of {answered} "
                                    "sentences you labelled. Grey squares: how many classmates "
                                    "chose each label."}},
        xaxis={"categoryorder": "array", "categoryarray": list(LABELS), "title": {"text": "Label"}},
        yaxis={"autorange": "reversed", "title": {"text": "Sentence"}},
        height=int(min(1200, 160 + 32 * max(1, len(table)))),
        margin={"t": 100},
    )  # fmt: skip
    return figure
