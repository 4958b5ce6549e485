"""The project's own promises: one source of dependencies, notebooks stripped, README true."""

from __future__ import annotations

import tomllib

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
    try:
        kit.no_such_module
    except AttributeError as error:
        assert "no_such_module" in str(error)
    else:
        raise AssertionError("kit.no_such_module did not raise AttributeError")
