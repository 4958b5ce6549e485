"""Which lines of real article bodies ``kit.ingest.clean.site_notice`` would drop.

Reads the article bodies of ``../shared`` (allsides, BASIL, PerSenT dev, NewsMTSC) line by
line and prints, per corpus, how many lines there are and how many the site-notice rule
flags, then the distinct flagged lines (most frequent first) for a person to read: each
should be a sign-up, follow-us, copyright or disclosure line that the scrape kept, not a
story sentence. Then the same for the biography rule (``kit.ingest.clean.is_biography``) on the
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

from kit.ingest.clean import is_biography, site_notice

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def articles() -> Iterator[tuple[str, list[str]]]:
    """Yield (corpus, non-empty paragraphs) for every article of the shared corpora
    (a NewsMTSC sentence counts as an article of one paragraph)."""

    def paragraphs(text: str) -> list[str]:
        return [part.strip() for part in text.split("\n") if part.strip()]

    for line in (SHARED / "corpora/allsides/random_sample_2000.jsonl").open(encoding="utf-8"):
        yield "allsides", paragraphs(json.loads(line).get("content_original") or "")
    for path in sorted((SHARED / "corpora/basil/articles").glob("*/*")):
        try:
            article = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        body = article.get("body-paragraphs") or []
        yield "basil", [" ".join(p) if isinstance(p, list) else str(p) for p in body]
    csv.field_size_limit(sys.maxsize)
    with (SHARED / "stance/persent/dev.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield "persent", paragraphs(row["DOCUMENT"])
    for path in sorted((SHARED / "stance/newsmtsc").glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            yield "newsmtsc", [json.loads(line)["sentence_normalized"]]


# The corpora whose articles end as published (an author's biography included, if any).
WHOLE_ARTICLES = ("allsides", "persent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=60, help="distinct flagged lines to print")
    options = parser.parse_args()
    lines, flagged, seen = Counter(), Counter(), Counter()
    endings, biographies = 0, []
    for corpus, paragraphs in articles():
        for line in paragraphs:
            lines[corpus] += 1
            if site_notice(line):
                flagged[corpus] += 1
                seen[f"{corpus} | {line[:160]!r}"] += 1
        if corpus in WHOLE_ARTICLES and paragraphs:
            endings += 1
            if is_biography(paragraphs[-1]):
                biographies.append((corpus, paragraphs[-1]))
    for corpus in lines:
        print(f"{corpus:<10} {lines[corpus]:>7,} lines, {flagged[corpus]:>4} site notices")
    print(f"{'all':<10} {sum(lines.values()):>7,} lines, {sum(flagged.values()):>4} site notices\n")
    for text, count in seen.most_common(options.show):
        print(f"{count:>4}  {text}")
    print(f"\n{endings:,} last paragraphs, {len(biographies)} read as a biography:")
    for corpus, text in biographies[: options.show]:
        print(f"  {corpus} | {text[:160]!r}")


if __name__ == "__main__":
    main()
