"""The kit's own source: which of its modules import which, read from the files (not run).

Cache keys use it to hash only the code a result comes from (editing a chart keeps every
snapshot; editing the cleaner does not), and the project's tests to forbid import cycles.

>>> loader = import_closure("kit.corpus.pipeline")
>>> "kit.ingest.clean" in loader, "kit.views.charts" in loader
(True, False)
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


@functools.cache
def module_paths() -> dict[str, Path]:
    """Return {module name: its file} for every module of the kit."""
    return {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        ): path
        for path in sorted(PACKAGE.rglob("*.py"))
    }


# Import statements, read from the text (parsing every module with ``ast`` takes a third of a
# second, and a warm load needs the graph): ``from kit.x import a, b`` (one line or a
# parenthesised list) and ``import kit.x``, at any indentation. Comments are removed first.
_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(kit(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n;]+)", re.M
)
_PLAIN_IMPORT = re.compile(r"^[ \t]*import[ \t]+(kit(?:\.\w+)*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


@functools.cache
def kit_imports() -> dict[str, frozenset[str]]:
    """Return {kit module: the kit modules it imports}, at module level or inside functions."""
    modules = module_paths()
    graph = {}
    for name, path in modules.items():
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        imported = set(_PLAIN_IMPORT.findall(text))
        for module, names in _FROM_IMPORT.findall(text):
            imported.add(module)
            for entry in names.strip("()").split(","):
                imported.add(f"{module}.{entry.split(' as ')[0].strip()}")
        graph[name] = frozenset(module for module in imported if module in modules) - {name, "kit"}
    return graph


def import_closure(module: str) -> frozenset[str]:
    """Return ``module`` and every kit module it imports, directly or not."""
    graph = kit_imports()
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(graph[name])
    return frozenset(seen)


def definition_source(module: str, name: str) -> str:
    """Return the source that defines ``module.name``: the definition, every top-level
    definition of the module it uses (directly or not), and every kit module it imports.

    A cache key over it changes when what ``name`` runs changes, not when a neighbour does
    (``quotes.voices`` is not part of ``quotes.from_doc``).

    >>> "def from_doc" in definition_source("kit.annotate.quotes", "from_doc")
    True
    >>> "def voices" in definition_source("kit.annotate.quotes", "from_doc")
    False
    """
    path = module_paths()[module]
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    definitions: dict[str, ast.stmt] = {}
    imported: dict[str, str] = {}  # local name -> kit module it comes from
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            definitions[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    definitions[target.id] = node
        elif isinstance(node, ast.ImportFrom) and node.module in module_paths():
            for alias in node.names:
                imported[alias.asname or alias.name] = node.module
    seen: set[str] = set()
    modules: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for node in ast.walk(definitions[current]):
            if isinstance(node, ast.Name) and node.id in definitions:
                todo.append(node.id)
            elif isinstance(node, ast.Name) and node.id in imported:
                modules.add(imported[node.id])
    parts = [ast.get_source_segment(text, definitions[used]) or "" for used in sorted(seen)]
    for used in sorted(modules):
        parts += [module_paths()[other].read_text(encoding="utf-8")
                  for other in sorted(import_closure(used))]  # fmt: skip
    return "\n".join(parts)
