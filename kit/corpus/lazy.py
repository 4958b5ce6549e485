"""A ``Corpus`` whose frames stay in the store: filters and counts run in DuckDB.

``kit.load(store_path, lazy=True)`` (or ``kit.load(path, store=..., lazy=True)``) returns a
:class:`LazyCorpus`. It answers the same questions as ``kit.corpus.Corpus`` with the same code
(``kit.corpus.queries.Queries``): this module provides the backend primitives those queries read,
as DuckDB queries over the store's Parquet files and, where they give the exact answer, its
rollups (``kit.store.rollups``).

A frame (``corpus.mentions``, ``corpus.articles``, ...) comes back as pandas only while it has
at most ``max_rows`` rows; beyond that the error says how many rows it has and how to take a
sample or a filtered part. ``to_memory()`` turns a small enough (filtered) lazy corpus into an
in-memory ``Corpus``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kit.corpus.lazy_sql import Selection, Where, within_dates
from kit.corpus.memory import Corpus
from kit.corpus.queries import Limits, Queries, as_timestamp, period_start
from kit.errors import KitError, value_invalid_msg
from kit.store.parquet import CORPUS_FRAMES, check_corpus, is_local, location, read_manifest
from kit.store.rollups import connect, frame_glob, quoted, rollup_path

MAX_ROWS = 2_000_000
TRUNCATE = {"D": "day", "W": "week", "M": "month"}
ROLLUP_KEYS = {"entity", "label", "source"}
ENTITY_COLUMNS = {"mentions": "entity", "descriptors": "entity", "quotes": "speaker"}
ARTICLE_LEVEL = ("articles", "dropped", "sentences", "citations")


@dataclass(frozen=True, repr=False)  # the repr is Queries' (the headline numbers)
class LazyCorpus(Queries):
    """A corpus kept in a store (a folder or fsspec URL), queried through DuckDB.

    Example (a store written by ``kit.load(path, store="store/")``)::

        corpus = kit.load("store/", lazy=True)
        corpus.filter(source="Fox News").top_entities(5)
    """

    root: str
    manifest: dict = field(repr=False)
    connection: Any = field(repr=False, compare=False)
    selection: Selection = field(default_factory=Selection)
    max_rows: int = MAX_ROWS
    stance_method: str | None = None
    fetched: dict = field(default_factory=dict, repr=False, compare=False)

    # ---- running SQL --------------------------------------------------------------------------
    def sql(self, query: str, parameters: Sequence[Any] = ()) -> pd.DataFrame:
        """Return the result of a SQL query over the store's views as a DataFrame.

        Views: the frames (``articles``, ``mentions``, ``sentences``, ``dropped``,
        ``descriptors``, ``quotes``, ``citations``, ``problems``) and the rollups
        (``entity_day``, ``source_day``, ``entity_week``, ``outlet_day``,
        ``mentions_by_entity``). Filters are not applied: this is the whole store.
        """
        return self.connection.execute(query, list(parameters)).df()

    def _scalar(self, query: str, parameters: Sequence[Any] = ()) -> Any:
        return self.connection.execute(query, list(parameters)).fetchone()[0]

    @property
    def meta(self) -> dict:
        """Return the store's manifest with its location (what ``Corpus.meta`` holds)."""
        return {"store": self.root, "lazy": True, **self.manifest}

    # ---- selections as SQL ------------------------------------------------------------------
    def mention_where(self, *, published: str = "published", entity: bool = True) -> Where:
        """Return the SQL ``where`` selecting this corpus's rows of ``mentions`` (or a view
        with its columns; ``published`` names the date column)."""
        where = Where().among("source", self.selection.sources)
        within_dates(where, self.selection, published)
        if entity:
            where.among("entity", self.selection.entities).among("label", self.selection.labels)
        return where

    def _article_where(self, *, by_mention: bool = True) -> Where:
        where = Where().among("source", self.selection.sources)
        within_dates(where, self.selection, "published")
        if by_mention and self.selection.by_mention:
            inner = self.mention_where()
            where.raw(f"doc_id in (select doc_id from mentions {inner.sql})", inner.parameters)
        return where

    def _frame_query(self, name: str) -> tuple[str, list[Any]]:
        """Return (query, parameters) selecting this corpus's rows of one frame."""
        if name == "problems":
            return "select * from problems", []
        if name in ("articles", "universe"):
            where = self._article_where(by_mention=name == "articles")
            return f"select * from articles {where.sql}", where.parameters
        if name == "mentions":
            where = self.mention_where()
            return f"select * from mentions {where.sql}", where.parameters
        articles = self._article_where()
        where = Where().raw(
            f"doc_id in (select doc_id from articles {articles.sql})", articles.parameters
        )
        column = ENTITY_COLUMNS.get(name)
        if column and self.selection.by_mention:
            inner = self.mention_where()
            where.raw(
                f"{column} in (select distinct entity from mentions {inner.sql})",
                inner.parameters,
            )
        return f"select * from {name} {where.sql}", where.parameters

    # ---- frames -----------------------------------------------------------------------------
    def count(self, frame: str) -> int:
        """Return the number of rows of one frame of this (filtered) corpus."""
        query, parameters = self._frame_query(frame)
        return int(self._scalar(f"select count(*) from ({query})", parameters))

    def fetch(self, frame: str, *, limit: int | None = None) -> pd.DataFrame:
        """Return one frame of this (filtered) corpus as pandas, at most ``max_rows`` rows.

        Rows come in store order; sort them (e.g. by ``doc_id, start``) to compare.
        """
        if frame not in (*CORPUS_FRAMES, "problems", "universe"):
            raise KitError(value_invalid_msg("frame", frame, (*CORPUS_FRAMES, "problems")))
        key = (frame, limit)
        if key in self.fetched:
            return self.fetched[key]
        rows = self.count(frame)
        if limit is None and rows > self.max_rows:
            raise KitError(
                f"{self.root}: {frame} of this lazy corpus has {rows:,} rows, more than "
                f"max_rows={self.max_rows:,}; take corpus.sample({frame!r}, 10_000), a filtered "
                f"part (corpus.filter(source=..., start=..., end=...).{frame}), "
                f"corpus.fetch({frame!r}, limit=N) or corpus.sql('select ... from {frame}')"
            )
        query, parameters = self._frame_query(frame)
        if limit is not None:
            query += f" limit {int(limit)}"
        self.fetched[key] = as_pandas(self.sql(query, parameters))
        return self.fetched[key]

    def sample(self, frame: str, n: int = 10_000, *, seed: int = 0) -> pd.DataFrame:
        """Return ``n`` rows of one frame drawn at random (reproducibly, with ``seed``)."""
        query, parameters = self._frame_query(frame)
        sampled = (
            f"select * from ({query}) using sample reservoir({int(n)} rows) repeatable ({seed})"
        )
        return as_pandas(self.sql(sampled, parameters))

    articles = property(lambda self: self.fetch("articles"), doc="The articles (if small).")
    mentions = property(lambda self: self.fetch("mentions"), doc="The mentions (if small).")
    sentences = property(lambda self: self.fetch("sentences"), doc="The sentences (if small).")
    dropped = property(lambda self: self.fetch("dropped"), doc="Dropped lines (if small).")
    descriptors = property(lambda self: self.fetch("descriptors"), doc="Descriptors (if small).")
    quotes = property(lambda self: self.fetch("quotes"), doc="Quotes (if small).")
    citations = property(lambda self: self.fetch("citations"), doc="Citations (if small).")
    problems = property(lambda self: self.fetch("problems"), doc="Input problems.")

    @property
    def universe(self) -> pd.DataFrame | None:
        """Return the articles before any entity filter (None when there is none)."""
        return self.fetch("universe") if self.selection.by_mention else None

    def to_memory(self) -> Corpus:
        """Return this (filtered) lazy corpus as an in-memory ``Corpus``, if small enough."""
        if "memory" not in self.fetched:
            self.fetched["memory"] = Corpus(
                **{name: self.fetch(name) for name in CORPUS_FRAMES},
                problems=self.problems,
                meta=self.meta,
                universe=self.universe,
                stance_method=self.stance_method,
            )
        return self.fetched["memory"]

    @property
    def stance(self) -> pd.DataFrame:
        """Return the stance frame, scored on the (filtered) corpus in memory."""
        return self.to_memory().stance

    # ---- overview ---------------------------------------------------------------------------
    @property
    def repr_name(self) -> str:
        """Return what the repr calls this corpus: the class and the store's location."""
        return f"LazyCorpus {self.root}"

    # ---- the backend primitives (kit.queries.Backend) as SQL over the store -----------------
    def overview(self) -> dict:
        """Return the numbers ``summary`` reports (see ``kit.corpus.queries.Backend.overview``)."""
        articles = self._article_where()
        row = self.connection.execute(
            "select count(*), count(distinct source), min(published), max(published), "
            "count(*) - count(published), coalesce(sum(n_words), 0) "
            f"from articles {articles.sql}",
            articles.parameters,
        ).fetchone()
        mentions = self.mention_where()
        mention_count, entity_count = self.connection.execute(
            f"select count(*), count(distinct entity) from mentions {mentions.sql}",
            mentions.parameters,
        ).fetchone()
        dated = row[2] is not None
        return {
            "articles": row[0],
            "outlets": row[1],
            "first": pd.Timestamp(row[2]) if dated else None,
            "last": pd.Timestamp(row[3]) if dated else None,
            "undated": row[4],
            "words": row[5],
            "mentions": mention_count,
            "entities": entity_count,
        }

    def outlets(self) -> list[str]:
        """Return the distinct outlets of this corpus's articles."""
        where = self._article_where().raw("source is not null")
        return self.sql(f"select distinct source from articles {where.sql}", where.parameters)[
            "source"
        ].tolist()

    def mention_columns(self) -> list[str]:
        """Return the columns of the mentions frame."""
        return self._columns("mentions")

    def narrowed(self, limits: Limits) -> LazyCorpus:
        """Return a LazyCorpus restricted as ``filter`` describes (nothing is read yet)."""
        selection = self.selection.narrowed(**vars(limits))
        return replace(self, selection=selection, fetched={})

    def _rollup_for(self, keys: set[str], freq: str | None) -> tuple[str, str] | None:
        """Return (rollup view, its date column) that answers a count exactly, or None."""
        if "entity" not in keys or not keys <= ROLLUP_KEYS:
            return None
        if freq in (None, "W") and self.selection.week_aligned():
            return "entity_week", "week"
        if not self.selection.day_aligned():
            return None
        if self.selection.entities is None and self.selection.sources is not None:
            return "source_day", "day"
        return "entity_day", "day"

    def counts_sql(self, by: list[str], freq: str | None) -> tuple[str, list[Any]]:
        """Return (query, parameters) counting mentions and articles by ``by`` (and period),
        over the rollup that answers exactly where there is one."""
        rollup = self._rollup_for(set(by), freq)
        period = f"date_trunc('{TRUNCATE[freq]}', {{date}}) as published" if freq else None
        columns = ", ".join([*by, *([period] if period else [])])
        if rollup is not None:
            view, date_column = rollup
            where = self.mention_where(published=date_column)
            aggregates = "sum(mentions)::bigint as mentions, sum(articles)::bigint as articles"
            columns = columns.format(date=date_column)
        else:
            view = "mentions"
            where = self.mention_where()
            aggregates = "count(*) as mentions, count(distinct doc_id) as articles"
            columns = columns.format(date="published")
        query = f"select {columns}, {aggregates} from {view} {where.sql} group by all"
        return query, where.parameters

    def _of_label(self, label: list | None) -> LazyCorpus:
        if label is None:
            return self
        limits = {"entity": None, "source": None, "start": None, "end": None}
        return replace(self, selection=self.selection.narrowed(**limits, label=label))

    def count_mentions(
        self, by: list[str], freq: str | None, *, label: list | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles per ``by`` group (and period), of ``label``."""
        query, parameters = self._of_label(label).counts_sql(list(by), freq)
        counts = as_pandas(self.sql(query, parameters))
        if freq:
            counts["published"] = period_start(counts["published"], freq)
        return counts

    def top_counts(
        self, keys: list[str], *, label: list | None, by: str | None, limit: int
    ) -> pd.DataFrame:
        """Return the counts of the ``limit`` largest ``keys`` groups (per ``by`` group)."""
        query, parameters = self._of_label(label).counts_sql(keys, None)
        order = ", ".join(["mentions desc", *keys])
        if by:
            query = (
                f"select * from ({query}) qualify row_number() over "
                f"(partition by {by} order by {order}) <= {int(limit)}"
            )
        else:
            query = f"{query} order by {order} limit {int(limit)}"
        return as_pandas(self.sql(query, parameters))

    def article_totals(self, keys: list[str], freq: str | None) -> pd.DataFrame:
        """Return words_total and articles_total of the universe per ``keys`` group."""
        period = f"date_trunc('{TRUNCATE[freq]}', {{date}}) as published" if freq else None
        groups = [key for key in keys if key != "published"]
        if self.selection.day_aligned() and "story" not in keys:
            where = Where().among("source", self.selection.sources)
            within_dates(where, self.selection, "day")
            view, date_column = "outlet_day", "day"
            aggregates = "sum(words_total)::bigint as words_total, "
            aggregates += "sum(articles_total)::bigint as articles_total"
        else:
            where = self._article_where(by_mention=False)
            view, date_column = "articles", "published"
            aggregates = "coalesce(sum(n_words), 0)::bigint as words_total, "
            aggregates += "count(*)::bigint as articles_total"
        columns = [*groups, *([period.format(date=date_column)] if "published" in keys else [])]
        select = ", ".join([*columns, aggregates])
        group = " group by all" if columns else ""
        totals = self.sql(f"select {select} from {view} {where.sql}{group}", where.parameters)
        if "published" in keys:
            totals["published"] = period_start(_utc(totals["published"]), freq)
        return totals

    def date_span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """Return the first and last publication time of the universe."""
        where = self._article_where(by_mention=False)
        first, last = self.connection.execute(
            f"select min(published), max(published) from articles {where.sql}", where.parameters
        ).fetchone()
        if first is None:
            return None, None
        return tuple(as_timestamp(stamp) for stamp in (first, last))

    def context_mentions(self, entities: list[str], limit: int | None) -> pd.DataFrame:
        """Return the entities' mentions in date order (the first ``limit``), with their
        sentence's offsets, from ``mentions_by_entity``."""
        columns = 'doc_id, sent_id, source, published, text, start, "end", sent_start, sent_end'
        order = ["published", "source", "doc_id", "start"]
        if limit is None:
            where = self.mention_where().among("entity", entities)
            query = f"select {columns} from mentions_by_entity {where.sql}"
            rows = int(self._scalar(f"select count(*) from ({query})", where.parameters))
            if rows > self.max_rows:
                raise KitError(
                    f"{self.root}: {rows:,} contexts for {entities!r}; pass limit= or filter first"
                )
            query += " order by published nulls last, source, doc_id, start"
            return as_pandas(self.sql(query, where.parameters))
        # The rollup is sorted by entity, then date, outlet, doc_id, start: an entity's rows
        # come in file order (DuckDB keeps it without an ``order by``), so the scan stops
        # after the first ``limit`` matches instead of reading all of a frequent entity's rows.
        firsts = []
        for name in entities:
            where = self.mention_where().among("entity", [name])
            query = f"select {columns} from mentions_by_entity {where.sql} limit {int(limit)}"
            firsts.append(as_pandas(self.sql(query, where.parameters)))
        if not firsts:
            return as_pandas(self.sql(f"select {columns} from mentions_by_entity limit 0"))
        mentions = pd.concat(firsts, ignore_index=True) if len(firsts) > 1 else firsts[0]
        mentions = mentions.sort_values(order, kind="stable", na_position="last")
        return mentions.head(int(limit)).reset_index(drop=True)

    def _columns(self, view: str) -> list[str]:
        return self.sql(f"select * from {view} limit 0").columns.tolist()

    def articles_by_id(self, doc_ids: Sequence[str], columns: list[str]) -> pd.DataFrame:
        """Return ``columns`` of the articles with these ``doc_id`` values."""
        where = Where().among("doc_id", list(doc_ids))
        return as_pandas(self.sql(f"select {', '.join(columns)} from articles {where.sql}",
                                  where.parameters))  # fmt: skip

    def story_articles(self, columns: list[str], story: str | None) -> pd.DataFrame:
        """Return ``columns`` of this corpus's articles (of one ``story``, if given)."""
        where = self._article_where()
        if story is not None:
            where.compare("story", "=", story)
        query = f"select {', '.join(columns)} from articles {where.sql}"
        return self._bounded(query, where.parameters, "articles")

    def naming_sentences(self, entities: list[str], story: str | None) -> pd.DataFrame:
        """Return doc_id, sent_id, text of this corpus's sentences that name an entity."""
        articles = self._article_where()
        if story is not None:
            articles.compare("story", "=", story)
        mentions = self.mention_where().among("entity", entities)
        query = (
            "select doc_id, sent_id, text from sentences semi join (select doc_id, sent_id "
            f"from mentions {mentions.sql}) using (doc_id, sent_id) "
            f"where doc_id in (select doc_id from articles {articles.sql})"
        )
        return self._bounded(query, [*mentions.parameters, *articles.parameters], "sentences")

    def _bounded(self, query: str, parameters: list[Any], frame: str) -> pd.DataFrame:
        """Return a query's rows, unless there are more than ``max_rows`` of them."""
        rows = int(self._scalar(f"select count(*) from ({query})", parameters))
        if rows > self.max_rows:
            raise KitError(
                f"{self.root}: {rows:,} rows of {frame}, more than max_rows={self.max_rows:,}; "
                "filter the corpus first (corpus.filter(source=..., start=..., end=...))"
            )
        return as_pandas(self.sql(query, parameters))


def _utc(stamps: pd.Series) -> pd.Series:
    """Return timestamps as UTC-aware pandas datetimes."""
    stamps = pd.to_datetime(stamps)
    return stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")


def as_pandas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a DuckDB result with UTC timestamps in the kit's unit (nanoseconds)."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
        elif pd.api.types.is_datetime64_dtype(values):
            # Nanosecond UTC timestamps come back from DuckDB without their zone.
            frame[column] = values.dt.tz_localize("UTC").astype("datetime64[ns, UTC]")
        elif values.dtype == object and len(values) and values.isna().all():
            # A text column with no values at all is stored untyped; give it back as text.
            frame[column] = values.astype("str")
    return frame


def open_store(
    root: str | Path,
    *,
    max_rows: int | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    verify: bool = False,
) -> LazyCorpus:
    """Return the LazyCorpus of the store under ``root`` (a folder or fsspec URL).

    ``verify`` checks every partition's row count against the manifest first.
    """
    manifest = read_manifest(root)
    if manifest is None:
        raise KitError(
            f"{root}: no corpus store here (no manifest.json written by the kit); build one "
            "with kit.load(path, store=...) or python -m kit annotate PATH --store URL"
        )
    if verify:
        damage = check_corpus(root)
        if damage:
            raise KitError(f"{root}: damaged store ({damage[0]}); load the corpus again")
    if not manifest.get("rollups"):
        raise KitError(f"{root}: the store has no rollups; install duckdb and load it again")
    connection = connect(root, threads=threads, memory_limit=memory_limit)
    for frame in (*CORPUS_FRAMES,):
        connection.execute(
            f"create or replace view {frame} as select * from read_parquet("
            f"{quoted(frame_glob(root, frame))}, hive_partitioning = false, union_by_name = true)"
        )
    filesystem, path = location(root)
    problems = f"{path}/problems/part-0.parquet"
    if filesystem.exists(problems):
        problems = problems if is_local(filesystem) else filesystem.unstrip_protocol(problems)
        connection.execute(
            f"create or replace view problems as select * from read_parquet({quoted(problems)})"
        )
    for name in manifest["rollups"]:
        # A row's position in the entity-sorted rollup (file_row_number) picks it out cheaply.
        position = ", file_row_number = true" if name == "mentions_by_entity" else ""
        connection.execute(
            f"create or replace view {name} as select * from "
            f"read_parquet({quoted(rollup_path(root, name))}{position})"
        )
    return LazyCorpus(
        root=str(root),
        manifest=manifest,
        connection=connection,
        max_rows=MAX_ROWS if max_rows is None else max_rows,
    )
