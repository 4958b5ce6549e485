"""The explorer: widgets wired to pure functions over a precomputed rollup of the corpus.

``dashboard(corpus, entity=..., source=..., start=..., end=..., label=..., measure=...)``
returns a ``Dashboard`` that displays as a widget. Its state is a plain settings dict
(``settings()``), and ``code()`` prints the one line of Python that recreates the view.

The numbers come from ``Rollup``, built once per dashboard from ``Corpus.mention_counts`` at
daily resolution plus each outlet's daily words and articles, so an interaction filters and
sums a few small arrays instead of recounting the corpus. ``view(rollup, settings)`` is the
pure function behind every redraw; the tests check it against ``Corpus.filter`` and
``Corpus.mention_counts``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit import charts
from kit import html as kit_html
from kit.corpus import Corpus, as_list, day_bounds, period_start, with_periods
from kit.lazy_dashboard import StoreRollup
from kit.plots import Plot

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
        raise ValueError(
            f"dashboard: unknown setting {unknown[0]!r}; "
            f"expected one of {', '.join(DEFAULT_SETTINGS)}"
        )
    if merged["measure"] not in MEASURE_CHOICES:
        raise ValueError(
            f"dashboard: measure={merged['measure']!r} is not one of "
            f"{', '.join(map(repr, MEASURE_CHOICES))}"
        )
    if merged["freq"] not in ("D", "W", "M"):
        raise ValueError(f"dashboard: freq={merged['freq']!r} is not one of 'D', 'W', 'M'")
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


# ---- the rollup: counts precomputed once -------------------------------------------------
@dataclass(repr=False)
class Rollup:
    """Counts of one corpus at daily resolution, ready to filter and sum per interaction.

    ``entity_days``: entity, source, published (day; NaT undated), mentions, articles.
    ``label_days``: the same with a ``label`` column (used when a type filter is on).
    ``outlet_days``: source, published (day), words_total, articles_total (every article).
    ``mentions``: the mention rows sorted by date and outlet, for the evidence table.
    """

    corpus: Corpus
    entity_days: pd.DataFrame
    label_days: pd.DataFrame
    outlet_days: pd.DataFrame
    mentions: pd.DataFrame
    entity_rows: dict[str, np.ndarray]
    sentences: pd.DataFrame
    titles: pd.Series
    entity_totals: dict[str | None, pd.Series]
    labels: list[str]
    months: list[pd.Timestamp]
    evidence_cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return (
            f"<Rollup: {len(self.entity_days):,} entity-outlet-days, "
            f"{len(self.entity_rows):,} entities, {len(self.months)} months>"
        )

    def evidence_of(self, entity: str) -> pd.DataFrame:
        """Return an entity's mentions, one per sentence, by date (cached per entity)."""
        cache = self.evidence_cache
        if entity not in cache:
            columns = ["doc_id", "sent_id", "entity", "source", "published", "start", "text"]
            rows = self.mentions.iloc[self.entity_rows[entity]][columns]
            # A sentence naming Putin twice is one piece of evidence, not two.
            cache[entity] = rows.drop_duplicates(["doc_id", "sent_id"])
        return cache[entity]

    # What the pure functions below ask of a rollup (``kit.lazy_dashboard.StoreRollup``
    # answers the same questions from a store).
    def counts(
        self, settings: Mapping[str, Any], entities: list | None = None, freq: str | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles by entity and outlet (and ``freq`` period, as
        ``published``) under the settings' outlets, dates and entity type."""
        days = _mention_days(self, settings, entities)
        keys = ["entity", "source", *([freq] if freq else [])]
        counts = (
            days.groupby(keys, observed=True, dropna=freq is None)[["mentions", "articles"]]
            .sum()
            .reset_index()
        )
        return counts.rename(columns={freq: "published"}) if freq else counts

    def evidence_candidates(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the entities' sentences under the settings in date order, how many).

        One row per entity and sentence: doc_id, sent_id, entity, source, published, start,
        text. A rollup may return only the rows ``evidence_rows`` can pick: the first
        ``limit`` of each outlet and the first ``2 * limit`` overall.
        """
        known = [name for name in entities if name in self.entity_rows]
        if not known:
            return pd.DataFrame(columns=["doc_id", "sent_id", "entity", "source", "published",
                                         "start", "text"]), 0  # fmt: skip
        rows = pd.concat([self.evidence_of(name) for name in known])
        if len(known) > 1:
            rows = rows.sort_index()  # the index is the position in date order
        rows = _select_days(rows, settings)
        return rows, len(rows)

    def sentences_of(self, keys: list[tuple]) -> pd.DataFrame:
        """Return the sentences' start and text for (doc_id, sent_id) keys, in their order."""
        return self.sentences.reindex(keys)

    def titles_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Return the titles of these articles, in their order."""
        return self.titles.reindex(list(doc_ids)).to_numpy()

    def entity_totals_of(self, label: str | None) -> pd.Series:
        """Return mentions per entity (of one label, or all), most mentioned first."""
        totals = self.entity_totals.get(label)
        return pd.Series(dtype=int) if totals is None else totals

    def article_counts(self) -> pd.Series:
        """Return the number of articles per outlet."""
        return self.corpus.articles["source"].value_counts()

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        """Return (entities, outlets) mentioned under the settings, from ``entity_counts``."""
        return counts["entity"].nunique(), counts["source"].nunique()

    @classmethod
    def build(cls, corpus: Corpus) -> Rollup:
        """Return the rollup of a corpus (the one slow step: a few groupbys).

        A lazy corpus (``kit.load(store, lazy=True)``) gets a ``StoreRollup`` instead, which
        asks the store's rollups per interaction.
        """
        if not isinstance(corpus, Corpus):
            return StoreRollup.build(corpus)
        universe = corpus.universe if corpus.universe is not None else corpus.articles
        entity_days = corpus.mention_counts(by=("entity", "source"), freq="D")
        label_days = corpus.mention_counts(by=("entity", "label", "source"), freq="D")
        keep = ["entity", "source", "published", "mentions", "articles"]
        entity_days = with_periods(entity_days[keep])
        label_days = with_periods(label_days[["label", *keep]])
        days = period_start(universe["published"], "D")
        outlet_days = (
            universe.assign(published=days)
            .groupby(["source", "published"], dropna=False)
            .agg(words_total=("n_words", "sum"), articles_total=("doc_id", "nunique"))
            .reset_index()
        )
        outlet_days = with_periods(outlet_days)
        mentions = corpus.mentions.sort_values(
            ["published", "source", "doc_id", "start"], kind="stable"
        ).reset_index(drop=True)
        entity_rows = mentions.groupby("entity", sort=False).indices
        sentences = corpus.sentences.set_index(["doc_id", "sent_id"])[["start", "text"]]
        titles = corpus.articles.set_index("doc_id")["title"]
        entity_totals: dict[str | None, pd.Series] = {None: _ranked(corpus.mentions["entity"])}
        labels = _ranked(corpus.mentions["label"]).index.tolist()
        for label in labels:
            of_label = corpus.mentions.loc[corpus.mentions["label"] == label, "entity"]
            entity_totals[label] = _ranked(of_label)
        dated = universe["published"].dropna()
        months: list[pd.Timestamp] = []
        if len(dated):
            first, last = period_start(dated, "M").agg(["min", "max"])
            months = list(pd.date_range(first, last, freq="MS"))
        return cls(
            corpus=corpus,
            entity_days=entity_days,
            label_days=label_days,
            outlet_days=outlet_days,
            mentions=mentions,
            entity_rows=entity_rows,
            sentences=sentences,
            titles=titles,
            entity_totals=entity_totals,
            labels=labels,
            months=months,
        )


def _ranked(values: pd.Series) -> pd.Series:
    """Return how often each value occurs, most frequent first, ties by name.

    >>> _ranked(pd.Series(["b", "a", "b", "c", "a"])).to_dict()
    {'a': 2, 'b': 2, 'c': 1}
    """
    counts = values.value_counts()
    order = np.lexsort((counts.index.astype(str), -counts.to_numpy()))
    return counts.iloc[order]


def _select_days(frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Return the daily rows inside the settings' outlets and dates (and label, if any)."""
    mask = np.ones(len(frame), dtype=bool)
    if settings.get("source"):
        mask &= frame["source"].isin(settings["source"]).to_numpy()
    start, end = day_bounds(settings)
    if start is not None:
        mask &= (frame["published"] >= start).fillna(False).to_numpy(dtype=bool)
    if end is not None:
        mask &= (frame["published"] <= end).fillna(False).to_numpy(dtype=bool)
    if settings.get("label") and "label" in frame.columns:
        mask &= (frame["label"] == settings["label"]).to_numpy(dtype=bool)
    return frame[mask]


def _mention_days(
    rollup: Rollup, settings: Mapping[str, Any], entities: list | None
) -> pd.DataFrame:
    """Return the daily mention rows for the settings, optionally for some entities only."""
    frame = rollup.label_days if settings.get("label") else rollup.entity_days
    if entities is not None:
        frame = frame[frame["entity"].isin(entities)]
    return _select_days(frame, settings)


def _normalise(counts: pd.DataFrame) -> pd.DataFrame:
    """Return counts with per_1000_words and article_share from their totals."""
    words = counts["words_total"].where(counts["words_total"] > 0)
    totals = counts["articles_total"].where(counts["articles_total"] > 0)
    return counts.assign(
        per_1000_words=1000 * counts["mentions"] / words,
        article_share=counts["articles"] / totals,
    )


def entity_counts(rollup: Rollup, settings: Mapping[str, Any]) -> pd.DataFrame:
    """Return counts by entity and outlet under the settings' outlets, dates and entity type.

    The same numbers as ``corpus.filter(source=, start=, end=, label=).mention_counts()``.
    """
    settings = normalize_settings(settings)
    counts = rollup.counts(settings)
    outlets = (
        _select_days(rollup.outlet_days, settings)
        .groupby("source")[["words_total", "articles_total"]]
        .sum()
    )
    counts = counts.join(outlets, on="source")
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
    outlets = (
        _select_days(rollup.outlet_days, settings)
        .groupby(["source", freq], dropna=False)[["words_total", "articles_total"]]
        .sum()
        .reset_index()
        .rename(columns={freq: "published"})
    )
    if max_outlets is not None and counts["source"].nunique() > max_outlets:
        # The same choice as the chart's: the outlets that mention these entities most.
        totals = counts.groupby("source", observed=True)["mentions"].sum().reset_index()
        totals = totals.sort_values(["mentions", "source"], ascending=[False, True])
        counts = counts[counts["source"].isin(totals["source"].head(max_outlets))]
    outlets = outlets[outlets["source"].isin(counts["source"].unique())]
    pairs = counts[["entity", "source"]].drop_duplicates()
    # Zeros only for dated periods: undated articles keep just the rows that have mentions.
    grid = pairs.merge(outlets[outlets["published"].notna()], on="source", how="inner")
    undated = counts[counts["published"].isna()].merge(
        outlets, on=["source", "published"], how="left"
    )
    filled = grid.merge(counts, on=["entity", "source", "published"], how="left")
    filled = pd.concat([filled, undated], ignore_index=True) if len(undated) else filled
    filled[["mentions", "articles"]] = filled[["mentions", "articles"]].fillna(0).astype(int)
    filled = _normalise(filled)
    columns = ["entity", "source", "published", "mentions", "articles"]
    columns += ["per_1000_words", "article_share", "words_total", "articles_total"]
    return filled[columns].sort_values(["published", "entity", "source"], ignore_index=True)


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


def evidence_html(evidence: pd.DataFrame, total: int) -> kit_html.Html:
    """Return the evidence table as escaped HTML with a "showing N of M sentences" line."""
    if total == 0:
        return kit_html.block(kit_html.note("No sentences mention the selected entities here."))
    entities = evidence["entity"].unique()
    columns = {"published": "Date", "source": "Outlet"}
    if len(entities) > 1:
        columns["entity"] = "Entity"
    columns.update({"title": "Title", "sentence": "Sentence"})
    names = ", ".join(map(str, entities[:3])) + (", …" if len(entities) > 3 else "")
    line = f"Showing {len(evidence):,} of {total:,} sentences mentioning {names}, by date."
    return kit_html.block(
        kit_html.note(line),
        kit_html.table(evidence, columns=columns, highlight=("sentence", "mark_start", "mark_end")),
    )


def default_entities(top: pd.DataFrame, *, n: int = 2) -> list[str]:
    """Return the ``n`` most mentioned entities of an entity-by-outlet counts frame."""
    totals = top.groupby("entity", observed=True)["mentions"].sum().reset_index()
    ranked = totals.sort_values(["mentions", "entity"], ascending=[False, True])
    return ranked["entity"].head(n).tolist()


def view(corpus_or_rollup: Corpus | Rollup, settings: Mapping[str, Any] | None = None) -> dict:
    """Return every frame the dashboard draws for these settings (the pure view model).

    Keys: ``top`` (counts by entity and outlet; on a lazy corpus only the leading entities'
    rows, see ``kit.lazy_dashboard``), ``entities`` (those on the timeline: the
    selected ones, or the two most mentioned), ``timeline`` (their counts by period),
    ``evidence`` (up to 50 sentences) and ``evidence_total``.

    Example:
        >>> import kit
        >>> frames = view(kit.load(progress=False), {"entity": ["Vladimir Putin"]})
        >>> frames["timeline"].columns.tolist()[:3]
        ['entity', 'source', 'published']
    """
    rollup = (
        corpus_or_rollup
        if hasattr(corpus_or_rollup, "evidence_candidates")  # a Rollup or a StoreRollup
        else Rollup.build(corpus_or_rollup)
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


# ---- the widget ------------------------------------------------------------------------------
class View:
    """What every widget view shares: it displays as its root widget, ``widget``."""

    widget: Any
    _settings: dict

    def settings(self) -> dict:
        """Return the current choices as a plain dict (the arguments that recreate the view)."""
        return {
            name: (list(value) if isinstance(value, list) else value)
            for name, value in self._settings.items()
        }

    def code(self, corpus_name: str = "corpus") -> str:
        """Return the one line of Python that recreates this view."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.code()}>"


class Dashboard(View):
    """An explorer over one corpus: controls, two live charts and an evidence table.

    Use ``settings()`` for the current filters, ``code()`` for the line that recreates the
    view, ``widget`` for the root VBox and ``timings()`` for the last redraw's cost.
    """

    def __init__(self, corpus: Corpus, settings: Mapping[str, Any] | None = None) -> None:
        import ipywidgets as widgets

        started = time.perf_counter()
        self.corpus = corpus
        self.rollup = Rollup.build(corpus)
        self.colors = charts.outlet_colors(corpus)
        self._settings = normalize_settings(settings)
        self._syncing = False
        self._timings: dict[str, float] = {}
        rollup = self.rollup

        self.search = widgets.Text(
            description="Find entity",
            placeholder="type part of a name",
            continuous_update=True,
        )
        self.entity = widgets.SelectMultiple(
            options=entity_options(rollup, label=self._settings["label"],
                                   keep=self._settings["entity"] or ()),
            value=tuple(self._settings["entity"] or ()),
            description="Entities",
            rows=8,
        )  # fmt: skip
        article_counts = rollup.article_counts()
        self.source = widgets.SelectMultiple(
            options=[(f"{name} ({int(article_counts.get(name, 0)):,})", name)
                     for name in corpus.sources],
            value=tuple(name for name in (self._settings["source"] or ())
                        if name in set(corpus.sources)),
            description="Outlets",
            rows=8,
        )  # fmt: skip
        month_options = [(f"{month:%b %Y}", month) for month in rollup.months]
        self.dates = widgets.SelectionRangeSlider(
            options=month_options or [("no dates", None)],
            index=(0, max(0, len(month_options) - 1)),
            description="Months",
            disabled=not month_options,
            continuous_update=False,
            layout=widgets.Layout(width="460px"),
        )
        self._set_slider_from_settings()
        # "" rather than None: a Dropdown shows nothing at all for a None value.
        label_options: list[tuple[str, str]] = [("All types", "")]
        label_options += [(f"{LABEL_NAMES.get(label, label)} ({label})", label)
                          for label in rollup.labels]  # fmt: skip
        self.label = widgets.Dropdown(
            options=label_options,
            value=self._settings["label"] if self._settings["label"] in rollup.labels else "",
            description="Entity type",
        )
        self.measure = widgets.ToggleButtons(
            options=[(caption, name) for name, caption in MEASURE_CHOICES.items()],
            value=self._settings["measure"],
            description="Measure",
        )
        for control in (self.search, self.entity, self.source, self.dates, self.label):
            control.style.description_width = "90px"
        self.top_plot = Plot()
        self.time_plot = Plot()
        self.evidence = widgets.HTML()
        self.status = widgets.HTML()
        self.code_line = widgets.HTML()

        self.search.observe(self._on_search, names="value")
        self.entity.observe(self._on_entity, names="value")
        for control in (self.source, self.dates, self.label, self.measure):
            control.observe(self._on_filter, names="value")

        controls = widgets.HBox(
            [
                widgets.VBox([self.search, self.entity]),
                widgets.VBox([self.source]),
                widgets.VBox([self.dates, self.label, self.measure]),
            ]
        )
        self.widget = widgets.VBox(
            [
                controls,
                self.status,
                self.top_plot.widget,
                self.time_plot.widget,
                widgets.HTML("<b>Evidence</b>"),
                self.evidence,
                self.code_line,
            ]
        )
        self.widget.add_class("kit-dashboard")  # what pages and tests find it by
        self._refresh(top=True, timeline=True, evidence=True)
        self._timings["build_ms"] = 1000 * (time.perf_counter() - started)

    # ---- state ------------------------------------------------------------------------------
    @property
    def top_figure(self) -> Any:
        """The top-entities chart as drawn now (a plotly ``Figure``)."""
        return self.top_plot.figure

    @property
    def time_figure(self) -> Any:
        """The timeline as drawn now (a plotly ``Figure``)."""
        return self.time_plot.figure

    def code(self, corpus_name: str = "corpus") -> str:
        """Return one line of Python that recreates the current view."""
        return settings_code(self._settings, corpus_name=corpus_name)

    def timings(self) -> dict[str, float]:
        """Return the last interaction's cost in milliseconds.

        ``total_ms`` is wall time from the widget change to the redrawn views, ``cpu_ms`` the
        CPU time it took, and ``counts_ms``, ``top_chart_ms``, ``timeline_ms``, ``evidence_ms``
        the steps that ran (an interaction redraws only what depends on it).
        """
        return dict(self._timings)

    def view(self) -> dict:
        """Return the frames behind the current view (see ``kit.explorer.view``)."""
        return view(self.rollup, self._settings)

    # ---- observers: each reads the widgets into settings and redraws what depends on them ---
    def _set_slider_from_settings(self) -> None:
        months = self.rollup.months
        if not months:
            return
        first, last = 0, len(months) - 1
        if self._settings["start"]:
            start = pd.Timestamp(self._settings["start"]).tz_localize(None)
            first = max(0, sum(month.tz_localize(None) <= start for month in months) - 1)
        if self._settings["end"]:
            end = pd.Timestamp(self._settings["end"]).tz_localize(None)
            last = max(first, sum(month.tz_localize(None) <= end for month in months) - 1)
        self._syncing = True
        try:
            self.dates.index = (first, last)
        finally:
            self._syncing = False

    def _on_search(self, change: dict) -> None:
        started = time.perf_counter()
        self._update_entity_options()
        self._timings = {"total_ms": 1000 * (time.perf_counter() - started)}

    def _update_entity_options(self) -> None:
        options = entity_options(
            self.rollup,
            search=self.search.value,
            label=self._settings["label"],
            keep=self.entity.value,
        )
        self._syncing = True
        try:
            selected = self.entity.value
            self.entity.options = options
            self.entity.value = selected
        finally:
            self._syncing = False

    def _on_entity(self, change: dict) -> None:
        if self._syncing:
            return
        self._settings["entity"] = list(self.entity.value) or None
        self._refresh(top=False, timeline=True, evidence=True)

    def _on_filter(self, change: dict) -> None:
        if self._syncing:
            return
        label_changed = change["owner"] is self.label
        self._settings["source"] = list(self.source.value) or None
        self._settings["label"] = self.label.value or None
        self._settings["measure"] = self.measure.value
        if change["owner"] is self.dates:
            self._settings["start"], self._settings["end"] = self._dates_from_slider()
        if label_changed:
            self._update_entity_options()
        self._refresh(top=True, timeline=True, evidence=change["owner"] is not self.measure)

    def _dates_from_slider(self) -> tuple[str | None, str | None]:
        months = self.rollup.months
        first, last = self.dates.index
        if not months or (first == 0 and last == len(months) - 1):
            return None, None
        start = months[first]
        end = months[last] + pd.offsets.MonthEnd(0)
        return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"

    def _refresh(self, *, top: bool, timeline: bool, evidence: bool) -> None:
        """Recompute and redraw the parts that depend on what changed; record the cost."""
        started, cpu_started = time.perf_counter(), time.process_time()
        timings: dict[str, float] = {}
        settings = self._settings
        measure = settings["measure"]
        if top or not settings["entity"]:
            clock = time.perf_counter()
            self._top_counts = entity_counts(self.rollup, settings)
            timings["counts_ms"] = 1000 * (time.perf_counter() - clock)
        top_counts = self._top_counts
        entities = settings["entity"] or default_entities(top_counts)
        if top:
            clock = time.perf_counter()
            figure = charts.top_entities_by_outlet(
                top_counts, measure=measure, n=TOP_ENTITIES, outlet_colors=self.colors
            )
            self.top_plot.show(figure)
            timings["top_chart_ms"] = 1000 * (time.perf_counter() - clock)
        if timeline:
            clock = time.perf_counter()
            counts = timeline_counts(self.rollup, settings, entities, max_outlets=TIMELINE_OUTLETS)
            figure = charts.mentions_over_time(
                counts, measure=measure, outlet_colors=self.colors, max_outlets=TIMELINE_OUTLETS
            )
            self.time_plot.show(figure)
            timings["timeline_ms"] = 1000 * (time.perf_counter() - clock)
        if evidence:
            clock = time.perf_counter()
            rows, total = evidence_rows(self.rollup, settings, entities)
            self.evidence.value = evidence_html(rows, total)
            timings["evidence_ms"] = 1000 * (time.perf_counter() - clock)
        if top:
            articles_in_view = int(
                _select_days(self.rollup.outlet_days, settings)["articles_total"].sum()
            )
            entities, outlets = self.rollup.in_view(settings, top_counts)
            self.status.value = kit_html.note(
                f"In view: {articles_in_view:,} articles; {entities:,} "
                f"entities mentioned by {outlets:,} outlets."
            )
        self.code_line.value = kit_html.block(
            kit_html.note("Recreate this view:"),
            f"<code>{kit_html.escape(self.code())}</code>",
        )
        timings["total_ms"] = 1000 * (time.perf_counter() - started)
        # CPU time of this process: what the redraw costs when other work shares the cores.
        timings["cpu_ms"] = 1000 * (time.process_time() - cpu_started)
        self._timings = timings


def dashboard(
    corpus: Corpus,
    *,
    entity: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    label: str | None = None,
    measure: str = "mentions",
    freq: str = "W",
) -> Dashboard:
    """Return the interactive explorer of a corpus, opened on these filters.

    Example:
        >>> import kit
        >>> board = kit.dashboard(kit.load(progress=False), entity=["Vladimir Putin"])
        >>> board.code()
        "kit.dashboard(corpus, entity=['Vladimir Putin'])"
    """
    settings = {"entity": entity, "source": source, "start": start, "end": end}
    settings.update({"label": label, "measure": measure, "freq": freq})
    return Dashboard(corpus, settings)
