"""The query contract: every query of ``kit.queries.Queries`` runs on an in-memory ``Corpus`` and
on a ``LazyCorpus`` of the same allsides slice, and both give what DuckDB alone reads from the
store's Parquet files (never through the kit)."""

from __future__ import annotations

import itertools
import shutil

import duckdb
import pandas as pd
import pytest

import kit
import kit.corpus.framing_data
from kit.corpus.lazy import LazyCorpus
from kit.errors import KitError
from kit.views.explorer import Dashboard
from kit.views.framing import FramingView

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


@pytest.fixture(scope="module", params=["memory", "lazy"])
def corpus(request, memory, lazy):
    """Each corpus the contract holds for: the in-memory one and the store-backed one."""
    return memory if request.param == "memory" else lazy


@pytest.fixture(scope="module")
def parquet(store):
    """A DuckDB connection (no kit) with the store's frames as views, in UTC."""
    root = store[0]
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    for name in ("articles", "mentions", "sentences", "dropped", "descriptors", "quotes",
                 "citations"):  # fmt: skip
        connection.execute(
            f"create view {name} as select * from read_parquet('{root}/{name}/**/*.parquet', "
            "union_by_name = true)"
        )
    connection.execute(f"create view problems as select * from '{root}/problems/*.parquet'")
    return connection


def read(parquet, query: str) -> pd.DataFrame:
    return parquet.execute(query).df()


def same(expected: pd.DataFrame, found: pd.DataFrame, *, sort: bool = False) -> None:
    if sort:
        keys = [key for key in SORT_KEYS if key in expected.columns]
        expected = expected.sort_values(keys, ignore_index=True)
        found = found[expected.columns].sort_values(keys, ignore_index=True)
    expected, found = expected.reset_index(drop=True), found.reset_index(drop=True)
    # Text columns hold a missing value as NaN or None depending on their dtype; DuckDB gives
    # timestamps in microseconds and without the zone.
    for frame in (expected, found):
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                stamps = pd.to_datetime(values)
                utc = (
                    stamps.dt.tz_localize("UTC")
                    if stamps.dt.tz is None
                    else stamps.dt.tz_convert("UTC")
                )
                frame[column] = utc.astype("datetime64[ns, UTC]")
            elif values.dtype.kind in "OT" or str(values.dtype) == "str":
                frame[column] = values.astype(object).where(values.notna(), None)
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
        read_back = pd.read_parquet(root / name).drop(columns="file")
        same(getattr(memory, name), read_back, sort=True)


# ---- the facts, as DuckDB reads them from the Parquet files -----------------------------------
def test_the_summary_is_what_the_files_hold(corpus, parquet):
    articles = parquet.execute(
        "select count(*), count(distinct source), strftime(min(published), '%Y-%m-%d'), "
        "strftime(max(published), '%Y-%m-%d'), count(*) - count(published), sum(n_words) "
        "from articles"
    ).fetchone()
    mentions = parquet.execute("select count(*), count(distinct entity) from mentions").fetchone()
    others = [parquet.execute(f"select count(*) from {name}").fetchone()[0]
              for name in ("dropped", "problems")]  # fmt: skip
    assert corpus.summary() == {
        "articles": articles[0],
        "outlets": articles[1],
        "date span": f"{articles[2]} to {articles[3]}",
        "undated articles": articles[4],
        "words": articles[5],
        "mentions": mentions[0],
        "entities": mentions[1],
        "dropped lines": others[0],
        "problems": others[1],
    }
    outlets = read(parquet, "select distinct source from articles where source is not null")
    assert corpus.sources == sorted(outlets["source"])


def test_entities_come_most_mentioned_first(corpus, parquet):
    expected = read(parquet, "select entity from mentions group by entity "
                             "order by count(*) desc, entity")  # fmt: skip
    assert corpus.entities() == expected["entity"].tolist()
    people = read(parquet, "select entity from mentions where label = 'PERSON' group by entity "
                           "order by count(*) desc, entity")  # fmt: skip
    assert corpus.entities("PERSON") == people["entity"].tolist()


def test_counts_per_outlet_are_what_the_files_hold(corpus, parquet):
    expected = read(
        parquet,
        "with totals as (select source, sum(n_words) as words_total, count(*) as articles_total "
        "from articles group by source) "
        "select entity, source, count(*) as mentions, count(distinct doc_id) as articles, "
        "1000 * count(*) / any_value(words_total) as per_1000_words, "
        "count(distinct doc_id) / any_value(articles_total) as article_share, "
        "any_value(words_total) as words_total, any_value(articles_total) as articles_total "
        "from mentions join totals using (source) group by entity, source "
        "order by mentions desc, entity, source",
    )
    same(expected, corpus.mention_counts())


def test_a_monthly_timeline_is_what_the_files_hold(corpus, parquet, memory):
    entity = memory.top_entities(1)["entity"].iloc[0]
    expected = read(
        parquet,
        "with totals as (select date_trunc('month', published) as published, "
        "sum(n_words) as words_total, count(*) as articles_total from articles group by 1) "
        "select entity, date_trunc('month', m.published) as published, count(*) as mentions, "
        "count(distinct doc_id) as articles from mentions m "
        f"where entity = '{entity}' group by all order by published nulls last",
    )
    found = corpus.filter(entity=entity).mention_counts("entity", freq="M")
    same(expected, found[expected.columns])


def test_the_top_entities_per_outlet_are_what_the_files_hold(corpus, parquet):
    expected = read(
        parquet,
        "select source, entity, label, count(*) as mentions, count(distinct doc_id) as articles "
        "from mentions group by source, entity, label qualify row_number() over "
        "(partition by source order by count(*) desc, entity, label) <= 3 "
        "order by source, mentions desc, entity",
    )
    same(expected, corpus.top_entities(3, by="source"))


def test_contexts_are_the_mentions_in_their_sentences(corpus, parquet, memory):
    entity = memory.top_entities(2)["entity"].iloc[1]
    expected = read(
        parquet,
        "select m.doc_id, m.sent_id, m.source, m.published, m.text as mention, "
        "s.text as sentence, m.start, m.end from mentions m join sentences s "
        f"using (doc_id, sent_id) where entity = '{entity}' "
        "order by m.published nulls last, m.source, m.doc_id, m.start limit 25",
    )
    found = corpus.contexts(entity, width=40, limit=25)
    same(expected, found[expected.columns])
    assert all(
        len(left) <= 40 and mention in sentence
        for left, mention, sentence in found[["left", "mention", "sentence"]].to_numpy()
    )


def test_evidence_text_is_the_sentences_that_name_an_entity(corpus, parquet, memory):
    entity = memory.top_entities(1)["entity"].iloc[0]
    expected = read(
        parquet,
        "select s.doc_id, a.source, s.text from sentences s join articles a using (doc_id) "
        "where (s.doc_id, s.sent_id) in "
        f"(select (doc_id, sent_id) from mentions where entity = '{entity}') "
        "order by s.doc_id, s.sent_id",
    )
    found = corpus.evidence_text(entity)
    key = ["doc_id", "text"]
    same(expected.sort_values(key), found.sort_values(key))
    articles = read(parquet, "select doc_id, source, text from articles order by doc_id")
    same(articles, corpus.evidence_text().sort_values("doc_id"))


# ---- every query, on both corpora, over many selections ---------------------------------------
@pytest.mark.parametrize("freq", [None, "D", "W", "M"])
@pytest.mark.parametrize("by", [("entity", "source"), ("entity",), ("source",), ("label",)])
def test_counts_hold_on_every_selection(memory, corpus, by, freq):
    for limits in selections(memory):
        expected = memory.filter(**limits).mention_counts(by, freq=freq)
        same(expected, corpus.filter(**limits).mention_counts(by, freq=freq))


def test_counts_with_zeros_filled(memory, corpus, parquet):
    entity = memory.top_entities(1)["entity"].iloc[0]
    found = corpus.filter(entity=entity).mention_counts(freq="M", fill_zeros=True)
    first, last = parquet.execute(
        "select date_trunc('month', min(published)), date_trunc('month', max(published)) "
        "from articles"
    ).fetchone()
    months = len(pd.date_range(first, last, freq="MS"))
    outlets = found["source"].nunique()
    assert len(found[found["published"].notna()]) == months * outlets
    assert found["mentions"].sum() == len(memory.filter(entity=entity).mentions)
    for limits in selections(memory)[2:5]:
        expected = memory.filter(**limits).mention_counts(freq="W", fill_zeros=True)
        same(expected, corpus.filter(**limits).mention_counts(freq="W", fill_zeros=True))


def test_top_entities_hold_on_every_selection(memory, corpus):
    for limits in selections(memory):
        for options in ({}, {"label": "PERSON"}, {"by": "source"}):
            expected = memory.filter(**limits).top_entities(7, **options)
            same(expected, corpus.filter(**limits).top_entities(7, **options))


def test_contexts_hold_on_every_selection(memory, corpus):
    top = memory.top_entities(2)["entity"].tolist()
    for limits in selections(memory)[:4]:
        for entity in top:
            expected = memory.filter(**limits).contexts(entity, width=40, limit=25)
            same(expected, corpus.filter(**limits).contexts(entity, width=40, limit=25))
    same(memory.contexts(top[1]), corpus.contexts(top[1]))


def test_filtered_frames_hold_on_every_selection(memory, corpus):
    for limits in selections(memory)[1:4]:
        expected, found = memory.filter(**limits), corpus.filter(**limits)
        for name in ("articles", "mentions", "sentences", "descriptors", "quotes", "citations",
                     "dropped"):  # fmt: skip
            same(getattr(expected, name), getattr(found, name), sort=True)


def test_the_overview_holds_on_every_selection(memory, corpus):
    for limits in selections(memory):
        expected, found = memory.filter(**limits), corpus.filter(**limits)
        assert found.summary() == expected.summary()
        assert found.sources == expected.sources
        assert found.entities() == expected.entities()
        assert found.entities("PERSON") == expected.entities("PERSON")


def test_the_lenses_and_the_words_hold_on_every_selection(memory, corpus):
    top = memory.top_entities(3)["entity"].tolist()
    for limits in selections(memory)[:4]:
        expected, found = memory.filter(**limits), corpus.filter(**limits)
        same(expected.naming_table(top[:2]), found.naming_table(top[:2]))
        same(expected.voices(), found.voices())
        same(expected.reliance(), found.reliance())
        for entity in (None, top[0], top[1:]):
            words = expected.distinctive_words(entity=entity, min_count=2)
            same(words, found.distinctive_words(entity=entity, min_count=2))
            term = words["term"].iloc[0] if len(words) else "the"
            same(expected.passages(term, entity=entity), found.passages(term, entity=entity),
                 sort=True)  # fmt: skip


def test_stance_summaries_hold(memory, corpus):
    entity = memory.top_entities(1, label="PERSON")["entity"].iloc[0]
    expected, found = memory.filter(entity=entity), corpus.filter(entity=entity)
    same(expected.stance_summary(), found.stance_summary())
    same(expected.stance_summary(by=("doc_id", "entity")),
         found.stance_summary(by=("doc_id", "entity")))  # fmt: skip


def test_bad_arguments_say_what_to_use(corpus):
    with pytest.raises(KitError, match="by='nothing' is not valid"):
        corpus.mention_counts("nothing")
    with pytest.raises(KitError, match="freq='Y' is not valid"):
        corpus.mention_counts(freq="Y")


def test_the_framing_view_works_on_a_lazy_corpus(memory, lazy):
    # People named a dozen times or so: the lazy corpus scores their stance in memory, each time.
    people = memory.top_entities(40, label="PERSON")
    people = people[people["mentions"].between(8, 20)]["entity"].head(2).tolist()
    outlet = memory.filter(entity=people[0]).mentions["source"].iloc[0]
    for settings in ({"entity": people}, {"entity": people[:1], "source": outlet}):
        expected = kit.corpus.framing_data.view(memory, settings)
        found = kit.corpus.framing_data.view(lazy, settings)
        assert found["entities"] == expected["entities"]
        for key in ("summary", "articles", "evidence", "naming", "voices", "reliance", "words"):
            same(expected[key], found[key])
    views = [FramingView(corpus, {"entity": people}) for corpus in (memory, lazy)]
    for part in ("status", "evidence", "naming", "voices", "reliance", "words"):
        assert getattr(views[1], part).value == getattr(views[0], part).value, part
    assert people[0] in views[1].naming.value


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
