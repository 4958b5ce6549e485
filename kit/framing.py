"""Framing: how each outlet portrays each actor, in whose words, on whose authority.

Pure functions give the frames and their escaped HTML: ``stance_evidence`` (the scored
sentences behind every stance figure), ``naming_html``, ``voices_in`` and ``reliance_in`` (who
speaks and who is cited in the articles about the chosen actors), ``distinctive_for`` and
``passages_for`` (the words that set outlets apart, and where they occur). ``view`` gathers them
for one set of settings. ``framing(corpus, entity=..., source=..., term=...)`` returns a
``FramingView``: thin widgets wired to those functions, with ``settings()`` and ``code()`` as
the dashboard has.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit import charts
from kit import html as kit_html
from kit.contrast import distinctive_words
from kit.corpus import Corpus, as_list
from kit.dashboard_data import options_from
from kit.descriptors import naming_table
from kit.explorer import View
from kit.plots import Plot
from kit.quotes import voices
from kit.stance import MODEL_DIR

DEFAULT_SETTINGS: dict[str, Any] = {"entity": None, "source": None, "term": None}
EVIDENCE_LIMIT = 50
ENTITY_OPTIONS_LIMIT = 300
DEFAULT_ENTITY_COUNT = 2
WORDS_PER_OUTLET = 15
# Below this many words of evidence, a word used once may set an outlet apart.
SMALL_EVIDENCE_WORDS = 5000
# Light fills that keep dark text readable; red-blue is legible with red-green deficiencies.
LABEL_COLORS: dict[str, str] = {"negative": "#F4A582", "neutral": "#E0E0E0", "positive": "#92C5DE"}
TEMPLATES: dict[str, str] = {
    "label": '<span style="background:{color};padding:0 4px;border-radius:3px;'
    'white-space:nowrap">{text}</span>',
    "heading": "<h4>{text}</h4>",
    "code": "<code>{text}</code>",
    "columns": '<div style="display:flex;gap:2em;flex-wrap:wrap">{body}</div>',
}
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


def article_stance_html(scope: Corpus) -> kit_html.Html:
    """Return a table of how many articles of each outlet lean each way toward each actor.

    Each article's overall stance toward an entity is ``stance_summary``'s ``label`` by
    ``("source", "doc_id", "entity")``; the *Articles* column says what each row stands on.
    """
    from kit.stance_articles import articles_by_label

    per_article = scope.stance_summary(by=("source", "doc_id", "entity"))
    return kit_html.table(
        articles_by_label(per_article),
        columns={
            "source": "Outlet",
            "entity": "Actor",
            "articles": "Articles",
            "negative": "Negative",
            "neutral": "Neutral",
            "positive": "Positive",
            "mentions": "Mentions",
        },  # fmt: skip
        caption="Articles by their overall stance toward each actor",
    )


def stance_caveat(methods: str | Iterable[str] | None) -> str:
    """Return a plain-words caveat on how far to trust the stance of these methods.

    ``methods`` is the ``method`` column of a stance frame (or its unique values).
    """
    named = {str(method) for method in as_list(methods) or [] if not kit_html.is_missing(method)}
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


def _label_html(label: Any, score: Any) -> str:
    """Return a stance label as a coloured tag with its score (escaped)."""
    text = "" if kit_html.is_missing(label) else str(label)
    if not kit_html.is_missing(score):
        text = f"{text} {float(score):+.2f}"
    color = LABEL_COLORS.get(str(label), "#FFFFFF")
    return TEMPLATES["label"].format(color=color, text=kit_html.escape(text))


def stance_evidence_html(evidence: pd.DataFrame) -> kit_html.Html:
    """Return the evidence as an escaped HTML table: outlet, date, label and score, sentence.

    The mention is marked inside its sentence; ``attrs["total"]`` (if set) gives the count line.
    """
    total = int(evidence.attrs.get("total", len(evidence)))
    if evidence.empty:
        return kit_html.block(kit_html.note("No scored sentences mention the selected entities."))
    entities = list(dict.fromkeys(evidence["entity"]))
    names = ", ".join(map(str, entities[:3])) + (", …" if len(entities) > 3 else "")
    line = f"Showing {len(evidence):,} of {total:,} scored mentions of {names}, by outlet and date."
    headers = ["Outlet", "Date", "Title"] + (["Entity"] if len(entities) > 1 else [])
    headers += ["Stance", "Sentence"]
    rows = []
    for record in evidence.to_dict("records"):
        published = record["published"]
        cells = [
            kit_html.escape(record["source"]),
            kit_html.escape("" if kit_html.is_missing(published) else f"{published:%Y-%m-%d}"),
            kit_html.escape(record["title"]),
        ]
        if len(entities) > 1:
            cells.append(kit_html.escape(record["entity"]))
        cells.append(_label_html(record["label"], record["score"]))
        start, end = record["start"], record["end"]
        if kit_html.is_missing(start) or kit_html.is_missing(end):
            cells.append(kit_html.escape(record["sentence"]))
        else:
            cells.append(str(kit_html.highlight(record["sentence"], int(start), int(end))))
        rows.append(
            kit_html.TEMPLATES["row"].format(
                cells="".join(
                    kit_html.TEMPLATES["cell"].format(align="left", text=cell) for cell in cells
                )
            )
        )
    table = kit_html.TEMPLATES["table"].format(
        caption="",
        headers="".join(kit_html.TEMPLATES["header"].format(text=h) for h in headers),
        rows="".join(rows),
    )
    return kit_html.block(kit_html.note(line), table)


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


def naming_html(corpus: Corpus, entities: Iterable[str], *, top: int = 5) -> kit_html.Html:
    """Return how each outlet names each entity as an escaped side-by-side HTML table."""
    frame = naming_frame(corpus, entities, top=top)
    if frame.shape[1] == 1:
        return kit_html.block(kit_html.note("No outlet describes these entities with a title."))
    columns = {"entity": "Entity", **{c: c for c in frame.columns if c != "entity"}}
    return kit_html.table(
        frame, columns=columns, caption="How each outlet names them (times used in brackets)"
    )


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

    Columns: source, speaker, n_quotes, n_words (see ``kit.quotes.voices``).
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

    Columns: source, cited, n_citations, n_articles (see ``kit.citations.reliance``).
    """
    from kit.citations import reliance

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

    Columns as ``kit.contrast.distinctive_words``. Without ``min_count``, a word used once
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


def words_html(words: pd.DataFrame) -> kit_html.Html:
    """Return the distinctive words as an escaped table: outlet, word, uses there and elsewhere."""
    if words.empty:
        return kit_html.block(kit_html.note("Too few words to set the outlets apart here."))
    shown = words.assign(z=words["z"].map(lambda z: f"{z:.2f}"))
    return kit_html.table(
        shown,
        columns={
            "group": "Outlet",
            "term": "Word or phrase",
            "count": "Uses here",
            "count_rest": "Uses in other outlets",
            "z": "z",
        },  # fmt: skip
        caption="Words each outlet uses far more than the others (z above 2: clearly more)",
    )


def passages_html(passages: pd.DataFrame, term: str | None) -> kit_html.Html:
    """Return the passages behind a word as an escaped key-word-in-context table."""
    if not term:
        return kit_html.block(kit_html.note("Pick a word to see the passages behind it."))
    if passages.empty:
        return kit_html.block(kit_html.note(f"No passage contains {term!r} here."))
    return kit_html.table(
        passages,
        columns={"source": "Outlet", "left": "", "match": "Word", "right": ""},
        highlight="match",
        align={"left": "right"},
        caption=f"Every passage using {term!r}, by outlet",
    )


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
        raise ValueError(
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
        "kit.framing.framing(corpus, entity=['Vladimir Putin'], term='dictator')"
    """
    complete = normalize_settings(settings)
    arguments = [corpus_name]
    arguments += [f"{name}={value!r}" for name, value in complete.items() if value is not None]
    return f"kit.framing.framing({', '.join(arguments)})"


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


# ---- the widget --------------------------------------------------------------------------------
class FramingView(View):
    """Stance, naming, voices, citations and distinctive words for the chosen actors.

    ``settings()`` gives the current choices, ``code()`` the line that recreates the view,
    ``widget`` the root VBox. Each control's observer calls the pure functions above and
    assigns their result to a figure or an HTML pane.
    """

    def __init__(self, corpus: Corpus, settings: Mapping[str, Any] | None = None) -> None:
        import ipywidgets as widgets

        self.corpus = corpus
        self.colors = charts.outlet_colors(corpus)
        self._settings = normalize_settings(settings)
        self._syncing = False
        self._scoped: dict[tuple, Corpus] = {}
        self._words = pd.DataFrame()

        self.search = widgets.Text(description="Find entity", placeholder="type part of a name")
        chosen = [name for name in self._settings["entity"] or () if name in set(corpus.entities())]
        self.entity = widgets.SelectMultiple(
            options=entity_choices(corpus, keep=chosen),
            value=tuple(chosen),
            description="Entities",
            rows=8,
        )
        article_counts = corpus.articles["source"].value_counts()
        self.source = widgets.SelectMultiple(
            options=[(f"{name} ({int(article_counts.get(name, 0)):,})", name)
                     for name in corpus.sources],
            value=tuple(name for name in self._settings["source"] or ()
                        if name in set(corpus.sources)),
            description="Outlets",
            rows=8,
        )  # fmt: skip
        # A free-text box with the distinctive words as suggestions: any word can be looked up.
        self.term = widgets.Combobox(
            description="Word",
            placeholder="pick or type a word",
            ensure_option=False,
            continuous_update=False,
        )
        for control in (self.search, self.entity, self.source, self.term):
            control.style.description_width = "90px"
        self.stance_plot = Plot(self._stance_chart(self._current_scope()))
        self.status = widgets.HTML()
        self.caveat = widgets.HTML()
        self.evidence = widgets.HTML()
        self.naming = widgets.HTML()
        self.voices = widgets.HTML()
        self.reliance = widgets.HTML()
        self.words = widgets.HTML()
        self.passages = widgets.HTML()
        self.code_line = widgets.HTML()

        self.search.observe(self._on_search, names="value")
        self.entity.observe(self._on_selection, names="value")
        self.source.observe(self._on_selection, names="value")
        self.term.observe(self._on_term, names="value")

        heading = TEMPLATES["heading"]
        self.widget = widgets.VBox(
            [
                widgets.HBox([widgets.VBox([self.search, self.entity]), self.source]),
                self.status,
                self.stance_plot.widget,
                self.caveat,
                widgets.HTML(heading.format(text="The sentences behind the stance")),
                self.evidence,
                widgets.HTML(heading.format(text="How each outlet names them")),
                self.naming,
                widgets.HTML(heading.format(text="Who speaks, and on whose authority")),
                widgets.HBox([self.voices, self.reliance]),
                widgets.HTML(heading.format(text="Words that set the outlets apart")),
                self.words,
                self.term,
                self.passages,
                self.code_line,
            ]
        )
        self.widget.add_class("kit-framing")  # what pages and tests find it by
        self._refresh(figure=False)

    # ---- state ----------------------------------------------------------------------------------
    @property
    def stance_figure(self) -> Any:
        """The stance chart as drawn now (a plotly ``Figure``)."""
        return self.stance_plot.figure

    def code(self, corpus_name: str = "corpus") -> str:
        """Return one line of Python that recreates the current view."""
        return settings_code(self._settings, corpus_name=corpus_name)

    def view(self) -> dict:
        """Return the frames behind the current view (see ``kit.framing.view``)."""
        return view(self.corpus, self._settings)

    def entities(self) -> list[str]:
        """Return the entities shown: the selected ones, or the most mentioned people."""
        return choose_entities(self.corpus, self._settings["entity"])

    def _scope(self, entities: list[str]) -> Corpus:
        """Return the corpus narrowed to these entities, its stance scored once and kept."""
        key = tuple(entities)
        if key not in self._scoped:
            scoped = self.corpus.filter(entity=entities)
            scoped.stance  # noqa: B018 - score now, so outlet filters reuse the scores
            self._scoped[key] = scoped
        return self._scoped[key]

    # ---- observers ------------------------------------------------------------------------------
    def _on_search(self, change: dict) -> None:
        self._syncing = True
        try:
            selected = self.entity.value
            self.entity.options = entity_choices(
                self.corpus, search=self.search.value, keep=selected
            )
            self.entity.value = selected
        finally:
            self._syncing = False

    def _on_selection(self, change: dict) -> None:
        if self._syncing:
            return
        self._settings["entity"] = list(self.entity.value) or None
        self._settings["source"] = list(self.source.value) or None
        self._refresh()

    def _on_term(self, change: dict) -> None:
        if self._syncing:
            return
        self._settings["term"] = normalize_settings(term=self.term.value)["term"]
        self._show_passages()

    # ---- redraws --------------------------------------------------------------------------------
    def _current_scope(self) -> Corpus:
        """Return the corpus narrowed to the current entities and outlets (stance scored)."""
        scope = self._scope(self.entities())
        source = self._settings["source"]
        return scope.filter(source=source) if source else scope

    def _stance_chart(self, scope: Corpus) -> Any:
        """Return the stance chart of a narrowed corpus."""
        summary = scope.stance_summary(by=("source", "entity", "method"))
        return charts.stance_by_outlet(summary, outlet_colors=self.colors)

    def _refresh(self, *, figure: bool = True) -> None:
        """Recompute every pane for the current entities and outlets."""
        entities = self.entities()
        source = self._settings["source"]
        scope = self._current_scope()
        if figure:
            self.stance_plot.show(self._stance_chart(scope))
        methods = scope.stance.get("method")
        self.caveat.value = kit_html.note(stance_caveat(methods)) + article_stance_html(scope)
        names = ", ".join(entities) if entities else "no entity"
        chosen = "selected" if self._settings["entity"] else "most mentioned people"
        self.status.value = kit_html.note(
            f"Showing {names} ({chosen}) in {len(scope.articles):,} articles from "
            f"{scope.articles['source'].nunique():,} outlets."
        )
        self.evidence.value = stance_evidence_html(
            stance_evidence(self._scope(entities), entities, source=source)
        )
        outlets = self.corpus.filter(source=source) if source else self.corpus
        self.naming.value = naming_html(outlets, entities)
        voices_frame = voices_in(self.corpus, entity=entities, source=source)
        reliance_frame = reliance_in(self.corpus, entity=entities, source=source)
        self.voices.value = (
            kit_html.table(
                voices_frame,
                columns={
                    "source": "Outlet",
                    "speaker": "Speaker",
                    "n_quotes": "Quotes",
                    "n_words": "Words quoted",
                },
                caption="Who gets a voice in these articles",
            )  # fmt: skip
            if len(voices_frame)
            else kit_html.note("No attributed quotes in these articles.")
        )
        self.reliance.value = (
            kit_html.table(
                reliance_frame,
                columns={
                    "source": "Outlet",
                    "cited": "Cites",
                    "n_citations": "Times",
                    "n_articles": "Articles",
                },
                caption="On whose authority: sources cited",
            )  # fmt: skip
            if len(reliance_frame)
            else kit_html.note("No citations in these articles.")
        )
        self._words = distinctive_for(self.corpus, entities, source=source)
        self.words.value = words_html(self._words)
        self._syncing = True
        try:
            self.term.options = list(dict.fromkeys(map(str, self._words["term"])))
            self.term.value = self._settings["term"] or ""
        finally:
            self._syncing = False
        self._show_passages()

    def _show_passages(self) -> None:
        term = self._settings["term"]
        entities = self.entities()
        found = (
            passages_for(self.corpus, term, entities, source=self._settings["source"])
            if term
            else pd.DataFrame()
        )
        self.passages.value = passages_html(found, term)
        self.code_line.value = kit_html.block(
            kit_html.note("Recreate this view:"),
            TEMPLATES["code"].format(text=kit_html.escape(self.code())),
        )


def framing(
    corpus: Corpus,
    *,
    entity: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
    term: str | None = None,
) -> FramingView:
    """Return the framing view of a corpus: stance with evidence, naming, voices, citations, words.

    Example:
        >>> import kit
        >>> view = framing(kit.load(progress=False), entity=["Vladimir Putin"], term="dictator")
    """
    return FramingView(corpus, {"entity": entity, "source": source, "term": term})
