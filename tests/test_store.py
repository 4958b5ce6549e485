"""The annotation store: a second load runs no NLP, a changed file alone is redone, damage heals."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

import kit


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
    page.write_text(page.read_text(encoding="utf-8") + "\n\nAngela Merkel said nothing.\n")
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
