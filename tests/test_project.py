"""The project's own promises: one source of dependencies, notebooks stripped, README true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO

import kit
from kit.store.sources import import_closure, kit_imports, module_paths


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

    import kit

    options = inspect.signature(kit.load).parameters
    assert {"store", "lazy", "strict", "aliases", "dayfirst", "stance"} <= set(options)
    assert inspect.signature(kit.open_store).parameters["root"]
    fresh = "import kit; print(kit.stance.__name__, kit.charts.__name__, kit.collect.__name__)"
    printed = subprocess.run([sys.executable, "-c", fresh], capture_output=True, text=True)
    wanted = ["kit.annotate.stance", "kit.views.charts", "kit.collect"]
    assert printed.stdout.split() == wanted, printed.stderr
    with pytest.raises(AttributeError, match="no_such_module"):
        _ = kit.no_such_module


def test_the_import_graph_is_what_python_parses():
    """``kit.sources`` reads imports with a regex (fast enough for a warm load); ``ast`` agrees."""
    import ast

    paths = module_paths()
    parsed = {}
    for name, path in paths.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        parsed[name] = frozenset(module for module in imported if module in paths) - {name, "kit"}
    assert kit_imports() == parsed


def test_no_import_cycle_among_kit_modules():
    graph = kit_imports()
    on_cycles = [name for name in graph if any(name in import_closure(m) for m in graph[name])]
    assert on_cycles == [], f"modules on an import cycle: {on_cycles}"


def copied_kit_version(folder: Path, function: str) -> Callable[[], str]:
    """Return a function that prints ``function()`` of a copy of the kit under ``folder``."""
    shutil.copytree(REPO / "kit", folder / "kit", ignore=shutil.ignore_patterns("__pycache__"))
    module, name = function.rsplit(".", 1)
    command = [sys.executable, "-c", f"from {module} import {name}; print({name}())"]

    def version() -> str:
        environment = {**os.environ, "PYTHONPATH": str(folder)}
        done = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=folder)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    return version


def test_the_snapshot_key_hashes_the_loader_not_the_views(tmp_path):
    version = copied_kit_version(tmp_path, "kit.store.snapshots.code_version")
    before = version()
    for view in ("views/charts.py", "views/explorer.py", "views/framing.py", "publish/report.py"):
        with (tmp_path / "kit" / view).open("a") as source:
            source.write("\n# an edit to a view\n")
    assert version() == before  # snapshots stay valid
    with (tmp_path / "kit" / "ingest" / "clean.py").open("a") as source:
        source.write("\n# an edit to the cleaner\n")
    assert version() != before


def test_the_annotation_key_hashes_extraction_not_summaries(tmp_path):
    version = copied_kit_version(tmp_path, "kit.annotate.nlp.pipeline_version")
    before = version()
    quotes = tmp_path / "kit" / "annotate" / "quotes.py"
    for summary in ("def voices(", "def build("):  # what runs on the rows, after the NLP
        quotes.write_text(quotes.read_text().replace(summary, f"{summary}  # edited\n", 1))
    assert version() == before  # the NLP cache stays valid
    quotes.write_text(quotes.read_text().replace("def from_doc(", "def from_doc(  # edited\n", 1))
    assert version() != before


def test_no_kit_module_is_over_600_lines():
    long = {name: lines for name, path in module_paths().items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600}  # fmt: skip
    assert long == {}, "split these modules along what they do"


def test_the_kits_errors_are_one_family():
    import re

    from kit.errors import ArgumentError, ArgumentTypeError, KitError

    bare = [f"{name}:{number}" for name, path in module_paths().items()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"\braise (ValueError|TypeError|RuntimeError)\(", line)]  # fmt: skip
    assert bare == [], "raise a kit.errors class (a KitError that is also the built-in error)"
    assert issubclass(ArgumentError, KitError) and issubclass(ArgumentError, ValueError)
    assert issubclass(ArgumentTypeError, KitError) and issubclass(ArgumentTypeError, TypeError)


def layer_of(module: str) -> str:
    """Return the subpackage a kit module belongs to (``kit`` for the top-level ones)."""
    parts = module.split(".")
    package = module_paths()[module].name == "__init__.py"
    return parts[1] if len(parts) > 2 or (package and len(parts) == 2) else "kit"


def test_imports_point_one_way_along_the_data_flow():
    order = {layer: rank for rank, layer in enumerate(kit.LAYERS)}
    upward = [f"{module} -> {imported}" for module, imports in kit_imports().items()
              for imported in imports
              if layer_of(module) in order and layer_of(imported) in order
              and order[layer_of(imported)] > order[layer_of(module)]]  # fmt: skip
    assert upward == [], "a module imports from a later step; move the shared part down"
    from_views = [f"{module} -> {imported}" for module, imports in kit_imports().items()
                  if layer_of(module) == "views" for imported in imports
                  if layer_of(imported) == "ingest"]  # fmt: skip
    assert from_views == [], "views read corpus frames, never files"
    flat = [name for name in module_paths() if layer_of(name) == "kit"]
    assert set(flat) <= {"kit", "kit.__main__", "kit.errors", "kit.exports"}, flat


def test_only_the_annotate_step_imports_spacy():
    import re

    spacy = re.compile(r"^\s*(import|from)\s+spacy\b", re.M)
    importing = sorted(name for name, path in module_paths().items()
                       if spacy.search(path.read_text(encoding="utf-8")))  # fmt: skip
    assert importing and {layer_of(name) for name in importing} == {"annotate"}, importing


def test_each_step_states_its_public_names():
    for layer in kit.LAYERS:
        package = getattr(kit, layer)
        assert package.__all__ == sorted(package.__all__) and dir(package) == package.__all__
        for name in package.__all__:
            assert getattr(package, name) is not None, f"kit.{layer}.{name}"
