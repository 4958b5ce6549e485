"""The coverage kit: who is in the news, which outlet mentions whom and when, and how.

>>> import kit
>>> corpus = kit.load()                      # the bundled founding pages in data/
>>> top = corpus.filter(source="Kyiv Independent").top_entities(5)

``kit.load`` reads a corpus into memory; ``kit.open_store`` opens one written by an earlier
``kit.load(path, store=...)`` without reading its frames (counts run in DuckDB). The kit's
modules are attributes too, imported on first use: ``kit.stance``, ``kit.charts``, ... Each
lives in the subpackage of its step (docs/architecture.md): ``kit.ingest``, ``kit.store``,
``kit.annotate``, ``kit.corpus``, ``kit.views``, ``kit.publish``.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from kit.corpus.lazy import open_store
from kit.corpus.pipeline import load

__all__ = ["Corpus", "__version__", "dashboard", "load", "open_store"]
# The subpackages, in the order data flows through them (imports point up this list).
LAYERS = ("ingest", "store", "annotate", "corpus", "views", "publish")

if TYPE_CHECKING:
    from kit.corpus.memory import Corpus


def dashboard(corpus: Corpus, **settings: Any) -> Any:
    """Return the interactive dashboard over ``corpus``; see kit.views.explorer."""
    from kit.views.explorer import dashboard as make_dashboard

    return make_dashboard(corpus, **settings)


def __getattr__(name: str) -> Any:
    """Return ``kit.Corpus``, a subpackage, or a module by its own name (``kit.stance``)."""
    if name == "Corpus":
        from kit.corpus.memory import Corpus

        return Corpus
    if not name.startswith("_"):
        for package in ("", *(f"{layer}." for layer in LAYERS)):
            if importlib.util.find_spec(f"kit.{package}{name}") is not None:
                return importlib.import_module(f"kit.{package}{name}")
    raise AttributeError(f"module 'kit' has no attribute {name!r}")
