"""The ``Corpus``: tidy frames of one collection of articles, and the questions asked of them.

Every frame is a pandas DataFrame with one row per thing (see DESIGN.md, "The contract").
``filter`` returns a new Corpus with every frame filtered consistently; the counting methods
return tidy frames that ``kit.views.charts`` draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kit.errors import ArgumentError, value_invalid_msg
from kit.store.parquet import Damaged
from kit.store.snapshots import read_later, write_later

FREQUENCIES = {"D": "D", "W": "W-SUN", "M": "M"}  # weeks run Monday to Sunday
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


def is_missing(value: Any) -> bool:
    """Return True for None, NaN, NaT and pandas' NA (scalars only)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False
    except (TypeError, ValueError):
        return False


def as_list(value: Any) -> list | None:
    """Return a value as a list: None stays None, a string or a scalar becomes ``[value]``.

    >>> as_list("Vladimir Putin"), as_list(("A", "B")), as_list(None)
    (['Vladimir Putin'], ['A', 'B'], None)
    """
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def as_timestamp(value: Any, *, end: bool = False) -> pd.Timestamp | None:
    """Return a UTC timestamp; a bare date as ``end`` means the end of that day."""
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    is_bare_date = isinstance(value, str) and len(value) <= 10 or stamp == stamp.normalize()
    if end and is_bare_date:
        stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    return stamp


def period_start(published: pd.Series, freq: str) -> pd.Series:
    """Return the start of the day, week (Monday) or month of each timestamp, in UTC."""
    if freq not in FREQUENCIES:
        raise ArgumentError(value_invalid_msg("freq", freq, FREQUENCIES))
    naive = published.dt.tz_convert("UTC").dt.tz_localize(None)
    return naive.dt.to_period(FREQUENCIES[freq]).dt.start_time.dt.tz_localize("UTC")


@dataclass(frozen=True)
class Corpus:
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
    def __repr__(self) -> str:
        summary = self.summary()
        span = summary["date span"]
        return (
            f"<Corpus: {summary['articles']} articles from {summary['outlets']} outlets"
            f"{', ' + span if span else ''}; {summary['mentions']} mentions of "
            f"{summary['entities']} entities; {summary['problems']} problems>"
        )

    def summary(self) -> dict:
        """Return the headline numbers: articles, outlets, date span, mentions, problems."""
        published = self.articles["published"].dropna()
        span = ""
        if len(published):
            span = f"{published.min():%Y-%m-%d} to {published.max():%Y-%m-%d}"
        return {
            "articles": len(self.articles),
            "outlets": self.articles["source"].nunique(),
            "date span": span,
            "undated articles": int(self.articles["published"].isna().sum()),
            "words": int(self.articles["n_words"].sum()),
            "mentions": len(self.mentions),
            "entities": self.mentions["entity"].nunique() if len(self.mentions) else 0,
            "dropped lines": len(self.dropped),
            "problems": len(self.problems),
        }

    @property
    def sources(self) -> list[str]:
        """Return the outlets, sorted."""
        return sorted(self.articles["source"].dropna().unique())

    def entities(self, label: str | None = None) -> list[str]:
        """Return the entities, most mentioned first (optionally of one spaCy label)."""
        mentions = self.mentions
        if label is not None:
            mentions = mentions[mentions["label"].isin(as_list(label))]
        return mentions["entity"].value_counts().index.tolist()

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

    # ---- filtering --------------------------------------------------------------------------
    def filter(
        self,
        *,
        entity: str | Iterable[str] | None = None,
        source: str | Iterable[str] | None = None,
        start: Any = None,
        end: Any = None,
        label: str | Iterable[str] | None = None,
    ) -> Corpus:
        """Return a Corpus restricted to some entities, outlets, dates or entity types.

        ``source``, ``start`` and ``end`` (inclusive; a bare date means the whole day) select
        articles. ``entity`` and ``label`` select mentions and keep the articles that have one;
        entity-level frames (mentions, stance, descriptors) keep only those entities' rows,
        quotes keep those entities' own quotes, and article-level frames (articles, sentences,
        dropped, citations) keep the selected articles.
        """
        start_at, end_at = as_timestamp(start), as_timestamp(end, end=True)

        def select(frame: pd.DataFrame) -> pd.DataFrame:
            """Keep the rows of the chosen outlets and dates (articles and mentions alike)."""
            if source is not None:
                frame = frame[frame["source"].isin(as_list(source))]
            if start_at is not None:
                frame = frame[frame["published"] >= start_at]
            if end_at is not None:
                frame = frame[frame["published"] <= end_at]
            return frame

        articles = select(self.articles)
        universe = select(self.universe if self.universe is not None else self.articles)
        # Narrow the (large) mentions frame by entity first, then by its own outlet and date.
        mentions = self.mentions
        if entity is not None:
            rows = self._mention_rows_by_entity()
            wanted = [rows[name] for name in as_list(entity) if name in rows]
            positions = np.sort(np.concatenate(wanted)) if wanted else np.array([], dtype=int)
            mentions = mentions.take(positions)
        if label is not None:
            mentions = mentions[mentions["label"].isin(as_list(label))]
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

    # ---- counting ---------------------------------------------------------------------------
    def mention_counts(
        self,
        by: str | Iterable[str] = ("entity", "source"),
        *,
        freq: str | None = None,
        fill_zeros: bool = False,
    ) -> pd.DataFrame:
        """Return mentions counted by ``by`` (and by period with ``freq``), raw and normalised.

        Columns: the ``by`` columns, ``published`` (period start; NaT for undated articles)
        when ``freq`` is "D", "W" or "M", then ``mentions``, ``articles`` (articles that
        mention it), ``per_1000_words`` (mentions per 1,000 words the same outlets published
        in the same period) and ``article_share`` (share of those articles that mention it).
        An outlet that simply publishes more does not look more obsessed on the normalised
        measures.

        Example:
            >>> import kit
            >>> kit.load(progress=False).mention_counts(freq="D").columns.tolist()[:6]
            ['entity', 'source', 'published', 'mentions', 'articles', 'per_1000_words']
        """
        by = [by] if isinstance(by, str) else list(by)
        unknown = [column for column in by if column not in self.mentions.columns]
        if unknown:
            raise ArgumentError(value_invalid_msg("by", unknown[0], self.mentions.columns))
        keys = list(by)
        mentions = self.mentions
        universe = self.universe if self.universe is not None else self.articles
        universe = universe[["doc_id", "published", "n_words", "source", "story"]]
        if freq is not None:
            mentions = mentions.assign(published=period_start(mentions["published"], freq))
            universe = universe.assign(published=period_start(universe["published"], freq))
            keys.append("published")
        grouped = mentions.groupby(keys, dropna=False, observed=True)
        counts = grouped.agg(mentions=("doc_id", "size"), articles=("doc_id", "nunique"))
        counts = counts.reset_index()
        article_keys = [key for key in keys if key in ("source", "published", "story")]
        if article_keys:
            totals = universe.groupby(article_keys, dropna=False).agg(
                words_total=("n_words", "sum"), articles_total=("doc_id", "nunique")
            )
            counts = counts.join(totals, on=article_keys)
        else:
            counts["words_total"] = universe["n_words"].sum()
            counts["articles_total"] = universe["doc_id"].nunique()
        if fill_zeros and freq is not None:
            counts = _fill_periods(counts, keys, freq, universe)
        words = counts["words_total"].replace(0, np.nan)
        counts["per_1000_words"] = 1000 * counts["mentions"] / words
        counts["article_share"] = counts["articles"] / counts["articles_total"].replace(0, np.nan)
        order = keys + ["mentions", "articles", "per_1000_words", "article_share"]
        order += ["words_total", "articles_total"]
        sort_keys = [key for key in keys if key != "published"]
        counts = counts[order].sort_values(
            ["published", *sort_keys] if freq else ["mentions", *sort_keys],
            ascending=[True] * (len(sort_keys) + 1) if freq else [False] + [True] * len(sort_keys),
            ignore_index=True,
        )
        return counts

    def top_entities(
        self, n: int = 10, *, label: str | Iterable[str] | None = None, by: str | None = None
    ) -> pd.DataFrame:
        """Return the ``n`` most mentioned entities (per ``by`` group, e.g. "source").

        Columns: [``by``,] entity, label, mentions, articles.
        """
        mentions = self.mentions
        if label is not None:
            mentions = mentions[mentions["label"].isin(as_list(label))]
        keys = list(dict.fromkeys(([by] if by else []) + ["entity", "label"]))
        counts = (
            mentions.groupby(keys, observed=True)
            .agg(mentions=("doc_id", "size"), articles=("doc_id", "nunique"))
            .reset_index()
            .sort_values(["mentions", "entity"], ascending=[False, True])
        )
        if by:
            top = counts.groupby(by, sort=False).head(n)
            return top.sort_values(by, kind="stable").reset_index(drop=True)
        return counts.head(n).reset_index(drop=True)

    def contexts(
        self, entity: str | Iterable[str], *, width: int = 60, limit: int | None = None
    ) -> pd.DataFrame:
        """Return key-word-in-context rows for an entity, lined up by date across outlets.

        Columns: doc_id, sent_id, source, published, title, left, mention, right, sentence,
        start, end (offsets into ``articles.text``).
        """
        mentions = self.mentions[self.mentions["entity"].isin(as_list(entity))]
        mentions = mentions.sort_values(["published", "source", "doc_id", "start"])
        if limit is not None:
            mentions = mentions.head(limit)
        articles = self.articles.set_index("doc_id")
        texts = articles["text"].reindex(mentions["doc_id"]).to_numpy()
        lefts, rights, sentences = [], [], []
        sentence_text = self.sentences.set_index(["doc_id", "sent_id"])["text"]
        for text, start, end, doc_id, sent_id in zip(
            texts,
            mentions["start"],
            mentions["end"],
            mentions["doc_id"],
            mentions["sent_id"],
            strict=True,
        ):
            lefts.append(" ".join(text[max(0, start - width) : start].split()))
            rights.append(" ".join(text[end : end + width].split()))
            sentences.append(sentence_text.get((doc_id, sent_id), ""))
        result = mentions[["doc_id", "sent_id", "source", "published"]].copy()
        result["title"] = articles["title"].reindex(mentions["doc_id"]).to_numpy()
        result["left"] = lefts
        result["mention"] = mentions["text"].to_numpy()
        result["right"] = rights
        result["sentence"] = sentences
        result["start"] = mentions["start"].to_numpy()
        result["end"] = mentions["end"].to_numpy()
        return result.reset_index(drop=True)

    def stance_summary(self, by: str | Iterable[str] = ("source", "entity")) -> pd.DataFrame:
        """Return stance per group: mentions, articles, mean score with its interval, a label.

        ``label`` is the group's overall stance (negative, neutral, positive): the mean of its
        mention scores where a mention inside quotation marks counts half (quoted speech is
        someone else's words, not the outlet's), positive above 0, negative at or below
        -0.6, as calibrated on PerSenT (see ``kit.corpus.stance_articles``).
        ``by=("doc_id", "entity")`` gives each article's stance toward each entity.
        Headlines are not scored (the text holds the body only).

        >>> import kit
        >>> corpus = kit.load(progress=False)
        >>> per_article = corpus.stance_summary(by=("doc_id", "entity"))
        >>> set(per_article["label"]) <= {"negative", "neutral", "positive"}
        True
        """
        from kit.corpus.stance_articles import summarize

        return summarize(self.stance, by=tuple(as_list(by)))

    # ---- framing lenses ---------------------------------------------------------------------
    def naming_table(self, entities: Iterable[str] | None = None, *, top: int = 5) -> pd.DataFrame:
        """Return how each outlet names each entity: a row per entity, a column per outlet."""
        from kit.annotate.descriptors import naming_table

        return naming_table(self.descriptors, entities=entities, top=top)

    def voices(self) -> pd.DataFrame:
        """Return who gets a voice in each outlet: quotes and quoted words per speaker."""
        from kit.annotate.quotes import voices

        return voices(self.quotes)

    def reliance(self) -> pd.DataFrame:
        """Return which outlets, agencies and institutions each outlet cites, and how often."""
        from kit.annotate.citations import reliance

        return reliance(self.citations)

    def evidence_text(
        self, entity: str | Iterable[str] | None = None, *, story: str | None = None
    ) -> pd.DataFrame:
        """Return the text to compare outlets on: whole articles (of one ``story``, if given),
        or only their sentences that name ``entity``. Columns: doc_id, source, text."""
        articles = self.articles
        if story is not None:
            articles = articles[articles["story"] == story]
        if entity is None:
            return articles[["doc_id", "source", "text"]]
        mentions = self.mentions[
            self.mentions["entity"].isin(as_list(entity))
            & self.mentions["doc_id"].isin(articles["doc_id"])
        ]
        keys = mentions[["doc_id", "sent_id"]].drop_duplicates()
        sentences = self.sentences.merge(keys, on=["doc_id", "sent_id"])
        sources = articles.set_index("doc_id")["source"]
        return sentences.assign(source=sentences["doc_id"].map(sources))[
            ["doc_id", "source", "text"]
        ]

    def distinctive_words(
        self,
        *,
        entity: str | Iterable[str] | None = None,
        story: str | None = None,
        top: int = 20,
        min_count: int = 3,
    ) -> pd.DataFrame:
        """Return the words each outlet uses far more than the others (log-odds, z-scored).

        With ``entity``, only the sentences that name it are compared: how each outlet
        writes about that actor; with ``story``, only that story's articles (BASIL's
        ``triplet-uuid``, say). See ``kit.corpus.contrast.distinctive_words``.
        """
        from kit.corpus.contrast import distinctive_words

        text = self.evidence_text(entity, story=story)
        return distinctive_words(text, top=top, min_count=min_count)

    def passages(
        self,
        term: str,
        *,
        entity: str | Iterable[str] | None = None,
        story: str | None = None,
    ) -> pd.DataFrame:
        """Return the passages behind a distinctive word (see ``distinctive_words``)."""
        from kit.corpus.contrast import passages

        return passages(self.evidence_text(entity, story=story), term)


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


def _fill_periods(
    counts: pd.DataFrame, keys: list[str], freq: str, universe: pd.DataFrame
) -> pd.DataFrame:
    """Return counts with a zero row for every period in the span where a group had none."""
    dated = universe["published"].dropna()
    if dated.empty:
        return counts
    naive = dated.dt.tz_convert("UTC").dt.tz_localize(None)
    periods = pd.period_range(naive.min(), naive.max(), freq=FREQUENCIES[freq])
    periods = periods.start_time.tz_localize("UTC")
    group_keys = [key for key in keys if key != "published"]
    groups = counts[group_keys].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"published": periods}), how="cross")
    filled = grid.merge(counts, on=keys, how="left")
    undated = counts[counts["published"].isna()]
    filled = pd.concat([filled, undated], ignore_index=True)
    filled[["mentions", "articles"]] = filled[["mentions", "articles"]].fillna(0).astype(int)
    article_keys = [key for key in keys if key in ("source", "published", "story")]
    totals = universe.groupby(article_keys, dropna=False).agg(
        words_total=("n_words", "sum"), articles_total=("doc_id", "nunique")
    )
    filled = filled.drop(columns=["words_total", "articles_total"]).join(totals, on=article_keys)
    filled[["words_total", "articles_total"]] = filled[["words_total", "articles_total"]].fillna(0)
    return filled
