"""Fetching a list of found URLs into a folder that ``kit.load`` reads, resumably.

Every collector (feeds, URL lists, GDELT, Media Cloud) turns what it found into ``Item``s and
hands them to ``collect_items``, which:

- strips tracking parameters, so one page linked twice is fetched once;
- skips URLs the folder's manifest already has (a re-run requests no page again; with
  ``retry_failed=True`` the failed ones are tried again), adding the new query to their row;
- fetches the rest through one polite ``Fetcher``, taking hosts in turn so that no host waits
  on another;
- saves each page exactly as fetched (``<host>_<hash of URL>.html``, never rewritten) and
  appends its manifest row at once, so an interrupted run loses nothing it fetched;
- records every URL that could not be fetched as a manifest row with its status and reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kit.collect import manifest
from kit.collect.fetch import Fetched, Fetcher, normalise_url, now_utc

ACTIONS = ("fetched", "failed", "already collected", "already failed")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Item:
    """One URL a source found, with what the source says about it."""

    url: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    # A date to use only when the page itself prints none (GDELT's seendate).
    fallback_published: str | None = None


def file_name(url: str) -> str:
    """Return the file a page is saved as: its host and a hash of its URL.

    >>> file_name("https://www.example.org/news/1.html")
    'example-org_f7cbcb67884b7541.html'
    """
    host = (url.split("://", 1)[-1].split("/", 1)[0].split(":")[0]).lower().removeprefix("www.")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
    return f"{_NOT_SLUG.sub('-', host).strip('-') or 'page'}_{digest}.html"


def collect_items(
    items: Iterable[Item],
    *,
    out: str | os.PathLike[str],
    query: str,
    fetcher: Fetcher,
    retry_failed: bool = False,
    progress: bool = True,
    listings: Iterable[Fetched] = (),
) -> pd.DataFrame:
    """Return this call's manifest rows (plus ``action``), after fetching what was new.

    Args:
        items: the URLs found, with their metadata.
        out: the folder (created if needed) holding the pages and manifest.csv.
        query: what found them (``"feed: URL"``, ``"gdelt: Xi Moscow"``, …), kept per row.
        fetcher: the polite fetcher to use.
        retry_failed: fetch again URLs whose earlier fetch failed.
        progress: show a progress bar counting URLs.
        listings: the answers of the feeds or API calls that listed the items; one that
            failed is recorded as a row (replacing an older one), one that worked removes
            the row of an earlier failure.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rows = manifest.read(folder)
    # One row per URL (an interrupted retry may have appended a second), the last kept; the
    # header rewritten in the kit's order only when it differs, so appending can rely on it.
    has_url = rows["url"] != ""
    deduplicated = rows[~has_url | ~rows["url"].duplicated(keep="last")]
    if len(deduplicated) < len(rows) or manifest.header(folder) != manifest.ordered_columns(rows):
        rows = deduplicated.reset_index(drop=True)
        manifest.write(folder, rows)
    unique, invalid = _unique_items(items)
    listing_rows = {normalise_url(answer.url): answer for answer in listings}
    listing_rows.update({answer.url: answer for answer in invalid})
    records = [record for record in rows.to_dict("records") if record["url"] not in listing_rows]
    known = {record["url"]: index for index, record in enumerate(records) if record["url"]}
    outcome: dict[str, str] = {}
    to_fetch = []
    for url, item in unique.items():
        index = known.get(url)
        if index is None or (retry_failed and not records[index]["file"]):
            to_fetch.append((url, item))
            continue
        records[index]["query"] = manifest.add_query(records[index]["query"], query)
        outcome[url] = "already collected" if records[index]["file"] else "already failed"
    bar = _progress_bar(len(unique), enabled=progress)
    bar.update(len(outcome))
    fresh: dict[str, dict[str, str]] = {}
    try:
        for url, item in _hosts_in_turn(to_fetch):
            previous = records[known[url]]["query"] if url in known else ""
            row = _fetch_row(url, item, manifest.add_query(previous, query), folder, fetcher)
            manifest.append(folder, row)
            fresh[url] = row
            outcome[url] = "fetched" if row["file"] else "failed"
            bar.update(1)
    finally:
        bar.close()
        kept = [record for record in records if record["url"] not in fresh]
        kept += [
            _row(url, Item(url), answer, query)
            for url, answer in listing_rows.items()
            if answer.content is None
        ]
        manifest.write(folder, pd.DataFrame([*kept, *fresh.values()], columns=rows.columns))
    failed_listings = [url for url, answer in listing_rows.items() if answer.content is None]
    outcome.update(dict.fromkeys(failed_listings, "failed"))
    final = manifest.read(folder).drop_duplicates("url", keep="last").set_index("url")
    wanted = [url for url in [*failed_listings, *unique] if url in final.index]
    called = final.loc[wanted].reset_index()
    called["action"] = called["url"].map(outcome)
    return called.reindex(columns=[*manifest.COLUMNS, "action"])


def _unique_items(items: Iterable[Item]) -> tuple[dict[str, Item], list[Fetched]]:
    """Return ``{normalised URL: item}`` (the first of each URL kept), and the answers for
    the items whose URL is not a web address, so they are recorded, not dropped."""
    unique: dict[str, Item] = {}
    invalid: list[Fetched] = []
    for item in items:
        url = (item.url or "").strip()
        if url.lower().startswith(("http://", "https://")) and urllib.parse.urlsplit(url).hostname:
            unique.setdefault(normalise_url(url), item)
        else:
            reason = "not an http(s) address" if url else "the item has no link"
            invalid.append(
                Fetched(url or "(no link)", url, "invalid", reason, fetched_at=now_utc())
            )
    return unique, invalid


def _hosts_in_turn(pairs: list[tuple[str, Item]]) -> list[tuple[str, Item]]:
    """Return the pairs reordered so consecutive requests go to different hosts."""
    by_host: dict[str, list[tuple[str, Item]]] = defaultdict(list)
    for pair in pairs:
        by_host[pair[0].split("/")[2]].append(pair)
    queues = list(by_host.values())
    ordered = []
    for turn in range(max((len(queue) for queue in queues), default=0)):
        ordered += [queue[turn] for queue in queues if turn < len(queue)]
    return ordered


def _fetch_row(url: str, item: Item, query: str, folder: Path, fetcher: Fetcher) -> dict:
    """Return the manifest row for one URL, saving its page when it could be fetched."""
    answer = fetcher.get(url)
    row = _row(url, item, answer, query)
    if answer.content is None:
        return row
    name = file_name(url)
    partial = folder / f".{name}.partial"
    partial.write_bytes(answer.content)
    os.replace(partial, folder / name)
    row["file"] = name
    if not row["published"] and item.fallback_published and not page_has_date(answer.content):
        row["published"] = item.fallback_published
    return row


def _row(url: str, item: Item, answer: Fetched, query: str) -> dict[str, str]:
    """Return the manifest row of one answer (its ``file`` still empty)."""
    return {
        "file": "",
        "source": _one_line(item.source),
        "published": item.published or "",
        "url": url,
        "title": _one_line(item.title),
        "fetched_at": answer.fetched_at,
        "status": answer.status,
        "query": query,
        "final_url": answer.final_url if answer.final_url != url else "",
        "redirects": " ".join(answer.redirects),
        "reason": answer.reason,
    }


def _one_line(text: str | None) -> str:
    """Return ``text`` with its runs of white space (newlines too) made one space."""
    return " ".join((text or "").split())


def page_has_date(content: bytes) -> bool:
    """Return whether an HTML page prints its own publication date (as ``kit.load`` reads it).

    >>> page_has_date(b'<html><head><meta property="article:published_time" '
    ...               b'content="2023-02-21T10:00:00Z"></head><body>x</body></html>')
    True
    >>> page_has_date(b"<html><body><p>No date here.</p></body></html>")
    False
    """
    import htmldate

    try:
        return bool(htmldate.find_date(content, original_date=True, extensive_search=True))
    except Exception:  # htmldate raises several kinds on broken markup
        return False


def _progress_bar(total: int, *, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Collecting", unit="URL", disable=not enabled)
