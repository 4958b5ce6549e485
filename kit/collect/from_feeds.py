"""``collect.feeds``: the items of RSS and Atom feeds, then their pages."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import time
from collections.abc import Iterable
from typing import Any

import pandas as pd

from kit.collect.fetch import FEED_TYPES, Fetched, Fetcher
from kit.collect.folder import Item, collect_items


def feeds(
    feed_urls: Iterable[str] | str,
    *,
    out: str | os.PathLike[str],
    source: str | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    fetcher: Fetcher | None = None,
    **fetch_options: Any,
) -> pd.DataFrame:
    """Return the manifest rows of the feeds' items, after fetching their pages into ``out``.

    Each item gives its link, title and date; the feed's title is the outlet (normalised
    through ``outlets.csv`` when loaded) unless ``source=`` names it. A feed that cannot be
    fetched or parsed is a failed row too.

    Args:
        feed_urls: RSS 0.9x/1.0/2.0 or Atom feed URLs.
        out: the folder to write (created if needed; resumed if it exists).
        source: the outlet name for every item, instead of each feed's title.
        retry_failed: fetch again the pages whose earlier fetch failed.
        progress: show a progress bar counting URLs.
        fetcher: a ``Fetcher`` to share; else one is made with ``fetch_options``
            (``delay=``, ``timeout=``, ``retries=``, ``backoff=``, ``max_bytes=``, ``contact=``).

    Example (not run: it needs the network):
        >>> collect.feeds(["https://example.org/rss.xml"], out="corpus/")  # doctest: +SKIP
    """
    fetcher = fetcher or Fetcher(**fetch_options)
    results = []
    for feed_url in [feed_urls] if isinstance(feed_urls, str) else list(feed_urls):
        answer = fetcher.get(feed_url, accept=FEED_TYPES)
        items = feed_items(answer, source=source) if answer.ok else []
        results.append(
            collect_items(
                items,
                out=out,
                query=f"feed: {feed_url}",
                fetcher=fetcher,
                retry_failed=retry_failed,
                progress=progress,
                listings=[answer],
            )
        )
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame()


def feed_items(answer: Fetched, *, source: str | None = None) -> list[Item]:
    """Return the items of a fetched feed; a feed that does not parse gets its answer marked.

    >>> feed = Fetched("http://x.org/rss", "http://x.org/rss", "200", content=(
    ...     b"<rss version='2.0'><channel><title>X News</title><item><title>A</title>"
    ...     b"<link>http://x.org/a</link><pubDate>Tue, 21 Feb 2023 10:00:00 GMT</pubDate>"
    ...     b"</item></channel></rss>"))
    >>> [(item.url, item.title, item.source, item.published) for item in feed_items(feed)]
    [('http://x.org/a', 'A', 'X News', '2023-02-21T10:00:00Z')]
    """
    import feedparser

    # The feed's own address resolves relative links in it.
    base = {"content-location": answer.final_url}
    parsed = feedparser.parse(answer.content, response_headers=base)
    if not parsed.entries and parsed.get("bozo"):
        answer.content, answer.status = None, "not a feed"
        answer.reason = f"the answer is not an RSS or Atom feed ({parsed.get('bozo_exception')})"
        return []
    outlet = source or parsed.feed.get("title") or None
    return [
        Item(
            url=entry.get("link", ""),
            title=entry.get("title") or None,
            source=outlet,
            published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        )
        for entry in parsed.entries
    ]


def _iso(parsed: time.struct_time | None) -> str | None:
    """Return feedparser's UTC struct_time as ISO 8601 (None when the item has no date)."""
    if parsed is None:
        return None
    stamp = dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
