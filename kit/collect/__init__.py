"""Collect a corpus from the web into a folder that ``kit.load`` reads.

>>> from kit import collect
>>> sorted(collect.__all__)
['CollectError', 'feeds', 'gdelt', 'mediacloud', 'provenance', 'run', 'urls']

``collect.feeds([...], out=)`` reads RSS/Atom feeds, ``collect.urls([...], out=)`` a list of
pages, ``collect.gdelt(query, start=, end=, out=)`` GDELT's DOC 2.0 article lists and
``collect.mediacloud(query, start=, end=, out=)`` Media Cloud's story lists; each then fetches
the pages politely (``kit.collect.fetch``) and writes them, as fetched, with a ``manifest.csv``
(``kit.collect.manifest``). Re-running a call resumes. ``collect.provenance(corpus)`` gives
each collected article's URL, fetch time, HTTP status and the query or feed that found it.
Nothing here runs at import: the collectors load when first used.
"""

from __future__ import annotations

from typing import Any

from kit.errors import KitError

__all__ = ["CollectError", "feeds", "gdelt", "mediacloud", "provenance", "run", "urls"]

_COLLECTORS = {
    "feeds": "kit.collect.from_feeds",
    "urls": "kit.collect.from_urls",
    "gdelt": "kit.collect.from_gdelt",
    "mediacloud": "kit.collect.from_mediacloud",
    "provenance": "kit.collect.manifest",
}


class CollectError(KitError):
    """A collection that cannot go on: a missing key, a query the service refused."""


def run(source: str, **options: Any) -> Any:
    """Return ``collect.<source>(...)`` given the options of all sources; each takes its own.

    For a notebook whose parameters name the source: ``query``/``start``/``end`` go to GDELT
    and Media Cloud, ``feed_urls`` to feeds, ``page_urls`` to URL lists, and the fetcher's
    options (``delay=``, ``timeout=``, …) and ``out=`` to all.

    >>> run("rss", out="x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kit.errors.InputError: source='rss' is not valid; use one of 'feeds', 'urls', ...
    """
    import inspect

    from kit.collect.fetch import Fetcher
    from kit.errors import InputError, value_invalid_msg

    if source not in _COLLECTORS or source == "provenance":
        raise InputError(value_invalid_msg("source", source, list(_COLLECTORS)[:4]))
    collector = __getattr__(source)
    own = set(inspect.signature(collector).parameters) | set(inspect.signature(Fetcher).parameters)
    given = {name: value for name, value in options.items() if name in own}
    first = next(iter(inspect.signature(collector).parameters))
    if first not in given:
        raise InputError(f"collect.run({source!r}, ...) needs {first}=; pass it with the others")
    return collector(given.pop(first), **given)


def __getattr__(name: str) -> Any:
    # Modules are named from_*, so a submodule import never hides the function of its name.
    if name in _COLLECTORS:
        import importlib

        return getattr(importlib.import_module(_COLLECTORS[name]), name)
    raise AttributeError(f"module 'kit.collect' has no attribute {name!r}")
