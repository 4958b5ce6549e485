"""Benchmark of the scale-out path, measured in one run (machines are shared and noisy).

Prints:
  1. annotation of the allsides corpus in ../shared (3,098 articles): words/s of
     ``engine="dask"`` (LocalCluster, 2 workers) against ``engine="local"`` with ``n_process=2``,
     same model and components (target ratio >= 0.85), and whether the frames are equal;
  2. a generated store of 100 million mentions (entities, outlets and dates drawn from the
     allsides store of step 1, written to a temporary folder and removed afterwards): build
     time, size on disk, then the dashboard's queries on a lazy corpus, p50/p95 (target p95 <
     200 ms on 2 cores), ``kit.dashboard`` driven on it (an entity, then a month range, as in
     bench/foundation.py) and the peak memory of this process (target < 4 GB).

Run: ``.venv/bin/python bench/scale.py`` (``--limit 300`` for a quick look at step 1,
``--mentions 10_000_000`` for a smaller step 2, ``--keep DIR`` to keep the stores).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from foundation import corpus_input, dashboard_latencies  # the same slice and drive

import kit
from kit.corpus import lazy
from kit.store import rollups
from kit.store.parquet import CORPUS_FRAMES, STORE_FORMAT, location, write_bytes

REPO = Path(__file__).resolve().parents[1]
SORT_KEYS = ("doc_id", "start", "sent_id", "line_no")
FILES = 32  # partitions of the generated store


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` sorted by its identifying columns, for comparing row for row."""
    keys = [key for key in SORT_KEYS if key in frame.columns]
    return frame.sort_values(keys, ignore_index=True) if keys else frame


def frames_equal(first: kit.Corpus, second: kit.Corpus) -> dict[str, bool]:
    """Return {frame: equal after sorting by doc_id, start}."""
    equal = {}
    for name in ("sentences", "mentions", "descriptors", "quotes", "citations"):
        try:
            pd.testing.assert_frame_equal(
                sorted_frame(getattr(first, name)), sorted_frame(getattr(second, name))
            )
            equal[name] = True
        except AssertionError:
            equal[name] = False
    return equal


def annotation(corpus_path: Path, folder: Path) -> tuple[Path, dict]:
    """Return (the local run's store, figures) after annotating with both engines."""
    local_store, dask_store = folder / "local", folder / "dask"
    local = kit.load(corpus_path, store=local_store, n_process=2, progress=False)
    distributed = kit.load(
        corpus_path, store=dask_store, engine="dask", n_workers=2, progress=False
    )
    words = int(local.articles["n_words"].sum())
    figures = {
        "articles": len(local.articles),
        "words": words,
        "local seconds": local.meta["annotate seconds"],
        "dask seconds": distributed.meta["annotate seconds"],
        "equal": frames_equal(local, distributed),
    }
    figures["local words/s"] = words / figures["local seconds"]
    figures["dask words/s"] = words / figures["dask seconds"]
    figures["ratio"] = figures["dask words/s"] / figures["local words/s"]
    return local_store, figures


def generate_store(base: Path, target: Path, *, mentions: int, memory_limit: str) -> dict:
    """Write a store of about ``mentions`` mentions drawn from the store ``base``; return figures.

    Each base article is copied ``k`` times; every copy gets the outlet and the date of a base
    article drawn at random (so outlets and dates follow the corpus's distributions) and keeps
    its text, sentences and mentions (so entities follow them too). Copies of one article sit
    side by side, where Parquet's dictionaries and zstd store the repeated text once.
    """
    began = time.perf_counter()
    target.mkdir(parents=True)
    connection = rollups.connect(base, threads=2, memory_limit=memory_limit)
    connection.execute(f"set temp_directory = {rollups.quoted(str(target / '.spill'))}")
    for frame in ("articles", "mentions", "sentences"):
        connection.execute(
            f"create view base_{frame} as select * from read_parquet("
            f"{rollups.quoted(rollups.frame_glob(base, frame))}, hive_partitioning = false)"
        )
    base_mentions = connection.execute("select count(*) from base_mentions").fetchone()[0]
    base_articles = connection.execute("select count(*) from base_articles").fetchone()[0]
    copies = math.ceil(mentions / base_mentions)
    connection.execute(
        f"""create temp table copies as
        with numbered as (
            select doc_id, row_number() over (order by doc_id) - 1 as number from base_articles),
        drawn as (
            select source, published, row_number() over (order by doc_id) - 1 as number
            from base_articles)
        select c.base_id, c.doc_id, c.file, d.source, d.published
        from (select n.doc_id as base_id, n.doc_id || '~' || copy as doc_id,
                     'g' || lpad((hash(n.doc_id) % {FILES})::varchar, 2, '0') as file,
                     (hash(n.doc_id, copy) % {base_articles})::bigint as drawn_number
              from numbered n, range({copies}) as copies(copy)) c
        join drawn d on d.number = c.drawn_number"""
    )
    files = [row[0] for row in connection.execute("select distinct file from copies").fetchall()]
    queries = {
        "articles": """
            select c.doc_id, c.source, a.title, a.author, c.published, a.url, a.text, a.n_words,
                   a.path, a.story, c.file as file_hash, a.kind
            from copies c join base_articles a on a.doc_id = c.base_id
            order by c.file, c.base_id, c.doc_id""",
        "sentences": """
            select c.doc_id, s.sent_id, s.start, s."end", s.text
            from copies c join base_sentences s on s.doc_id = c.base_id
            order by c.file, c.base_id, c.doc_id, s.sent_id""",
        "mentions": """
            select c.doc_id, m.sent_id, m.start, m."end", m.text, m.entity, m.label,
                   c.source, c.published, m.found
            from copies c join base_mentions m on m.doc_id = c.base_id
            order by c.file, c.base_id, c.doc_id, m.start""",
    }
    for frame, query in queries.items():
        # One partition at a time: a partitioned COPY would buffer a row group per partition.
        for file in files:
            (target / frame / f"file={file}").mkdir(parents=True)
            part = query.replace("order by", f"where c.file = '{file}' order by")
            path = target / frame / f"file={file}" / "part-0.parquet"
            connection.execute(
                f"copy ({part}) to {rollups.quoted(str(path))} "
                "(format parquet, compression zstd, row_group_size 100000)"
            )
    for frame in sorted(set(CORPUS_FRAMES) - set(queries)):
        # Frames the dashboard does not query stay empty, with the base store's columns.
        (target / frame / "file=empty").mkdir(parents=True)
        connection.execute(
            f"copy (select * from read_parquet({rollups.quoted(rollups.frame_glob(base, frame))},"
            f" hive_partitioning = false) limit 0) to "
            f"{rollups.quoted(str(target / frame / 'file=empty' / 'part-0.parquet'))} "
            "(format parquet)"
        )
    frames_seconds = time.perf_counter() - began
    rollup_rows = rollups.build(target, connection=connection)
    generated = connection.execute("select count(*) from mentions").fetchone()[0]
    manifest = {
        "format": STORE_FORMAT,
        "generated from": str(base),
        "copies": copies,
        "rows": {"mentions": generated},
        "rollups": rollup_rows,
    }
    filesystem, _ = location(target)
    write_bytes(
        filesystem, str(target / "manifest.json"), json.dumps(manifest, default=str).encode()
    )
    shutil.rmtree(target / ".spill", ignore_errors=True)
    size = folder_size(target)
    return {
        "mentions": generated,
        "copies": copies,
        "frames seconds": frames_seconds,
        "build seconds": time.perf_counter() - began,
        "size GB": size / 1e9,
        "rollup rows": rollup_rows,
    }


def folder_size(folder: Path) -> int:
    """Return the bytes of every file under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """Return (p50, p95) in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return 1000 * statistics.median(ordered), 1000 * p95


def dashboard_queries(store: Path, *, repeats: int, memory_limit: str) -> dict[str, tuple]:
    """Return {query: (p50 ms, p95 ms)} for the dashboard's questions on a lazy corpus."""
    corpus = lazy.open_store(store, threads=2, memory_limit=memory_limit)
    top = corpus.sql(
        "select entity, sum(mentions) as n from entity_week group by 1 order by 2 desc limit 40"
    )["entity"].tolist()
    outlets = corpus.sql(
        "select source, sum(articles_total) as n from outlet_day group by 1 order by 2 desc "
        "limit 12"
    )["source"].tolist()
    months = pd.date_range("2014-01-01", "2019-12-01", freq="MS")
    timings: dict[str, list[float]] = {"timeline": [], "top entities": [], "contexts": []}
    for step in range(repeats):
        entity = top[step % len(top)]
        pair = [outlets[step % len(outlets)], outlets[(step + 5) % len(outlets)]]
        first = months[step % (len(months) - 12)]
        last = months[step % (len(months) - 12) + 11] + pd.offsets.MonthEnd(0)
        began = time.perf_counter()
        corpus.filter(entity=entity).mention_counts(("entity", "source"), freq="W")
        timings["timeline"].append(time.perf_counter() - began)
        began = time.perf_counter()
        corpus.filter(source=pair, start=f"{first:%Y-%m-%d}", end=f"{last:%Y-%m-%d}").top_entities(
            10
        )
        timings["top entities"].append(time.perf_counter() - began)
        began = time.perf_counter()
        corpus.filter(source=outlets[:6], start=f"{first:%Y-%m-%d}").contexts(entity, limit=50)
        timings["contexts"].append(time.perf_counter() - began)
    return {name: percentiles(seconds) for name, seconds in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--limit", type=int, default=None, help="annotate only N articles")
    parser.add_argument("--mentions", type=int, default=100_000_000)
    parser.add_argument("--repeats", type=int, default=40, help="queries per kind")
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's memory limit")
    parser.add_argument("--keep", type=Path, default=None, help="keep the stores in this folder")
    parser.add_argument("--base", type=Path, default=None, help="skip step 1: use this store")
    arguments = parser.parse_args()

    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="kit-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if arguments.base is None:
            corpus_path = corpus_input(arguments.shared, arguments.limit, folder)
            base, figures = annotation(corpus_path, folder)
            print(f"1. annotation of {figures['articles']:,} articles, {figures['words']:,} words")
            print(f"   local (n_process=2)        {figures['local seconds']:8.1f} s "
                  f"{figures['local words/s']:8.0f} words/s")  # fmt: skip
            print(f"   dask (LocalCluster, 2 w.)  {figures['dask seconds']:8.1f} s "
                  f"{figures['dask words/s']:8.0f} words/s")  # fmt: skip
            print(f"   ratio dask/local {figures['ratio']:.2f} (target >= 0.85); frames equal: "
                  f"{all(figures['equal'].values())} {figures['equal']}")  # fmt: skip
            size = folder_size(base)
            print(f"   the local run's store: {size / 1e6:.0f} MB, "
                  f"{size / 1e3 / figures['articles']:.1f} kB per article")  # fmt: skip
            # Step 2 runs in a process of its own, so its peak memory is its own.
            command = [sys.executable, __file__, "--base", str(base), "--keep", str(folder)]
            command += ["--mentions", str(arguments.mentions), "--repeats", str(arguments.repeats)]
            command += ["--memory-limit", arguments.memory_limit]
            subprocess.run(command, check=True)
            return
        base = arguments.base
        target = folder / "generated"
        built = generate_store(
            base, target, mentions=arguments.mentions, memory_limit=arguments.memory_limit
        )
        print(f"2. generated store: {built['mentions']:,} mentions ({built['copies']} copies of "
              f"each article), built in {built['build seconds']:.0f} s (frames "
              f"{built['frames seconds']:.0f} s, rollups "
              f"{built['build seconds'] - built['frames seconds']:.0f} s), "
              f"{built['size GB']:.2f} GB on disk")  # fmt: skip
        print(f"   rollup rows: {built['rollup rows']}")
        timings = dashboard_queries(
            target, repeats=arguments.repeats, memory_limit=arguments.memory_limit
        )
        for name, (p50, p95) in timings.items():
            print(f"   {name:<14} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (target p95 < 200 ms)")
        corpus = lazy.open_store(target, threads=2, memory_limit=arguments.memory_limit)
        build_ms, latencies, steps = dashboard_latencies(corpus, arguments.repeats)
        p50, p95 = percentiles([ms / 1000 for ms in latencies])
        print(f"   kit.dashboard on the lazy corpus: opened in {build_ms:.0f} ms; "
              f"{len(latencies)} interactions p50 {p50:.1f} ms, p95 {p95:.1f} ms")  # fmt: skip
        medians = {step: statistics.median(ms) for step, ms in steps.items()
                   if step not in ("total_ms", "cpu_ms")}  # fmt: skip
        print("   its steps, median ms where they ran: "
              + ", ".join(f"{step[:-3]} {ms:.0f}" for step, ms in medians.items()))  # fmt: skip
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(f"   peak memory of this process: {peak:.2f} GB (target < 4 GB)")
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
