"""engine="dask" on a real LocalCluster: equal to local, a killed worker, an interrupted run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

import kit
from kit.annotate.scale import bundle
from kit.store.parquet import Part

pytestmark = pytest.mark.slow
ARTICLES = 30
PARTITION_WORDS = 1500  # about two BASIL articles per part: a dozen tasks for two workers
FRAMES = ("sentences", "mentions", "descriptors", "quotes", "citations")


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [key for key in ("doc_id", "start", "sent_id") if key in frame.columns]
    return frame.sort_values(keys, ignore_index=True)


def assert_same_frames(first, second) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(
            sorted_frame(getattr(first, name)), sorted_frame(getattr(second, name)), obj=name
        )


def finished_parts(store: Path) -> int:
    return len(list(store.glob("cache/*/manifests/*/part-*.json")))


@pytest.fixture(scope="module")
def basil_subset(basil_dir, tmp_path_factory) -> Path:
    """The first 30 BASIL articles (10 stories × 3 outlets), copied to a folder of their own."""
    folder = tmp_path_factory.mktemp("basil_subset")
    for path in sorted(basil_dir.rglob("*.json"))[:ARTICLES]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def local_corpus(basil_subset, tmp_path_factory):
    return kit.load(
        basil_subset,
        store=tmp_path_factory.mktemp("local"),
        partition_words=PARTITION_WORDS,
        progress=False,
    )


def test_bundles_keep_order_and_balance_words():
    parts = [Part("f", number, (str(number),), ("h",), words) for number, words in
             enumerate([500, 900, 200, 1200, 100, 100])]  # fmt: skip
    tasks = bundle(parts, words=1000)
    assert [[part.part for part in task] for task in tasks] == [[0, 1], [2, 3], [4, 5]]


def test_dask_local_cluster_equals_local(basil_subset, local_corpus, tmp_path):
    corpus = kit.load(
        basil_subset,
        store=tmp_path / "store",
        engine="dask",
        n_workers=2,
        partition_words=PARTITION_WORDS,
        progress=False,
    )
    assert corpus.meta["engine"] == "dask"
    assert (
        corpus.meta["parts annotated"]
        == corpus.meta["parts reused"] + corpus.meta["parts annotated"]
        > 5
    )
    assert_same_frames(local_corpus, corpus)
    pd.testing.assert_frame_equal(local_corpus.articles, corpus.articles)


def test_a_worker_killed_mid_run_still_gives_the_full_equal_result(
    basil_subset, local_corpus, tmp_path
):
    from distributed import Client, LocalCluster

    store = tmp_path / "store"
    killed: dict = {}
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())

        def kill_after_first_part() -> None:
            deadline = time.monotonic() + 300
            while finished_parts(store) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            killed["parts done"] = finished_parts(store)
            os.kill(pids[0], signal.SIGKILL)
            killed["pid"] = pids[0]

        watcher = threading.Thread(target=kill_after_first_part, daemon=True)
        watcher.start()
        corpus = kit.load(
            basil_subset,
            store=store,
            engine="dask",
            scheduler=cluster.scheduler_address,
            partition_words=PARTITION_WORDS,
            progress=False,
        )
        watcher.join(timeout=10)
        survivors = list(client.run(os.getpid).values())
    assert killed.get("pid") == pids[0], "the worker was not killed"
    assert pids[0] not in survivors, "the killed worker process is gone"
    assert killed["parts done"] < corpus.meta["parts annotated"], "it was killed mid-run"
    assert corpus.meta["parts reused"] == 0
    assert_same_frames(local_corpus, corpus)


def interrupt_run(basil_subset: Path, store: Path, signal_number: int) -> tuple[int, str]:
    """Return (exit status, stderr) of ``python -m kit annotate`` on Dask sent
    ``signal_number`` (to its whole process group) once its first part is in the store."""
    command = [sys.executable, "-m", "kit", "annotate", str(basil_subset), "--engine", "dask",
               "--n-workers", "2", "--store", str(store),
               "--partition-words", str(PARTITION_WORDS)]  # fmt: skip
    run = subprocess.Popen(
        command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while finished_parts(store) < 1 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.01)
        os.killpg(run.pid, signal_number)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(run.pid, 0)  # is any process of the run (a worker, the nanny) left?
        except ProcessLookupError:
            return run.returncode, err
        time.sleep(0.2)
    pytest.fail("worker processes outlived the interrupted run")


def assert_resumes(basil_subset, local_corpus, store: Path, capfd) -> None:
    """Load again: the parts finished before the interruption are reused, the rest annotated."""
    done = finished_parts(store)
    capfd.readouterr()
    corpus = kit.load(
        basil_subset,
        store=store,
        engine="dask",
        n_workers=2,
        partition_words=PARTITION_WORDS,
        progress=True,
    )
    total = corpus.meta["parts reused"] + corpus.meta["parts annotated"]
    assert 1 <= done < total, f"interrupted after {done} of {total} parts"
    assert corpus.meta["parts reused"] == done
    assert corpus.meta["parts annotated"] == total - done
    assert f"reusing {done} of {total} parts" in capfd.readouterr().err
    assert_same_frames(local_corpus, corpus)


def test_a_run_killed_midway_resumes_and_reuses_what_it_finished(
    basil_subset, local_corpus, tmp_path, capfd
):
    # The client and its cluster die at once, as when a laptop loses power.
    status, _ = interrupt_run(basil_subset, tmp_path / "store", signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert_resumes(basil_subset, local_corpus, tmp_path / "store", capfd)


def test_ctrl_c_stops_the_run_cleanly_and_the_next_run_resumes(
    basil_subset, local_corpus, tmp_path, capfd
):
    # What a terminal's Ctrl-C sends: SIGINT to the whole foreground process group.
    status, err = interrupt_run(basil_subset, tmp_path / "store", signal.SIGINT)
    assert status == 130, err
    assert "interrupted: finished parts are in the store" in err
    assert "Traceback" not in err, err
    assert_resumes(basil_subset, local_corpus, tmp_path / "store", capfd)


def test_dask_rebuilds_a_damaged_part_instead_of_failing_every_load(
    basil_subset, local_corpus, tmp_path
):
    # A copy of the local engine's store, then a table whose manifest is intact is damaged.
    store = tmp_path / "store"
    shutil.copytree(local_corpus.meta["store"], store)
    table = sorted(store.glob("cache/*/sentences/file=*/part-*.parquet"))[0]
    table.write_bytes(table.read_bytes()[:-30])
    corpus = kit.load(
        basil_subset,
        store=store,
        engine="dask",
        n_workers=1,
        partition_words=PARTITION_WORDS,
        progress=False,
    )
    assert corpus.meta["parts annotated"] == 1
    reports = corpus.problems[corpus.problems["reason"].str.contains("was damaged")]
    assert list(reports["path"]) == [str(table)]
    assert_same_frames(local_corpus, corpus)
