"""Corpus: tidy frames of one collection and the questions asked of them, in memory or in a store.

Modules: memory (``Corpus``), lazy and lazy_sql (``LazyCorpus``, DuckDB), pipeline (``load``),
stance_articles, contrast, stories, rankings, tally, and the numbers behind each view
(dashboard_data, rollup and lazy_dashboard, framing_data).

>>> import kit.corpus
>>> "Corpus" in kit.corpus.__all__
True
"""

from kit.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Corpus": "kit.corpus.memory:Corpus",
        "LazyCorpus": "kit.corpus.lazy:LazyCorpus",
        "load": "kit.corpus.pipeline:load",
        "open_store": "kit.corpus.lazy:open_store",
        "queries": "kit.corpus.queries",
        "memory": "kit.corpus.memory",
        "lazy": "kit.corpus.lazy",
        "lazy_sql": "kit.corpus.lazy_sql",
        "pipeline": "kit.corpus.pipeline",
        "stance_articles": "kit.corpus.stance_articles",
        "contrast": "kit.corpus.contrast",
        "stories": "kit.corpus.stories",
        "rankings": "kit.corpus.rankings",
        "tally": "kit.corpus.tally",
        "rollup": "kit.corpus.rollup",
        "dashboard_data": "kit.corpus.dashboard_data",
        "framing_data": "kit.corpus.framing_data",
        "lazy_dashboard": "kit.corpus.lazy_dashboard",
    },
)
