"""The coverage kit: who is in the news, which outlet mentions whom and when, and how.

>>> import kit
>>> corpus = kit.load()                      # the bundled founding pages in data/
>>> top = corpus.filter(source="Kyiv Independent").top_entities(5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Corpus", "__version__", "dashboard", "load"]

if TYPE_CHECKING:
    from kit.corpus import Corpus


def load(path: Any = None, **options: Any) -> Corpus:
    """Return the Corpus read from ``path`` (default: the bundled ``data/``); see kit.pipeline."""
    from kit.pipeline import load as load_corpus

    return load_corpus(path, **options)


def dashboard(corpus: Corpus, **settings: Any) -> Any:
    """Return the interactive dashboard over ``corpus``; see kit.explorer."""
    from kit.explorer import dashboard as make_dashboard

    return make_dashboard(corpus, **settings)


def __getattr__(name: str) -> Any:
    if name == "Corpus":
        from kit.corpus import Corpus

        return Corpus
    raise AttributeError(f"module 'kit' has no attribute {name!r}")
