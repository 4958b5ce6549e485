"""Public names of a kit package, imported when first asked for.

A package's ``__init__`` gives its public API as ``{name: "module" or "module:attribute"}``;
``import kit.views`` then costs nothing, and ``kit.views.charts`` or
``from kit.corpus import Corpus`` imports just what it needs. Its modules are attributes too.

>>> names, attribute, listing = lazy_exports("kit.corpus", {"Corpus": "kit.corpus.memory:Corpus"})
>>> names, attribute("Corpus").__name__, listing()
(['Corpus'], 'Corpus', ['Corpus'])
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__all__, __getattr__, __dir__)`` for ``package``: its ``exports``, its modules."""

    def attribute(name: str) -> Any:
        target = exports.get(name)
        if target is not None:
            module, _, member = target.partition(":")
            imported = importlib.import_module(module)
            return getattr(imported, member) if member else imported
        if not name.startswith("_") and importlib.util.find_spec(f"{package}.{name}"):
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def names() -> list[str]:
        return sorted(exports)

    return names(), attribute, names
