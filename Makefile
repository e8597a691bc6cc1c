# KAM analysis package. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := data/sample

.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(VENV)/.base $@

install: $(VENV)/.base  ## create .venv and install kamlib with its dependencies

demo: $(VENV)/.base  ## set up, then render the sample portfolio's reports into reports/sample
	$(BIN)/kam validate $(SAMPLE)
	$(BIN)/kam summary $(SAMPLE)
	$(BIN)/kam render $(SAMPLE) --out reports/sample

test: $(VENV)/.dev browser  ## set up with the dev dependencies, then lint and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check kamlib tests benchmarks validation
	$(BIN)/python -m pytest -n auto

fuzz: $(VENV)/.dev  ## the loader fuzz with all its 500 examples (docs/reliability.md case 46)
	$(BIN)/python -m pytest -n auto tests/test_loading.py --fuzz -k fuzz

catalogues: $(VENV)/.base  ## re-extract the messages into kamlib/locale (new ones untranslated), then list what is untranslated
	$(BIN)/python -m kamlib.catalogues update
	-$(BIN)/python -m kamlib.catalogues check

browser:  ## Chromium, ChromeDriver, poppler-utils and LibreOffice Calc (Debian packages) for browser, PDF and export tests
	bash tests/browser/install.sh

lab: $(VENV)/.base  ## start JupyterLab on the notebooks with the kamlib kernel
	$(BIN)/python -m ipykernel install --sys-prefix --name kamlib --display-name "Python (kamlib)"
	$(BIN)/jupyter lab notebooks

wheel: | $(BIN)/python  ## build dist/kamlib-*.whl, which a server or a dask worker installs (README)
	$(BIN)/python -m pip wheel --no-deps -w dist .

sample: $(VENV)/.base  ## regenerate the bundled sample portfolio (deterministic)
	$(BIN)/kam sample --seed 7 --out $(SAMPLE)

clean:  ## remove the virtual environment and generated outputs
	rm -rf $(VENV) reports build dist *.egg-info .pytest_cache .hypothesis

.PHONY: help install demo test fuzz browser lab wheel sample clean
