"""Command line: ``python -m kit annotate PATH`` builds the annotation store, prints a summary."""

from __future__ import annotations

import argparse
import sys

import kit
from kit.errors import KitError


def annotate(arguments: argparse.Namespace) -> int:
    """Annotate a corpus (or reuse the store), print its summary; return the exit status."""
    corpus = kit.load(
        arguments.path,
        model=arguments.model,
        n_process=arguments.n_process,
        store=arguments.store,
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
    reused, annotated = corpus.meta["files reused"], corpus.meta["files annotated"]
    print(
        f"  {'store':<{width}}  {corpus.meta['store']}"
        f" ({reused} files reused, {annotated} annotated)"
    )
    print(f"  {'seconds':<{width}}  {corpus.meta['seconds']}")
    for row in corpus.problems.head(20).itertuples():
        print(f"  problem: {row.reason}", file=sys.stderr)
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
    annotate_parser.add_argument("--store", default=None, help="store folder")
    annotate_parser.add_argument("--strict", action="store_true", help="stop at the first problem")
    annotate_parser.set_defaults(run=annotate)
    arguments = parser.parse_args(argv)
    try:
        return arguments.run(arguments)
    except (KitError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
