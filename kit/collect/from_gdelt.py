"""``collect.gdelt``: GDELT DOC 2.0 article lists (``mode=ArtList``), then their pages.

GDELT lists at most 250 articles per request. When a window hits that cap, it is split in
two and each half asked again, down to ``min_window`` (GDELT's own step is 15 minutes); a
window still full there is reported with a warning, since GDELT cannot list the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from collections.abc import Iterable
from typing import Any

import pandas as pd

from kit.collect import CollectError
from kit.collect.fetch import JSON_TYPES, Fetched, Fetcher
from kit.collect.folder import Item, collect_items

GDELT_DOC_API = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250
STAMP = "%Y%m%d%H%M%S"


def gdelt(
    query: str,
    *,
    start: str | dt.date,
    end: str | dt.date,
    out: str | os.PathLike[str],
    domains: Iterable[str] | None = None,
    language: str | None = "English",
    base_url: str = GDELT_DOC_API,
    api_delay: float = 5.0,
    min_window: dt.timedelta = dt.timedelta(minutes=15),
    retry_failed: bool = False,
    progress: bool = True,
    fetcher: Fetcher | None = None,
    **fetch_options: Any,
) -> pd.DataFrame:
    """Return the manifest rows of the articles GDELT lists, after fetching them into ``out``.

    Each article's outlet is its ``domain`` (normalised through ``outlets.csv`` when loaded);
    its date is the page's own, else GDELT's ``seendate`` (when GDELT first saw it).

    Args:
        query: GDELT query text (``"Xi Moscow"``, ``'"Xi Jinping" (Moscow OR Putin)'``).
        start: first day (or datetime, UTC) searched.
        end: last day searched (a date includes that whole day; a datetime is exclusive).
        out: the folder to write (created if needed; resumed if it exists).
        domains: only articles from these web domains (``["nypost.com", "kyivindependent.com"]``).
        language: only articles in this language (GDELT's ``sourcelang``; None for all).
        base_url: the DOC 2.0 endpoint (tests give a local server's).
        api_delay: seconds between two API requests (GDELT asks for one every 5 seconds).
        min_window: the shortest window a full answer is split into.
        retry_failed: fetch again the pages whose earlier fetch failed.
        progress: show a progress bar counting URLs.
        fetcher: a ``Fetcher`` for the pages; else one is made with ``fetch_options``.

    Example (not run: it needs the network):
        >>> collect.gdelt("Xi Moscow", start="2023-02-01", end="2023-03-01",
        ...               out="corpus/")  # doctest: +SKIP
    """
    fetcher = fetcher or Fetcher(**fetch_options)
    api = Fetcher(
        user_agent=fetcher.user_agent,
        delay=api_delay,
        timeout=fetcher.timeout,
        retries=fetcher.retries,
        backoff=fetcher.backoff,
        max_wait=fetcher.max_wait,
        robots=False,  # an API meant to be queried, at the rate its owners ask for
        sleep=fetcher.sleep,
    )
    begin, finish = window(start, end)
    full_query = gdelt_query(query, domains=domains, language=language)
    articles: list[dict[str, Any]] = []
    listings: list[Fetched] = []
    _list_articles(api, base_url, full_query, begin, finish, min_window, articles, listings)
    items = [
        Item(
            url=article.get("url", ""),
            title=article.get("title") or None,
            source=article.get("domain") or None,
            fallback_published=seen_date(article.get("seendate")),
        )
        for article in articles
    ]
    label = f"gdelt: {full_query} ({begin:%Y-%m-%d %H:%M} to {finish:%Y-%m-%d %H:%M} UTC)"
    return collect_items(
        items,
        out=out,
        query=label,
        fetcher=fetcher,
        retry_failed=retry_failed,
        progress=progress,
        listings=listings,
    )


def gdelt_query(
    query: str, *, domains: Iterable[str] | None = None, language: str | None = None
) -> str:
    """Return the query GDELT is sent: the text, then domain and language filters.

    >>> gdelt_query("Xi Moscow", domains=["nypost.com", "kyivindependent.com"], language="English")
    'Xi Moscow (domain:nypost.com OR domain:kyivindependent.com) sourcelang:english'
    """
    parts = [query.strip()]
    domain_terms = [f"domain:{domain.strip()}" for domain in domains or [] if domain.strip()]
    if len(domain_terms) == 1:
        parts.append(domain_terms[0])
    elif domain_terms:
        parts.append(f"({' OR '.join(domain_terms)})")
    if language:
        parts.append(f"sourcelang:{language.strip().lower()}")
    return " ".join(parts)


def window(start: str | dt.date, end: str | dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC window ``[begin, finish)``; a date as ``end`` includes that whole day.

    >>> [f"{stamp:%Y-%m-%d %H:%M %Z}" for stamp in window("2023-02-01", "2023-02-28")]
    ['2023-02-01 00:00 UTC', '2023-03-01 00:00 UTC']
    """
    begin, finish = _utc(start), _utc(end)
    if _is_day(end):
        finish += dt.timedelta(days=1)
    if finish <= begin:
        raise CollectError(f"end={end!r} is not after start={start!r}; give a later end")
    return begin, finish


def seen_date(value: str | None) -> str | None:
    """Return GDELT's ``seendate`` (``20230221T120000Z``) as ISO 8601.

    >>> seen_date("20230221T120000Z")
    '2023-02-21T12:00:00Z'
    """
    if not value:
        return None
    try:
        stamp = dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_articles(
    api: Fetcher,
    base_url: str,
    query: str,
    begin: dt.datetime,
    finish: dt.datetime,
    min_window: dt.timedelta,
    articles: list[dict[str, Any]],
    listings: list[Fetched],
) -> None:
    """Add the articles GDELT lists in ``[begin, finish)``, splitting full windows in two."""
    params = {
        "query": query,
        "mode": "ArtList",
        "format": "json",
        "maxrecords": str(MAX_RECORDS),
        "sort": "DateAsc",
        "startdatetime": begin.strftime(STAMP),
        "enddatetime": finish.strftime(STAMP),
    }
    answer = api.get(base_url, accept=JSON_TYPES, params=params)
    listings.append(answer)
    if not answer.ok:
        return  # recorded as a failed row of the manifest (and a problem on load)
    found = _articles_in(answer)
    if len(found) >= MAX_RECORDS:
        if finish - begin > min_window:
            middle = begin + (finish - begin) / 2
            _list_articles(api, base_url, query, begin, middle, min_window, articles, listings)
            _list_articles(api, base_url, query, middle, finish, min_window, articles, listings)
            return
        warnings.warn(
            f"GDELT lists {MAX_RECORDS} articles (its most) for {query!r} between {begin} and "
            f"{finish}; more may exist there: narrow the query",
            stacklevel=3,
        )
    articles.extend(found)


def _articles_in(answer: Fetched) -> list[dict[str, Any]]:
    """Return the ``articles`` of an ArtList JSON answer ([] for GDELT's empty ``{}``)."""
    text = (answer.content or b"").decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        listed = json.loads(text)
    except json.JSONDecodeError:
        raise CollectError(
            f"{answer.url}: GDELT did not answer with JSON but said {text[:200]!r}; "
            "check the query (phrases in quotes, OR-terms in parentheses, no very short words)"
        ) from None
    articles = listed.get("articles", []) if isinstance(listed, dict) else []
    return [article for article in articles if isinstance(article, dict)]


def _utc(value: str | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            stamp = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise CollectError(
                f"{value!r} is not a date; write it as 2023-02-01 or 2023-02-01T12:00"
            ) from None
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _is_day(value: str | dt.date) -> bool:
    if isinstance(value, dt.datetime):
        return False
    return isinstance(value, dt.date) or len(str(value).strip()) == 10
