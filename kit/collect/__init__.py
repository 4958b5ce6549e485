"""Collect a corpus from the web into a folder that ``kit.load`` reads.

>>> from kit import collect
>>> sorted(collect.__all__)
['CollectError', 'feeds', 'gdelt', 'mediacloud', 'provenance', 'urls']

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

__all__ = ["CollectError", "feeds", "gdelt", "mediacloud", "provenance", "urls"]

_COLLECTORS = {
    "feeds": "kit.collect.from_feeds",
    "urls": "kit.collect.from_urls",
    "gdelt": "kit.collect.from_gdelt",
    "mediacloud": "kit.collect.from_mediacloud",
    "provenance": "kit.collect.manifest",
}


class CollectError(KitError):
    """A collection that cannot go on: a missing key, a query the service refused."""


def __getattr__(name: str) -> Any:
    # Modules are named from_*, so a submodule import never hides the function of its name.
    if name in _COLLECTORS:
        import importlib

        return getattr(importlib.import_module(_COLLECTORS[name]), name)
    raise AttributeError(f"module 'kit.collect' has no attribute {name!r}")
