"""Stories and who covered them: articles grouped into stories, counted per outlet.

``coverage_matrix`` counts articles per outlet and story (a corpus's own ``story`` column, or
the stories ``find_stories`` finds: articles a few days apart that share their top entities);
``coverage_table``, ``first_reports`` and ``blind_spots`` read it: which outlet was first,
which stories an outlet missed.

>>> import kit
>>> matrix = coverage_matrix(kit.load(progress=False))
>>> list(matrix.columns)[:3]
['story', 'source', 'articles']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.errors import ArgumentError

if TYPE_CHECKING:
    from kit.corpus.memory import Corpus


ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")


# ---- stories and coverage ---------------------------------------------------------------------
def _top_entities_per_article(mentions: pd.DataFrame, top: int) -> pd.Series:
    """Return {doc_id: set of its ``top`` most mentioned actor entities}."""
    actors = mentions[mentions["label"].isin(ACTOR_LABELS)] if "label" in mentions else mentions
    counts = actors.groupby(["doc_id", "entity"]).size().reset_index(name="n")
    counts = counts.sort_values(["doc_id", "n", "entity"], ascending=[True, False, True])
    return counts.groupby("doc_id").head(top).groupby("doc_id")["entity"].agg(frozenset)


def _root(parents: list[int], node: int) -> int:
    while parents[node] != node:
        parents[node] = parents[parents[node]]  # path halving keeps the trees flat
        node = parents[node]
    return node


def find_stories(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    days: float = 3,
    min_shared: int = 2,
    top: int = 10,
) -> pd.Series:
    """Return a story label per article (a Series on ``articles``' index): "story-001", ...

    Two articles belong together when at least ``min_shared`` of their ``top`` most mentioned
    people, organisations, places and groups are the same and they were published at most
    ``days`` apart; stories are the connected components of that relation (union-find), so a
    long-running story can chain beyond ``days``. Stories are numbered by their first article.

    Cost: articles are compared only through an entity they share and only within the date
    window (an inverted index of entity → articles sorted by date), so the work is about
    n · k · w for n articles, k = ``top`` and w articles per entity per window, not n².
    Undated articles, and articles with no entities, each form a story of their own.
    """
    if articles.empty:
        return pd.Series([], index=articles.index, dtype=object, name="story")
    doc_ids = articles["doc_id"].tolist()
    position = {doc_id: index for index, doc_id in enumerate(doc_ids)}
    published = pd.to_datetime(articles["published"], utc=True)
    # Seconds since the epoch at any datetime resolution (ns, us, ...); NaN when undated.
    epoch = pd.Timestamp(0, tz="UTC")
    seconds = (published - epoch).dt.total_seconds().to_numpy(dtype=float)
    tops = _top_entities_per_article(mentions[mentions["doc_id"].isin(doc_ids)], top)
    postings: dict[str, list[int]] = defaultdict(list)
    for doc_id, entities in tops.items():
        if doc_id in position and not np.isnan(seconds[position[doc_id]]):
            for entity in entities:
                postings[entity].append(position[doc_id])
    window = days * 86400
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        members.sort(key=lambda index: seconds[index])
        for first, left in enumerate(members):
            for right in members[first + 1 :]:
                if seconds[right] - seconds[left] > window:
                    break
                shared[(min(left, right), max(left, right))] += 1
    parents = list(range(len(doc_ids)))
    for (left, right), count in shared.items():
        if count >= min_shared:
            parents[_root(parents, left)] = _root(parents, right)
    roots = [_root(parents, index) for index in range(len(doc_ids))]
    # Number stories by their earliest article (undated last), ties by doc_id.
    order = sorted(
        range(len(doc_ids)),
        key=lambda index: (np.isnan(seconds[index]), np.nan_to_num(seconds[index]), doc_ids[index]),
    )
    numbers: dict[int, int] = {}
    for index in order:
        numbers.setdefault(roots[index], len(numbers) + 1)
    width = max(3, len(str(len(numbers))))
    labels = [f"story-{numbers[root]:0{width}d}" for root in roots]
    return pd.Series(labels, index=articles.index, dtype=object, name="story")


def article_stories(corpus: Corpus, *, by: str = "story", **options: Any) -> pd.Series:
    """Return each article's story: ``articles[by]``, found by ``find_stories`` where missing."""
    articles = corpus.articles
    if by != "story" and by not in articles:
        raise ArgumentError(
            f"coverage_matrix: by={by!r} is not an article column "
            f"(they are {', '.join(map(str, articles.columns))}); pass by='story' or one of those"
        )
    stories = articles[by] if by in articles else pd.Series(None, index=articles.index)
    missing = stories.isna()
    if by == "story" and missing.any():
        found = find_stories(articles[missing], corpus.mentions, **options)
        stories = stories.astype(object).copy()
        stories[missing] = ("found " + found).to_numpy()
    return stories.astype(object)


def coverage_matrix(corpus: Corpus, *, by: str = "story", **options: Any) -> pd.DataFrame:
    """Return who covered which story, one row per outlet × story (long form).

    Columns: story, source, articles (0 where the outlet did not cover it), covered,
    first_published (the outlet's first article on it), story_first_published,
    first_outlet (the outlet that published first), is_first, blind_spot (others covered it,
    this outlet did not). ``by`` names the article column holding stories; where it is
    missing, stories are found with ``find_stories`` (``options`` go to it) and labelled
    "found story-001", ... ``coverage_table`` gives the outlets × stories grid.
    """
    articles = corpus.articles.assign(story=article_stories(corpus, by=by, **options))
    articles = articles[articles["story"].notna()]
    columns = ["story", "source", "articles", "covered", "first_published",
               "story_first_published", "first_outlet", "is_first", "blind_spot"]  # fmt: skip
    if articles.empty:
        return pd.DataFrame(columns=columns)
    counts = articles.groupby(["story", "source"]).agg(
        articles=("doc_id", "size"), first_published=("published", "min")
    )
    grid = pd.MultiIndex.from_product(
        [sorted(articles["story"].astype(str).unique()), sorted(articles["source"].unique())],
        names=["story", "source"],
    )
    matrix = counts.reindex(grid).reset_index()
    matrix["articles"] = matrix["articles"].fillna(0).astype(int)
    matrix["covered"] = matrix["articles"] > 0
    dated = articles.dropna(subset=["published"]).sort_values(
        ["published", "source"], kind="stable"
    )
    firsts = dated.groupby("story").first()[["published", "source"]]
    matrix["story_first_published"] = matrix["story"].map(firsts["published"])
    matrix["first_outlet"] = matrix["story"].map(firsts["source"])
    matrix["is_first"] = matrix["source"] == matrix["first_outlet"]
    matrix["blind_spot"] = ~matrix["covered"]
    return matrix[columns]


def coverage_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return the outlets × stories grid of article counts from ``coverage_matrix``."""
    return matrix.pivot(index="source", columns="story", values="articles").fillna(0).astype(int)


def first_reports(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return per story: first_published, first_outlet and outlets (how many covered it)."""
    stories = matrix.groupby("story").agg(
        first_published=("story_first_published", "first"),
        first_outlet=("first_outlet", "first"),
        outlets=("covered", "sum"),
    )
    return stories.reset_index().sort_values(["first_published", "story"], ignore_index=True)


def blind_spots(matrix: pd.DataFrame) -> pd.DataFrame:
    """Return per outlet: stories covered, blind spots (stories others covered and it did not),
    times first, and the blind-spot stories themselves."""
    rows = []
    for source, outlet_rows in matrix.groupby("source"):
        missed = outlet_rows.loc[outlet_rows["blind_spot"], "story"].astype(str)
        rows.append(
            {
                "source": source,
                "stories_covered": int(outlet_rows["covered"].sum()),
                "blind_spots": len(missed),
                "first_to_report": int(outlet_rows["is_first"].sum()),
                "missed_stories": sorted(missed),
            }
        )
    columns = ["source", "stories_covered", "blind_spots", "first_to_report", "missed_stories"]
    return pd.DataFrame(rows, columns=columns)


def story_ids(matrix: pd.DataFrame) -> Sequence[str]:
    """Return the stories of a coverage matrix, earliest first."""
    return first_reports(matrix)["story"].tolist()
