"""Framing: how each outlet portrays each actor, in whose words, on whose authority.

The frames and their escaped HTML come from the pure functions of ``kit.corpus.framing_data``.
``framing(corpus, entity=..., source=..., term=...)`` returns a ``FramingView``: thin widgets
wired to those functions, with ``settings()`` and ``code()`` as the dashboard has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit.corpus.framing_data import (  # noqa: F401  (framing's frames, offered here too)
    DEFAULT_ENTITY_COUNT,
    DEFAULT_SETTINGS,
    ENTITY_OPTIONS_LIMIT,
    EVIDENCE_COLUMNS,
    EVIDENCE_LIMIT,
    RELIANCE_COLUMNS,
    SMALL_EVIDENCE_WORDS,
    VOICES_COLUMNS,
    WORDS_PER_OUTLET,
    article_stance_counts,
    choose_entities,
    distinctive_for,
    entity_choices,
    naming_frame,
    normalize_settings,
    passages_for,
    reliance_in,
    settings_code,
    stance_caveat,
    stance_evidence,
    stance_model_score,
    view,
    voices_in,
)
from kit.corpus.memory import Corpus
from kit.views import charts
from kit.views import html as kit_html
from kit.views.explorer import View
from kit.views.framing_html import (  # noqa: F401  (offered here too)
    LABEL_COLORS,
    TEMPLATES,
    article_stance_html,
    label_html,
    naming_html,
    passages_html,
    reliance_html,
    stance_evidence_html,
    voices_html,
    words_html,
)
from kit.views.plots import Plot


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
        """Return the frames behind the current view (see ``kit.views.framing.view``)."""
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
        counts = article_stance_counts(scope)
        self.caveat.value = kit_html.note(stance_caveat(methods)) + article_stance_html(counts)
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
        self.naming.value = naming_html(naming_frame(outlets, entities))
        voices_frame = voices_in(self.corpus, entity=entities, source=source)
        reliance_frame = reliance_in(self.corpus, entity=entities, source=source)
        self.voices.value = voices_html(voices_frame)
        self.reliance.value = reliance_html(reliance_frame)
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
            kit_html.code(self.code()),
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
