"""The kit's own source: which of its modules import which, read from the files (not run).

Cache keys use it to hash only the code a result comes from (editing a chart keeps every
snapshot; editing the cleaner does not), and the project's tests to forbid import cycles.

>>> loader = import_closure("kit.pipeline")
>>> "kit.clean" in loader, "kit.charts" in loader
(True, False)
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@functools.cache
def module_paths() -> dict[str, Path]:
    """Return {module name: its file} for every module of the kit."""
    return {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        ): path
        for path in sorted(PACKAGE.rglob("*.py"))
    }


@functools.cache
def kit_imports() -> dict[str, frozenset[str]]:
    """Return {kit module: the kit modules it imports}, at module level or inside functions."""
    modules = module_paths()
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
                imported.add(node.module)
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
