"""Benchmark of the foundation, measured side by side in one run (machines are shared and noisy).

Prints, on the allsides corpus in ../shared (3,098 articles):
  1. annotation throughput of ``kit.load(cache=False)`` against bare ``nlp.pipe`` over the same
     clean texts with the same model and components (target ratio >= 0.85);
  2. cold against warm load with the store (target: warm >= 20x faster);
  3. filter + count + figure latency, p50/p95, on that corpus and on a 1-million-mention
     scale-up (target p95 < 200 ms);
  4. peak memory (max resident set size).

Run: ``.venv/bin/python bench/foundation.py`` (``--limit 300`` for a quick look;
``--latency-only`` skips 1 and 2 and times 3 on a cached load, so two versions of the kit can
be alternated in minutes: ``PYTHONPATH=<other checkout> .venv/bin/python bench/foundation.py``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

import kit
from kit.annotate import nlp
from kit.views import charts

REPO = Path(__file__).resolve().parents[1]


def corpus_input(shared: Path, limit: int | None, folder: Path) -> Path:
    """Return the allsides folder, or a slice of it written to ``folder``."""
    source = shared / "corpora" / "allsides"
    if not any(source.glob("*.jsonl")):
        # An empty slice would load no articles and scaled() would copy nothing for hours.
        sys.exit(f"no allsides corpus in {source}: pass --shared PATH (the shared folder)")
    if limit is None:
        return source
    lines = []
    for path in sorted(source.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            lines.extend(itertools.islice(handle, limit - len(lines)))
    sliced = folder / "allsides_slice.jsonl"
    sliced.write_text("".join(lines), encoding="utf-8")
    return sliced


def timed(function, *args, **kwargs):
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def bare_pipe_seconds(texts: list[str], model: str | None) -> float:
    """Return the seconds bare ``nlp.pipe`` takes over ``texts`` (docs consumed, nothing kept)."""
    language = nlp.load_model(model)
    began = time.perf_counter()
    for _ in language.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - began


def scaled(corpus: kit.Corpus, mentions_wanted: int) -> kit.Corpus:
    """Return the corpus repeated (new doc ids, same outlets and dates) to about N mentions."""
    copies = max(1, -(-mentions_wanted // max(len(corpus.mentions), 1)))
    articles, mentions = [], []
    for copy in range(copies):
        articles.append(corpus.articles.assign(doc_id=corpus.articles["doc_id"] + f"#{copy}"))
        mentions.append(corpus.mentions.assign(doc_id=corpus.mentions["doc_id"] + f"#{copy}"))
    big_articles = pd.concat(articles, ignore_index=True)
    big_mentions = pd.concat(mentions, ignore_index=True).head(mentions_wanted)
    return replace(corpus, articles=big_articles, mentions=big_mentions, universe=None)


def interaction_latencies(corpus: kit.Corpus, repeats: int) -> list[float]:
    """Return ms per dashboard-like interaction: filter, count a weekly timeline, draw it."""
    entities = corpus.entities()[:repeats]
    sources = corpus.sources
    colors = charts.outlet_colors(sources)
    latencies = []
    for index, entity in enumerate(itertools.islice(itertools.cycle(entities), repeats)):
        outlets = sources[index % len(sources) :][:5] or sources
        began = time.perf_counter()
        selected = corpus.filter(entity=entity, source=outlets)
        counts = selected.mention_counts(["entity", "source"], freq="W", fill_zeros=True)
        charts.mentions_over_time(counts, outlet_colors=colors)
        latencies.append(1000 * (time.perf_counter() - began))
    return latencies


def dashboard_latencies(
    corpus: kit.Corpus, repeats: int
) -> tuple[float, list[float], dict[str, list[float]]]:
    """Return (build ms, ms per interaction, ms per step) of the dashboard driven as a user would.

    Each interaction picks an entity, then narrows the month range; the dashboard's own
    clock (``timings()``) times the redraw of its charts and evidence table, in all
    (``total_ms``) and per step that ran (``counts_ms``, ``timeline_ms``, ...).
    """
    began = time.perf_counter()
    board = kit.dashboard(corpus)
    build_ms = 1000 * (time.perf_counter() - began)
    options = [item[1] if isinstance(item, tuple) else item for item in board.entity.options]
    entities = options[:repeats]
    months = len(board.dates.options)
    latencies: list[float] = []
    steps: dict[str, list[float]] = {}

    def record() -> None:
        timings = board.timings()
        latencies.append(timings["total_ms"])
        for step, ms in timings.items():
            steps.setdefault(step, []).append(ms)

    for index, entity in enumerate(itertools.islice(itertools.cycle(entities), repeats)):
        board.entity.value = (entity,)
        record()
        if months > 2:
            board.dates.index = (index % (months // 2), months - 1)
            record()
    return build_ms, latencies, steps


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_latencies(corpus: kit.Corpus, repeats: int) -> None:
    """Print section 3: interaction latencies on ``corpus`` and on a 1M-mention scale-up."""
    print("\n3. filter + count + figure latency (ms)")
    corpora = (("allsides", corpus), ("1M-mention scale-up", scaled(corpus, 1_000_000)))
    for name, scope in corpora:
        latencies = interaction_latencies(scope, repeats)
        print(
            f"   {name:<22} {len(scope.mentions):>9,} mentions  "
            f"p50 {percentile(latencies, 0.5):6.1f}  p95 {percentile(latencies, 0.95):6.1f}"
            "  (target p95 < 200)"
        )
    print("\n   the dashboard itself (pick an entity, narrow the months; its own clock)")
    for name, scope in corpora:
        build_ms, latencies, steps = dashboard_latencies(scope, repeats)
        print(
            f"   {name:<22} build {build_ms / 1000:5.1f} s  "
            f"p50 {percentile(latencies, 0.5):6.1f}  p95 {percentile(latencies, 0.95):6.1f}"
            "  (target p95 < 200)"
        )
        shown = {step: ms for step, ms in steps.items() if step not in ("total_ms", "cpu_ms")}
        per_step = "  ".join(
            f"{step.removesuffix('_ms')} {percentile(ms, 0.95):.0f}" for step, ms in shown.items()
        )
        print(f"   {'':<22} p95 per step that ran: {per_step}")
        # CPU time of this process: the interaction's own cost, whatever else shares the cores.
        cpu = steps.get("cpu_ms", [])
        if cpu:
            cpu_p50, cpu_p95 = percentile(cpu, 0.5), percentile(cpu, 0.95)
            print(f"   {'':<22} its CPU time: p50 {cpu_p50:.0f}  p95 {cpu_p95:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--limit", type=int, default=None, help="articles (default: all)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeats", type=int, default=60, help="interactions timed per corpus")
    parser.add_argument("--latency-only", action="store_true", help="section 3 alone, cached load")
    arguments = parser.parse_args()
    if arguments.latency_only:
        with tempfile.TemporaryDirectory() as scratch:
            path = corpus_input(arguments.shared, arguments.limit, Path(scratch))
            corpus = kit.load(path, model=arguments.model, progress=False)
            print(f"corpus: {path} ({len(corpus.articles)} articles), kit {kit.__file__}")
            print_latencies(corpus, arguments.repeats)
        return

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        path = corpus_input(arguments.shared, arguments.limit, scratch)
        options = {"model": arguments.model, "progress": False}
        nlp.load_model(arguments.model)  # loading the model is a one-off cost, not throughput

        uncached, uncached_seconds = timed(kit.load, path, cache=False, **options)
        texts = uncached.articles["text"].tolist()
        words = int(uncached.articles["n_words"].sum())
        bare_seconds = bare_pipe_seconds(texts, arguments.model)
        os.environ["KIT_STORE"] = str(scratch / "cache")  # an empty cache of this run's own
        cold, cold_seconds = timed(kit.load, path, **options)
        warm, warm_seconds = timed(kit.load, path, **options)
        assert warm.meta["articles annotated"] == 0
        pd.testing.assert_frame_equal(cold.mentions, warm.mentions)

        print(
            f"corpus: {path} ({len(texts)} articles, {words:,} words, model {cold.meta['model']})"
        )
        print("\n1. annotation throughput (words/s, one process)")
        print(f"   bare nlp.pipe            {words / bare_seconds:10,.0f}  ({bare_seconds:.1f} s)")
        print(f"   kit.load(cache=False)    {words / uncached_seconds:10,.0f}  "
              f"({uncached_seconds:.1f} s)")  # fmt: skip
        ratio = bare_seconds / uncached_seconds
        print(f"   ratio kit/bare           {ratio:10.2f}  (target >= 0.85)")
        print("\n2. cold against warm load")
        print(f"   cold (empty store)       {cold_seconds:10.1f} s")
        print(f"   warm (store reused)      {warm_seconds:10.2f} s")
        print(f"   warm speed-up            {cold_seconds / warm_seconds:10.1f}x  (target >= 20x)")

        print_latencies(warm, arguments.repeats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n4. peak memory (max RSS)      {peak:10.0f} MB")


if __name__ == "__main__":
    main()
