"""A small demonstration folder: a corpus of your own, with the usual problems, to try the kit on.

``demo_folder(path)`` writes a handful of files about one invented-but-plausible story (a
Paris summit) as three outlets might publish them, in the formats people bring:

- ``feed.jsonl``: records whose text sits in a column the kit does not guess (``body_text``),
  so ``kit.load(..., columns={"text": "body_text"})`` is needed;
- ``wire.csv``: the same ``body_text`` column, and one malformed row (an unclosed quote);
- ``page.html``: a saved web page;
- ``notes.txt``: an empty file;
- ``outlets.csv`` and ``aliases.csv``: the folder's own outlet names and entity aliases.

Loading it shows ``corpus.problems`` with real rows. Nothing here is used by the analysis.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

SUMMIT = (
    "President Joe Biden met President Emmanuel Macron in Paris on {day} to discuss trade, "
    "support for Ukraine and climate policy. {angle} The two leaders spoke for more than an "
    "hour at the Elysee, and officials from the European Union joined them for lunch. "
    "{quote} NATO Secretary General Jens Stoltenberg is expected to join the talks in "
    "Brussels next week."
)

RECORDS = [
    {
        "id": "dp-1",
        "outlet": "DP",
        "headline": "Biden and Macron meet in Paris",
        "date": "2024-06-07",
        "body_text": SUMMIT.format(
            day="Friday",
            angle="Macron called the meeting a sign of a strong alliance.",
            quote='"We agree on the essentials," Macron told reporters.',
        ),
    },
    {
        "id": "gz-1",
        "outlet": "gazette",
        "headline": "Paris summit: Biden presses Macron on trade",
        "date": "2024-06-07",
        "body_text": SUMMIT.format(
            day="Friday",
            angle="Critics in Washington said the visit achieved little.",
            quote='"This was a photo opportunity," said Senator Mitch McConnell.',
        ),
    },
    {
        "id": "gz-2",
        "outlet": "gazette",
        "headline": "Farmers protest in Lyon",
        "date": "2024-06-20",
        "body_text": (
            "Thousands of farmers drove their tractors into Lyon on Thursday to protest against "
            "fuel prices and new rules from the European Union. The farmers' union FNSEA said "
            "the protest would continue until the government of Prime Minister Gabriel Attal "
            "agreed to talks. Police in Lyon closed several roads near the city centre."
        ),
    },
]

PAGE = """<!DOCTYPE html>
<html><head><title>Paris talks end with promises - Evening Courier</title>
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2024-06-08T09:00:00+02:00">
<meta property="og:site_name" content="Evening Courier"></head>
<body><nav>Home | World | Sign in</nav>
<article><h1>Paris talks end with promises</h1>
<p>{text}</p>
<p>Emmanuel Macron said after the meeting that France and the United States would work together
on new rules for artificial intelligence. Joe Biden flew on to Brussels on Saturday morning.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>
"""

OUTLETS = {"DP": "Daily Planet", "gazette": "The Example Gazette"}
ALIASES = {"the Elysee": "Elysee Palace"}


def demo_folder(folder: str | Path) -> Path:
    """Return ``folder`` after writing the demonstration corpus into it (see module docstring)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as feed:
        for record in RECORDS[:2]:
            feed.write(json.dumps(record) + "\n")
    with (folder / "wire.csv").open("w", encoding="utf-8", newline="") as wire:
        writer = csv.DictWriter(wire, fieldnames=list(RECORDS[2]))
        writer.writeheader()
        writer.writerow(RECORDS[2])
        # A malformed row: an unclosed quote swallows the rest of the file.
        wire.write('gz-3,gazette,"Unfinished,2024-06-21,"This row never ends\n')
    page_text = SUMMIT.format(
        day="Friday",
        angle="The talks ended with promises of closer work on technology.",
        quote='"A good day for both our countries," Biden said.',
    )
    (folder / "page.html").write_text(PAGE.format(text=page_text), encoding="utf-8")
    (folder / "notes.txt").write_text("", encoding="utf-8")
    with (folder / "outlets.csv").open("w", encoding="utf-8", newline="") as outlets:
        writer = csv.writer(outlets)
        writer.writerow(["alias", "outlet"])
        writer.writerows(OUTLETS.items())
    with (folder / "aliases.csv").open("w", encoding="utf-8", newline="") as aliases:
        writer = csv.writer(aliases)
        writer.writerow(["alias", "entity"])
        writer.writerows(ALIASES.items())
    return folder


def demo_columns() -> dict[str, str]:
    """Return the column mapping the demonstration folder needs: {"text": "body_text", ...}."""
    return {"text": "body_text", "title": "headline"}
