"""``python -m kit collect feeds|urls|gdelt|mediacloud ...``: the collectors from the shell."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kit.collect.fetch import Fetcher


def add_parser(commands: Any) -> None:
    """Add the ``collect`` command and its four sources to the kit's command line."""
    parser = commands.add_parser("collect", help="collect a corpus from the web into a folder")
    sources = parser.add_subparsers(dest="source", required=True)

    feeds = sources.add_parser("feeds", help="RSS/Atom feeds, then their items' pages")
    feeds.add_argument("feed_urls", nargs="+", metavar="URL", help="feed addresses")
    feeds.add_argument(
        "--source", dest="source_name", default=None, help="outlet (default: each feed's title)"
    )

    urls = sources.add_parser("urls", help="a list of page URLs")
    urls.add_argument("page_urls", nargs="*", metavar="URL", help="page addresses")
    urls.add_argument("--file", default=None, help="a text file with one URL per line")
    urls.add_argument(
        "--source", dest="source_name", default=None, help="outlet (default: from each page)"
    )

    gdelt = sources.add_parser("gdelt", help="GDELT DOC 2.0 article lists, then the pages")
    gdelt.add_argument("query", help='GDELT query, e.g. "Xi Moscow"')
    gdelt.add_argument("--domain", action="append", dest="domains", help="only this domain")
    gdelt.add_argument("--language", default="English", help="source language (default English)")
    gdelt.add_argument("--base-url", default=None, help="the DOC API address")

    mediacloud = sources.add_parser("mediacloud", help="Media Cloud story lists, then the pages")
    mediacloud.add_argument("query", help='Media Cloud query, e.g. "Xi AND Moscow"')
    mediacloud.add_argument("--collection", type=int, action="append", dest="collections")
    mediacloud.add_argument("--source-id", type=int, action="append", dest="sources")
    mediacloud.add_argument("--api-key", default=None, help="default: $MC_API_KEY")
    mediacloud.add_argument("--limit", type=int, default=None, help="at most this many stories")
    mediacloud.add_argument("--base-url", default=None, help="the API address")

    for dated in (gdelt, mediacloud):
        dated.add_argument("--start", required=True, help="first day, e.g. 2023-02-01")
        dated.add_argument("--end", required=True, help="last day (included)")
    for source in (feeds, urls, gdelt, mediacloud):
        source.add_argument("--out", required=True, help="the corpus folder to write or resume")
        source.add_argument("--delay", type=float, default=1.0, help="s between hits on a host")
        source.add_argument("--timeout", type=float, default=20.0, help="seconds (default 20)")
        source.add_argument("--retries", type=int, default=3, help="after 429/5xx (default 3)")
        source.add_argument("--max-bytes", type=int, default=10_000_000, help="size cap per page")
        source.add_argument("--contact", default=None, help="e-mail or URL for the user agent")
        source.add_argument("--retry-failed", action="store_true", help="fetch failed URLs again")
        source.add_argument("--quiet", action="store_true", help="no progress bar")
        source.set_defaults(run=run)


def run(arguments: argparse.Namespace) -> int:
    """Run one collection; print what it did; return the exit status."""
    from kit import collect

    fetcher = Fetcher(
        delay=arguments.delay,
        timeout=arguments.timeout,
        retries=arguments.retries,
        max_bytes=arguments.max_bytes,
        contact=arguments.contact,
    )
    common = {
        "out": arguments.out,
        "fetcher": fetcher,
        "retry_failed": arguments.retry_failed,
        "progress": not arguments.quiet,
    }
    service = {"base_url": arguments.base_url} if getattr(arguments, "base_url", None) else {}
    if arguments.source == "feeds":
        rows = collect.feeds(arguments.feed_urls, source=arguments.source_name, **common)
    elif arguments.source == "urls":
        listed = list(arguments.page_urls)
        if arguments.file:
            listed += Path(arguments.file).read_text(encoding="utf-8").splitlines()
        rows = collect.urls(listed, source=arguments.source_name, **common)
    elif arguments.source == "gdelt":
        rows = collect.gdelt(
            arguments.query,
            start=arguments.start,
            end=arguments.end,
            domains=arguments.domains,
            language=arguments.language or None,
            **service,
            **common,
        )
    else:
        rows = collect.mediacloud(
            arguments.query,
            start=arguments.start,
            end=arguments.end,
            collections=arguments.collections,
            sources=arguments.sources,
            api_key=arguments.api_key,
            limit=arguments.limit,
            **service,
            **common,
        )
    counts = rows["action"].value_counts() if len(rows) else {}
    done = ", ".join(f"{counts[action]} {action}" for action in counts.index) or "nothing found"
    print(f"{len(rows)} URLs: {done}; folder {arguments.out} (load it with kit.load)")
    for row in rows[rows["file"] == ""].head(10).itertuples():
        print(f"  not collected: {row.url} ({row.status}: {row.reason})", file=sys.stderr)
    return 0
