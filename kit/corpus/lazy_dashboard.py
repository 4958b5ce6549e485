"""How the dashboard's rollup reads a lazy corpus: DuckDB queries over the store's rollups.

``kit.dashboard(kit.open_store("store/"))`` works as on an in-memory corpus:
``kit.corpus.rollup.Rollup.build`` gives a lazy corpus a :class:`StoreReader`, which reads what
the rollup asks (``counts``, ``evidence``, ``sentences``, ...) from the store's rollups, the
same schema a ``Corpus``'s ``FrameReader`` reads from pandas frames. Only what one view shows
comes into memory, plus each outlet's daily totals.

Example (a store written by ``kit.load(path, store="store/")``)::

    board = kit.dashboard(kit.open_store("store/"), entity="Vladimir Putin")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.corpus.lazy import LazyCorpus, as_pandas
from kit.corpus.lazy_sql import Where, within_dates
from kit.corpus.memory import day_bounds
from kit.errors import KitError

TOP_CANDIDATES = 100  # entities whose counts the top chart may draw (it shows 10)
EVIDENCE_COLUMNS = ["doc_id", "sent_id", "entity", "source", "published", "start", "text"]


@dataclass(repr=False)
class StoreReader:
    """A rollup's reads from a lazy corpus's store (``kit.corpus.rollup.RollupReader``)."""

    corpus: LazyCorpus
    totals: pd.DataFrame | None = field(default=None)

    def __post_init__(self) -> None:
        if "first_in_sentence" not in self.corpus.sql("select * from mentions_by_entity limit 0"):
            raise KitError(
                f"{self.corpus.root}: this store's rollups predate the dashboard on a lazy "
                "corpus; load the corpus into it again (kit.load(path, store=...)) to rebuild "
                "them"
            )

    def __repr__(self) -> str:
        return f"the store {self.corpus.root}"

    def outlet_days(self) -> pd.DataFrame:
        """Return the outlets' daily totals in the selection (read once)."""
        if self.totals is None:
            where = Where().among("source", self.corpus.selection.sources)
            within_dates(where, self.corpus.selection, "day")
            totals = self.corpus.sql(
                "select source, day as published, words_total, articles_total from outlet_day "
                f"{where.sql} order by source, day",
                where.parameters,
            )
            self.totals = as_pandas(totals)
        return self.totals

    def labels(self) -> list[str]:
        # Counted per entity first: the entity rollups answer that (a count by label alone
        # would read every mention, as distinct articles do not add up across entities).
        query, parameters = self.corpus.counts_sql(["entity", "label"], None)
        return self.corpus.sql(
            f"select label from ({query}) group by label order by sum(mentions) desc, label",
            parameters,
        )["label"].tolist()

    def _within(self, settings: Mapping[str, Any], **limits: Any) -> LazyCorpus:
        """Return the corpus narrowed to the settings' outlets and days (and ``limits``)."""
        start, end = day_bounds(settings)
        return self.corpus.filter(source=settings.get("source"), start=start, end=end, **limits)

    def counts(
        self, settings: Mapping[str, Any], entities: list | None, freq: str | None
    ) -> tuple[pd.DataFrame, tuple[int, int] | None]:
        """Return (mentions and articles by entity and outlet (and period), in view).

        Without ``entities``, only the rows of the ``TOP_CANDIDATES`` entities ranked first by
        mentions and by the settings' measure come back: all the top chart and the default
        timeline can show (a big store has millions of entity-outlet pairs). The entities and
        outlets in view are counted by the same query.
        """
        corpus = self._within(settings, entity=entities, label=settings.get("label"))
        if entities is not None:
            counts = corpus.mention_counts(("entity", "source"), freq=freq)
            keys = ["entity", "source", *(["published"] if freq else [])]
            return counts[[*keys, "mentions", "articles"]], None
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
        return counts[["entity", "source", "mentions", "articles"]], in_view

    def in_view(self, settings: Mapping[str, Any], counts: pd.DataFrame) -> tuple[int, int]:
        """Return (entities, outlets) mentioned under the settings (counted in the store)."""
        corpus = self._within(settings, label=settings.get("label"))
        query, parameters = corpus.counts_sql(["entity", "source"], None)
        entities, outlets = self.corpus.connection.execute(
            f"select count(distinct entity), count(distinct source) from ({query})", parameters
        ).fetchone()
        return int(entities), int(outlets)

    def evidence(
        self, settings: Mapping[str, Any], entities: list[str], limit: int
    ) -> tuple[pd.DataFrame, int]:
        """Return (the first ``limit`` sentences per outlet and overall, how many in all).

        One row per entity and sentence (its first mention), in date order, as
        ``Rollup.evidence_candidates``. Aggregates pick the rows' positions in
        ``mentions_by_entity`` (sorted by entity and date), then only those rows are read.
        """
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

    def sentences(self, keys: list[tuple]) -> pd.DataFrame:
        """Return start and text of the sentences of the keys' articles."""
        where = Where().among("doc_id", sorted({doc_id for doc_id, _ in keys}))
        found = self.corpus.sql(
            f"select doc_id, sent_id, start, text from sentences {where.sql}", where.parameters
        )
        return found.set_index(["doc_id", "sent_id"])[["start", "text"]]

    def titles(self, doc_ids: list[str]) -> pd.Series:
        """Return the titles of these articles, by doc_id."""
        where = Where().among("doc_id", sorted(set(doc_ids)))
        found = self.corpus.sql(f"select doc_id, title from articles {where.sql}", where.parameters)
        return found.set_index("doc_id")["title"]

    def entity_totals(self, label: str | None) -> pd.Series:
        """Return mentions per entity (of one label, or all), most mentioned first."""
        counts = self.corpus.filter(label=label).mention_counts(by="entity")
        return counts.set_index("entity")["mentions"]

    def article_counts(self) -> pd.Series:
        """Return the number of articles per outlet."""
        return self.outlet_days().groupby("source")["articles_total"].sum()
