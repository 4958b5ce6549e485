"""The questions asked of a corpus, written once for the in-memory and the store-backed one.

:class:`Queries` is the base class of ``kit.corpus.memory.Corpus`` (pandas frames) and
``kit.lazy.LazyCorpus`` (DuckDB over the store). It holds the one implementation of every query
(``summary``, ``sources``, ``entities``, ``filter``, ``mention_counts``, ``top_entities``,
``contexts``, ``stance_summary``, the lens tables, ``evidence_text``, ``distinctive_words`` and
``passages``), written over a few backend primitives that :class:`Backend` states and each
corpus provides: pandas over its frames, SQL over the store and its rollups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kit.annotate.citations import reliance as reliance_of
from kit.annotate.descriptors import naming_table as naming_table_of
from kit.annotate.quotes import voices as voices_of
from kit.corpus.contrast import distinctive_words as distinctive_words_of
from kit.corpus.contrast import passages as passages_of
from kit.corpus.stance_articles import summarize
from kit.errors import ArgumentError, value_invalid_msg

FREQUENCIES = {"D": "D", "W": "W-SUN", "M": "M"}  # weeks run Monday to Sunday
# The article columns a count may be grouped by: their totals are the denominators.
ARTICLE_KEYS = ("source", "published", "story")
COUNT_COLUMNS = ["mentions", "articles", "per_1000_words", "article_share"]
CONTEXT_COLUMNS = ["doc_id", "sent_id", "source", "published", "text", "start", "end",
                   "sent_start", "sent_end"]  # fmt: skip


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
class Limits:
    """What one ``filter`` call keeps: entities, outlets, UTC bounds (inclusive), labels.

    None keeps everything; a list keeps those values only.
    """

    entity: list | None = None
    source: list | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    label: list | None = None


class Backend(Protocol):
    """What a corpus provides for :class:`Queries` to answer every question over it.

    The frames (``articles``, ``mentions``, ``sentences``, ``dropped``, ``descriptors``,
    ``quotes``, ``citations``, ``problems``, ``stance``) are attributes; the rest are the
    primitives below. "This corpus" means its rows after every ``filter``; the universe is its
    articles before any entity or label filter (the denominators of normalised counts).
    """

    descriptors: pd.DataFrame
    quotes: pd.DataFrame
    citations: pd.DataFrame
    stance: pd.DataFrame

    def count(self, frame: str) -> int:
        """Return the number of rows of one frame of this corpus."""
        ...

    def narrowed(self, limits: Limits) -> Backend:
        """Return this corpus restricted to what ``limits`` keeps (see ``Queries.filter``)."""
        ...

    def overview(self) -> dict:
        """Return {articles, outlets, first, last, undated, words, mentions, entities}."""
        ...

    def outlets(self) -> list[str]:
        """Return the distinct outlets of this corpus's articles (any order, no missing)."""
        ...

    def mention_columns(self) -> list[str]:
        """Return the columns of the mentions frame (what a count may be grouped by)."""
        ...

    def count_mentions(
        self, by: list[str], freq: str | None, *, label: list | None = None
    ) -> pd.DataFrame:
        """Return ``by`` (and ``published``, the period start, with ``freq``), ``mentions`` and
        ``articles`` (distinct articles) per group of this corpus's mentions (of ``label``)."""
        ...

    def top_counts(
        self, keys: list[str], *, label: list | None, by: str | None, limit: int
    ) -> pd.DataFrame:
        """Return ``count_mentions(keys)`` of ``label``, at least the ``limit`` largest groups
        (per ``by`` group) by mentions, then entity; a backend may return them all."""
        ...

    def article_totals(self, keys: list[str], freq: str | None) -> pd.DataFrame:
        """Return ``keys`` (``published`` as the period start), ``words_total`` and
        ``articles_total`` of the universe per group (one row when ``keys`` is empty)."""
        ...

    def date_span(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """Return the first and last publication time of the universe (None when undated)."""
        ...

    def context_mentions(self, entities: list[str], limit: int | None) -> pd.DataFrame:
        """Return the entities' mentions ordered by published (missing last), source, doc_id,
        start, the first ``limit`` of them, as :data:`CONTEXT_COLUMNS` (``sent_start`` and
        ``sent_end``: their sentence's offsets in the article text, missing if none)."""
        ...

    def articles_by_id(self, doc_ids: Sequence[str], columns: list[str]) -> pd.DataFrame:
        """Return ``columns`` of the articles with these ``doc_id`` values."""
        ...

    def story_articles(self, columns: list[str], story: str | None) -> pd.DataFrame:
        """Return ``columns`` of this corpus's articles (of one ``story``, if given)."""
        ...

    def naming_sentences(self, entities: list[str], story: str | None) -> pd.DataFrame:
        """Return doc_id, sent_id, text of this corpus's sentences that name an entity (in
        the articles of ``story``, if given)."""
        ...


class Queries:
    """The questions asked of a corpus, over the primitives of :class:`Backend`."""

    repr_name = "Corpus"  # what the repr calls the corpus

    # ---- overview -------------------------------------------------------------------------
    def __repr__(self) -> str:
        summary = self.summary()
        span = summary["date span"]
        return (
            f"<{self.repr_name}: {summary['articles']:,} articles from "
            f"{summary['outlets']:,} outlets"
            f"{', ' + span if span else ''}; {summary['mentions']:,} mentions of "
            f"{summary['entities']:,} entities; {summary['problems']:,} problems>"
        )

    def summary(self: Backend) -> dict:
        """Return the headline numbers: articles, outlets, date span, mentions, problems."""
        overview = self.overview()
        span = ""
        if overview["first"] is not None:
            span = f"{overview['first']:%Y-%m-%d} to {overview['last']:%Y-%m-%d}"
        return {
            "articles": int(overview["articles"]),
            "outlets": int(overview["outlets"]),
            "date span": span,
            "undated articles": int(overview["undated"]),
            "words": int(overview["words"]),
            "mentions": int(overview["mentions"]),
            "entities": int(overview["entities"]),
            "dropped lines": self.count("dropped"),
            "problems": self.count("problems"),
        }

    @property
    def sources(self: Backend) -> list[str]:
        """Return the outlets, sorted."""
        return sorted(self.outlets())

    def entities(self: Backend, label: str | Iterable[str] | None = None) -> list[str]:
        """Return the entities, most mentioned first (optionally of one spaCy label); ties
        in alphabetical order."""
        counts = self.count_mentions(["entity"], None, label=as_list(label))
        counts = counts.sort_values("entity", kind="stable")
        return counts.sort_values("mentions", ascending=False, kind="stable")["entity"].tolist()

    # ---- filtering --------------------------------------------------------------------------
    def filter(
        self: Backend,
        *,
        entity: str | Iterable[str] | None = None,
        source: str | Iterable[str] | None = None,
        start: Any = None,
        end: Any = None,
        label: str | Iterable[str] | None = None,
    ) -> Any:
        """Return the corpus restricted to some entities, outlets, dates or entity types.

        ``source``, ``start`` and ``end`` (inclusive; a bare date means the whole day) select
        articles. ``entity`` and ``label`` select mentions and keep the articles that have one;
        entity-level frames (mentions, stance, descriptors) keep only those entities' rows,
        quotes keep those entities' own quotes, and article-level frames (articles, sentences,
        dropped, citations) keep the selected articles.
        """
        return self.narrowed(
            Limits(
                entity=as_list(entity),
                source=as_list(source),
                start=as_timestamp(start),
                end=as_timestamp(end, end=True),
                label=as_list(label),
            )
        )

    # ---- counting ---------------------------------------------------------------------------
    def mention_counts(
        self: Backend,
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
        measures. ``fill_zeros`` (with ``freq``) adds a zero row for every period in the span
        where a group had none.

        Example:
            >>> import kit
            >>> kit.load(progress=False).mention_counts(freq="D").columns.tolist()[:6]
            ['entity', 'source', 'published', 'mentions', 'articles', 'per_1000_words']
        """
        by = [by] if isinstance(by, str) else list(by)
        columns = self.mention_columns()
        unknown = [column for column in by if column not in columns]
        if unknown:
            raise ArgumentError(value_invalid_msg("by", unknown[0], columns))
        if freq is not None and freq not in FREQUENCIES:
            raise ArgumentError(value_invalid_msg("freq", freq, FREQUENCIES))
        keys = by + (["published"] if freq else [])
        counts = self.count_mentions(by, freq)
        article_keys = [key for key in keys if key in ARTICLE_KEYS]
        totals = self.article_totals(article_keys, freq)
        if article_keys:
            totals = totals.set_index(article_keys)
            counts = counts.join(totals, on=article_keys)
        else:
            counts["words_total"] = totals["words_total"].iloc[0]
            counts["articles_total"] = totals["articles_total"].iloc[0]
        if fill_zeros and freq is not None:
            counts = fill_periods(counts, keys, freq, self.date_span(), totals)
        words = counts["words_total"].replace(0, np.nan)
        counts["per_1000_words"] = 1000 * counts["mentions"] / words
        counts["article_share"] = counts["articles"] / counts["articles_total"].replace(0, np.nan)
        order = keys + COUNT_COLUMNS + ["words_total", "articles_total"]
        sort_keys = [key for key in keys if key != "published"]
        return (
            counts[order]
            .sort_values(keys, kind="stable")
            .sort_values(
                ["published", *sort_keys] if freq else ["mentions", *sort_keys],
                ascending=[True] * (len(sort_keys) + 1)
                if freq
                else [False] + [True] * len(sort_keys),
                ignore_index=True,
                kind="stable",
            )
        )

    def top_entities(
        self: Backend,
        n: int = 10,
        *,
        label: str | Iterable[str] | None = None,
        by: str | None = None,
    ) -> pd.DataFrame:
        """Return the ``n`` most mentioned entities (per ``by`` group, e.g. "source").

        Columns: [``by``,] entity, label, mentions, articles.
        """
        keys = list(dict.fromkeys(([by] if by else []) + ["entity", "label"]))
        counts = self.top_counts(keys, label=as_list(label), by=by, limit=n)
        counts = counts[[*keys, "mentions", "articles"]].sort_values(keys, kind="stable")
        counts = counts.sort_values(["mentions", "entity"], ascending=[False, True], kind="stable")
        if by:
            top = counts.groupby(by, sort=False).head(n)
            return top.sort_values(by, kind="stable").reset_index(drop=True)
        return counts.head(n).reset_index(drop=True)

    def contexts(
        self: Backend, entity: str | Iterable[str], *, width: int = 60, limit: int | None = None
    ) -> pd.DataFrame:
        """Return key-word-in-context rows for an entity, lined up by date across outlets.

        Columns: doc_id, sent_id, source, published, title, left, mention, right, sentence,
        start, end (offsets into ``articles.text``).
        """
        mentions = self.context_mentions(as_list(entity), limit)
        doc_ids = list(dict.fromkeys(mentions["doc_id"]))
        articles = self.articles_by_id(doc_ids, ["doc_id", "title", "text"]).set_index("doc_id")
        texts = articles["text"].reindex(mentions["doc_id"]).to_numpy()
        lefts, rights, sentences = [], [], []
        for text, start, end, sent_start, sent_end in zip(
            texts, mentions["start"], mentions["end"],
            mentions["sent_start"], mentions["sent_end"], strict=True,
        ):  # fmt: skip
            lefts.append(" ".join(text[max(0, start - width) : start].split()))
            rights.append(" ".join(text[end : end + width].split()))
            sentences.append("" if pd.isna(sent_start) else text[int(sent_start) : int(sent_end)])
        result = mentions[["doc_id", "sent_id", "source", "published"]].copy()
        result["title"] = articles["title"].reindex(mentions["doc_id"]).to_numpy()
        result["left"] = lefts
        result["mention"] = mentions["text"].to_numpy()
        result["right"] = rights
        result["sentence"] = sentences
        result["start"] = mentions["start"].to_numpy()
        result["end"] = mentions["end"].to_numpy()
        return result.reset_index(drop=True)

    def stance_summary(
        self: Backend, by: str | Iterable[str] = ("source", "entity")
    ) -> pd.DataFrame:
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
        return summarize(self.stance, by=tuple(as_list(by)))

    # ---- framing lenses ---------------------------------------------------------------------
    def naming_table(
        self: Backend, entities: Iterable[str] | None = None, *, top: int = 5
    ) -> pd.DataFrame:
        """Return how each outlet names each entity: a row per entity, a column per outlet."""
        return naming_table_of(self.descriptors, entities=entities, top=top)

    def voices(self: Backend) -> pd.DataFrame:
        """Return who gets a voice in each outlet: quotes and quoted words per speaker."""
        return voices_of(self.quotes)

    def reliance(self: Backend) -> pd.DataFrame:
        """Return which outlets, agencies and institutions each outlet cites, and how often."""
        return reliance_of(self.citations)

    def evidence_text(
        self: Backend, entity: str | Iterable[str] | None = None, *, story: str | None = None
    ) -> pd.DataFrame:
        """Return the text to compare outlets on: whole articles (of one ``story``, if given),
        or only their sentences that name ``entity``. Columns: doc_id, source, text."""
        if entity is None:
            return self.story_articles(["doc_id", "source", "text"], story)
        sources = self.story_articles(["doc_id", "source"], story).set_index("doc_id")["source"]
        sentences = self.naming_sentences(as_list(entity), story)
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
        text = self.evidence_text(entity, story=story)
        return distinctive_words_of(text, top=top, min_count=min_count)

    def passages(
        self,
        term: str,
        *,
        entity: str | Iterable[str] | None = None,
        story: str | None = None,
    ) -> pd.DataFrame:
        """Return the passages behind a distinctive word (see ``distinctive_words``)."""
        return passages_of(self.evidence_text(entity, story=story), term)


def fill_periods(
    counts: pd.DataFrame,
    keys: list[str],
    freq: str,
    span: tuple[pd.Timestamp | None, pd.Timestamp | None],
    totals: pd.DataFrame,
) -> pd.DataFrame:
    """Return counts with a zero row for every period in the span where a group had none.

    ``totals`` is ``article_totals`` indexed by the article keys of ``keys``.
    """
    first, last = span
    if first is None:
        return counts
    periods = pd.period_range(
        first.tz_convert("UTC").tz_localize(None),
        last.tz_convert("UTC").tz_localize(None),
        freq=FREQUENCIES[freq],
    )
    periods = periods.start_time.tz_localize("UTC")
    group_keys = [key for key in keys if key != "published"]
    groups = counts[group_keys].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"published": periods}), how="cross")
    filled = grid.merge(counts, on=keys, how="left")
    undated = counts[counts["published"].isna()]
    filled = pd.concat([filled, undated], ignore_index=True)
    filled[["mentions", "articles"]] = filled[["mentions", "articles"]].fillna(0).astype(int)
    article_keys = [key for key in keys if key in ARTICLE_KEYS]
    filled = filled.drop(columns=["words_total", "articles_total"]).join(totals, on=article_keys)
    filled[["words_total", "articles_total"]] = filled[["words_total", "articles_total"]].fillna(0)
    return filled
