"""The dashboard's rollup: one implementation over a reader, in memory or in a store.

A ``Rollup`` holds a corpus's outlet totals by day and answers what the dashboard's pure
functions (``kit.corpus.dashboard_data``) ask: counts by entity and outlet (and period), the
evidence's candidate sentences, sentence texts, titles, entity totals. It reads through a
``RollupReader``: ``FrameReader`` here, over a ``Corpus``'s pandas frames, and
``kit.corpus.lazy_dashboard.StoreReader``, DuckDB over a store's rollups. Both read the same
schema (``kit.store.rollups``: entity, label, source, day, mentions, articles; outlet days with
words_total and articles_total; mentions in date order), so the two differ only in how they
read.

>>> import kit
>>> Rollup.build(kit.load(progress=False)).labels[:2]
['GPE', 'PERSON']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kit.corpus.lazy_dashboard import EVIDENCE_COLUMNS, StoreReader
from kit.corpus.memory import Corpus, day_bounds, period_start, with_periods
from kit.corpus.rankings import most_first
from kit.corpus.tally import sum_by


class RollupReader(Protocol):
    """What a rollup reads: the same schema whether the corpus is in memory or in a store."""

    corpus: Any

    def outlet_days(self) -> pd.DataFrame:
        """Return source, published (day; NaT undated), words_total, articles_total."""
        ...

    def labels(self) -> list[str]:
        """Return the entity types, most mentioned first, ties by name."""
        ...

    def counts(
        self, settings: Mapping[str, Any], entities: list | None, freq: str | None
    ) -> tuple[pd.DataFrame, tuple[int, int] | None]:
        """Return (entity, source, [published,] mentions, articles; (entities, outlets) in
        view when counting them came free, else None)."""
        ...

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        """Return (entities, outlets) mentioned under the settings."""
        ...

    def evidence(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the entities' sentences in date order, how many); see ``Rollup``."""
        ...

    def sentences(self, keys: list[tuple]) -> pd.DataFrame:
        """Return start and text indexed by (doc_id, sent_id), holding at least ``keys``."""
        ...

    def titles(self, doc_ids: list[str]) -> pd.Series:
        """Return titles indexed by doc_id, holding at least ``doc_ids``."""
        ...

    def entity_totals(self, label: str | None) -> pd.Series:
        """Return mentions per entity (of one label, or all), most mentioned first."""
        ...

    def article_counts(self) -> pd.Series:
        """Return the number of articles per outlet."""
        ...


@dataclass(repr=False)
class Rollup:
    """Counts of one corpus, ready to filter and sum per interaction.

    ``outlet_days``: source, published (day), words_total, articles_total (every article),
    with week and month starts (``D``, ``W``, ``M``); ``labels`` the entity types, most
    mentioned first; ``months`` the first day of each month the corpus spans.
    """

    reader: RollupReader
    outlet_days: pd.DataFrame
    labels: list[str]
    months: list[pd.Timestamp]
    totals_cache: dict[str | None, pd.Series] = field(default_factory=dict)
    in_view_cache: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"<Rollup of {self.reader!r}: {len(self.outlet_days):,} outlet-days, "
            f"{len(self.months)} months>"
        )

    @property
    def corpus(self) -> Any:
        """The corpus this rollup reads (a ``Corpus`` or a ``LazyCorpus``)."""
        return self.reader.corpus

    @classmethod
    def build(cls, corpus: Any) -> Rollup:
        """Return the rollup of a corpus: in memory a few groupbys; on a lazy corpus
        (``kit.open_store``) the outlets' daily totals, the rest asked per interaction."""
        reader = FrameReader.build(corpus) if isinstance(corpus, Corpus) else StoreReader(corpus)
        outlet_days = with_periods(reader.outlet_days())
        dated = outlet_days["published"].dropna()
        months: list[pd.Timestamp] = []
        if len(dated):
            first, last = period_start(dated, "M").agg(["min", "max"])
            months = list(pd.date_range(first, last, freq="MS"))
        return cls(reader=reader, outlet_days=outlet_days, labels=reader.labels(), months=months)

    def counts(
        self, settings: Mapping[str, Any], entities: list | None = None, freq: str | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles by entity and outlet (and ``freq`` period, as
        ``published``) under the settings' outlets, dates and entity type.

        Without ``entities`` a store gives only the rows of the entities a view can show
        (``kit.corpus.lazy_dashboard.TOP_CANDIDATES``).
        """
        counts, in_view = self.reader.counts(settings, entities, freq)
        if in_view is not None:
            self.in_view_cache[view_key(settings)] = in_view
        return counts

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        """Return (entities, outlets) mentioned under the settings (``counts``: theirs)."""
        key = view_key(settings)
        if key not in self.in_view_cache:
            self.in_view_cache[key] = self.reader.in_view(settings, counts)
        return self.in_view_cache[key]

    def evidence_candidates(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the entities' sentences under the settings in date order, how many).

        One row per entity and sentence: doc_id, sent_id, entity, source, published, start,
        text. The rows may be only those ``evidence_rows`` can pick: the first ``limit`` of
        each outlet and the first ``limit`` overall.
        """
        if not entities:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), 0
        return self.reader.evidence(settings, entities, limit)

    def sentences_of(self, keys: list[tuple]) -> pd.DataFrame:
        """Return the sentences' start and text for (doc_id, sent_id) keys, in their order."""
        return self.reader.sentences(keys).reindex(keys)

    def titles_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Return the titles of these articles, in their order."""
        doc_ids = list(doc_ids)
        return self.reader.titles(doc_ids).reindex(doc_ids).to_numpy()

    def entity_totals_of(self, label: str | None) -> pd.Series:
        """Return mentions per entity (of one label, or all), most mentioned first (cached)."""
        if label not in self.totals_cache:
            self.totals_cache[label] = self.reader.entity_totals(label)
        return self.totals_cache[label]

    def article_counts(self) -> pd.Series:
        """Return the number of articles per outlet."""
        return self.reader.article_counts()


def view_key(settings: Mapping[str, Any]) -> tuple:
    """Return what the counts without entities depend on: outlets, dates and type."""
    sources = settings.get("source")
    return (tuple(sources or ()), settings.get("start"), settings.get("end"), settings.get("label"))


@dataclass(repr=False)
class FrameReader:
    """A rollup's reads from a ``Corpus``'s pandas frames, summed once at build.

    ``entity_days``: entity, source, published (day; NaT undated), mentions, articles;
    ``label_days`` the same with ``label``; ``mentions`` the mention rows in date and outlet
    order, ``entity_rows`` each entity's positions in it; ``sentence_rows`` each sentence's
    position in ``corpus.sentences`` by (doc_id, sent_id), ``titles_by_id`` the titles.
    """

    corpus: Corpus
    entity_days: pd.DataFrame
    label_days: pd.DataFrame
    mentions: pd.DataFrame
    entity_rows: dict[str, np.ndarray]
    sentence_rows: dict[tuple, int]
    titles_by_id: pd.Series
    evidence_cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"{self.corpus!r} in memory"

    @classmethod
    def build(cls, corpus: Corpus) -> FrameReader:
        """Return the reader of a corpus (the one slow step: a few groupbys)."""
        keep = ["entity", "source", "published", "mentions", "articles"]
        entity_days = corpus.mention_counts(by=("entity", "source"), freq="D")
        label_days = corpus.mention_counts(by=("entity", "label", "source"), freq="D")
        mentions = corpus.mentions.sort_values(
            ["published", "source", "doc_id", "start"], kind="stable"
        ).reset_index(drop=True)
        return cls(
            corpus=corpus,
            entity_days=with_periods(entity_days[keep]),
            label_days=with_periods(label_days[["label", *keep]]),
            mentions=mentions,
            entity_rows=mentions.groupby("entity", sort=False).indices,
            # A dict: looking up 50 sentences in a MultiIndex of millions costs milliseconds.
            sentence_rows={
                key: row
                for row, key in enumerate(
                    zip(
                        corpus.sentences["doc_id"].tolist(),
                        corpus.sentences["sent_id"].tolist(),
                        strict=True,
                    )
                )
            },
            titles_by_id=corpus.articles.set_index("doc_id")["title"],
        )

    def outlet_days(self) -> pd.DataFrame:
        universe = self.corpus.universe
        universe = universe if universe is not None else self.corpus.articles
        days = period_start(universe["published"], "D")
        return (
            universe.assign(published=days)
            .groupby(["source", "published"], dropna=False)
            .agg(words_total=("n_words", "sum"), articles_total=("doc_id", "nunique"))
            .reset_index()
        )

    def labels(self) -> list[str]:
        return ranked(self.corpus.mentions["label"]).index.tolist()

    def counts(
        self, settings: Mapping[str, Any], entities: list | None, freq: str | None
    ) -> tuple[pd.DataFrame, None]:
        days = self.label_days if settings.get("label") else self.entity_days
        if entities is not None:
            days = days[days["entity"].isin(entities)]
        days = select_days(days, settings)
        keys = ["entity", "source", *([freq] if freq else [])]
        counts = sum_by(days, keys, ["mentions", "articles"])
        return (counts.rename(columns={freq: "published"}) if freq else counts), None

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        return counts["entity"].nunique(), counts["source"].nunique()

    def evidence(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        known = [name for name in entities if name in self.entity_rows]
        if not known:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), 0
        rows = pd.concat([self._evidence_of(name) for name in known])
        if len(known) > 1:
            rows = rows.sort_index()  # the index is the position in date order
        rows = select_days(rows, settings)
        return rows, len(rows)

    def _evidence_of(self, entity: str) -> pd.DataFrame:
        """Return an entity's mentions, one per sentence, by date (cached per entity)."""
        if entity not in self.evidence_cache:
            rows = self.mentions.iloc[self.entity_rows[entity]][EVIDENCE_COLUMNS]
            # A sentence naming Putin twice is one piece of evidence, not two.
            self.evidence_cache[entity] = rows.drop_duplicates(["doc_id", "sent_id"])
        return self.evidence_cache[entity]

    def sentences(self, keys: list[tuple]) -> pd.DataFrame:
        rows = [self.sentence_rows[key] for key in dict.fromkeys(keys) if key in self.sentence_rows]
        found = self.corpus.sentences.iloc[rows]
        return found.set_index(["doc_id", "sent_id"])[["start", "text"]]

    def titles(self, doc_ids: list[str]) -> pd.Series:
        return self.titles_by_id

    def entity_totals(self, label: str | None) -> pd.Series:
        mentions = self.corpus.mentions
        if label is None:
            return ranked(mentions["entity"])
        return ranked(mentions.loc[mentions["label"] == label, "entity"])

    def article_counts(self) -> pd.Series:
        return self.corpus.articles["source"].value_counts()


def ranked(values: pd.Series) -> pd.Series:
    """Return how often each value occurs, most frequent first, ties by name.

    >>> ranked(pd.Series(["b", "a", "b", "c", "a"])).to_dict()
    {'a': 2, 'b': 2, 'c': 1}
    """
    counts = values.value_counts()
    return counts.iloc[most_first(counts.index.astype(str).to_numpy(), counts.to_numpy())]


def select_days(frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
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
