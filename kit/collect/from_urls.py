"""``collect.urls``: a list of page URLs, fetched as they are."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from kit.collect.fetch import Fetcher
from kit.collect.folder import Item, collect_items


def urls(
    page_urls: Iterable[str] | str,
    *,
    out: str | os.PathLike[str],
    source: str | None = None,
    query: str = "url list",
    retry_failed: bool = False,
    progress: bool = True,
    fetcher: Fetcher | None = None,
    **fetch_options: Any,
) -> pd.DataFrame:
    """Return the manifest rows of ``page_urls``, after fetching the pages into ``out``.

    Title, date and outlet come from each page when loaded, unless ``source=`` names the
    outlet. Blank lines and lines starting with ``#`` are skipped.

    Args:
        page_urls: the pages' URLs (tracking parameters are stripped; duplicates fetched once).
        out: the folder to write (created if needed; resumed if it exists).
        source: the outlet name for every page.
        query: what the rows record as having found these URLs.
        retry_failed: fetch again the pages whose earlier fetch failed.
        progress: show a progress bar counting URLs.
        fetcher: a ``Fetcher`` to share; else one is made with ``fetch_options``.

    Example (not run: it needs the network):
        >>> collect.urls(["https://example.org/a.html"], out="corpus/")  # doctest: +SKIP
    """
    listed = [page_urls] if isinstance(page_urls, str) else list(page_urls)
    items = [
        Item(url=url.strip(), source=source)
        for url in listed
        if url.strip() and not url.lstrip().startswith("#")
    ]
    return collect_items(
        items,
        out=out,
        query=f"urls: {query}",
        fetcher=fetcher or Fetcher(**fetch_options),
        retry_failed=retry_failed,
        progress=progress,
    )
