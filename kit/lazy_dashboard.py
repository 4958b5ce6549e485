"""The dashboard's numbers for a lazy corpus, asked of the store per interaction.

``kit.dashboard(kit.load("store/", lazy=True))`` works as on an in-memory corpus:
``explorer.Rollup.build`` hands a lazy corpus to :class:`StoreRollup`, which answers the
questions ``kit.explorer``'s pure functions ask of a rollup (``counts``,
``evidence_candidates``, ``sentences_of``, ...) with DuckDB queries over the store's rollups.
Only what one view shows comes into memory, plus each outlet's daily totals.

Example (a store written by ``kit.load(path, store="store/")``)::

    board = kit.dashboard(kit.load("store/", lazy=True), entity="Vladimir Putin")
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kit.corpus import period_start
from kit.explorer import _day_bounds, with_periods
from kit.lazy import LazyCorpus, Where, _as_pandas, _dates

EVIDENCE_COLUMNS = ["doc_id", "sent_id", "entity", "source", "published", "start", "text"]


@dataclass(repr=False)
class StoreRollup:
    """The rollup of a lazy corpus: small daily outlet totals here, the rest asked of DuckDB.

    ``outlet_days``, ``labels`` and ``months`` mean what they mean on ``explorer.Rollup``.
    """

    corpus: LazyCorpus
    outlet_days: pd.DataFrame
    labels: list[str]
    months: list[pd.Timestamp]
    totals_cache: dict[str | None, pd.Series] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<StoreRollup of {self.corpus.root}: {len(self.months)} months>"

    @classmethod
    def build(cls, corpus: LazyCorpus) -> StoreRollup:
        """Return the rollup of a lazy corpus (reads the outlets' daily totals only)."""
        where = Where().among("source", corpus.selection.sources)
        _dates(where, corpus.selection, "day")
        outlet_days = corpus.sql(
            "select source, day as published, words_total, articles_total from outlet_day "
            f"{where.sql} order by source, day",
            where.parameters,
        )
        outlet_days = with_periods(_as_pandas(outlet_days))
        labels = corpus.mention_counts(by="label")["label"].tolist()
        dated = outlet_days["published"].dropna()
        months: list[pd.Timestamp] = []
        if len(dated):
            first, last = period_start(dated, "M").agg(["min", "max"])
            months = list(pd.date_range(first, last, freq="MS"))
        return cls(corpus=corpus, outlet_days=outlet_days, labels=labels, months=months)

    def _within(self, settings: Mapping[str, Any], **limits: Any) -> LazyCorpus:
        """Return the corpus narrowed to the settings' outlets and days (and ``limits``)."""
        start, end = _day_bounds(settings)
        return self.corpus.filter(source=settings.get("source"), start=start, end=end, **limits)

    def counts(
        self, settings: Mapping[str, Any], entities: list | None = None, freq: str | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles by entity and outlet (and period), as ``Rollup``'s."""
        corpus = self._within(settings, entity=entities, label=settings.get("label"))
        counts = corpus.mention_counts(("entity", "source"), freq=freq)
        keys = ["entity", "source", *(["published"] if freq else [])]
        return counts[[*keys, "mentions", "articles"]]

    def evidence_candidates(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the first ``limit`` sentences per outlet and overall, how many in all).

        One row per entity and sentence (its first mention), in date order, as
        ``Rollup.evidence_candidates``; the rest stays in the store.
        """
        if not entities:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), 0
        where = self._within(settings, entity=entities).mention_where()
        order = "published nulls last, source, doc_id, start"
        query = f"""
            with kept as (
                select doc_id, sent_id, entity, source, published, start, text
                from mentions_by_entity {where.sql}
                qualify row_number() over (partition by entity, doc_id, sent_id order by start) = 1
            ), ranked as (
                select *, row_number() over (order by {order}, entity) as position,
                       row_number() over (partition by source order by {order}, entity)
                           as in_source,
                       count(*) over () as total
                from kept
            )
            select * from ranked where position <= ? or in_source <= ? order by position"""
        rows = _as_pandas(self.corpus.sql(query, [*where.parameters, limit, limit]))
        total = int(rows["total"].iloc[0]) if len(rows) else 0
        return rows[EVIDENCE_COLUMNS], total

    def sentences_of(self, keys: list[tuple]) -> pd.DataFrame:
        """Return the sentences' start and text for (doc_id, sent_id) keys, in their order."""
        doc_ids = sorted({doc_id for doc_id, _ in keys})
        where = Where().among("doc_id", doc_ids)
        found = self.corpus.sql(
            f"select doc_id, sent_id, start, text from sentences {where.sql}", where.parameters
        )
        return found.set_index(["doc_id", "sent_id"])[["start", "text"]].reindex(keys)

    def titles_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """Return the titles of these articles, in their order."""
        doc_ids = list(doc_ids)
        where = Where().among("doc_id", sorted(set(doc_ids)))
        found = self.corpus.sql(f"select doc_id, title from articles {where.sql}", where.parameters)
        return found.set_index("doc_id")["title"].reindex(doc_ids).to_numpy()

    def entity_totals_of(self, label: str | None) -> pd.Series:
        """Return mentions per entity (of one label, or all), most mentioned first (cached)."""
        if label not in self.totals_cache:
            counts = self.corpus.filter(label=label).mention_counts(by="entity")
            self.totals_cache[label] = counts.set_index("entity")["mentions"]
        return self.totals_cache[label]

    def article_counts(self) -> pd.Series:
        """Return the number of articles per outlet."""
        return self.outlet_days.groupby("source", observed=True)["articles_total"].sum()
