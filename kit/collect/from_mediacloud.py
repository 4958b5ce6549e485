"""``collect.mediacloud``: Media Cloud story lists (through its ``mediacloud`` client), then
the pages.

Media Cloud lists stories' URLs and metadata, not their text: the pages are fetched here, as
for the other sources. A key is needed (free at search.mediacloud.org): ``api_key=`` or the
``MC_API_KEY`` environment variable.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from kit.collect import CollectError
from kit.collect.fetch import Fetcher
from kit.collect.folder import Item, collect_items
from kit.collect.from_gdelt import window

MEDIACLOUD_API = "https://search.mediacloud.org/api/"
KEY_VARIABLE = "MC_API_KEY"


def mediacloud(
    query: str,
    *,
    start: str | dt.date,
    end: str | dt.date,
    out: str | os.PathLike[str],
    collections: Iterable[int] | None = None,
    sources: Iterable[int] | None = None,
    api_key: str | None = None,
    base_url: str = MEDIACLOUD_API,
    limit: int | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    fetcher: Fetcher | None = None,
    **fetch_options: Any,
) -> pd.DataFrame:
    """Return the manifest rows of the stories Media Cloud lists, after fetching them.

    Each story's outlet is its ``media_name``, its date Media Cloud's ``publish_date``.

    Args:
        query: Media Cloud query (``"Xi AND Moscow"``).
        start: first day searched.
        end: last day searched (included).
        out: the folder to write (created if needed; resumed if it exists).
        collections: Media Cloud collection ids (e.g. 34412234, US national news).
        sources: Media Cloud source ids.
        api_key: your key; default the ``MC_API_KEY`` environment variable.
        base_url: the API's address (tests give a local server's).
        limit: stop listing after this many stories.
        retry_failed: fetch again the pages whose earlier fetch failed.
        progress: show a progress bar counting URLs.
        fetcher: a ``Fetcher`` for the pages; else one is made with ``fetch_options``.

    Example (not run: it needs the network and a key):
        >>> collect.mediacloud("Xi AND Moscow", start="2023-02-01", end="2023-02-28",
        ...                    collections=[34412234], out="corpus/")  # doctest: +SKIP
    """
    key = api_key or os.environ.get(KEY_VARIABLE)
    if not key:
        raise CollectError(
            f"Media Cloud needs an API key: set the {KEY_VARIABLE} environment variable "
            "(or pass api_key=); get one free at https://search.mediacloud.org"
        )
    begin, finish = window(start, end)
    first_day, last_day = begin.date(), (finish - dt.timedelta(seconds=1)).date()
    stories = story_list(
        query,
        first_day,
        last_day,
        key=key,
        base_url=base_url,
        collections=list(collections or []),
        sources=list(sources or []),
        limit=limit,
    )
    items = [
        Item(
            url=story.get("url") or "",
            title=story.get("title") or None,
            source=story.get("media_name") or None,
            published=_day(story.get("publish_date")),
        )
        for story in stories
    ]
    scope = ", ".join(
        [f"collections {collections}" * bool(collections), f"sources {sources}" * bool(sources)]
    ).strip(", ")
    label = f"mediacloud: {query} ({first_day} to {last_day}{'; ' + scope if scope else ''})"
    return collect_items(
        items,
        out=out,
        query=label,
        fetcher=fetcher or Fetcher(**fetch_options),
        retry_failed=retry_failed,
        progress=progress,
    )


def story_list(
    query: str,
    first_day: dt.date,
    last_day: dt.date,
    *,
    key: str,
    base_url: str = MEDIACLOUD_API,
    collections: list[int],
    sources: list[int],
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Return every story Media Cloud lists for the query, page after page."""
    import mediacloud.api
    import mediacloud.error
    import requests

    search = mediacloud.api.SearchApi(key)
    search.BASE_API_URL = base_url if base_url.endswith("/") else f"{base_url}/"
    stories: list[dict[str, Any]] = []
    token = None
    while True:
        try:
            page, token = search.story_list(
                query,
                first_day,
                last_day,
                collection_ids=collections,
                source_ids=sources,
                pagination_token=token,
            )
        except mediacloud.error.APIResponseError as error:
            code = getattr(getattr(error, "response", None), "status_code", None)
            fix = (
                f"check your key ({KEY_VARIABLE})"
                if code in (401, 403)
                else "check the query and try again later"
            )
            raise CollectError(
                f"{search.BASE_API_URL}: Media Cloud refused ({error}); {fix}"
            ) from None
        except requests.RequestException as error:
            raise CollectError(
                f"{search.BASE_API_URL}: Media Cloud could not be reached ({error}); "
                "check the address and your connection"
            ) from None
        stories += page
        if not token or (limit is not None and len(stories) >= limit):
            return stories[:limit] if limit is not None else stories


def _day(value: Any) -> str | None:
    """Return Media Cloud's ``publish_date`` (a date once the client read it) as ISO text."""
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)
