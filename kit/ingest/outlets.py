"""Outlet names: one canonical spelling per outlet, from a built-in alias table users can extend.

The table (``kit/ingest/outlets.csv``, columns ``alias,outlet``) is matched loosely: case,
punctuation, spaces, a leading "The", a web-domain ending (``nytimes.com``) and a trailing
section label such as " - News", " (Online News)" or " (Web News)" are ignored. Names not in
the table pass through with extra spaces and the section label removed.

>>> normalize("New York Times - News")
'The New York Times'
>>> normalize("hpo")
'HuffPost'
>>> normalize("  Some Local   Gazette ")
'Some Local Gazette'
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

TABLE_PATH = Path(__file__).with_name("outlets.csv")

# Section labels that name a page type rather than the outlet ("Newsmax - News",
# "CNN (Web News)", "NPR Online News", "NBC News (Online)"); opinion labels are kept on purpose,
# since an outlet's opinion pages are often rated and read apart from its news.
_SECTION_SUFFIX = re.compile(
    r"(?:\s*[-–—|:]\s*(?:online\s+|web\s+)?news"
    r"|\s*\(\s*(?:online|web)(?:\s+news)?\s*\)"
    r"|\s+online\s+news)\s*$",
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"^(?:https?://)?(?:www\.)?(?P<name>[\w-]+(?:\.[\w-]+)*?)"
    r"\.(?:com|org|net|news|co\.uk|co|uk|ua|info|us|io)/?$",
    re.IGNORECASE,
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")


def display_name(name: str) -> str:
    """Return ``name`` with extra spaces and a trailing section label removed.

    >>> display_name("The Week  - News")
    'The Week'
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    without_section = _SECTION_SUFFIX.sub("", text).strip()
    return without_section or text


def match_key(name: str) -> str:
    """Return the loose key under which ``name`` is looked up in the table.

    >>> match_key("The New York Times"), match_key("NYTimes.com"), match_key("nytimes")
    ('newyorktimes', 'nytimes', 'nytimes')
    """
    text = display_name(name)
    domain = _DOMAIN.match(text)
    if domain and " " not in text:
        text = domain.group("name")
    key = _NOT_ALNUM.sub("", text.casefold())
    return key[3:] if key.startswith("the") and len(key) > 3 else key


@lru_cache(maxsize=1)
def _builtin_rows() -> tuple[tuple[str, str], ...]:
    """Return the (alias, outlet) pairs of the built-in table, read once."""
    with TABLE_PATH.open(encoding="utf-8", newline="") as table_file:
        return tuple((row["alias"], row["outlet"]) for row in csv.DictReader(table_file))


def table(extra: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return the alias table (columns ``alias, outlet``): built-in rows, then ``extra``'s.

    Later rows win when two aliases share a key, so ``extra`` overrides the built-in table.

    >>> table({"The Daily Planet": "Daily Planet"}).tail(1).to_dict("records")
    [{'alias': 'The Daily Planet', 'outlet': 'Daily Planet'}]
    """
    rows = list(_builtin_rows()) + [(alias, outlet) for alias, outlet in (extra or {}).items()]
    return pd.DataFrame(rows, columns=["alias", "outlet"])


def _lookup(extra: Mapping[str, str] | None) -> dict[str, str]:
    """Return ``{match key: canonical outlet}`` for the built-in table plus ``extra``."""
    canonical_by_key: dict[str, str] = {}
    for alias, outlet in table(extra).itertuples(index=False):
        canonical_by_key[match_key(outlet)] = outlet
        canonical_by_key[match_key(alias)] = outlet
    return canonical_by_key


@lru_cache(maxsize=1)
def _builtin_lookup() -> dict[str, str]:
    return _lookup(None)


def normalizer(extra: Mapping[str, str] | None = None) -> Callable[[object], str | None]:
    """Return a memoised ``normalize`` bound to ``extra`` (fast over many repeated names).

    >>> normalizer({"DP": "Daily Planet"})("dp")
    'Daily Planet'
    """
    canonical_by_key = _lookup(extra) if extra else _builtin_lookup()
    memo: dict[str, str | None] = {}

    def normalize_one(name: object) -> str | None:
        if name is None or (isinstance(name, float) and name != name):
            return None
        text = name if isinstance(name, str) else str(name)
        if text not in memo:
            memo[text] = (
                canonical_by_key.get(match_key(text)) or display_name(text)
                if text.strip()
                else None
            )
        return memo[text]

    return normalize_one


def normalize(name: object, extra: Mapping[str, str] | None = None) -> str | None:
    """Return the canonical outlet name for ``name``; None for a missing or blank name.

    ``extra`` maps more aliases to canonical names and wins over the built-in table.

    >>> normalize("Fox News (Online News)"), normalize("nypost")
    ('Fox News', 'New York Post')
    >>> normalize("Daily Planet", extra={"daily planet": "The Daily Planet"})
    'The Daily Planet'
    """
    return normalizer(extra)(name)
