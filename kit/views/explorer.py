"""The explorer: widgets wired to pure functions over a precomputed rollup of the corpus.

``dashboard(corpus, entity=..., source=..., start=..., end=..., label=..., measure=...)``
returns a ``Dashboard`` that displays as a widget. Its state is a plain settings dict
(``settings()``), and ``code()`` prints the one line of Python that recreates the view.

The numbers come from ``kit.corpus.dashboard_data``: a ``Rollup`` built once per dashboard and
``view(rollup, settings)``, the pure function behind every redraw. Here are only the widgets
and their wiring.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kit.corpus.dashboard_data import (  # noqa: F401  (the dashboard's numbers, offered here too)
    COUNT_COLUMNS,
    DEFAULT_SETTINGS,
    ENTITY_OPTIONS_LIMIT,
    EVIDENCE_LIMIT,
    LABEL_NAMES,
    MEASURE_CHOICES,
    TIMELINE_OUTLETS,
    TOP_ENTITIES,
    Rollup,
    articles_in_view,
    default_entities,
    entity_counts,
    entity_options,
    evidence_rows,
    normalize_settings,
    options_from,
    settings_code,
    timeline_counts,
    view,
)
from kit.corpus.memory import Corpus
from kit.views import charts
from kit.views import html as kit_html
from kit.views.plots import Plot


# ---- the widget ------------------------------------------------------------------------------
class View:
    """What every widget view shares: it displays as its root widget, ``widget``."""

    widget: Any
    _settings: dict

    def settings(self) -> dict:
        """Return the current choices as a plain dict (the arguments that recreate the view)."""
        return {
            name: (list(value) if isinstance(value, list) else value)
            for name, value in self._settings.items()
        }

    def code(self, corpus_name: str = "corpus") -> str:
        """Return the one line of Python that recreates this view."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.code()}>"


class Dashboard(View):
    """An explorer over one corpus: controls, two live charts and an evidence table.

    Use ``settings()`` for the current filters, ``code()`` for the line that recreates the
    view, ``widget`` for the root VBox and ``timings()`` for the last redraw's cost.
    """

    def __init__(self, corpus: Corpus, settings: Mapping[str, Any] | None = None) -> None:
        import ipywidgets as widgets

        started = time.perf_counter()
        self.corpus = corpus
        self.rollup = Rollup.build(corpus)
        self.colors = charts.outlet_colors(corpus)
        self._settings = normalize_settings(settings)
        self._syncing = False
        self._timings: dict[str, float] = {}
        rollup = self.rollup

        self.search = widgets.Text(
            description="Find entity",
            placeholder="type part of a name",
            continuous_update=True,
        )
        self.entity = widgets.SelectMultiple(
            options=entity_options(rollup, label=self._settings["label"],
                                   keep=self._settings["entity"] or ()),
            value=tuple(self._settings["entity"] or ()),
            description="Entities",
            rows=8,
        )  # fmt: skip
        article_counts = rollup.article_counts()
        self.source = widgets.SelectMultiple(
            options=[(f"{name} ({int(article_counts.get(name, 0)):,})", name)
                     for name in corpus.sources],
            value=tuple(name for name in (self._settings["source"] or ())
                        if name in set(corpus.sources)),
            description="Outlets",
            rows=8,
        )  # fmt: skip
        month_options = [(f"{month:%b %Y}", month) for month in rollup.months]
        self.dates = widgets.SelectionRangeSlider(
            options=month_options or [("no dates", None)],
            index=(0, max(0, len(month_options) - 1)),
            description="Months",
            disabled=not month_options,
            continuous_update=False,
            layout=widgets.Layout(width="460px"),
        )
        self._set_slider_from_settings()
        # "" rather than None: a Dropdown shows nothing at all for a None value.
        label_options: list[tuple[str, str]] = [("All types", "")]
        label_options += [(f"{LABEL_NAMES.get(label, label)} ({label})", label)
                          for label in rollup.labels]  # fmt: skip
        self.label = widgets.Dropdown(
            options=label_options,
            value=self._settings["label"] if self._settings["label"] in rollup.labels else "",
            description="Entity type",
        )
        self.measure = widgets.ToggleButtons(
            options=[(caption, name) for name, caption in MEASURE_CHOICES.items()],
            value=self._settings["measure"],
            description="Measure",
        )
        for control in (self.search, self.entity, self.source, self.dates, self.label):
            control.style.description_width = "90px"
        self.top_plot = Plot()
        self.time_plot = Plot()
        self.evidence = widgets.HTML()
        self.status = widgets.HTML()
        self.code_line = widgets.HTML()

        self.search.observe(self._on_search, names="value")
        self.entity.observe(self._on_entity, names="value")
        for control in (self.source, self.dates, self.label, self.measure):
            control.observe(self._on_filter, names="value")

        controls = widgets.HBox(
            [
                widgets.VBox([self.search, self.entity]),
                widgets.VBox([self.source]),
                widgets.VBox([self.dates, self.label, self.measure]),
            ]
        )
        self.widget = widgets.VBox(
            [
                controls,
                self.status,
                self.top_plot.widget,
                self.time_plot.widget,
                widgets.HTML(kit_html.bold("Evidence")),
                self.evidence,
                self.code_line,
            ]
        )
        self.widget.add_class("kit-dashboard")  # what pages and tests find it by
        self._refresh(top=True, timeline=True, evidence=True)
        self._timings["build_ms"] = 1000 * (time.perf_counter() - started)

    # ---- state ------------------------------------------------------------------------------
    @property
    def top_figure(self) -> Any:
        """The top-entities chart as drawn now (a plotly ``Figure``)."""
        return self.top_plot.figure

    @property
    def time_figure(self) -> Any:
        """The timeline as drawn now (a plotly ``Figure``)."""
        return self.time_plot.figure

    def code(self, corpus_name: str = "corpus") -> str:
        """Return one line of Python that recreates the current view."""
        return settings_code(self._settings, corpus_name=corpus_name)

    def timings(self) -> dict[str, float]:
        """Return the last interaction's cost in milliseconds.

        ``total_ms`` is wall time from the widget change to the redrawn views, ``cpu_ms`` the
        CPU time it took, and ``counts_ms``, ``top_chart_ms``, ``timeline_ms``, ``evidence_ms``
        the steps that ran (an interaction redraws only what depends on it).
        """
        return dict(self._timings)

    def view(self) -> dict:
        """Return the frames behind the current view (see ``kit.views.explorer.view``)."""
        return view(self.rollup, self._settings)

    # ---- observers: each reads the widgets into settings and redraws what depends on them ---
    def _set_slider_from_settings(self) -> None:
        months = self.rollup.months
        if not months:
            return
        first, last = 0, len(months) - 1
        if self._settings["start"]:
            start = pd.Timestamp(self._settings["start"]).tz_localize(None)
            first = max(0, sum(month.tz_localize(None) <= start for month in months) - 1)
        if self._settings["end"]:
            end = pd.Timestamp(self._settings["end"]).tz_localize(None)
            last = max(first, sum(month.tz_localize(None) <= end for month in months) - 1)
        self._syncing = True
        try:
            self.dates.index = (first, last)
        finally:
            self._syncing = False

    def _on_search(self, change: dict) -> None:
        started = time.perf_counter()
        self._update_entity_options()
        self._timings = {"total_ms": 1000 * (time.perf_counter() - started)}

    def _update_entity_options(self) -> None:
        options = entity_options(
            self.rollup,
            search=self.search.value,
            label=self._settings["label"],
            keep=self.entity.value,
        )
        self._syncing = True
        try:
            selected = self.entity.value
            self.entity.options = options
            self.entity.value = selected
        finally:
            self._syncing = False

    def _on_entity(self, change: dict) -> None:
        if self._syncing:
            return
        self._settings["entity"] = list(self.entity.value) or None
        self._refresh(top=False, timeline=True, evidence=True)

    def _on_filter(self, change: dict) -> None:
        if self._syncing:
            return
        label_changed = change["owner"] is self.label
        self._settings["source"] = list(self.source.value) or None
        self._settings["label"] = self.label.value or None
        self._settings["measure"] = self.measure.value
        if change["owner"] is self.dates:
            self._settings["start"], self._settings["end"] = self._dates_from_slider()
        if label_changed:
            self._update_entity_options()
        self._refresh(top=True, timeline=True, evidence=change["owner"] is not self.measure)

    def _dates_from_slider(self) -> tuple[str | None, str | None]:
        months = self.rollup.months
        first, last = self.dates.index
        if not months or (first == 0 and last == len(months) - 1):
            return None, None
        start = months[first]
        end = months[last] + pd.offsets.MonthEnd(0)
        return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"

    def _refresh(self, *, top: bool, timeline: bool, evidence: bool) -> None:
        """Recompute and redraw the parts that depend on what changed; record the cost."""
        started, cpu_started = time.perf_counter(), time.process_time()
        timings: dict[str, float] = {}
        settings = self._settings
        measure = settings["measure"]
        if top or not settings["entity"]:
            clock = time.perf_counter()
            self._top_counts = entity_counts(self.rollup, settings)
            timings["counts_ms"] = 1000 * (time.perf_counter() - clock)
        top_counts = self._top_counts
        entities = settings["entity"] or default_entities(top_counts)
        if top:
            clock = time.perf_counter()
            figure = charts.top_entities_by_outlet_spec(
                top_counts, measure=measure, n=TOP_ENTITIES, outlet_colors=self.colors
            )
            self.top_plot.show(figure)
            timings["top_chart_ms"] = 1000 * (time.perf_counter() - clock)
        if timeline:
            clock = time.perf_counter()
            counts = timeline_counts(self.rollup, settings, entities, max_outlets=TIMELINE_OUTLETS)
            figure = charts.mentions_over_time_spec(
                counts, measure=measure, outlet_colors=self.colors, max_outlets=TIMELINE_OUTLETS
            )
            self.time_plot.show(figure)
            timings["timeline_ms"] = 1000 * (time.perf_counter() - clock)
        if evidence:
            clock = time.perf_counter()
            rows, total = evidence_rows(self.rollup, settings, entities)
            self.evidence.value = evidence_html(rows, total)
            timings["evidence_ms"] = 1000 * (time.perf_counter() - clock)
        if top:
            articles = articles_in_view(self.rollup, settings)
            entities, outlets = self.rollup.in_view(settings, top_counts)
            self.status.value = kit_html.note(
                f"In view: {articles:,} articles; {entities:,} "
                f"entities mentioned by {outlets:,} outlets."
            )
        self.code_line.value = kit_html.block(
            kit_html.note("Recreate this view:"),
            kit_html.code(self.code()),
        )
        timings["total_ms"] = 1000 * (time.perf_counter() - started)
        # CPU time of this process: what the redraw costs when other work shares the cores.
        timings["cpu_ms"] = 1000 * (time.process_time() - cpu_started)
        self._timings = timings


def dashboard(
    corpus: Corpus,
    *,
    entity: str | Iterable[str] | None = None,
    source: str | Iterable[str] | None = None,
    start: Any = None,
    end: Any = None,
    label: str | None = None,
    measure: str = "mentions",
    freq: str = "W",
) -> Dashboard:
    """Return the interactive explorer of a corpus, opened on these filters.

    Example:
        >>> import kit
        >>> board = kit.dashboard(kit.load(progress=False), entity=["Vladimir Putin"])
        >>> board.code()
        "kit.dashboard(corpus, entity=['Vladimir Putin'])"
    """
    settings = {"entity": entity, "source": source, "start": start, "end": end}
    settings.update({"label": label, "measure": measure, "freq": freq})
    return Dashboard(corpus, settings)


def evidence_html(evidence: pd.DataFrame, total: int) -> kit_html.Html:
    """Return the evidence table as escaped HTML with a "showing N of M sentences" line."""
    if total == 0:
        return kit_html.block(kit_html.note("No sentences mention the selected entities here."))
    entities = evidence["entity"].unique()
    columns = {"published": "Date", "source": "Outlet"}
    if len(entities) > 1:
        columns["entity"] = "Entity"
    columns.update({"title": "Title", "sentence": "Sentence"})
    names = ", ".join(map(str, entities[:3])) + (", …" if len(entities) > 3 else "")
    line = f"Showing {len(evidence):,} of {total:,} sentences mentioning {names}, by date."
    return kit_html.block(
        kit_html.note(line),
        kit_html.table(evidence, columns=columns, highlight=("sentence", "mark_start", "mark_end")),
    )
