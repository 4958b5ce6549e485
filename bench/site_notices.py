"""Which lines of real article bodies ``kit.ingest.clean.site_notice`` would drop.

Reads the article bodies of ``../shared`` (allsides, BASIL, PerSenT dev, NewsMTSC) line by
line and prints, per corpus, how many lines there are and how many the site-notice rule
flags, then the distinct flagged lines (most frequent first) for a person to read: each
should be a sign-up, follow-us, copyright or disclosure line that the scrape kept, not a
story sentence. Then the same for the biography rule (``kit.ingest.clean.BIOGRAPHY``) on the
last paragraph of each allsides and PerSenT article: each flagged one should be the author's
biography (or the outlet's), not the story's last sentence.

Run: ``.venv/bin/python bench/site_notices.py [--show 60]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from kit.ingest.clean import BIOGRAPHY, BIOGRAPHY_WORDS, count_words, site_notice

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def body_lines() -> Iterator[tuple[str, str]]:
    """Yield (corpus, line) for every non-empty line of the shared article bodies."""
    for line in (SHARED / "corpora/allsides/random_sample_2000.jsonl").open(encoding="utf-8"):
        for part in (json.loads(line).get("content_original") or "").split("\n"):
            if part.strip():
                yield "allsides", part.strip()
    for path in sorted((SHARED / "corpora/basil/articles").glob("*/*")):
        try:
            article = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for paragraph in article.get("body-paragraphs") or []:
            yield "basil", " ".join(paragraph) if isinstance(paragraph, list) else str(paragraph)
    csv.field_size_limit(sys.maxsize)
    with (SHARED / "stance/persent/dev.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for part in row["DOCUMENT"].split("\n"):
                if part.strip():
                    yield "persent", part.strip()
    for path in sorted((SHARED / "stance/newsmtsc").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            yield "newsmtsc", json.loads(line)["sentence_normalized"]


def last_paragraphs() -> Iterator[tuple[str, str]]:
    """Yield (corpus, paragraph) for the last paragraph of each allsides and PerSenT article."""
    for line in (SHARED / "corpora/allsides/random_sample_2000.jsonl").open(encoding="utf-8"):
        parts = (json.loads(line).get("content_original") or "").strip().split("\n")
        if parts[-1].strip():
            yield "allsides", parts[-1].strip()
    csv.field_size_limit(sys.maxsize)
    with (SHARED / "stance/persent/dev.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            parts = row["DOCUMENT"].strip().split("\n")
            if parts[-1].strip():
                yield "persent", parts[-1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=60, help="distinct flagged lines to print")
    options = parser.parse_args()
    lines, flagged, seen = Counter(), Counter(), Counter()
    for corpus, line in body_lines():
        lines[corpus] += 1
        if site_notice(line):
            flagged[corpus] += 1
            seen[f"{corpus} | {line[:160]!r}"] += 1
    for corpus in lines:
        print(f"{corpus:<10} {lines[corpus]:>7,} lines, {flagged[corpus]:>4} site notices")
    print(f"{'all':<10} {sum(lines.values()):>7,} lines, {sum(flagged.values()):>4} site notices\n")
    for text, count in seen.most_common(options.show):
        print(f"{count:>4}  {text}")
    endings = list(last_paragraphs())
    biographies = [
        (corpus, text)
        for corpus, text in endings
        if BIOGRAPHY.match(text) and count_words(text) <= BIOGRAPHY_WORDS
    ]
    print(f"\n{len(endings):,} last paragraphs, {len(biographies)} read as a biography:")
    for corpus, text in biographies[: options.show]:
        print(f"  {corpus} | {text[:160]!r}")


if __name__ == "__main__":
    main()
