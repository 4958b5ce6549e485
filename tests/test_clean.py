"""Cleaning keeps every body sentence and records every line it drops, with a reason."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPO

from kit.clean import clean_documents, clean_page, count_words, repeated_lines

# Line numbers of the article body in the bundled pages, read by a person: every other
# non-empty line is navigation, a prompt, a caption, a credit, a signature or a feed.
BODY_LINES = {
    "000_626c3d33b069517d": [3, 5, 7, 9, 11, 13, 15, 21, 23, 25, 27, 35, 37, 39, 41, 43, 45],
    "002_6a9f5d0f86e23afe": [12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32],
}


def page_lines(doc_id: str) -> list[str]:
    return (REPO / "data" / f"{doc_id}.txt").read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("doc_id", sorted(BODY_LINES))
def test_seed_pages_keep_the_body_and_only_the_body(doc_id):
    lines = page_lines(doc_id)
    text, dropped, _ = clean_page("\n".join(lines))
    body = [lines[number - 1].strip() for number in BODY_LINES[doc_id]]
    assert text.split("\n\n") == body
    dropped_numbers = {row["line_no"] for row in dropped}
    filled = {number for number, line in enumerate(lines, start=1) if line.strip()}
    assert dropped_numbers == filled - set(BODY_LINES[doc_id])
    assert all(row["reason"] for row in dropped)


def test_seed_pages_drop_for_the_right_reasons():
    _, post_dropped, _ = clean_page("\n".join(page_lines("000_626c3d33b069517d")))
    reasons = {row["line_no"]: row["reason"] for row in post_dropped}
    assert reasons[19] == "photo credit"
    assert reasons[18].startswith("photo caption")
    assert reasons[47] == "signature"
    _, kyiv_dropped, _ = clean_page("\n".join(page_lines("002_6a9f5d0f86e23afe")))
    reasons = {row["line_no"]: row["reason"] for row in kyiv_dropped}
    assert reasons[8].startswith("byline")
    assert reasons[9] == "photo caption"
    assert reasons[10] == "prompt or navigation"
    assert reasons[51].startswith("after the article's end")  # the 2025 "News Feed" item


def test_headline_and_byline_are_read_from_the_page():
    _, _, header = clean_page("\n".join(page_lines("002_6a9f5d0f86e23afe")))
    assert header.author == "Dinara Khalilova"
    assert header.published == "February 21, 2023 7:00 PM"
    assert header.title.startswith("WSJ:")


def test_a_prompt_inside_the_body_drops_only_itself():
    raw = "First sentence here.\nSign up for our newsletter.\nSecond sentence here."
    text, dropped, _ = clean_page(raw)
    assert text == "First sentence here.\n\nSecond sentence here."
    assert [row["line_no"] for row in dropped] == [2]


def test_a_footer_marker_ends_the_article():
    raw = "The body.\nRelated articles\nAn unrelated story ran today."
    text, dropped, _ = clean_page(raw)
    assert text == "The body."
    assert all(row["reason"].startswith("after the article's end") for row in dropped)


def test_lines_repeated_across_an_outlets_pages_are_boilerplate():
    pages = [f"Story number {n} is here.\nRead our free daily briefing today." for n in range(6)]
    documents = pd.DataFrame(
        {
            "doc_id": [f"d{n}" for n in range(6)],
            "source": ["Outlet"] * 6,
            "raw_text": pages,
            "title": [None] * 6,
            "published": [pd.NaT] * 6,
        }
    )
    assert repeated_lines(documents) == {("Outlet", "Read our free daily briefing today.")}
    articles, dropped, problems = clean_documents(documents)
    assert articles["text"].tolist() == [f"Story number {n} is here." for n in range(6)]
    assert set(dropped["reason"]) == {"repeated on many pages of this outlet"}
    assert problems == []


def test_an_article_with_nothing_left_is_a_problem_not_a_silent_drop():
    documents = pd.DataFrame(
        {"doc_id": ["d"], "source": ["X"], "raw_text": ["Subscribe\nSkip to content"],
         "title": [None], "published": [pd.NaT], "path": ["feed.jsonl"], "line": [3]}
    )  # fmt: skip
    articles, dropped, problems = clean_documents(documents)
    assert articles.empty
    assert len(dropped) == 2
    assert "feed.jsonl" in problems[0]["reason"] and problems[0]["line"] == 3


def test_count_words():
    assert count_words("Russia’s war, one-year mark: 34% in 2022.") == 7


def test_a_long_paragraph_is_body_even_with_prompt_words_or_between_credits():
    paragraph = (
        "Thousands signed up for the march, organisers said, and the city closed the main "
        "avenue for the day while volunteers handed out water, maps and leaflets to families "
        "who had travelled from across the region to take part in what they called a peaceful "
        "protest."
    )
    credit = "Photo by A. Smith/Getty Images"
    raw = f"{paragraph}\n{credit}\n{paragraph}\n{credit}"
    text, dropped, _ = clean_page(raw)
    assert text == f"{paragraph}\n\n{paragraph}"
    assert [row["reason"] for row in dropped] == ["photo credit", "photo credit"]
