"""Framing's numbers and evidence: how each outlet portrays each actor, as pure functions.

``stance_evidence`` (the scored sentences behind every stance figure), ``naming_html``,
``voices_in`` and ``reliance_in`` (who speaks and who is cited in the articles about the chosen
actors), ``distinctive_for`` and ``passages_for`` (the words that set outlets apart, and where
they occur) give frames and their escaped HTML; ``view`` gathers them for one set of settings.
``kit.views.framing.FramingView`` is the widget wired to them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit.annotate.descriptors import naming_table
from kit.annotate.quotes import voices
from kit.annotate.stance import MODEL_DIR
from kit.corpus.contrast import distinctive_words
from kit.corpus.dashboard_data import options_from
from kit.corpus.memory import Corpus
from kit.corpus.queries import as_list, is_missing
from kit.errors import ArgumentError

DEFAULT_SETTINGS: dict[str, Any] = {"entity": None, "source": None, "term": None}
EVIDENCE_LIMIT = 50
ENTITY_OPTIONS_LIMIT = 300
DEFAULT_ENTITY_COUNT = 2
WORDS_PER_OUTLET = 15
# Below this many words of evidence, a word used once may set an outlet apart.
SMALL_EVIDENCE_WORDS = 5000
VOICES_COLUMNS = ["source", "speaker", "n_quotes", "n_words"]
RELIANCE_COLUMNS = ["source", "cited", "n_citations", "n_articles"]
EVIDENCE_COLUMNS = ["source", "published", "doc_id", "sent_id", "entity", "label", "score",
                    "method", "title", "sentence", "start", "end"]  # fmt: skip


# ---- choosing what to look at -----------------------------------------------------------------
def choose_entities(
    corpus: Corpus,
    wanted: str | Iterable[str] | None = None,
    *,
    n: int = DEFAULT_ENTITY_COUNT,
    label: str = "PERSON",
) -> list[str]:
    """Return the wanted entities the corpus mentions, else its ``n`` most mentioned people.

    Example:
        >>> import kit
        >>> choose_entities(kit.load(progress=False), ["Vladimir Putin", "Nobody"])
        ['Vladimir Putin']
    """
    mentioned = set(corpus.mentions["entity"]) if len(corpus.mentions) else set()
    found = [name for name in as_list(wanted) or [] if name in mentioned]
    if found:
        return found
    people = corpus.entities(label=label)
    return (people or corpus.entities())[:n]


def stance_model_score() -> dict | None:
    """Return the shipped stance model's measured score from its ``meta.json``, or None.

    Keys: ``macro_f1`` (0-100), ``evaluated_on`` (which test set), ``meta`` (the whole file).
    The real-world NewsMTSC test set is preferred where the file reports several.
    """
    path = MODEL_DIR / "meta.json"
    if not path.exists():
        return None
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    scores = {
        key: value
        for key, value in meta.items()
        if "macro_f1" in key and isinstance(value, int | float)
    }
    if not scores:
        return None
    preferred = ["test_rw_macro_f1", "rw_test_macro_f1", "dev_rw_macro_f1"]
    key = next((name for name in preferred if name in scores), None)
    key = key or next((name for name in scores if "rw" in name), next(iter(scores)))
    value = float(scores[key])
    set_name = key.removesuffix("_macro_f1")
    described = {"dev_rw": "NewsMTSC's real-world test set (dev_rw)",
                 "test_rw": "NewsMTSC's real-world test set (test_rw)"}  # fmt: skip
    return {
        "macro_f1": 100 * value if value <= 1 else value,
        "evaluated_on": described.get(set_name, f"NewsMTSC ({set_name})"),
        "meta": meta,
    }


def article_stance_counts(scope: Corpus) -> pd.DataFrame:
    """Return how many articles of each outlet lean each way toward each actor.

    Each article's overall stance toward an entity is ``stance_summary``'s ``label`` by
    ``("source", "doc_id", "entity")``; ``articles`` says what each row stands on.
    """
    from kit.corpus.stance_articles import articles_by_label

    return articles_by_label(scope.stance_summary(by=("source", "doc_id", "entity")))


def stance_caveat(methods: str | Iterable[str] | None) -> str:
    """Return a plain-words caveat on how far to trust the stance of these methods.

    ``methods`` is the ``method`` column of a stance frame (or its unique values).
    """
    named = {str(method) for method in as_list(methods) or [] if not is_missing(method)}
    parts = []
    if "model" in named:
        score = stance_model_score()
        measured = (
            f"On {score['evaluated_on']}, sentences from real news that people labelled by hand, "
            f"it reaches a macro-F1 of {score['macro_f1']:.0f} out of 100"
            if score
            else "Its measured accuracy was not found beside it (no meta.json)"
        )
        parts.append(
            "Stance was scored by a small language model fine-tuned on NewsMTSC, a set of news "
            f"sentences labelled for how they portray a named person. {measured}: good enough to "
            "compare outlets over many mentions, not to trust any single label. Read the "
            "sentences before quoting a number."
        )
    if "lexicon" in named:
        parts.append(
            "Stance was scored with the kit's word list (the model was not available): a short "
            "list of cue words such as 'condemned' or 'praised' and a few rules about where they "
            "stand relative to the name. It is much cruder than the model: it misses irony, "
            "context and hostility without a cue word (a title such as 'dictator' in an "
            "otherwise neutral sentence may score neutral), and its accuracy has not been "
            "measured here. Treat its averages as a pointer to the sentences, not a finding."
        )
    if not parts:
        parts.append("No mentions were scored for stance.")
    parts.append(
        "Scores run from −1 (negative) to +1 (positive); with few mentions the intervals are "
        "wide, and mentions in one article are not independent."
    )
    return " ".join(parts)


# ---- stance evidence -------------------------------------------------------------------------
def stance_evidence(
    corpus: Corpus,
    entity: str | Iterable[str],
    *,
    source: str | Iterable[str] | None = None,
    limit: int | None = EVIDENCE_LIMIT,
) -> pd.DataFrame:
    """Return the scored sentences behind the stance toward ``entity``, by outlet and date.

    One row per scored mention, at most ``limit`` spread fairly across outlets. Columns: source,
    published, doc_id, sent_id, entity, label, score, method, title, sentence, start, end (the
    mention inside ``sentence``). ``attrs["total"]`` holds how many there are in all.

    Example:
        >>> import kit
        >>> evidence = stance_evidence(kit.load(progress=False), "Vladimir Putin")
        >>> sorted(set(evidence["source"]))
        ['Kyiv Independent', 'New York Post']
    """
    scope = corpus.filter(entity=entity, source=source)
    stance = scope.stance
    rows = stance.sort_values(["source", "published", "doc_id", "sent_id", "start"], kind="stable")
    total = len(rows)
    if limit is not None and total > limit:
        share = max(1, -(-limit // max(1, rows["source"].nunique())))
        chosen = rows.groupby("source", sort=False).head(share)
        if len(chosen) < limit:
            # Outlets with few sentences leave room: fill it in outlet and date order.
            chosen = pd.concat([chosen, rows.drop(chosen.index).head(limit - len(chosen))])
        rows = chosen.sort_values(["source", "published", "doc_id", "sent_id", "start"]).head(limit)
    titles = corpus.articles.set_index("doc_id")["title"]
    evidence = rows.assign(title=titles.reindex(rows["doc_id"]).to_numpy())
    evidence = evidence.reindex(columns=EVIDENCE_COLUMNS).reset_index(drop=True)
    evidence.attrs["total"] = total
    return evidence


# ---- naming, voices, reliance ------------------------------------------------------------------
def naming_frame(corpus: Corpus, entities: Iterable[str], *, top: int = 5) -> pd.DataFrame:
    """Return the naming table as a plain frame: ``entity`` then one column per outlet."""
    wanted = list(entities)
    descriptors = corpus.descriptors
    if descriptors.empty or "entity" not in descriptors:
        return pd.DataFrame({"entity": wanted})
    descriptors = descriptors[descriptors["entity"].isin(wanted)]
    if descriptors.empty:
        return pd.DataFrame({"entity": wanted})
    table = naming_table(descriptors, entities=wanted, top=top)
    return table.reset_index().rename(columns={table.index.name or "index": "entity"})


def _articles_about(
    corpus: Corpus, entity: str | Iterable[str] | None, source: str | Iterable[str] | None
) -> pd.Series:
    """Return the doc_ids of the articles of these outlets that mention these entities."""
    scope = corpus.filter(entity=entity, source=source) if entity or source else corpus
    return scope.articles["doc_id"]


def voices_in(
    corpus: Corpus,
    *,
    entity: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return who gets a voice in the articles (of ``source``) that mention ``entity``.

    Columns: source, speaker, n_quotes, n_words (see ``kit.annotate.quotes.voices``).
    """
    quotes = corpus.quotes
    if quotes.empty or not {"doc_id", "speaker", "kind", "n_words"} <= set(quotes.columns):
        return pd.DataFrame(columns=VOICES_COLUMNS)
    quotes = quotes[quotes["doc_id"].isin(_articles_about(corpus, entity, source))]
    return voices(quotes)


def reliance_in(
    corpus: Corpus,
    *,
    entity: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return whom the articles (of ``source``) that mention ``entity`` cite, per outlet.

    Columns: source, cited, n_citations, n_articles (see ``kit.annotate.citations.reliance``).
    """
    from kit.annotate.citations import reliance

    citations = corpus.citations
    if citations.empty or not {"doc_id", "cited", "source"} <= set(citations.columns):
        return pd.DataFrame(columns=RELIANCE_COLUMNS)
    citations = citations[citations["doc_id"].isin(_articles_about(corpus, entity, source))]
    return reliance(citations)


# ---- distinctive words and their passages ------------------------------------------------------
def distinctive_for(
    corpus: Corpus,
    entity: str | Iterable[str] | None = None,
    *,
    source: str | Iterable[str] | None = None,
    top: int = WORDS_PER_OUTLET,
    min_count: int | None = None,
) -> pd.DataFrame:
    """Return the words each outlet uses far more than the others about ``entity``.

    Columns as ``kit.corpus.contrast.distinctive_words``. Without ``min_count``, a word used once
    counts when the sentences compared hold fewer than 5,000 words (a small corpus), else a
    word must be used 3 times.
    """
    scope = corpus.filter(source=source) if source else corpus
    texts = scope.evidence_text(entity)
    if texts.empty or texts["source"].nunique() < 2:
        return pd.DataFrame(columns=["group", "term", "count", "count_rest", "log_odds",
                                     "variance", "z"])  # fmt: skip
    if min_count is None:
        n_words = int(texts["text"].str.split().str.len().sum())
        min_count = 1 if n_words < SMALL_EVIDENCE_WORDS else 3
    return distinctive_words(texts, top=top, min_count=min_count)


def passages_for(
    corpus: Corpus,
    term: str,
    entity: str | Iterable[str] | None = None,
    *,
    source: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Return where ``term`` occurs in the sentences about ``entity``, by outlet.

    Columns: doc_id, source, left, match, right, start (see ``Corpus.passages``).
    """
    scope = corpus.filter(source=source) if source else corpus
    found = scope.passages(term, entity=entity)
    return found.sort_values(["source", "doc_id", "start"], kind="stable", ignore_index=True)


# ---- settings and the view model ---------------------------------------------------------------
def normalize_settings(settings: Mapping[str, Any] | None = None, **overrides: Any) -> dict:
    """Return complete settings: lists (or None) for entity and source, a term or None.

    Example:
        >>> normalize_settings(entity="Vladimir Putin")
        {'entity': ['Vladimir Putin'], 'source': None, 'term': None}
    """
    merged = {**DEFAULT_SETTINGS, **(settings or {}), **overrides}
    unknown = sorted(set(merged) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ArgumentError(
            f"framing: unknown setting {unknown[0]!r}; expected one of "
            f"{', '.join(DEFAULT_SETTINGS)}"
        )
    term = merged["term"]
    return {
        "entity": as_list(merged["entity"]) or None,
        "source": as_list(merged["source"]) or None,
        "term": str(term).strip() or None if term is not None else None,
    }


def settings_code(settings: Mapping[str, Any], *, corpus_name: str = "corpus") -> str:
    """Return the one line of Python that recreates a framing view with these settings.

    Example:
        >>> settings_code({"entity": ["Vladimir Putin"], "term": "dictator"})
        "kit.views.framing.framing(corpus, entity=['Vladimir Putin'], term='dictator')"
    """
    complete = normalize_settings(settings)
    arguments = [corpus_name]
    arguments += [f"{name}={value!r}" for name, value in complete.items() if value is not None]
    return f"kit.views.framing.framing({', '.join(arguments)})"


def view(corpus: Corpus, settings: Mapping[str, Any] | None = None) -> dict:
    """Return every frame the framing view shows for these settings (the pure view model).

    Keys: ``entities`` (the chosen ones, or the top people), ``summary`` (stance per outlet
    and entity, with its method), ``articles`` (each article's stance toward each entity),
    ``evidence``, ``naming``, ``voices``, ``reliance``, ``words``
    and ``passages`` (empty without a ``term``).
    """
    settings = normalize_settings(settings)
    entities = choose_entities(corpus, settings["entity"])
    source = settings["source"]
    scope = corpus.filter(entity=entities, source=source)
    return {
        "entities": entities,
        "summary": scope.stance_summary(by=("source", "entity", "method")),
        "articles": scope.stance_summary(by=("source", "doc_id", "entity")),
        "evidence": stance_evidence(corpus, entities, source=source),
        "naming": naming_frame(corpus.filter(source=source) if source else corpus, entities),
        "voices": voices_in(corpus, entity=entities, source=source),
        "reliance": reliance_in(corpus, entity=entities, source=source),
        "words": distinctive_for(corpus, entities, source=source),
        "passages": passages_for(corpus, settings["term"], entities, source=source)
        if settings["term"]
        else pd.DataFrame(columns=["doc_id", "source", "left", "match", "right", "start"]),
    }


def entity_choices(
    corpus: Corpus, *, search: str = "", keep: Iterable[str] = (), limit: int = ENTITY_OPTIONS_LIMIT
) -> list[tuple[str, str]]:
    """Return (caption, entity) options of the corpus's entities (see ``options_from``)."""
    totals = corpus.mentions["entity"].value_counts() if len(corpus.mentions) else pd.Series()
    return options_from(totals, search=search, keep=keep, limit=limit)
