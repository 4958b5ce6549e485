"""Where the article body is on a page saved as text: the line model's scores, read as lines
kept and dropped.

``kit.ingest.clean`` asks this module which lines the model drops (``model_reasons``), where a
box of related links ends (``box_end``) and which non-sentences at the body's edges go
(``trim_edges``; a list that the body announces with a colon stays, ``announced_items``); the line
model itself (features, weights) is ``kit.ingest.lines``.

>>> is_sentence("It rained."), is_sentence("Most Popular"), count_words("Xi’s visit, 21 Feb.")
(True, False, 4)
"""

from __future__ import annotations

import re

import numpy as np

from kit.ingest import lines as line_model

TERMINAL = tuple(".!?…:;\"”’')]」』）" + line_model.SENTENCE_END)
WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*")


def count_words(text: str) -> int:
    """Return the number of words in ``text``.

    >>> count_words("Xi’s visit, 21 Feb.")
    4
    """
    return len(WORD.findall(text))


def is_sentence(line: str) -> bool:
    """Return True when ``line`` ends like a sentence (closing punctuation or quote)."""
    return line.rstrip().endswith(TERMINAL) and not line.rstrip().endswith(("—", "–"))


# How the audit names a line the model drops (its score and strongest features follow).
MODEL_REASON = "not article body by its shape"
# A page of fewer lines than this is read by the rules alone: too little context for the model.
MODEL_MIN_LINES = 8
# A line that is not a sentence is still body when the model is at least this sure of it
# (chosen on the training pages of train/train_lines.py, with the founding pages exact).
SURE_OF_BODY = 0.8
# ... and so is a line of this many words: a paragraph whose end the page lost (a link, an
# emoji, a cut), not a headline or a label (chosen on the training pages of train_lines.py).
EDGE_WORDS = 30
# Above the body's first sentence, fewer: a news page's standfirst, the story in one line, seldom
# ends with a full stop ("Northward is a Category C prison, yet half its inmates are Category B").
# On extraction-dev's 151 English pages 15 did best (as a cut that stopped the trim, 30, 20, 15,
# 12, 10 gave F1 0.915, 0.913, 0.915, 0.914, 0.914, recall 0.945 to 0.951; on cross-validated
# scores of the English training pages 15, 20 and 25 with this rule gave 0.884, 0.882, 0.884).
LEAD_WORDS = 15
TITLE_CASE = 0.7  # German capitalises its nouns: half of a sentence's long words, not most


# On a page where the model is sure of no line (its best score is below this: an unusual
# layout, a short page), the threshold falls in proportion, so that the page keeps its likeliest
# lines rather than nothing.
CONFIDENT = 0.9
# After the last line the model keeps, the body runs on to the last sentence within this many
# lines: the model learned that a page's last lines are rarely body, which drops the closing
# turns of a transcript or a list that ends an article (prompts and footers are rules' work).
# Likewise before the first line it keeps, back to a sentence as close: a lead paragraph the
# model doubts, set apart from the body by a picture or a byline.
END_LINES = 6
# ... a sentence the model scores at least this share of its threshold.
END_SCORE = 0.5
# A list that a body line announces ("I'll sum them up:") is body: up to LIST_LINES list items
# (``kit.ingest.lines.BULLET``) of at least LIST_WORDS words, not labels ("* Author: Jane Roe").
LIST_LINES = 20
LIST_WORDS = 3
LIST_LABEL = re.compile(r"^\W*[^\W\d_][\w'’-]*(?: [\w'’-]+)?\s*:")


# A box of links ends at the first sentence of this many words that the model scores at least
# RESUME_SCORE, within BOX_LINES lines of its marker; with none there, the marker ends the article.
RESUME_WORDS = 10
RESUME_SCORE = 0.4
BOX_LINES = 20  # 12 lost a story that resumes below three teasers with bylines
# Below the other footer markers ("Most Read", "Comments"), which more often end the article,
# this many such sentences in a row, each scored at least this (0.8 and 0.9 gave the same
# figures on extraction-dev; 0.7 lost precision on its training pages).
FOOTER_RESUME_LINES = 2
FOOTER_RESUME_SCORE = 0.85


def box_end(
    lines: list[str],
    filled: list[int],
    marker: int,
    body_score: dict[int, float],
    *,
    footer: bool = False,
) -> int | None:
    """Return the line where the body goes on below a box of links, or None if it does not:
    the first body sentence within ``BOX_LINES`` (or the first of the sentences just above it
    that the model half believes).

    Below a ``footer`` marker the body goes on only at ``FOOTER_RESUME_LINES`` such sentences
    in a row that the model is ``FOOTER_RESUME_SCORE`` sure of.
    """
    after = [i for i in filled if i > marker]

    def body_sentence(j: int, score: float) -> bool:
        return (
            is_sentence(lines[j].strip())
            and line_model.line_words(lines[j]) >= RESUME_WORDS
            and body_score.get(j, 0.0) >= score
        )

    for position in range(min(BOX_LINES, len(after))):
        run = after[position : position + (FOOTER_RESUME_LINES if footer else 1)]
        if all(body_sentence(j, FOOTER_RESUME_SCORE if footer else RESUME_SCORE) for j in run):
            # The body goes on from the sentences just above, which the model half believes.
            while position > 0 and body_sentence(after[position - 1], RESUME_SCORE):
                position -= 1
            return after[position]
    return None


def trim_edges(
    lines: list[str], filled: list[int], reasons: dict[int, str], body_score: dict[int, float]
) -> None:
    """Drop the lines that are not sentences before the body's first and after its last one.

    A related-article link or a label next to the body looks like body to the model; a heading
    or list inside the body is protected by the sentences around it. A line the model is sure
    of (``SURE_OF_BODY``) stays, and so does a paragraph (``EDGE_WORDS``) that does not end like
    a sentence, and the items of a list that the body announces (``announced_items``). Above the
    body a standfirst (``is_standfirst``) stays too, and the labels below it still go.
    """
    kept = [i for i in filled if i not in reasons]
    listed = {kept[position] for position in announced_items([lines[i] for i in kept])}
    for order, where_ in ((kept, "before the body's first"), (kept[::-1], "after the body's last")):
        for i in order:
            if (
                i in listed
                or is_sentence(lines[i])
                or body_score.get(i, 0.0) >= SURE_OF_BODY
                or count_words(lines[i]) >= EDGE_WORDS
            ):
                break
            if order is kept and is_standfirst(lines[i]):
                continue  # it stays; the labels between it and the body go on
            reasons[i] = f"not a sentence, {where_} sentence (headline, link or label)"


def is_standfirst(line: str) -> bool:
    """Return True for a line that may be a standfirst: ``LEAD_WORDS`` words or more, not in
    title case (``TITLE_CASE`` of its words of four letters or more capitalised: a headline).

    >>> is_standfirst("The jail holds many Category B men, yet was built for Category C ones only")
    True
    >>> is_standfirst("Vessel With 475 Pounds of Cocaine Intercepted by Federal Agents, CBP Says")
    False
    """
    words = WORD.findall(line)
    long_words = [word for word in words if len(word) > 3]
    capitalised = sum(word[0].isupper() for word in long_words)
    return len(words) >= LEAD_WORDS and capitalised < TITLE_CASE * len(long_words)


def is_list_item(line: str, *, marked: bool = True) -> bool:
    """Return True for an item of a list that says something (not a link or a label); on a
    page whose rendering ``marked`` no list item ("* ", "1. "), any line may be one.

    >>> [is_list_item(line) for line in ("* Tuples save memory", "* Home", "- Author: Jo Li")]
    [True, False, False]
    """
    match = line_model.BULLET.match(line)
    return (
        (match is not None or not marked)
        and count_words(line) >= LIST_WORDS
        and not LIST_LABEL.match(line[match.end() :] if match else line)
    )


def announced_items(page_lines: list[str], kept: np.ndarray | None = None) -> list[int]:
    """Return the positions of the list items that a ``kept`` line ending with ":" announces:
    the run of items right below it, at most ``LIST_LINES`` (default: every line is kept).

    >>> announced_items(["We found three things:", "* Tuples save memory",
    ...     "* Slots save more of it", "* Author: Jo Li", "* Maps are fast here"])
    [1, 2]
    >>> announced_items(["We found two things:", "Tuples save memory", "Slots save more"])
    [1, 2]
    """
    items: list[int] = []
    run = -1  # items since the announcing line; -1: not in a list
    marked = any(line_model.BULLET.match(line) for line in page_lines)
    for position, line in enumerate(page_lines):
        if run >= 0 and run < LIST_LINES and is_list_item(line, marked=marked):
            items.append(position)
            run += 1
            continue
        announces = line.rstrip().endswith(":") and (kept is None or bool(kept[position]))
        run = 0 if announces else -1
    return items


def model_reasons(
    lines: list[str],
    filled: list[int],
    reasons: dict[int, str],
    model: line_model.LineModel | None,
) -> dict[int, float]:
    """Drop the lines the line model scores below its threshold; return every line's score."""
    if len(filled) < MODEL_MIN_LINES:
        return {}
    model = model or line_model.load_model()
    page_lines = [lines[i].strip() for i in filled]
    features = model.features(page_lines)
    scores = model.scores(features)
    threshold = model.threshold * min(1.0, float(scores.max()) / CONFIDENT)
    below = scores < threshold
    extend_ends(below, page_lines, scores >= END_SCORE * threshold)
    below[announced_items(page_lines, ~below)] = False
    # Only the lines no rule has named yet (a headline, a byline) need the model's reason.
    low = [position for position, i in enumerate(filled) if below[position] and i not in reasons]
    strongest = line_model.strongest_features(features[low], model) if low else []
    for position, features_down in zip(low, strongest, strict=True):
        i = filled[position]
        why = ", ".join(line_model.describe(name, weight) for name, weight in features_down)
        reasons[i] = f"{MODEL_REASON} (score {scores[position]:.2f} < {threshold:.2f}; {why})"
    return {i: float(scores[position]) for position, i in enumerate(filled)}


def extend_ends(below: np.ndarray, page_lines: list[str], likely: np.ndarray) -> None:
    """Mark as body the lines between the model's last kept line and a close sentence after it
    that is ``likely`` body, and between the first kept line and such a sentence before it."""
    kept = np.flatnonzero(~below)
    if not len(kept):
        return
    first, last = int(kept[0]), int(kept[-1])
    if is_sentence(page_lines[last]):
        after = range(last + 1, min(last + 1 + END_LINES, len(page_lines)))
        sentences = [at for at in after if likely[at] and is_sentence(page_lines[at])]
        if sentences:
            below[last + 1 : sentences[-1] + 1] = False
    if is_sentence(page_lines[first]):
        before = range(max(first - END_LINES, 0), first)
        sentences = [at for at in before if likely[at] and is_sentence(page_lines[at])]
        if sentences:
            below[sentences[0] : first] = False
