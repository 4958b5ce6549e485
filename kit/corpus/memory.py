"""The ``Corpus``: tidy frames of one collection of articles, and the questions asked of them.

Every frame is a pandas DataFrame with one row per thing (see DESIGN.md, "The contract").
``filter`` returns a new Corpus with every frame filtered consistently; the counting methods
return tidy frames that ``kit.charts`` draws. The queries themselves are ``kit.queries.Queries``
(shared with the store-backed ``kit.corpus.lazy.LazyCorpus``); this module provides the primitives
they read, over pandas frames.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.corpus.queries import (  # noqa: F401  (the helpers' names, where they were)
    CONTEXT_COLUMNS,
    FREQUENCIES,
    Limits,
    Queries,
    as_list,
    as_timestamp,
    period_start,
)
from kit.store.parquet import Damaged
from kit.store.snapshots import read_later, write_later

FRAMES = (
    "articles",
    "dropped",
    "sentences",
    "mentions",
    "stance",
    "descriptors",
    "quotes",
    "citations",
    "problems",
)
ARTICLE_COLUMNS = [
    "doc_id", "source", "title", "author", "published", "url", "text", "n_words", "path", "story",
]  # fmt: skip


@dataclass(frozen=True, repr=False)  # the repr is Queries' (the headline numbers)
class Corpus(Queries):
    """A collection of articles as tidy frames, with filters and counts.

    Example:
        >>> import kit
        >>> corpus = kit.load(progress=False)  # the two bundled founding pages
        >>> corpus.filter(source="Kyiv Independent").top_entities(1)["entity"].tolist()
        ['Russia']
    """

    articles: pd.DataFrame
    dropped: pd.DataFrame
    sentences: pd.DataFrame
    mentions: pd.DataFrame
    descriptors: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    citations: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["path", "reason"]))
    meta: dict = field(default_factory=dict, compare=False)
    # The articles before any entity filter: denominators for normalised counts.
    universe: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    # Stance is scored on first use (a model over every mention of a large corpus takes a
    # while); a filtered corpus scores only its own mentions.
    stance_method: str | None = field(default=None, compare=False)
    scored_stance: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    # The snapshot folder of the loaded corpus (filters keep it): scored stance is kept there.
    snapshot_folder: str | None = field(default=None, repr=False, compare=False)
    # {entity: row positions in mentions}: an index built on first use, so that picking one
    # entity out of millions of mentions does not scan them all.
    entity_rows: dict | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Long texts as Python objects: filtering then copies pointers, not the texts
        # themselves (Arrow-backed strings copy every selected text on each filter).
        for name in ("articles", "sentences"):
            frame = getattr(self, name)
            if "text" in frame and frame["text"].dtype != object:
                object.__setattr__(self, name, frame.assign(text=frame["text"].astype(object)))

    @property
    def stance(self) -> pd.DataFrame:
        """Return the stance toward each mention of a person, group, place or organisation.

        Columns: doc_id, sent_id, entity, score (in [-1, 1]), label (negative, neutral,
        positive), method, then source, published, start, end (the mention in ``sentence``)
        and sentence. Scored on first access with ``kit.annotate.stance.predict``.
        """
        if self.scored_stance is None:
            object.__setattr__(self, "scored_stance", self._kept_or_scored_stance())
        return self.scored_stance

    def _kept_or_scored_stance(self) -> pd.DataFrame:
        """Return the stance of this corpus's mentions, scoring only those not kept yet.

        A corpus loaded from (or into) a snapshot keeps every mention it scored beside the
        snapshot, so a later start, or another filter of the same corpus, reads them back:
        no model run, no parse.
        """
        if self.snapshot_folder is None:
            return score_stance(self, self.stance_method)
        from kit.annotate import stance

        name = stance.version(self.stance_method)
        try:
            kept = read_later(self.snapshot_folder, name)
        except Damaged as damage:
            problem = pd.DataFrame([damage.problem("the stance kept for this corpus")])
            problems = pd.concat([self.problems, problem], ignore_index=True)
            object.__setattr__(self, "problems", problems)
            kept = None
        targets = stance_targets(self.mentions, self.sentences)
        todo = targets
        if kept is not None:
            known = targets.merge(kept[TARGET_KEY], on=TARGET_KEY, how="left", indicator=True)
            todo = targets[(known["_merge"] == "left_only").to_numpy()]
        if len(todo) or kept is None:
            scored = score_targets(todo, self.stance_method)
            kept = scored if kept is None else pd.concat([kept, scored], ignore_index=True)
            write_later(self.snapshot_folder, name, kept)
        wanted = targets[TARGET_KEY]
        return wanted.merge(kept, on=TARGET_KEY, how="left").reindex(columns=STANCE_COLUMNS)

    # ---- overview -------------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """Return {name: frame} for every contract frame."""
        return {name: getattr(self, name) for name in FRAMES}

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write every frame to ``folder/<name>.csv`` and return the paths written."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, frame in self.frames().items():
            path = folder / f"{name}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
        return written

    # ---- the backend primitives (kit.queries.Backend) over pandas frames --------------------
    def count(self, frame: str) -> int:
        """Return the number of rows of one frame."""
        return len(getattr(self, frame))

    def overview(self) -> dict:
        """Return the numbers ``summary`` reports (see ``kit.corpus.queries.Backend.overview``)."""
        published = self.articles["published"].dropna()
        return {
            "articles": len(self.articles),
            "outlets": self.articles["source"].nunique(),
            "first": published.min() if len(published) else None,
            "last": published.max() if len(published) else None,
            "undated": self.articles["published"].isna().sum(),
            "words": self.articles["n_words"].sum(),
            "mentions": len(self.mentions),
            "entities": self.mentions["entity"].nunique() if len(self.mentions) else 0,
        }

    def outlets(self) -> list[str]:
        """Return the distinct outlets of the articles."""
        return list(self.articles["source"].dropna().unique())

    def mention_columns(self) -> list[str]:
        """Return the columns of the mentions frame."""
        return self.mentions.columns.tolist()

    def narrowed(self, limits: Limits) -> Corpus:
        """Return a Corpus restricted as ``filter`` describes, every frame consistently."""
        entity, source, label = limits.entity, limits.source, limits.label
        start, end = limits.start, limits.end

        def select(frame: pd.DataFrame) -> pd.DataFrame:
            """Keep the rows of the chosen outlets and dates (articles and mentions alike)."""
            if source is not None:
                frame = frame[frame["source"].isin(source)]
            if start is not None:
                frame = frame[frame["published"] >= start]
            if end is not None:
                frame = frame[frame["published"] <= end]
            return frame

        articles = select(self.articles)
        universe = select(self.universe if self.universe is not None else self.articles)
        # Narrow the (large) mentions frame by entity first, then by its own outlet and date.
        mentions = self.mentions
        if entity is not None:
            rows = self._mention_rows_by_entity()
            wanted = [rows[name] for name in entity if name in rows]
            positions = np.sort(np.concatenate(wanted)) if wanted else np.array([], dtype=int)
            mentions = mentions.take(positions)
        if label is not None:
            mentions = mentions[mentions["label"].isin(label)]
        mentions = select(mentions)
        entity_level = {}
        if entity is not None or label is not None:
            articles = articles[articles["doc_id"].isin(mentions["doc_id"].unique())]
            kept_entities = set(mentions["entity"])
            for name, column in (("scored_stance", "entity"), ("descriptors", "entity"),
                                 ("quotes", "speaker")):  # fmt: skip
                frame = getattr(self, name)
                if frame is not None and column in frame:
                    entity_level[name] = frame[frame[column].isin(kept_entities)]
        doc_ids = articles["doc_id"]
        changes = {
            "articles": articles,
            "mentions": mentions,
            "universe": universe,
            "entity_rows": None,
        }
        for name in ("dropped", "sentences", "scored_stance", "descriptors", "quotes", "citations"):
            frame = entity_level.get(name, getattr(self, name))
            if frame is not None and "doc_id" in frame:
                frame = frame[frame["doc_id"].isin(doc_ids)]
            changes[name] = frame
        return replace(self, **changes)

    def _mention_rows_by_entity(self) -> dict[str, np.ndarray]:
        """Return {entity: row positions in ``mentions``}, computed once per corpus."""
        if self.entity_rows is None:
            rows = self.mentions.groupby("entity", sort=False).indices
            object.__setattr__(self, "entity_rows", rows)
        return self.entity_rows

    def count_mentions(
        self, by: list[str], freq: str | None, *, label: list | None = None
    ) -> pd.DataFrame:
        """Return mentions and articles per ``by`` group (and period), of ``label``."""
        mentions = self.mentions
        if label is not None:
            mentions = mentions[mentions["label"].isin(label)]
        keys = list(by)
        if freq is not None:
            mentions = mentions.assign(published=period_start(mentions["published"], freq))
            keys.append("published")
        grouped = mentions.groupby(keys, dropna=False, observed=True)
        counts = grouped.agg(mentions=("doc_id", "size"), articles=("doc_id", "nunique"))
        return counts.reset_index()

    def top_counts(
        self, keys: list[str], *, label: list | None, by: str | None, limit: int
    ) -> pd.DataFrame:
        """Return the counts of every ``keys`` group (``top_entities`` keeps the top)."""
        return self.count_mentions(keys, None, label=label)

    def _universe(self) -> pd.DataFrame:
        return self.universe if self.universe is not None else self.articles

    def article_totals(self, keys: list[str], freq: str | None) -> pd.DataFrame:
        """Return words_total and articles_total of the universe per ``keys`` group."""
        universe = self._universe()[["doc_id", "published", "n_words", "source", "story"]]
        if freq is not None:
            universe = universe.assign(published=period_start(universe["published"], freq))
        if not keys:
            return pd.DataFrame({"words_total": [universe["n_words"].sum()],
                                 "articles_total": [universe["doc_id"].nunique()]})  # fmt: skip
        totals = universe.groupby(keys, dropna=False).agg(
            words_total=("n_words", "sum"), articles_total=("doc_id", "nunique")
        )
        return totals.reset_index()

    def date_span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """Return the first and last publication time of the universe."""
        dated = self._universe()["published"].dropna()
        return (dated.min(), dated.max()) if len(dated) else (None, None)

    def context_mentions(self, entities: list[str], limit: int | None) -> pd.DataFrame:
        """Return the entities' mentions in date order, with their sentence's offsets."""
        mentions = self.mentions[self.mentions["entity"].isin(entities)]
        mentions = mentions.sort_values(["published", "source", "doc_id", "start"])
        if limit is not None:
            mentions = mentions.head(limit)
        bounds = self.sentences[["doc_id", "sent_id", "start", "end"]].rename(
            columns={"start": "sent_start", "end": "sent_end"}
        )
        located = mentions.merge(bounds, on=["doc_id", "sent_id"], how="left")
        return located[CONTEXT_COLUMNS]

    def articles_by_id(self, doc_ids: Sequence[str], columns: list[str]) -> pd.DataFrame:
        """Return ``columns`` of the articles with these ``doc_id`` values."""
        return self.articles[self.articles["doc_id"].isin(doc_ids)][columns]

    def story_articles(self, columns: list[str], story: str | None) -> pd.DataFrame:
        """Return ``columns`` of the articles (of one ``story``, if given)."""
        articles = self.articles
        if story is not None:
            articles = articles[articles["story"] == story]
        return articles[columns]

    def naming_sentences(self, entities: list[str], story: str | None) -> pd.DataFrame:
        """Return doc_id, sent_id, text of the sentences that name an entity."""
        doc_ids = self.story_articles(["doc_id"], story)["doc_id"]
        mentions = self.mentions[
            self.mentions["entity"].isin(entities) & self.mentions["doc_id"].isin(doc_ids)
        ]
        keys = mentions[["doc_id", "sent_id"]].drop_duplicates()
        return self.sentences.merge(keys, on=["doc_id", "sent_id"])[["doc_id", "sent_id", "text"]]


STANCE_LABELS = ("PERSON", "NORP", "ORG", "GPE")
STANCE_COLUMNS = ["doc_id", "sent_id", "entity", "score", "label", "method", "source",
                  "published", "start", "end", "sentence"]  # fmt: skip
# A mention's place: what identifies one row of the stance frame.
TARGET_KEY = ["doc_id", "sent_id", "start", "end"]


def stance_targets(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Return one row per mention of an actor, with its sentence and offsets inside it."""
    actors = mentions[mentions["label"].isin(STANCE_LABELS)]
    located = actors.merge(
        sentences.rename(columns={"start": "sent_start", "text": "sentence"})[
            ["doc_id", "sent_id", "sent_start", "sentence"]
        ],
        on=["doc_id", "sent_id"],
    )
    located["start"] = located["start"] - located["sent_start"]
    located["end"] = located["end"] - located["sent_start"]
    columns = ["doc_id", "sent_id", "entity", "source", "published", "start", "end", "sentence"]
    return located[columns].reset_index(drop=True)


def score_stance(corpus: Corpus, method: str | None = None) -> pd.DataFrame:
    """Return the stance frame of ``corpus`` (see ``Corpus.stance``)."""
    return score_targets(stance_targets(corpus.mentions, corpus.sentences), method)


def score_targets(targets: pd.DataFrame, method: str | None = None) -> pd.DataFrame:
    """Return the stance frame of ``targets`` (rows of :func:`stance_targets`)."""
    from kit.annotate import stance

    scored = stance.predict(
        targets.rename(columns={"sentence": "text"}),
        method=method,
        progress=len(targets) > 2000,
    ).rename(columns={"text": "sentence"})
    return scored.reindex(columns=STANCE_COLUMNS)


def day_bounds(settings: Mapping[str, Any]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Return the UTC bounds of the settings' date range (end inclusive, to the day's end)."""
    start = end = None
    if settings.get("start"):
        start = pd.Timestamp(settings["start"])
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    if settings.get("end"):
        raw = settings["end"]
        end = pd.Timestamp(raw)
        end = end.tz_localize("UTC") if end.tzinfo is None else end.tz_convert("UTC")
        if end == end.normalize():
            end = end + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    return start, end


def with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a daily frame with its week and month starts precomputed (W, M columns).

    Names become categoricals: grouping and matching them per interaction is then cheap.
    """
    frame = frame.reset_index(drop=True)
    for column in ("entity", "source", "label"):
        if column in frame.columns:
            frame[column] = frame[column].astype("category")
    return frame.assign(
        D=frame["published"],
        W=period_start(frame["published"], "W"),
        M=period_start(frame["published"], "M"),
    )
