"""The dashboard's numbers for a lazy corpus, asked of the store per interaction.

``kit.dashboard(kit.load("store/", lazy=True))`` works as on an in-memory corpus:
``dashboard_data.Rollup.build`` hands a lazy corpus to :class:`StoreRollup`, which answers the
questions ``kit.views.explorer``'s pure functions ask of a rollup (``counts``,
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

from kit.corpus.lazy import LazyCorpus, as_pandas
from kit.corpus.lazy_sql import Where, within_dates
from kit.corpus.memory import day_bounds, period_start, with_periods
from kit.errors import KitError

TOP_CANDIDATES = 100  # entities whose counts the top chart may draw (it shows 10)
EVIDENCE_COLUMNS = ["doc_id", "sent_id", "entity", "source", "published", "start", "text"]


@dataclass(repr=False)
class StoreRollup:
    """The rollup of a lazy corpus: small daily outlet totals here, the rest asked of DuckDB.

    ``outlet_days``, ``labels`` and ``months`` mean what they mean on ``dashboard_data.Rollup``.
    """

    corpus: LazyCorpus
    outlet_days: pd.DataFrame
    labels: list[str]
    months: list[pd.Timestamp]
    totals_cache: dict[str | None, pd.Series] = field(default_factory=dict)
    in_view_cache: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<StoreRollup of {self.corpus.root}: {len(self.months)} months>"

    @classmethod
    def build(cls, corpus: LazyCorpus) -> StoreRollup:
        """Return the rollup of a lazy corpus (reads the outlets' daily totals only)."""
        if "first_in_sentence" not in corpus.sql("select * from mentions_by_entity limit 0"):
            raise KitError(
                f"{corpus.root}: this store's rollups predate the dashboard on a lazy corpus; "
                "load the corpus into it again (kit.load(path, store=...)) to rebuild them"
            )
        where = Where().among("source", corpus.selection.sources)
        within_dates(where, corpus.selection, "day")
        outlet_days = corpus.sql(
            "select source, day as published, words_total, articles_total from outlet_day "
            f"{where.sql} order by source, day",
            where.parameters,
        )
        outlet_days = with_periods(as_pandas(outlet_days))
        # Counted per entity first: the entity rollups answer that (a count by label alone
        # would read every mention, as distinct articles do not add up across entities).
        query, parameters = corpus.counts_sql(["entity", "label"], None)
        labels = corpus.sql(
            f"select label from ({query}) group by label order by sum(mentions) desc, label",
            parameters,
        )["label"].tolist()
        dated = outlet_days["published"].dropna()
        months: list[pd.Timestamp] = []
        if len(dated):
            first, last = period_start(dated, "M").agg(["min", "max"])
            months = list(pd.date_range(first, last, freq="MS"))
        return cls(corpus=corpus, outlet_days=outlet_days, labels=labels, months=months)

    def _within(self, settings: Mapping[str, Any], **limits: Any) -> LazyCorpus:
        """Return the corpus narrowed to the settings' outlets and days (and ``limits``)."""
        start, end = day_bounds(settings)
        return self.corpus.filter(source=settings.get("source"), start=start, end=end, **limits)

    def counts(
        self, settings: Mapping[str, Any], entities: list | None = None, freq: str | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles by entity and outlet (and period), as ``Rollup``'s.

        Without ``entities``, only the rows of the ``TOP_CANDIDATES`` entities ranked first by
        mentions and by the settings' measure come back: all the top chart and the default
        timeline can show (a big store has millions of entity-outlet pairs).
        """
        corpus = self._within(settings, entity=entities, label=settings.get("label"))
        if entities is not None:
            counts = corpus.mention_counts(("entity", "source"), freq=freq)
            keys = ["entity", "source", *(["published"] if freq else [])]
            return counts[[*keys, "mentions", "articles"]]
        query, parameters = corpus.counts_sql(["entity", "source"], None)
        totals = Where().among("source", corpus.selection.sources)
        within_dates(totals, corpus.selection, "day")
        score = {
            "mentions": "mentions",
            "per_1000_words": "1000.0 * mentions / nullif(words_total, 0)",
            "article_share": "articles / nullif(articles_total, 0)",
        }[settings.get("measure") or "mentions"]
        top = f"""
            with counts as ({query}),
            totals as (
                select source, sum(words_total) as words_total,
                       sum(articles_total) as articles_total
                from outlet_day {totals.sql} group by source),
            ranking as (
                select entity, sum(mentions) as mentions, sum({score}) as score
                from counts left join totals using (source) group by entity),
            chosen as (
                (select entity from ranking order by mentions desc, entity limit {TOP_CANDIDATES})
                union
                (select entity from ranking order by score desc nulls last, entity
                 limit {TOP_CANDIDATES}))
            select entity, source, mentions, articles,
                   (select count(distinct entity) from counts) as entities_in_view,
                   (select count(distinct source) from counts) as outlets_in_view
            from counts where entity in (select entity from chosen)
            order by mentions desc, entity, source"""
        counts = as_pandas(self.corpus.sql(top, [*parameters, *totals.parameters]))
        in_view = (0, 0)
        if len(counts):
            in_view = (int(counts["entities_in_view"].iloc[0]),
                       int(counts["outlets_in_view"].iloc[0]))  # fmt: skip
        self.in_view_cache[_view_key(settings)] = in_view
        return counts[["entity", "source", "mentions", "articles"]]

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        """Return (entities, outlets) mentioned under the settings (counted in the store)."""
        if _view_key(settings) in self.in_view_cache:
            return self.in_view_cache[_view_key(settings)]
        corpus = self._within(settings, label=settings.get("label"))
        query, parameters = corpus.counts_sql(["entity", "source"], None)
        entities, outlets = self.corpus.connection.execute(
            f"select count(distinct entity), count(distinct source) from ({query})", parameters
        ).fetchone()
        return int(entities), int(outlets)

    def evidence_candidates(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the first ``limit`` sentences per outlet and overall, how many in all).

        One row per entity and sentence (its first mention), in date order, as
        ``Rollup.evidence_candidates``. Aggregates pick the rows' positions in
        ``mentions_by_entity`` (sorted by entity and date), then only those rows are read.
        """
        if not entities:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), 0
        groups, firsts = [], []
        for name in entities:
            where = self._within(settings, entity=[name]).mention_where()
            where.raw("first_in_sentence")
            groups.append(
                self.corpus.sql(
                    "select source, count(*) as sentences, "
                    f"min(file_row_number, {int(limit)}) as positions "
                    f"from mentions_by_entity {where.sql} group by source",
                    where.parameters,
                )
            )
            # In file order an entity's rows are in date order: the scan stops at ``limit``.
            firsts += self.corpus.sql(
                f"select file_row_number from mentions_by_entity {where.sql} limit {int(limit)}",
                where.parameters,
            )["file_row_number"].tolist()
        groups = pd.concat(groups, ignore_index=True)
        total = int(groups["sentences"].sum())
        if not total:
            return pd.DataFrame(columns=EVIDENCE_COLUMNS), 0
        share = -(-limit // max(1, groups["source"].nunique()))
        positions = {
            int(position) for listed in groups["positions"] for position in sorted(listed)[:share]
        }
        positions.update(int(position) for position in firsts)
        where = Where().among("file_row_number", sorted(positions))
        rows = as_pandas(
            self.corpus.sql(
                f"select {', '.join(EVIDENCE_COLUMNS)} from mentions_by_entity {where.sql}",
                where.parameters,
            )
        )
        rows = rows.sort_values(
            ["published", "source", "doc_id", "start"], kind="stable", na_position="last"
        )
        return rows.reset_index(drop=True), total

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


def _view_key(settings: Mapping[str, Any]) -> tuple:
    """Return what the counts without entities depend on: outlets, dates and type."""
    sources = settings.get("source")
    return (tuple(sources or ()), settings.get("start"), settings.get("end"), settings.get("label"))
