"""Compare a story side by side: columns, differences, coverage, stories found by entities."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import kit
from kit.corpus.memory import Corpus
from kit.views import compare

KYIV, POST = "Kyiv Independent", "New York Post"
ATTACKS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def columns_of(html: str) -> dict[str, str]:
    """Return {outlet: the HTML of its column}."""
    parts = re.split(r'(?=<section class="kit-compare-column")', html)[1:]
    return {re.search(r'data-source="([^"]*)"', part).group(1): part for part in parts}


def assert_no_raw_attack(html: str) -> None:
    for attack in ATTACKS:
        assert attack not in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()


# ---- side by side ---------------------------------------------------------------------------
def test_side_by_side_shows_both_founding_articles_in_columns(seeds_corpus):
    html = compare.side_by_side(seeds_corpus)
    columns = columns_of(html)
    assert set(columns) == {KYIV, POST}
    for article in seeds_corpus.articles.itertuples():
        column = columns[article.source]
        assert f'data-doc-id="{article.doc_id}"' in column
        assert compare.escape(article.title) in column
    assert "21 February 2023" in html
    colors = kit.views.charts.outlet_colors(seeds_corpus)
    assert f"border-top:6px solid {colors[KYIV]}" in columns[KYIV]


def descriptor_marks(column: str) -> list[str]:
    """Return the text underlined as descriptors in a column, run pieces joined per title."""
    pieces: dict[str, str] = {}
    for title, inner in re.findall(r'<u class="kit-descriptor"[^>]*title="([^"]*)"[^>]*>(.*?)</u>',
                                   column):  # fmt: skip
        pieces[title] = pieces.get(title, "") + re.sub(r"<[^>]+>", "", inner)
    return list(pieces.values())


def test_descriptors_are_marked_in_their_own_column(seeds_corpus):
    columns = columns_of(compare.side_by_side(seeds_corpus))
    assert "Russian dictator" in descriptor_marks(columns[KYIV])
    assert "Russian President" in descriptor_marks(columns[POST])
    assert "Russian dictator" not in descriptor_marks(columns[POST])
    assert "Russian President" not in descriptor_marks(columns[KYIV])
    assert 'title="Vladimir Putin called “Russian dictator” (title)"' in columns[KYIV]


def entity_styles(column: str, entity: str) -> set[str]:
    marks = re.findall(
        rf'<mark class="kit-entity" data-entity="{re.escape(entity)}"[^>]*style="([^"]*)"', column
    )
    return set(marks)


def test_one_entity_has_one_colour_in_every_column(seeds_corpus):
    html = compare.side_by_side(seeds_corpus)
    columns = columns_of(html)
    for entity in ("Vladimir Putin", "Xi Jinping", "China"):
        kyiv, post = entity_styles(columns[KYIV], entity), entity_styles(columns[POST], entity)
        assert len(kyiv) == 1 and kyiv == post, entity
    assert entity_styles(columns[KYIV], "Vladimir Putin") != entity_styles(
        columns[KYIV], "Xi Jinping"
    )
    # Every mention is marked: as many marks (runs) as mentions at least.
    mentions = seeds_corpus.mentions
    n_kyiv = int((mentions["source"] == KYIV).sum())
    assert columns[KYIV].count('<mark class="kit-entity"') >= n_kyiv


def test_mentions_inside_quotes_nest_inside_the_quote(seeds_corpus):
    html = compare.side_by_side(seeds_corpus)
    # A quote that contains a mention: the mark sits inside the quote's span, tags never cross.
    assert re.search(r'<span class="kit-quote"[^>]*><mark class="kit-entity"', html)
    stack = []
    for closing, name in re.findall(r"<(/?)(mark|span|u|section|div|header)\b", html):
        if closing:
            assert stack and stack.pop() == name
        else:
            stack.append(name)
    assert not stack


def test_overlapping_spans_split_cleanly():
    text = "Putin said he would go."
    spans = pd.DataFrame(
        [
            {"layer": "quote", "start": 0, "end": 23, "entity": None, "title": "q"},
            {"layer": "quote", "start": 6, "end": 23, "entity": None, "title": "inner"},
            {"layer": "mention", "start": 0, "end": 5, "entity": "Putin", "title": "m"},
        ]
    )
    html = compare.marked_text(text, spans, {"Putin": "#E69F00"})
    assert re.sub(r"<[^>]+>", "", html) == text
    assert html.startswith('<span class="kit-quote" title="q"')
    assert 'title="inner"' in html


def test_side_by_side_by_story_and_doc_ids(seeds_corpus):
    first = seeds_corpus.articles["doc_id"].iloc[0]
    assert list(columns_of(compare.side_by_side(seeds_corpus, [first]))) == [
        seeds_corpus.articles["source"].iloc[0]
    ]
    with pytest.raises(ValueError, match="not in the corpus"):
        compare.side_by_side(seeds_corpus, story="no such story")
    with pytest.raises(ValueError, match="doc_id 'nope'"):
        compare.side_by_side(seeds_corpus, ["nope"])


# ---- differences ----------------------------------------------------------------------------
def cell(rows: pd.DataFrame, aspect: str, item: str, outlet: str) -> str | None:
    found = rows[(rows["aspect"] == aspect) & (rows["item"] == item)]
    return None if found.empty else found[outlet].iloc[0]


def test_differences_between_the_founding_pages(seeds_corpus):
    rows = compare.differences(seeds_corpus)
    assert list(rows.columns) == ["aspect", "item", KYIV, POST]
    for speaker in ("Anthony Blinken", "Dmytro Kuleba", "Volodymyr Zelensky"):
        assert cell(rows, "voices", speaker, KYIV) == ""
        assert cell(rows, "voices", speaker, POST).startswith("3 quotes")
    for source in ("TASS", "The Guardian"):
        assert cell(rows, "sources", source, KYIV) == "1 citation"
        assert cell(rows, "sources", source, POST) == ""
    assert cell(rows, "naming", "Vladimir Putin", KYIV) == "Russian dictator"
    assert cell(rows, "naming", "Vladimir Putin", POST) == "Russian President"
    assert cell(rows, "named", "Sergey Lavrov", POST) == ""
    # Shared items are left out unless asked for.
    assert cell(rows, "sources", "The Wall Street Journal", KYIV) is None
    shared = compare.differences(seeds_corpus, include_shared=True)
    assert cell(shared, "sources", "The Wall Street Journal", KYIV) != ""
    html = compare.differences_html(seeds_corpus)
    assert "Russian dictator" in html and "<table" in html


# ---- escaping -------------------------------------------------------------------------------
def attack_corpus() -> Corpus:
    """A tiny hand-made corpus whose every user string is an attack."""
    script, image = ATTACKS
    text = f"{script} said {image} was here."
    published = pd.Timestamp("2024-01-01", tz="UTC")
    articles = pd.DataFrame(
        [
            {"doc_id": "a", "source": script, "title": image, "published": published,
             "text": text, "n_words": 6, "story": image},
            {"doc_id": "b", "source": image, "title": script, "published": published,
             "text": text, "n_words": 6, "story": image},
        ]
    )  # fmt: skip
    mention = {"sent_id": 0, "start": 0, "end": len(script), "text": script, "entity": script,
               "label": "PERSON", "published": published}  # fmt: skip
    mentions = pd.DataFrame([{**mention, "doc_id": "a", "source": script}])
    descriptors = pd.DataFrame(
        [{"doc_id": "a", "entity": script, "descriptor": image, "source": script,
          "kind": image, "start": 0, "end": len(script)}]
    )  # fmt: skip
    quotes = pd.DataFrame(
        [{"doc_id": "b", "speaker": image, "text": image, "source": image, "kind": "direct",
          "n_words": 3, "start": 0, "end": len(text)}]
    )  # fmt: skip
    citations = pd.DataFrame(
        [{"doc_id": "b", "cited": script, "text": text, "source": image, "cue": image,
          "start": 5, "end": 12}]
    )  # fmt: skip
    empty = pd.DataFrame(columns=["doc_id"])
    return Corpus(articles=articles, dropped=empty, sentences=empty, mentions=mentions,
                  descriptors=descriptors, quotes=quotes, citations=citations)  # fmt: skip


def test_hand_made_attacks_are_always_escaped():
    corpus = attack_corpus()
    html = compare.side_by_side(corpus)
    assert_no_raw_attack(html)
    assert compare.escape(ATTACKS[0]) in html
    assert_no_raw_attack(compare.side_by_side(corpus, story=ATTACKS[1]))
    assert_no_raw_attack(compare.differences_html(corpus, include_shared=True))
    rows = compare.differences(corpus, include_shared=True)
    assert ATTACKS[0] in set(rows["item"])  # the frame keeps plain text; only HTML escapes


def test_loaded_attacks_are_always_escaped(tmp_path):
    script, image = ATTACKS
    body = (
        "President Joe Biden met President Emmanuel Macron of France in Paris on Friday to "
        "discuss trade, the war in Ukraine and climate policy. The two leaders spoke for an hour "
        "at the Elysee Palace, officials said, and agreed to meet again in the autumn."
    )
    records = [
        {"id": "x1", "outlet": "Daily Example", "title": script, "date": "2024-03-01",
         "text": f"{script} {body} {image} said nothing."},
        {"id": "x2", "outlet": "Example Times", "title": image, "date": "2024-03-01",
         "text": f"{body} Macron added that {script} was not on the agenda."},
    ]  # fmt: skip
    folder = tmp_path / "attacks"
    folder.mkdir()
    (folder / "feed.jsonl").write_text(
        "\n".join(json.dumps(record) for record in records), encoding="utf-8"
    )
    corpus = kit.load(folder, store=tmp_path / "store", progress=False)
    assert len(corpus.articles) == 2
    assert_no_raw_attack(compare.side_by_side(corpus))
    assert_no_raw_attack(compare.differences_html(corpus, include_shared=True))


# ---- stories and coverage -------------------------------------------------------------------
def hand_made_stories() -> tuple[pd.DataFrame, pd.DataFrame]:
    day = pd.Timestamp("2024-05-01", tz="UTC")
    articles = pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "a3", "b1", "b2", "c1", "late", "lone"],
            "source": ["P", "Q", "R", "P", "Q", "R", "P", "Q"],
            "published": [day, day + pd.Timedelta(days=1), day + pd.Timedelta(days=2),
                          day, day + pd.Timedelta(hours=5), day, day + pd.Timedelta(days=30),
                          pd.NaT],
        }
    )  # fmt: skip
    entities = {
        "a1": ["Ann", "Bob", "Acme"],
        "a2": ["Ann", "Bob"],
        "a3": ["Bob", "Acme", "Paris"],  # shares Bob+Acme with a1 (two days apart)
        "b1": ["Cat", "Dan"],
        "b2": ["Cat", "Dan", "Ann"],  # shares only Ann with a1: not enough
        "c1": ["Ann", "Eve"],  # one shared entity: a story of its own
        "late": ["Ann", "Bob"],  # same people a month later: another story
        "lone": ["Ann", "Bob"],  # undated: its own story
    }
    rows = [
        {"doc_id": doc_id, "entity": entity, "label": "PERSON"}
        for doc_id, names in entities.items()
        for entity in names
    ]
    return articles, pd.DataFrame(rows)


def test_find_stories_groups_shared_entities_within_days():
    articles, mentions = hand_made_stories()
    stories = compare.find_stories(articles, mentions, days=3, min_shared=2)
    story = dict(zip(articles["doc_id"], stories, strict=True))
    assert story["a1"] == story["a2"] == story["a3"]
    assert story["b1"] == story["b2"]
    assert len({story["a1"], story["b1"], story["c1"], story["late"], story["lone"]}) == 5
    assert stories.index.equals(articles.index)
    # Two days apart is too far for a 1.5-day window (a2 shares only Bob with a3).
    narrow = compare.find_stories(articles, mentions, days=1.5, min_shared=2)
    narrow_story = dict(zip(articles["doc_id"], narrow, strict=True))
    assert narrow_story["a1"] == narrow_story["a2"] != narrow_story["a3"]
    # No two articles share three entities.
    strict = compare.find_stories(articles, mentions, days=3, min_shared=3)
    assert strict.nunique() == len(articles)
    # Numbered by first article: the earliest story (a1, b1 and c1 tie on date) is story-001.
    assert sorted(stories.unique())[0] == "story-001"
    assert stories.iloc[-1] == f"story-{stories.nunique():03d}"  # undated last


def test_coverage_matrix_of_basil(basil_dir, store_dir):
    corpus = kit.load(basil_dir, store=store_dir, progress=False)
    matrix = compare.coverage_matrix(corpus)
    assert matrix["source"].nunique() == 3
    assert matrix["story"].nunique() == 100
    assert len(matrix) == 300
    assert matrix["covered"].all() and not matrix["blind_spot"].any()
    grid = compare.coverage_table(matrix)
    assert grid.shape == (3, 100) and (grid > 0).all().all()
    spots = compare.blind_spots(matrix)
    assert spots["blind_spots"].tolist() == [0, 0, 0]
    assert spots["stories_covered"].tolist() == [100, 100, 100]
    firsts = compare.first_reports(matrix)
    assert len(firsts) == 100 and firsts["first_outlet"].notna().all()
    assert spots["first_to_report"].sum() == matrix["is_first"].sum() >= 100
    figure = kit.views.charts.coverage_chart(matrix)
    heatmap = figure.data[0]
    assert len(heatmap.y) == 3 and len(heatmap.x) == 100


def test_coverage_matrix_finds_blind_spots_and_stories():
    articles, mentions = hand_made_stories()
    articles = articles.assign(text="", n_words=1, title="t", story=None)
    mentions = mentions.assign(
        source=mentions["doc_id"].map(articles.set_index("doc_id")["source"])
    )
    empty = pd.DataFrame(columns=["doc_id"])
    corpus = Corpus(articles=articles, dropped=empty, sentences=empty, mentions=mentions)
    matrix = compare.coverage_matrix(corpus)
    assert matrix["story"].str.startswith("found story-").all()
    found = compare.find_stories(articles, mentions)
    a_story = "found " + found.iloc[0]
    row = matrix[(matrix["story"] == a_story)].set_index("source")
    assert row["articles"].to_dict() == {"P": 1, "Q": 1, "R": 1}
    assert row["first_outlet"].iloc[0] == "P"
    b_story = "found " + found.iloc[3]
    spots = compare.blind_spots(matrix).set_index("source")
    assert b_story in spots.loc["R", "missed_stories"]
    assert b_story not in spots.loc["P", "missed_stories"]
    figure = kit.views.charts.coverage_chart(matrix, title="<b>x</b>")
    assert "<b>" not in figure.layout.title.text
