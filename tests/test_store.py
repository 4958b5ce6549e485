"""The annotation store: a second load runs no NLP, a changed file alone is redone, damage heals."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

import kit
from kit.annotate import stance
from kit.store import snapshots
from kit.store.parquet import check_corpus, read_manifest


def digest(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(REPO / "data", folder, ignore=shutil.ignore_patterns(".*"))
    return folder


def add_to_the_body(page: Path, sentence: str) -> None:
    """Append ``sentence`` to the longest line of ``page``: a body paragraph on any page."""
    lines = page.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda number: len(lines[number]))
    lines[longest] += " " + sentence
    page.write_text("\n".join(lines), encoding="utf-8")


def missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every missing value as None (text columns differ in NaN/None)."""
    return frame.astype(object).where(frame.notna(), None)


def load(folder: Path, store: Path):
    return kit.load(folder, store=store, progress=False)


def test_second_load_runs_no_nlp_and_gives_the_same_frames(corpus_copy, tmp_path):
    store = tmp_path / "store"
    first = load(corpus_copy, store)
    assert first.meta["files annotated"] == 2
    second = load(corpus_copy, store)
    assert second.meta["files annotated"] == 0 and second.meta["articles annotated"] == 0
    assert second.meta["files reused"] == 2
    pd.testing.assert_frame_equal(first.mentions, second.mentions)
    pd.testing.assert_frame_equal(first.sentences, second.sentences)


def test_a_changed_file_is_annotated_alone(corpus_copy, tmp_path):
    store = tmp_path / "store"
    load(corpus_copy, store)
    page = corpus_copy / "000_626c3d33b069517d.txt"
    add_to_the_body(page, "Angela Merkel said nothing.")
    again = load(corpus_copy, store)
    assert again.meta["files annotated"] == 1 and again.meta["files reused"] == 1
    assert "Angela Merkel" in set(again.mentions["entity"])


@pytest.mark.parametrize("damage", ["truncate a table", "delete the manifest", "garble manifest"])
def test_a_damaged_partition_is_detected_and_rebuilt(corpus_copy, tmp_path, damage):
    store = tmp_path / "store"
    first = load(corpus_copy, store)
    folder = Path(first.meta["cache"])
    if damage == "truncate a table":
        table = next(folder.glob("sentences/file=*/part-0.parquet"))
        table.write_bytes(table.read_bytes()[:100])
    elif damage == "delete the manifest":
        next(folder.glob("manifests/*/part-0.json")).unlink()
    else:
        next(folder.glob("manifests/*/part-0.json")).write_text("{not json")
    again = load(corpus_copy, store)
    assert again.meta["files annotated"] == 1
    pd.testing.assert_frame_equal(first.mentions, again.mentions)
    assert not list(folder.rglob("*.tmp")), "no temporary files are left behind"


def test_the_store_is_plain_parquet_readable_without_the_kit(corpus_copy, tmp_path):
    store = tmp_path / "store"
    corpus = load(corpus_copy, store)
    folder = Path(corpus.meta["cache"])
    sentences = pd.concat(pd.read_parquet(path) for path in folder.glob("sentences/*/*.parquet"))
    assert len(sentences) == len(corpus.sentences)


def test_raw_files_are_never_modified(corpus_copy, tmp_path):
    before = digest(corpus_copy)
    load(corpus_copy, tmp_path / "store")
    load(corpus_copy, tmp_path / "store")
    assert digest(corpus_copy) == before


def test_cache_false_writes_nothing(corpus_copy, tmp_path):
    store = tmp_path / "store"
    corpus = kit.load(corpus_copy, store=store, cache=False, progress=False)
    assert corpus.meta["store"] is None and corpus.meta["cache"] is None
    assert not store.exists()


def test_the_corpus_frames_read_with_duckdb_and_pandas_equal_the_corpus(corpus_copy, tmp_path):
    import duckdb

    store = tmp_path / "store"
    corpus = load(corpus_copy, store)
    assert corpus.meta["store"] == str(store)
    for name in ("articles", "sentences", "mentions", "descriptors", "quotes", "citations"):
        frame = getattr(corpus, name)
        counted = duckdb.sql(f"select count(*) from '{store}/{name}/**/*.parquet'").fetchall()
        assert counted[0][0] == len(frame), name
        read = pd.read_parquet(store / name).drop(columns="file")
        keys = [key for key in ("doc_id", "start", "sent_id") if key in frame.columns]
        pd.testing.assert_frame_equal(
            missing_as_none(frame.sort_values(keys, ignore_index=True)),
            missing_as_none(read[frame.columns].sort_values(keys, ignore_index=True)),
            check_dtype=False,
        )
    manifest = read_manifest(store)
    assert manifest["rows"]["mentions"] == len(corpus.mentions)
    assert set(manifest["file_hashes"]) == set(corpus.articles["file_hash"])
    assert manifest["model"] == corpus.meta["model"] and manifest["kit_version"]


def test_a_damaged_frame_partition_is_found_and_the_next_load_rewrites_it(corpus_copy, tmp_path):
    store = tmp_path / "store"
    load(corpus_copy, store)
    assert check_corpus(store) == []
    partition = next(store.glob("mentions/file=*/part-0.parquet"))
    partition.write_bytes(partition.read_bytes()[:200])
    assert any(str(partition) in problem for problem in check_corpus(store))
    again = load(corpus_copy, store)
    assert again.meta["parts annotated"] == 0, "the cache was intact: no NLP"
    assert check_corpus(store) == []


def test_files_that_left_the_corpus_leave_the_store(corpus_copy, tmp_path):
    store = tmp_path / "store"
    load(corpus_copy, store)
    (corpus_copy / "000_626c3d33b069517d.txt").unlink()
    corpus = load(corpus_copy, store)
    assert len(list(store.glob("articles/file=*"))) == 1 == len(corpus.articles)


def test_a_large_file_is_cut_into_parts_and_a_missing_part_alone_is_redone(tmp_path):
    lines = [
        f'{{"text": "Angela Merkel met Emmanuel Macron in Paris on day {day}. The two leaders '
        "discussed trade, energy and the future of the European Union for several hours. "
        'Officials from both governments said the talks had been long but constructive.", '
        f'"source": "Reuters", "date": "2020-01-{day:02d}"}}'
        for day in range(1, 21)
    ]  # fmt: skip
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    first = kit.load(path, store=store, partition_words=80, progress=False)
    assert first.meta["parts annotated"] == 10 and first.meta["files annotated"] == 1
    next(store.glob("cache/*/manifests/*/part-7.json")).unlink()
    second = kit.load(path, store=store, partition_words=80, progress=False)
    assert (second.meta["parts reused"], second.meta["parts annotated"]) == (9, 1)
    pd.testing.assert_frame_equal(first.mentions, second.mentions)


def test_a_store_on_an_fsspec_url_is_written_and_read_lazily(corpus_copy):
    url = f"memory://kit-tests/{uuid.uuid4().hex}"
    corpus = kit.load(corpus_copy, store=url, progress=False)
    lazy = kit.load(url, lazy=True)
    assert lazy.summary() == corpus.summary()
    pd.testing.assert_frame_equal(lazy.top_entities(5), corpus.top_entities(5), check_dtype=False)
    again = kit.load(corpus_copy, store=url, progress=False)
    assert again.meta["parts reused"] == 2


# ---- snapshots: the default cache keeps the whole loaded corpus ---------------------------------


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "kit-cache"
    monkeypatch.setenv("KIT_STORE", str(cache))
    return cache


def test_a_warm_load_reads_the_snapshot_and_gives_identical_frames(corpus_copy, own_cache):
    cold = kit.load(corpus_copy, progress=False)
    warm = kit.load(corpus_copy, progress=False)
    assert "snapshot" not in cold.meta and warm.meta["snapshot"] is True
    for name in ("articles", "dropped", "sentences", "mentions", "descriptors", "quotes",
                 "citations", "problems"):  # fmt: skip
        pd.testing.assert_frame_equal(getattr(cold, name), getattr(warm, name))


def test_a_changed_file_or_option_misses_the_snapshot(corpus_copy, own_cache):
    kit.load(corpus_copy, progress=False)
    with_alias = kit.load(corpus_copy, progress=False, aliases={"Xi": "Xi Jinping"})
    assert "snapshot" not in with_alias.meta and with_alias.meta["files annotated"] == 0
    page = corpus_copy / "000_626c3d33b069517d.txt"  # the other page ends in a news feed
    add_to_the_body(page, "Olaf Scholz said nothing.")
    changed = kit.load(corpus_copy, progress=False)
    assert "snapshot" not in changed.meta and changed.meta["files annotated"] == 1
    assert "Olaf Scholz" in set(changed.mentions["entity"])


def test_a_damaged_snapshot_is_ignored_and_rewritten(corpus_copy, own_cache):
    cold = kit.load(corpus_copy, progress=False)
    for table in (own_cache / "snapshots").rglob("mentions.parquet"):
        table.write_bytes(table.read_bytes()[:50])
    again = kit.load(corpus_copy, progress=False)
    assert "snapshot" not in again.meta
    pd.testing.assert_frame_equal(cold.mentions, again.mentions)
    assert kit.load(corpus_copy, progress=False).meta["snapshot"] is True


def test_scored_stance_is_kept_beside_the_snapshot_and_read_back(corpus_copy, own_cache):
    cold = kit.load(corpus_copy, progress=False)
    one_entity = cold.top_entities(1)["entity"].iloc[0]
    scored_part = cold.filter(entity=one_entity).stance  # a filter scores its own mentions
    (kept,) = (own_cache / "snapshots").rglob("stance-*.json")
    assert len(scored_part) and stance.version() == kept.stem
    warm = kit.load(corpus_copy, progress=False)
    pd.testing.assert_frame_equal(warm.filter(entity=one_entity).stance, scored_part)
    whole = warm.stance  # the rest is scored now and kept with what was
    unkept = kit.load(corpus_copy, progress=False, cache=False).stance
    pd.testing.assert_frame_equal(whole, unkept)
    assert len(snapshots.read_later(kept.parent, kept.stem)) == len(whole)
    assert len(list(kept.parent.glob("stance-*.parquet"))) == 1  # the first file was replaced


def test_damaged_kept_stance_is_reported_and_scored_again(corpus_copy, own_cache):
    expected = kit.load(corpus_copy, progress=False).stance
    (table,) = (own_cache / "snapshots").rglob("stance-*.parquet")
    table.write_bytes(table.read_bytes()[:-40])
    again = kit.load(corpus_copy, progress=False)
    pd.testing.assert_frame_equal(again.stance, expected)
    (report,) = again.problems["reason"][again.problems["path"] == str(table)]
    assert "the stance kept for this corpus was damaged" in report
    assert kit.load(corpus_copy, progress=False).stance.equals(expected)


def test_a_folder_with_no_article_loads_into_a_store_with_its_problems(tmp_path):
    folder = tmp_path / "collected"  # a collection whose every URL failed
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "file,source,published,url,title,fetched_at,status,query\n"
        ",,,https://example.org/gone,,2026-12-01T00:00:00Z,404,a feed\n",
        encoding="utf-8",
    )
    corpus = kit.load(folder, store=tmp_path / "store", progress=False)
    assert len(corpus.articles) == 0 and "status 404" in corpus.problems["reason"].iloc[0]
    lazy = kit.load(folder, store=tmp_path / "store", progress=False, lazy=True)
    assert lazy.top_entities(3).empty
