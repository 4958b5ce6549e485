"""Benchmark of cleaning: how much of each page's article the kit keeps, and how little else.

On ``../shared/corpora/extraction-dev`` (990 real pages, each with passages its article must
and must not contain; scored as trafilatura's evaluation does, see ``bench/extraction_dev.py``)
prints, in one run, precision / recall / F1 and the time per page of:

  keep-everything     the whole page as text ("save as text", rendered by inscriptis)
  densest-block       the 15 consecutive lines holding the most lines of 10+ words
  trafilatura (HTML)  trafilatura alone on the HTML, with the kit's settings
  kit plain text      ``kit.ingest.clean.clean_documents`` on the rendered pages (outlet = host)
  kit, other rendering  the same on another rendering (``render_blocks``: a browser's "copy
                      all", no list markers or layout), as the renderer of held-out pages is unknown
  kit HTML            the kit's HTML reading (``kit.ingest.html_pages``) then ``clean_documents``

on all pages, the English ones, and the held-out third (never used to train the line model,
``train/train_lines.py``), all and English. Also the pages where a system keeps less than half
of the passages it must keep. Then, as article-body benchmarks (and the issue's acceptance)
score, by token 4-grams against a reference body: extraction-dev has none, so trafilatura's
text stands in for it on the pages where it holds exactly its page's passages (every one it
must, none it must not). That proxy favours what trafilatura keeps (the line model learned
from it), but weighs each line by its words, as the passages do not.

Run: ``.venv/bin/python bench/cleaning.py`` (``--limit 100`` for a quick look; ``--systems
"kit plain text" --repeat 3`` times the kit alone, the fastest of three runs; with
``PYTHONPATH=<another checkout>`` it times that checkout's kit).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_dev import (
    DevPage,
    densest_block,
    holds_exactly_its_passages,
    load_pages,
    render_blocks,
    render_text,
    score,
    shingle_score,
    squash,
)

from kit.ingest.clean import clean_documents
from kit.ingest.html_pages import read_html_page


def _documents(pages: list[DevPage], texts: list[str], kinds: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [page.page_id for page in pages],
            "source": [page.host for page in pages],
            "raw_text": texts,
            "kind": kinds,
            "title": [None] * len(pages),
            "published": [pd.NaT] * len(pages),
            "path": [f"{page.page_id}.html" for page in pages],
            "line": [None] * len(pages),
        }
    )


def _cleaned(documents: pd.DataFrame) -> dict[str, str]:
    articles, _, _ = clean_documents(documents)
    return dict(zip(articles["doc_id"], articles["text"], strict=True))


def keep_everything(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    return {page.page_id: text for page, text in zip(pages, texts, strict=True)}


def densest(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    return {page.page_id: densest_block(text) for page, text in zip(pages, texts, strict=True)}


def trafilatura_alone(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    import trafilatura

    outputs = {}
    for page in pages:
        try:
            extracted = trafilatura.bare_extraction(
                page.html,
                with_metadata=True,
                include_comments=False,
                date_extraction_params={"outputformat": "%Y-%m-%dT%H:%M:%S%z"},
            )
        except Exception:
            extracted = None
        outputs[page.page_id] = (extracted.text or "") if extracted is not None else ""
    return outputs


def kit_plain_text(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    return _cleaned(_documents(pages, texts, ["text"] * len(pages)))


def kit_other_rendering(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    rendered = [render_blocks(page) for page in pages]
    return _cleaned(_documents(pages, rendered, ["text"] * len(pages)))


def kit_html(pages: list[DevPage], texts: list[str]) -> dict[str, str]:
    read = [read_html_page(page.html) for page in pages]
    kept = [(page, result) for page, result in zip(pages, read, strict=True) if result.text]
    documents = _documents(
        [page for page, _ in kept],
        [result.text for _, result in kept],
        [result.kind for _, result in kept],
    )
    return _cleaned(documents)


TRAFILATURA = "trafilatura (HTML)"
SYSTEMS: dict[str, Callable[[list[DevPage], list[str]], dict[str, str]]] = {
    "keep-everything": keep_everything,
    "densest-block": densest,
    TRAFILATURA: trafilatura_alone,
    "kit plain text": kit_plain_text,
    "kit, other rendering": kit_other_rendering,
    "kit HTML": kit_html,
}


def half_lost(outputs: dict[str, str], pages: list[DevPage]) -> int:
    """Return how many pages keep less than half of the passages they must keep."""
    lost = 0
    for page in pages:
        output = squash(outputs.get(page.page_id) or "")
        found = sum(squash(passage) in output for passage in page.with_passages)
        lost += bool(page.with_passages) and found < len(page.with_passages) / 2
    return lost


def print_shingle_scores(
    results: dict[str, tuple[dict[str, str], float, float]], subsets: dict[str, list[DevPage]]
) -> None:
    """Print each system's token 4-gram scores against trafilatura's text, on the pages where
    that text holds every passage the page must and none it must not."""
    references = results[TRAFILATURA][0]
    print(
        "token 4-grams against trafilatura's text where it holds exactly its page's passages\n"
        "(a proxy for reference bodies; mean over pages; trafilatura scores 1 by construction,\n"
        "and the kit on HTML, which starts from trafilatura's text, nearly so)\n"
    )
    for subset, members in subsets.items():
        clean = [
            page for page in members if holds_exactly_its_passages(references[page.page_id], page)
        ]
        print(f"{subset} ({len(clean)} of {len(members)} pages)")
        print(f"  {'system':<20} {'precision':>9} {'recall':>7} {'F1':>6}")
        for name, (outputs, *_) in results.items():
            if name == TRAFILATURA:
                continue
            figures = shingle_score(outputs, references, clean)
            print(
                f"  {name:<20} {figures.precision:>9.3f} {figures.recall:>7.3f} {figures.f1:>6.3f}"
            )
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="use the first N pages only")
    parser.add_argument(
        "--systems", nargs="*", choices=list(SYSTEMS), default=list(SYSTEMS), help="run these only"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each system N times; time: the fastest run"
    )
    arguments = parser.parse_args()
    pages = load_pages()[: arguments.limit]
    texts = [render_text(page) for page in pages]
    subsets = {
        "all": pages,
        "English": [page for page in pages if page.english],
        "held-out": [page for page in pages if page.held_out],
        "held-out English": [page for page in pages if page.held_out and page.english],
    }
    results = {}
    for name in arguments.systems:
        wall = cpu = float("inf")
        for _ in range(arguments.repeat):
            began, began_cpu = time.perf_counter(), time.process_time()
            outputs = SYSTEMS[name](pages, texts)
            wall = min(wall, time.perf_counter() - began)
            cpu = min(cpu, time.process_time() - began_cpu)
        results[name] = (outputs, wall / len(pages), cpu / len(pages))
    print(f"extraction-dev: {len(pages)} pages; scored as trafilatura's evaluation does\n")
    for subset, members in subsets.items():
        print(f"{subset} ({len(members)} pages)")
        print(f"  {'system':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'<half kept':>10}")
        for name, (outputs, *_) in results.items():
            figures = score(outputs, members)
            lost = half_lost(outputs, members)
            print(
                f"  {name:<20} {figures.precision:>9.3f} {figures.recall:>7.3f} "
                f"{figures.f1:>6.3f} {lost:>10}"
            )
        print()
    if TRAFILATURA in results:
        print_shingle_scores(results, subsets)
    runs = f", the fastest of {arguments.repeat} runs" if arguments.repeat > 1 else ""
    print(f"time per page (all pages, this machine, shared and noisy{runs}; CPU: this process's)")
    for name, (_, wall, cpu) in results.items():
        print(f"  {name:<20} {wall * 1000:>8.1f} ms   CPU {cpu * 1000:>5.1f} ms")


if __name__ == "__main__":
    main()
