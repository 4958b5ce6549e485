"""Compare a story side by side: the same event as each outlet told it, and who covered what.

- ``side_by_side`` shows the chosen articles (or one story's) in columns: every entity mention
  marked in one colour per entity across the columns, descriptors underlined, quotes shaded and
  citations dotted, each with a tooltip. All user text is escaped.
- ``differences`` lists what sets the outlets apart: who is named by some and not others, how
  each outlet names them, whom each quotes and whom each cites (``differences_html`` shows it).
- ``coverage_matrix`` counts articles per outlet and story (which outlet was first, which
  stories an outlet missed: ``blind_spots``); ``find_stories`` groups articles into stories
  when the corpus has none.

Example:
    >>> import kit
    >>> corpus = kit.load(progress=False)
    >>> page = side_by_side(corpus)  # an Html string that Jupyter shows as the two columns
    >>> differences(corpus)["aspect"].unique().tolist()
    ['named', 'naming', 'voices', 'sources']
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kit.charts import PALETTE, outlet_colors
from kit.html import Html, block, escape, is_missing, note, table

if TYPE_CHECKING:
    from kit.corpus import Corpus

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")
ASPECTS = ("named", "naming", "voices", "sources")
# A descriptor row points at its entity's mention; the words themselves are searched for
# this many characters on either side ("Russian dictator Vladimir Putin").
DESCRIPTOR_WINDOW = 160
QUOTE_BACKGROUND = "#E8E8E8"
# Side by side is for reading a handful of articles; more columns are unreadable.
MAX_COLUMNS = 6

TEMPLATES: dict[str, str] = {
    "grid": '<div class="kit-compare" style="display:grid;'
    'grid-template-columns:repeat({n},minmax(0,1fr));gap:1.2em;align-items:start">'
    "{columns}</div>",
    "column": '<section class="kit-compare-column" data-doc-id="{doc_id}" '
    'data-source="{source}">{header}'
    '<div class="kit-compare-text" style="white-space:pre-wrap;line-height:1.55">{body}</div>'
    "</section>",
    "header": '<header style="border-top:6px solid {color};padding-top:.3em;margin-bottom:.6em">'
    '<div class="kit-compare-outlet" style="font-weight:bold">{source}</div>'
    '<div class="kit-compare-title" style="font-size:1.1em;margin:.2em 0">{title}</div>'
    '<div class="kit-compare-date" style="color:#555">{published}</div></header>',
    "mention": '<mark class="kit-entity" data-entity="{entity}" title="{title}" '
    'style="background:{background};border-bottom:2px solid {color};padding:0">{text}</mark>',
    "descriptor": '<u class="kit-descriptor" data-entity="{entity}" title="{title}" '
    'style="text-decoration-thickness:2px">{text}</u>',
    "quote": '<span class="kit-quote" title="{title}" '
    'style="background:' + QUOTE_BACKGROUND + ';font-style:italic">{text}</span>',
    "citation": '<span class="kit-citation" title="{title}" '
    'style="border-bottom:1px dotted #333">{text}</span>',
    "legend": '<div class="kit-compare-legend" style="margin:.4em 0 .8em 0;line-height:2">'
    "{items}</div>",
    "legend_entity": '<mark class="kit-entity" data-entity="{entity}" '
    'style="background:{background};border-bottom:2px solid {color};margin-right:.5em">'
    "{entity}</mark>",
    "legend_key": '<span style="margin-right:1em">{sample} {text}</span>',
}
# Outer to inner: a mention inside a quote is a <mark> inside the quote's <span>.
_LAYERS = ("quote", "citation", "descriptor", "mention")


# ---- choosing articles ------------------------------------------------------------------------
def chosen_articles(
    corpus: Corpus, doc_ids: Iterable[str] | None = None, *, story: Any = None
) -> pd.DataFrame:
    """Return the articles to compare: ``doc_ids`` (in that order), a story's, or all.

    Story articles come oldest first; a story may also be one found by ``find_stories``
    ("found story-001", as ``coverage_matrix`` names them). An unknown doc_id or story raises
    a ValueError that names what exists.
    """
    articles = corpus.articles
    if story is not None:
        if "story" not in articles or not (articles["story"] == story).any():
            # A story found by ``find_stories`` (as ``coverage_matrix`` labels them).
            articles = articles.assign(story=article_stories(corpus))
        if not (articles["story"] == story).any():
            known = sorted(articles["story"].dropna().astype(str).unique())[:10]
            raise ValueError(
                f"story {story!r} is not in the corpus (stories include: "
                f"{', '.join(known) or 'none'}); pass one of those, or doc_ids="
            )
        articles = articles[articles["story"] == story].sort_values(
            ["published", "source"], kind="stable"
        )
    if doc_ids is not None:
        wanted = [doc_ids] if isinstance(doc_ids, str) else list(doc_ids)
        unknown = [doc_id for doc_id in wanted if doc_id not in set(articles["doc_id"])]
        if unknown:
            raise ValueError(
                f"doc_id {unknown[0]!r} is not among the articles to compare "
                "(see corpus.articles['doc_id']); pass doc_ids from there"
            )
        articles = articles.set_index("doc_id").loc[wanted].reset_index()
    return articles.reset_index(drop=True)


def _rows_of(frame: pd.DataFrame, doc_ids: Iterable[str]) -> pd.DataFrame:
    """Return the rows of ``frame`` for these articles (an empty frame if it has no doc_id)."""
    if frame is None or "doc_id" not in frame:
        return pd.DataFrame(columns=["doc_id", "source"])
    return frame[frame["doc_id"].isin(list(doc_ids))]


# ---- colours ---------------------------------------------------------------------------------
def entity_colors(mentions: pd.DataFrame) -> dict[str, str]:
    """Return {entity: colour} from the colour-blind-safe palette, most mentioned first.

    The same entity keeps its colour in every column; beyond the palette's colours it repeats
    (each mark also names its entity in a tooltip).
    """
    if mentions.empty:
        return {}
    counts = mentions.groupby("entity").size().reset_index(name="n")
    counts = counts.sort_values(["n", "entity"], ascending=[False, True])
    return {
        entity: PALETTE[position % len(PALETTE)] for position, entity in enumerate(counts["entity"])
    }


def _translucent(color: str) -> str:
    """Return a 6-digit hex colour with an alpha channel, light enough to read text on."""
    return f"{color}40" if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else color


# ---- spans ----------------------------------------------------------------------------------
def _straight(text: str) -> str:
    """Return ``text`` with curly apostrophes and quotes straightened (same length)."""
    return text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))


def descriptor_span(text: str, descriptor: str, start: int, end: int) -> tuple[int, int]:
    """Return the offsets of ``descriptor``'s words near the mention ``start:end``.

    The nearest occurrence before the mention wins, then the nearest after it (an epithet,
    "the Communist Party leader"); if the words are not found, the mention itself.
    """
    words = [re.escape(word) for word in _straight(descriptor).split()]
    if not words:
        return start, end
    pattern = re.compile(r"\s+".join(words), re.IGNORECASE)
    plain = _straight(text)
    lo = max(0, start - DESCRIPTOR_WINDOW)
    before = list(pattern.finditer(plain, lo, start))
    if before:
        return before[-1].start(), before[-1].end()
    after = pattern.search(plain, end, min(len(plain), end + DESCRIPTOR_WINDOW))
    if after:
        return after.start(), after.end()
    return start, end


def article_spans(
    text: str,
    mentions: pd.DataFrame,
    descriptors: pd.DataFrame,
    quotes: pd.DataFrame,
    citations: pd.DataFrame,
) -> pd.DataFrame:
    """Return every span to mark in one article: columns layer, start, end, entity, title.

    Offsets are characters of ``text``, clipped to it; empty spans are dropped.
    """
    rows: list[dict[str, Any]] = []
    for mention in mentions.itertuples():
        rows.append(
            {
                "layer": "mention",
                "start": mention.start,
                "end": mention.end,
                "entity": mention.entity,
                "title": f"{mention.entity} ({mention.label})",
            }
        )
    for descriptor in descriptors.itertuples():
        start, end = descriptor_span(
            text, str(descriptor.descriptor), int(descriptor.start), int(descriptor.end)
        )
        rows.append(
            {
                "layer": "descriptor",
                "start": start,
                "end": end,
                "entity": descriptor.entity,
                "title": f"{descriptor.entity} called “{descriptor.descriptor}” "
                f"({descriptor.kind})",
            }
        )
    for quote in quotes.itertuples():
        speaker = "an unnamed speaker" if is_missing(quote.speaker) else quote.speaker
        rows.append(
            {
                "layer": "quote",
                "start": quote.start,
                "end": quote.end,
                "entity": None if is_missing(quote.speaker) else quote.speaker,
                "title": f"{quote.kind} quote from {speaker}",
            }
        )
    for citation in citations.itertuples():
        rows.append(
            {
                "layer": "citation",
                "start": citation.start,
                "end": citation.end,
                "entity": citation.cited,
                "title": f"cites {citation.cited} ({citation.cue})",
            }
        )
    spans = pd.DataFrame(rows, columns=["layer", "start", "end", "entity", "title"])
    if spans.empty:
        return spans
    spans = spans.dropna(subset=["start", "end"])
    spans["start"] = spans["start"].astype(int).clip(0, len(text))
    spans["end"] = spans["end"].astype(int).clip(0, len(text))
    spans = spans[spans["end"] > spans["start"]]
    return spans.drop_duplicates(["layer", "start", "end"]).reset_index(drop=True)


def _segment_html(text: str, active: Mapping[str, dict], colors: Mapping[str, str]) -> str:
    """Return one run of text wrapped in the marks of the spans covering it, outer to inner."""
    html = escape(text)
    for layer in reversed(_LAYERS):
        span = active.get(layer)
        if span is None:
            continue
        fields = {"text": html, "title": escape(span["title"]), "entity": escape(span["entity"])}
        if layer == "mention":
            color = colors.get(span["entity"], PALETTE[0])
            fields.update(color=escape(color), background=escape(_translucent(color)))
        html = TEMPLATES[layer].format(**fields)
    return html


def marked_text(text: str, spans: pd.DataFrame, colors: Mapping[str, str]) -> Html:
    """Return ``text`` as HTML with every span marked; overlapping spans nest cleanly.

    The text is cut at every span boundary; each piece is escaped and wrapped in the marks
    that cover it (quote, then citation, then descriptor, then mention), so tags never cross.
    Where two spans of one layer overlap, the shorter (innermost) one marks the piece.
    """
    if spans.empty:
        return Html(escape(text))
    records = spans.to_dict("records")
    boundaries = sorted({0, len(text), *spans["start"], *spans["end"]})
    starting: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        starting[record["start"]].append(record)
    open_spans: list[dict] = []
    pieces = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        open_spans = [span for span in open_spans if span["end"] > left] + starting[left]
        active: dict[str, dict] = {}
        for span in sorted(open_spans, key=lambda span: span["end"] - span["start"]):
            active.setdefault(span["layer"], span)
        pieces.append(_segment_html(text[left:right], active, colors))
    return Html("".join(pieces))


# ---- side by side ---------------------------------------------------------------------------
def _published_text(published: Any) -> str:
    if is_missing(published):
        return "undated"
    stamp = pd.Timestamp(published)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return f"{stamp:%d %B %Y}" if stamp == stamp.normalize() else f"{stamp:%d %B %Y, %H:%M} UTC"


def legend_html(colors: Mapping[str, str], *, limit: int = 24) -> Html:
    """Return the key to the marks: the entities' colours, then descriptor, quote, citation."""
    items = [
        TEMPLATES["legend_entity"].format(
            entity=escape(entity), color=escape(color), background=escape(_translucent(color))
        )
        for entity, color in list(colors.items())[:limit]
    ]
    keys = (
        ("descriptor", "how an outlet names someone", "Words"),
        ("quote", "a quote", "Words"),
        ("citation", "a cited source", "Words"),
    )
    for layer, text, sample in keys:
        sample_html = TEMPLATES[layer].format(text=sample, title=escape(text), entity="")
        items.append(TEMPLATES["legend_key"].format(sample=sample_html, text=escape(text)))
    return Html(TEMPLATES["legend"].format(items="".join(items)))


def side_by_side(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    max_columns: int = MAX_COLUMNS,
) -> Html:
    """Return the articles as HTML columns, one per article, entities, naming and quotes marked.

    Args:
        corpus: the Corpus.
        doc_ids: the articles to show, in order (default: a story's, or all of them).
        story: show the articles of this story (a value of ``articles["story"]``).
        max_columns: refuse more articles than this (pass doc_ids= or story= to choose).

    Each column has the outlet (in its colour from ``kit.charts.outlet_colors``), the title and
    the date; in the text every entity mention has one colour per entity across the columns,
    descriptors are underlined, quotes shaded and citations dotted, each with a tooltip.
    """
    articles = chosen_articles(corpus, doc_ids, story=story)
    if len(articles) > max_columns:
        raise ValueError(
            f"side_by_side: {len(articles)} articles chosen, at most {max_columns} fit side by "
            "side; pass doc_ids=[...] or story=... (see coverage_matrix for the stories)"
        )
    chosen = articles["doc_id"]
    mentions = _rows_of(corpus.mentions, chosen)
    descriptors = _rows_of(corpus.descriptors, chosen)
    quotes = _rows_of(corpus.quotes, chosen)
    citations = _rows_of(corpus.citations, chosen)
    colors = entity_colors(mentions)
    headers = outlet_colors(corpus)
    columns = []
    for article in articles.to_dict("records"):
        doc_id = article["doc_id"]
        text = "" if is_missing(article["text"]) else str(article["text"])
        spans = article_spans(
            text,
            *(
                frame[frame["doc_id"] == doc_id]
                for frame in (mentions, descriptors, quotes, citations)
            ),
        )
        header = TEMPLATES["header"].format(
            color=escape(headers.get(str(article["source"]), "#777777")),
            source=escape(article["source"]),
            title=escape(article.get("title")),
            published=escape(_published_text(article.get("published"))),
        )
        columns.append(
            TEMPLATES["column"].format(
                doc_id=escape(doc_id),
                source=escape(article["source"]),
                header=header,
                body=marked_text(text, spans, colors),
            )
        )
    if not columns:
        return note("No articles to compare.")
    grid = TEMPLATES["grid"].format(n=len(columns), columns="".join(columns))
    return block(legend_html(colors), grid)


# ---- differences ----------------------------------------------------------------------------
def _spread(counts: pd.DataFrame, aspect: str, item: str, value: str) -> pd.DataFrame:
    """Return one row per item with a text cell per outlet (from long rows source, item, value)."""
    wide = counts.pivot_table(index=item, columns="source", values=value, aggfunc="first")
    wide = wide.reset_index().rename(columns={item: "item"})
    wide.columns.name = None
    wide.insert(0, "aspect", aspect)
    return wide


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def differences(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    include_shared: bool = False,
) -> pd.DataFrame:
    """Return what sets the outlets apart, one row per aspect and item, one column per outlet.

    Columns: ``aspect, item, <outlet>, ...`` (outlets sorted by name); a cell is text, empty
    where the outlet has nothing. Aspects:

    - ``named``: people, organisations, places and groups (PERSON, ORG, GPE, NORP) and how
      often each outlet mentions them; rows where some outlet does not name them at all.
    - ``naming``: the descriptors each outlet uses for an entity ("Russian dictator");
      rows where the outlets' descriptors differ.
    - ``voices``: quotes and quoted words per speaker; rows where some outlet does not quote them.
    - ``sources``: citations per cited source; rows where some outlet does not cite it.

    ``include_shared=True`` keeps the rows the outlets have in common too.
    """
    articles = chosen_articles(corpus, doc_ids, story=story)
    chosen = articles["doc_id"]
    outlets = sorted(articles["source"].dropna().astype(str).unique())
    parts = []

    mentions = _rows_of(corpus.mentions, chosen)
    actors = mentions[mentions["label"].isin(ACTOR_LABELS)] if len(mentions) else mentions
    if len(actors):
        named = actors.groupby(["source", "entity"]).size().reset_index(name="n")
        named["value"] = [_plural(n, "mention") for n in named["n"]]
        parts.append(_spread(named, "named", "entity", "value"))

    descriptors = _rows_of(corpus.descriptors, chosen)
    if len(descriptors):
        naming = (
            descriptors.groupby(["source", "entity"])["descriptor"]
            .agg(lambda words: "; ".join(dict.fromkeys(map(str, words))))
            .reset_index(name="value")
        )
        parts.append(_spread(naming, "naming", "entity", "value"))

    quotes = _rows_of(corpus.quotes, chosen)
    if len(quotes):
        from kit.quotes import voices

        spoken = voices(quotes)
        spoken["value"] = [
            f"{_plural(n, 'quote')}, {_plural(words, 'word')}"
            for n, words in zip(spoken["n_quotes"], spoken["n_words"], strict=True)
        ]
        parts.append(_spread(spoken, "voices", "speaker", "value"))

    citations = _rows_of(corpus.citations, chosen)
    if len(citations):
        cited = citations.groupby(["source", "cited"]).size().reset_index(name="n")
        cited["value"] = [_plural(n, "citation") for n in cited["n"]]
        parts.append(_spread(cited, "sources", "cited", "value"))

    columns = ["aspect", "item", *outlets]
    if not parts:
        return pd.DataFrame(columns=columns)
    table_rows = pd.concat(parts, ignore_index=True).reindex(columns=columns)
    cells = table_rows[outlets].fillna("").astype(str)
    table_rows[outlets] = cells
    if not include_shared:
        present = (cells != "").sum(axis=1)
        all_alike = cells.nunique(axis=1) == 1
        is_naming = table_rows["aspect"] == "naming"
        # Naming differs when the words differ; the other aspects when someone is missing.
        keep = np.where(is_naming, ~all_alike, present < len(outlets))
        table_rows = table_rows[keep]
    order = {aspect: position for position, aspect in enumerate(ASPECTS)}
    table_rows = table_rows.assign(
        _aspect=table_rows["aspect"].map(order), _item=table_rows["item"].astype(str)
    ).sort_values(["_aspect", "_item"], kind="stable")
    return table_rows[columns].reset_index(drop=True)


def differences_html(
    corpus: Corpus,
    doc_ids: Iterable[str] | None = None,
    *,
    story: Any = None,
    include_shared: bool = False,
) -> Html:
    """Return ``differences`` as an HTML table (every cell escaped), with a caption."""
    rows = differences(corpus, doc_ids, story=story, include_shared=include_shared)
    if rows.empty:
        return note("The outlets name, quote and cite the same people and sources.")
    return table(rows, caption="What sets the outlets apart (empty: the outlet has none)")


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
        raise ValueError(
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
