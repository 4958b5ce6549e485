"""The project's own promises: one source of dependencies, notebooks stripped, README true."""

from __future__ import annotations

import tomllib

import pytest
import yaml
from conftest import REPO


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"])
    for extra in ("scale", "dev"):
        wanted |= set(project["optional-dependencies"][extra])
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    sections = environment["dependencies"]
    pip_section = next(item["pip"] for item in sections if isinstance(item, dict))
    assert set(pip_section) == wanted


def test_readme_quick_start_names_the_two_commands():
    readme = (REPO / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_entry_points_show_themselves():
    import inspect
    import subprocess
    import sys

    import kit

    options = inspect.signature(kit.load).parameters
    assert {"store", "lazy", "strict", "aliases", "dayfirst", "stance"} <= set(options)
    assert inspect.signature(kit.open_store).parameters["root"]
    fresh = "import kit; print(kit.stance.__name__, kit.charts.__name__, kit.collect.__name__)"
    printed = subprocess.run([sys.executable, "-c", fresh], capture_output=True, text=True)
    assert printed.stdout.split() == ["kit.stance", "kit.charts", "kit.collect"], printed.stderr
    with pytest.raises(AttributeError, match="no_such_module"):
        _ = kit.no_such_module


def kit_imports() -> dict[str, set[str]]:
    """Return {kit module: the kit modules it imports}, at module level or inside functions."""
    import ast

    package = REPO / "kit"
    modules = {
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): path
        for path in package.rglob("*.py")
    }
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
                imported.add(node.module)
        graph[name] = {module for module in imported if module in modules} - {name, "kit"}
    return graph


def test_no_import_cycle_among_kit_modules():
    graph = kit_imports()
    cycles = []
    for start in graph:  # a cycle through `start`: can `start` be reached from its imports?
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            if module == start:
                cycles.append(start)
                break
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
    assert cycles == [], f"modules on an import cycle: {sorted(cycles)}"
