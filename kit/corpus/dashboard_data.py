"""What the dashboard shows, as pure functions over a rollup of the corpus.

``kit.corpus.rollup.Rollup`` holds a corpus's counts at daily resolution plus each outlet's
daily words and articles, read from a ``Corpus``'s frames or a store's rollups. Every redraw of
``kit.views.explorer.Dashboard`` is ``view(rollup, settings)``: it filters and sums a few
small arrays instead of recounting the corpus, and the tests check it against
``Corpus.filter`` and ``Corpus.mention_counts``.

>>> import kit
>>> shown = view(Rollup.build(kit.load(progress=False)), {"measure": "mentions"})
>>> sorted(shown)[:3]
['entities', 'evidence', 'evidence_total']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from kit.corpus.memory import Corpus, as_list
from kit.corpus.rankings import top_outlets
from kit.corpus.rollup import Rollup, select_days
from kit.corpus.tally import group_codes, sum_by
from kit.errors import ArgumentError

MEASURE_CHOICES: dict[str, str] = {
    "mentions": "Mentions",
    "per_1000_words": "Per 1,000 words",
    "article_share": "Share of articles",
}
LABEL_NAMES: dict[str, str] = {
    "PERSON": "People",
    "ORG": "Organisations",
    "GPE": "Countries, cities, states",
    "NORP": "Nationalities, religious and political groups",
    "LOC": "Other places",
    "FAC": "Buildings, airports, roads",
    "EVENT": "Events",
    "PRODUCT": "Products",
    "LAW": "Laws",
    "WORK_OF_ART": "Titles of works",
    "LANGUAGE": "Languages",
}
DEFAULT_SETTINGS: dict[str, Any] = {
    "entity": None,
    "source": None,
    "start": None,
    "end": None,
    "label": None,
    "measure": "mentions",
    "freq": "W",
}
EVIDENCE_LIMIT = 50
ENTITY_OPTIONS_LIMIT = 300
TOP_ENTITIES = 10
TIMELINE_OUTLETS = 8
COUNT_COLUMNS = ["mentions", "articles", "words_total", "articles_total"]


# ---- settings --------------------------------------------------------------------------------
def _as_date(value: Any) -> str | None:
    """Return a date as 'YYYY-MM-DD' (a full timestamp is kept as given if it has a time)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    return f"{stamp:%Y-%m-%d}" if stamp == stamp.normalize() else stamp.isoformat()


def normalize_settings(settings: Mapping[str, Any] | None = None, **overrides: Any) -> dict:
    """Return a complete settings dict: lists for entity/source, 'YYYY-MM-DD' dates.

    Example:
        >>> normalize_settings(entity="Vladimir Putin", start="2023-02-01")["entity"]
        ['Vladimir Putin']
    """
    merged = {**DEFAULT_SETTINGS, **(settings or {}), **overrides}
    unknown = sorted(set(merged) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ArgumentError(
            f"dashboard: unknown setting {unknown[0]!r}; "
            f"expected one of {', '.join(DEFAULT_SETTINGS)}"
        )
    if merged["measure"] not in MEASURE_CHOICES:
        raise ArgumentError(
            f"dashboard: measure={merged['measure']!r} is not one of "
            f"{', '.join(map(repr, MEASURE_CHOICES))}"
        )
    if merged["freq"] not in ("D", "W", "M"):
        raise ArgumentError(f"dashboard: freq={merged['freq']!r} is not one of 'D', 'W', 'M'")
    merged["entity"] = as_list(merged["entity"]) or None
    merged["source"] = as_list(merged["source"]) or None
    merged["start"] = _as_date(merged["start"])
    merged["end"] = _as_date(merged["end"])
    return merged


def settings_code(settings: Mapping[str, Any], *, corpus_name: str = "corpus") -> str:
    """Return the one line of Python that recreates a view with these settings.

    Example:
        >>> settings_code({"entity": ["Vladimir Putin"], "measure": "per_1000_words"})
        "kit.dashboard(corpus, entity=['Vladimir Putin'], measure='per_1000_words')"
    """
    complete = normalize_settings(settings)
    arguments = [corpus_name]
    for name, default in DEFAULT_SETTINGS.items():
        value = complete[name]
        if value != default:
            arguments.append(f"{name}={value!r}")
    return f"kit.dashboard({', '.join(arguments)})"


def articles_in_view(rollup: Rollup, settings: Mapping[str, Any]) -> int:
    """Return how many articles the settings' outlets and dates hold (whatever they mention)."""
    return int(select_days(rollup.outlet_days, settings)["articles_total"].sum())


def _normalise(counts: pd.DataFrame) -> pd.DataFrame:
    """Return counts with per_1000_words and article_share from their totals."""
    measures = {}
    for measure, count, total, scale in (
        ("per_1000_words", "mentions", "words_total", 1000),
        ("article_share", "articles", "articles_total", 1),
    ):
        totals = counts[total].to_numpy(dtype=float, na_value=np.nan)
        shares = np.full(len(counts), np.nan)  # no total (no words, no articles): no rate
        np.divide(scale * counts[count].to_numpy(), totals, out=shares, where=totals > 0)
        measures[measure] = shares
    return counts.assign(**measures)


def entity_counts(rollup: Rollup, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Return counts by entity and outlet under the settings' outlets, dates and entity type.

    The same numbers as ``corpus.filter(source=, start=, end=, label=).mention_counts()``.
    """
    settings = normalize_settings(settings)
    counts = rollup.counts(settings)
    outlets = sum_by(
        select_days(rollup.outlet_days, settings), ["source"], ["words_total", "articles_total"]
    )
    found = pd.Index(outlets["source"]).get_indexer(counts["source"])
    for column in ("words_total", "articles_total"):
        counts[column] = outlets[column].to_numpy()[found]
    counts = _normalise(counts).sort_values(
        ["mentions", "entity", "source"], ascending=[False, True, True], ignore_index=True
    )
    return counts


def timeline_counts(
    rollup: Rollup,
    settings: Mapping[str, Any],
    entities: list[str],
    *,
    max_outlets: int | None = None,
) -> pd.DataFrame:
    """Return counts by entity, outlet and period (settings' ``freq``) for some entities.

    Periods in which an outlet published but did not mention the entity are zeros (periods in
    which it published nothing have no row). ``max_outlets`` keeps only the outlets that mention
    them most (what ``charts.mentions_over_time`` would draw anyway).
    """
    settings = normalize_settings(settings)
    freq = settings["freq"]
    counts = rollup.counts(settings, entities, freq)
    if max_outlets is not None:  # the chart's choice too: the outlets that mention these most
        counts = counts[counts["source"].isin(top_outlets(counts, "mentions", max_outlets))]
    days = select_days(rollup.outlet_days, settings)
    days = days[days["source"].isin(counts["source"].unique())]
    outlets = sum_by(days, ["source", freq], ["words_total", "articles_total"])
    outlets = outlets.rename(columns={freq: "published"})
    rows, outlet_rows, count_rows = _filled_rows(counts, outlets)
    filled = pd.DataFrame(
        {
            "entity": counts["entity"].take(rows).reset_index(drop=True),
            "source": counts["source"].take(rows).reset_index(drop=True),
            "published": _taken(outlets["published"], counts["published"], outlet_rows, rows),
        }
    )
    for column in ("mentions", "articles"):
        values = counts[column].to_numpy()
        filled[column] = np.where(count_rows >= 0, values[count_rows], 0).astype(int)
    for column in ("words_total", "articles_total"):
        values = outlets[column].to_numpy().astype(float)
        taken = np.where(outlet_rows >= 0, values[outlet_rows], np.nan)
        filled[column] = taken.astype(int) if (outlet_rows >= 0).all() else taken
    filled = _normalise(filled)
    columns = ["entity", "source", "published", "mentions", "articles"]
    columns += ["per_1000_words", "article_share", "words_total", "articles_total"]
    return filled[columns].sort_values(["published", "entity", "source"], ignore_index=True)


def _filled_rows(
    counts: pd.DataFrame, outlets: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the rows of a zero-filled timeline, as positions: (counts row of its entity and
    outlet, outlets row of its outlet and period or -1, counts row of its count or -1).

    One row per entity-outlet pair of ``counts`` and dated period of ``outlets`` in which that
    outlet published (-1: a zero), then the undated counts (undated articles keep just the rows
    that have mentions). What merging the pairs with the outlet periods and the counts gives.
    """
    pairs, pair_rows = group_codes(counts, ["entity", "source"])
    sources = pd.Index(outlets["source"].unique())
    outlet_of = sources.get_indexer(outlets["source"])
    dated = np.flatnonzero(outlets["published"].notna().to_numpy())
    dated = dated[np.argsort(outlet_of[dated], kind="stable")]  # each outlet's periods together
    per_outlet = np.bincount(outlet_of[dated], minlength=len(sources))
    starts = np.concatenate([[0], np.cumsum(per_outlet)])[:-1]
    pair_outlet = sources.get_indexer(counts["source"].take(pair_rows))
    repeats = per_outlet[pair_outlet]
    grid_pair = np.repeat(np.arange(len(pair_rows)), repeats)
    offsets = np.arange(len(grid_pair)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    grid_outlet_row = dated[np.repeat(starts[pair_outlet], repeats) + offsets]
    # A count's place in the grid: its pair and the outlets row of its outlet and period.
    count_outlet_row = _row_of(outlets, counts)
    grid_keys = grid_pair.astype(np.int64) * (len(outlets) + 1) + grid_outlet_row
    count_keys = pairs.astype(np.int64) * (len(outlets) + 1) + count_outlet_row
    found = pd.Index(count_keys).get_indexer(grid_keys)
    undated = np.flatnonzero(counts["published"].isna().to_numpy())
    return (
        np.concatenate([pair_rows[grid_pair], undated]),
        np.concatenate([grid_outlet_row, count_outlet_row[undated]]),
        np.concatenate([found, undated]),
    )


def _row_of(outlets: pd.DataFrame, counts: pd.DataFrame) -> np.ndarray:
    """Return, for each counts row, the outlets row of its outlet and period (-1 if none)."""
    both = pd.concat(
        [outlets[["source", "published"]], counts[["source", "published"]]], ignore_index=True
    )
    codes, first = group_codes(both, ["source", "published"])
    position = np.full(len(first), -1, dtype=np.int64)
    position[codes[: len(outlets)]] = np.arange(len(outlets))
    return position[codes[len(outlets) :]]


def _taken(
    periods: pd.Series, undated: pd.Series, outlet_rows: np.ndarray, rows: np.ndarray
) -> pd.Series:
    """Return the period of each grid row: its outlet row's, or the count's own if none."""
    taken = periods.take(np.maximum(outlet_rows, 0)).reset_index(drop=True)
    missing = outlet_rows < 0
    if missing.any():
        taken[missing] = undated.take(rows[missing]).to_numpy()
    return taken


def _sentence_offsets(rows: pd.DataFrame, rollup: Rollup) -> pd.DataFrame:
    """Return rows with the sentence text and the mention's offsets inside that sentence."""
    keys = list(zip(rows["doc_id"], rows["sent_id"], strict=True))
    found = rollup.sentences_of(keys)
    sentences = found["text"].fillna("").tolist()
    starts = (rows["start"].to_numpy() - found["start"].fillna(0).to_numpy()).astype(int)
    mark_starts, mark_ends = [], []
    for sentence, start, mention in zip(sentences, starts, rows["text"], strict=True):
        mention = "" if mention is None else str(mention)
        if sentence[start : start + len(mention)] != mention:
            # Offsets that do not line up (e.g. text normalised differently): find the mention.
            start = sentence.find(mention)
        if start < 0:
            mark_starts.append(0)
            mark_ends.append(0)
        else:
            mark_starts.append(start)
            mark_ends.append(start + len(mention))
    return rows.assign(sentence=sentences, mark_start=mark_starts, mark_end=mark_ends)


def evidence_rows(
    rollup: Rollup,
    settings: Mapping[str, Any],
    entities: list[str],
    *,
    limit: int = EVIDENCE_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """Return (up to ``limit`` sentences mentioning the entities, how many there are in all).

    Rows are spread across outlets (each outlet gets a fair share of the ``limit``), then lined
    up by date and outlet. Columns: doc_id, sent_id, entity, source, published, title, mention
    (the text as written), sentence, mark_start, mark_end (offsets into ``sentence``).
    """
    settings = normalize_settings(settings)
    rows, total = rollup.evidence_candidates(settings, entities, limit)
    if not total:
        columns = ["doc_id", "sent_id", "entity", "source", "published", "title", "mention"]
        return pd.DataFrame(columns=[*columns, "sentence", "mark_start", "mark_end"]), 0
    n_outlets = max(1, rows["source"].nunique())
    share = max(1, -(-limit // n_outlets))
    chosen = rows.groupby("source", sort=False).head(share)
    if len(chosen) < min(limit, total):
        # Outlets with few sentences leave room: fill it in date order.
        rest = rows.drop(chosen.index)
        chosen = pd.concat([chosen, rest.head(limit - len(chosen))])
    chosen = chosen.sort_values(["published", "source", "doc_id", "start"], kind="stable")
    chosen = chosen.head(limit)
    chosen = _sentence_offsets(chosen, rollup)
    chosen = chosen.assign(title=rollup.titles_of(chosen["doc_id"]))
    columns = ["doc_id", "sent_id", "entity", "source", "published", "title"]
    evidence = chosen.rename(columns={"text": "mention"})[
        [*columns, "mention", "sentence", "mark_start", "mark_end"]
    ]
    return evidence.reset_index(drop=True), total


def default_entities(top: pd.DataFrame, *, n: int = 2) -> list[str]:
    """Return the ``n`` most mentioned entities of an entity-by-outlet counts frame."""
    totals = top.groupby("entity", observed=True)["mentions"].sum().reset_index()
    ranked = totals.sort_values(["mentions", "entity"], ascending=[False, True])
    return ranked["entity"].head(n).tolist()


def view(corpus_or_rollup: Corpus | Rollup, settings: Mapping[str, Any] | None = None) -> dict:
    """Return every frame the dashboard draws for these settings (the pure view model).

    Keys: ``top`` (counts by entity and outlet; on a lazy corpus only the leading entities'
    rows, see ``kit.corpus.lazy_dashboard``), ``entities`` (those on the timeline: the
    selected ones, or the two most mentioned), ``timeline`` (their counts by period),
    ``evidence`` (up to 50 sentences) and ``evidence_total``.

    Example:
        >>> import kit
        >>> frames = view(kit.load(progress=False), {"entity": ["Vladimir Putin"]})
        >>> frames["timeline"].columns.tolist()[:3]
        ['entity', 'source', 'published']
    """
    rollup = (
        corpus_or_rollup if isinstance(corpus_or_rollup, Rollup) else Rollup.build(corpus_or_rollup)
    )
    settings = normalize_settings(settings)
    top = entity_counts(rollup, settings)
    entities = settings["entity"] or default_entities(top)
    evidence, total = evidence_rows(rollup, settings, entities)
    return {
        "top": top,
        "entities": entities,
        "timeline": timeline_counts(rollup, settings, entities),
        "evidence": evidence,
        "evidence_total": total,
    }


def entity_options(
    rollup: Rollup,
    *,
    search: str = "",
    label: str | None = None,
    keep: Iterable[str] = (),
    limit: int = ENTITY_OPTIONS_LIMIT,
) -> list[tuple[str, str]]:
    """Return (caption, entity) options of the rollup's entities (see ``options_from``)."""
    return options_from(rollup.entity_totals_of(label), search=search, keep=keep, limit=limit)


def options_from(
    totals: pd.Series,
    *,
    search: str = "",
    keep: Iterable[str] = (),
    limit: int = ENTITY_OPTIONS_LIMIT,
) -> list[tuple[str, str]]:
    """Return ("name (mentions)", name) options, most mentioned first, matching a search text.

    ``totals`` holds mentions per entity, most first. The entities in ``keep`` (the current
    selection) are always included, first.

    >>> options_from(pd.Series({"Xi Jinping": 5, "Wang Yi": 2}), search="wang")
    [('Wang Yi (2)', 'Wang Yi')]
    """
    needle = search.strip().casefold()
    names = totals.index
    if needle:
        names = [name for name in names if needle in str(name).casefold()]
    kept = list(keep)
    kept_set = set(kept)
    chosen = kept + [name for name in list(names[: limit + len(kept)]) if name not in kept_set]
    chosen = chosen[: max(limit, len(kept))]
    return [(f"{name} ({int(totals.get(name, 0)):,})", name) for name in chosen]
