"""A lazy corpus over the store answers as the in-memory one does, on an allsides slice."""

from __future__ import annotations

import itertools
import shutil

import duckdb
import pandas as pd
import pytest

import kit
from kit.corpus.lazy import LazyCorpus
from kit.errors import KitError
from kit.views.explorer import Dashboard

pytestmark = pytest.mark.slow
SORT_KEYS = ("doc_id", "start", "sent_id", "line_no")


@pytest.fixture(scope="module")
def store(allsides_dir, tmp_path_factory):
    """An allsides slice (120 + 40 articles from both files) loaded into a store of its own."""
    folder = tmp_path_factory.mktemp("allsides_slice")
    for name, count in (("random_sample_2000.jsonl", 120),
                        ("story_triplets_topic_date_LCR.jsonl", 40)):  # fmt: skip
        with open(allsides_dir / name, encoding="utf-8") as lines:
            (folder / name).write_text("".join(itertools.islice(lines, count)), encoding="utf-8")
    store = tmp_path_factory.mktemp("store")
    memory = kit.load(folder, store=store, progress=False)
    return store, memory


@pytest.fixture(scope="module")
def memory(store):
    return store[1]


@pytest.fixture(scope="module")
def lazy(store) -> LazyCorpus:
    return kit.load(store[0], lazy=True)


def same(expected: pd.DataFrame, found: pd.DataFrame, *, sort: bool = False) -> None:
    if sort:
        keys = [key for key in SORT_KEYS if key in expected.columns]
        expected = expected.sort_values(keys, ignore_index=True)
        found = found[expected.columns].sort_values(keys, ignore_index=True)
    expected, found = expected.reset_index(drop=True), found.reset_index(drop=True)
    # Text columns hold a missing value as NaN or None depending on their dtype.
    text = [
        column
        for column in expected.columns
        if expected[column].dtype.kind in "OT" or str(expected[column].dtype) == "str"
    ]
    for frame in (expected, found):
        frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    pd.testing.assert_frame_equal(expected, found, check_dtype=False)


def selections(memory) -> list[dict]:
    top = memory.top_entities(3)["entity"].tolist()
    outlets = memory.mentions["source"].value_counts().index[:3].tolist()
    return [
        {},
        {"entity": top[0]},
        {"entity": top[:2], "source": outlets},
        {"source": outlets, "start": "2016-01-01", "end": "2018-12-31"},  # whole days
        {"source": outlets[0], "start": "2016-01-04", "end": "2018-12-30"},  # whole weeks
        {"start": "2015-06-01 12:30"},  # not a whole day: counted from the mentions
        {"label": "PERSON"},
        {"label": ["ORG", "GPE"], "end": "2017-07-01"},
    ]


def test_the_store_read_without_the_kit_gives_the_corpus_rows(store):
    root, memory = store
    counted = duckdb.sql(f"select count(*) from '{root}/mentions/**/*.parquet'").fetchall()
    assert counted[0][0] == len(memory.mentions) > 5000
    for name in ("mentions", "sentences", "articles"):
        read = pd.read_parquet(root / name).drop(columns="file")
        same(getattr(memory, name), read, sort=True)


@pytest.mark.parametrize("freq", [None, "D", "W", "M"])
@pytest.mark.parametrize("by", [("entity", "source"), ("entity",), ("source",), ("label",)])
def test_counts_equal_the_in_memory_counts(memory, lazy, by, freq):
    for limits in selections(memory):
        expected = memory.filter(**limits).mention_counts(by, freq=freq)
        same(expected, lazy.filter(**limits).mention_counts(by, freq=freq))


def test_counts_with_zeros_filled_equal_the_in_memory_ones(memory, lazy):
    entity = memory.top_entities(1)["entity"].iloc[0]
    expected = memory.filter(entity=entity).mention_counts(freq="M", fill_zeros=True)
    same(expected, lazy.filter(entity=entity).mention_counts(freq="M", fill_zeros=True))


def test_top_entities_equal_the_in_memory_ones(memory, lazy):
    for limits in selections(memory):
        for options in ({}, {"label": "PERSON"}, {"by": "source"}):
            expected = memory.filter(**limits).top_entities(7, **options)
            same(expected, lazy.filter(**limits).top_entities(7, **options))


def test_contexts_equal_the_in_memory_ones(memory, lazy):
    top = memory.top_entities(2)["entity"].tolist()
    for limits in selections(memory)[:4]:
        for entity in top:
            expected = memory.filter(**limits).contexts(entity, width=40, limit=25)
            same(expected, lazy.filter(**limits).contexts(entity, width=40, limit=25))
    same(memory.contexts(top[1]), lazy.contexts(top[1]))


def test_filtered_frames_equal_the_in_memory_ones(memory, lazy):
    for limits in selections(memory)[1:4]:
        expected, found = memory.filter(**limits), lazy.filter(**limits)
        for name in ("articles", "mentions", "sentences", "descriptors", "quotes", "citations",
                     "dropped"):  # fmt: skip
            same(getattr(expected, name), getattr(found, name), sort=True)


def test_overview_equals_the_in_memory_one(memory, lazy):
    assert lazy.summary() == memory.summary()
    assert lazy.sources == memory.sources
    outlet = memory.sources[0]
    assert lazy.filter(source=outlet).summary() == memory.filter(source=outlet).summary()
    expected = memory.mentions["entity"].value_counts()
    found = lazy.entities()
    assert set(found) == set(expected.index)
    assert [expected[name] for name in found] == sorted(expected, reverse=True)


def test_a_whole_frame_too_big_says_its_size_and_what_to_do(store, memory):
    lazy = kit.load(store[0], lazy=True, max_rows=1000)
    with pytest.raises(KitError) as raised:
        lazy.mentions  # noqa: B018
    message = str(raised.value)
    assert f"{len(memory.mentions):,} rows" in message
    assert "sample(" in message and "filter(" in message
    assert len(lazy.sample("mentions", 100)) == 100
    small = lazy.filter(entity=memory.top_entities(30)["entity"].iloc[-1])
    assert 0 < len(small.mentions) <= 1000


def test_the_dashboard_works_on_a_lazy_corpus(memory, store):
    # max_rows=100: the dashboard must never pull a whole frame out of the store.
    lazy = kit.load(store[0], lazy=True, max_rows=100)
    entity = memory.top_entities(1)["entity"].iloc[0]
    outlets = memory.sources[:3]
    boards = [Dashboard(memory), Dashboard(lazy)]
    assert [option[1] for option in boards[1].entity.options] == [
        option[1] for option in boards[0].entity.options
    ]
    assert boards[1].source.options == boards[0].source.options
    assert boards[1].label.options == boards[0].label.options
    for board in boards:
        board.entity.value = (entity,)
        board.source.value = tuple(outlets)
        board.measure.value = "per_1000_words"
        board.dates.index = (2, len(board.dates.options) - 3)
    expected, found = (board.view() for board in boards)
    same_view(expected, found)
    assert entity in boards[1].evidence.value
    assert boards[1].code() == boards[0].code()
    # Two entities, every outlet, a type filter: the evidence is spread across outlets.
    pair = tuple(memory.top_entities(3)["entity"].iloc[1:3])
    for board in boards:
        board.source.value = ()
        board.entity.value = pair
        board.label.value = board.label.options[1][1]
    expected, found = (board.view() for board in boards)
    assert expected["evidence"]["source"].nunique() > 3
    same_view(expected, found)
    assert boards[1].status.value == boards[0].status.value


def same_view(expected: dict, found: dict) -> None:
    """The lazy dashboard's view equals the in-memory one (its top counts: the top entities)."""
    for key in ("timeline", "evidence"):
        same(expected[key], found[key])
    assert expected["evidence_total"] == found["evidence_total"]
    drawn = set(expected["top"].groupby("entity")["mentions"].sum().nlargest(10).index)
    assert drawn <= set(found["top"]["entity"]) < set(expected["top"]["entity"])
    kept = expected["top"][expected["top"]["entity"].isin(found["top"]["entity"])]
    same(kept, found["top"][kept.columns])


def test_the_dashboard_of_a_filtered_lazy_corpus_equals_the_in_memory_one(memory, store):
    lazy = kit.load(store[0], lazy=True, max_rows=100)
    outlets = memory.mentions["source"].value_counts().index[:4].tolist()
    for limits in ({"source": outlets}, {"start": "2017-01-01"}, {"label": "PERSON"}):
        boards = [Dashboard(memory.filter(**limits)), Dashboard(lazy.filter(**limits))]
        expected, found = (board.view() for board in boards)
        same_view(expected, found)
        assert boards[1].status.value == boards[0].status.value


def test_the_dashboard_says_when_a_store_predates_it(store, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(store[0], old)
    rollup = old / "rollups" / "mentions_by_entity" / "part-0.parquet"
    duckdb.sql(
        f"copy (select * exclude (first_in_sentence) from '{rollup}') to '{tmp_path}/r.parquet'"
    )
    shutil.move(tmp_path / "r.parquet", rollup)
    with pytest.raises(KitError, match="load the corpus into it again"):
        Dashboard(kit.load(old, lazy=True))


def test_lazy_needs_a_store(seeds_dir):
    with pytest.raises(KitError, match="store="):
        kit.load(seeds_dir, lazy=True, progress=False)
