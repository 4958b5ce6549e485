"""Command line: ``python -m kit annotate PATH [--engine dask] [--scheduler ADDR] [--store URL]``.

Builds the annotation store of a corpus and prints its summary. ``python -m kit report
[--corpus PATH] [--out DIR]`` runs every notebook against a corpus and writes HTML reports.
``python -m kit collect feeds|urls|gdelt|mediacloud ... --out DIR`` collects a corpus.
"""

from __future__ import annotations

import argparse
import sys

import kit
from kit.collect import cli as collect_cli
from kit.errors import KitError
from kit.store.parquet import PART_WORDS


def annotate(arguments: argparse.Namespace) -> int:
    """Annotate a corpus (or reuse the store), print its summary; return the exit status."""
    corpus = kit.load(
        arguments.path,
        model=arguments.model,
        n_process=arguments.n_process,
        batch_size=arguments.batch_size,
        store=arguments.store,
        engine=arguments.engine,
        scheduler=arguments.scheduler,
        n_workers=arguments.n_workers,
        partition_words=arguments.partition_words,
        strict=arguments.strict,
    )
    summary = corpus.summary()
    width = max(len(key) for key in summary)
    print(f"corpus: {corpus.meta['path']}")
    for key, value in summary.items():
        print(f"  {key:<{width}}  {value}")
    print(
        f"  {'outlets':<{width}}  {', '.join(corpus.sources[:8])}{' …' * (len(corpus.sources) > 8)}"
    )
    reused, annotated = corpus.meta["parts reused"], corpus.meta["parts annotated"]
    print(
        f"  {'store':<{width}}  {corpus.meta['store'] or corpus.meta['cache']}"
        f" ({reused} parts reused, {annotated} annotated, engine {corpus.meta['engine']})"
    )
    print(f"  {'seconds':<{width}}  {corpus.meta['seconds']}")
    for row in corpus.problems.head(20).itertuples():
        print(f"  problem: {row.reason}", file=sys.stderr)
    return 0


def report(arguments: argparse.Namespace) -> int:
    """Run every notebook against the corpus, write HTML reports; return the exit status."""
    from kit.publish.report import build_reports

    written = build_reports(
        arguments.corpus, out=arguments.out, notebooks=arguments.notebooks or None, echo=print
    )
    print(f"{len(written)} report(s) in {arguments.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m kit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    annotate_parser = commands.add_parser("annotate", help="build the annotation store")
    annotate_parser.add_argument(
        "path", nargs="?", default=None, help="folder or file (default: data/)"
    )
    annotate_parser.add_argument("--model", default=None, help="spaCy model name")
    annotate_parser.add_argument("--n-process", type=int, default=1, help="processes for spaCy")
    annotate_parser.add_argument(
        "--batch-size", type=int, default=32, help="articles per spaCy batch (local engine)"
    )
    annotate_parser.add_argument(
        "--store", default=None, help="store folder or fsspec URL (default: the cache only)"
    )
    annotate_parser.add_argument(
        "--engine", choices=["local", "dask"], default="local", help="where spaCy runs"
    )
    annotate_parser.add_argument(
        "--scheduler", default=None, help="a running Dask scheduler (default: a LocalCluster)"
    )
    annotate_parser.add_argument(
        "--n-workers", type=int, default=None, help="LocalCluster workers (default: cores)"
    )
    annotate_parser.add_argument(
        "--partition-words", type=int, default=PART_WORDS, help="words per unit of work"
    )
    annotate_parser.add_argument("--strict", action="store_true", help="stop at the first problem")
    annotate_parser.set_defaults(run=annotate)
    report_parser = commands.add_parser("report", help="run the notebooks, write HTML reports")
    report_parser.add_argument("--corpus", default=None, help="folder or file (default: data/)")
    report_parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    report_parser.add_argument(
        "notebooks", nargs="*", help="notebooks to run (default: every notebook in notebooks/)"
    )
    report_parser.set_defaults(run=report)
    collect_cli.add_parser(commands)
    arguments = parser.parse_args(argv)
    try:
        return arguments.run(arguments)
    except (KitError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl-C: what was finished is kept (the store says so above); no traceback.
        print("stopped (Ctrl-C)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
