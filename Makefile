# districtlab: two commands on a fresh machine with Python 3.11 and make.
#   make demo   creates .venv, installs districtlab, runs the three-district demo
#   make test   installs what the tests need and runs the whole suite

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
OUT ?= demo-output

.PHONY: demo lab test test-fast bench lint catalogues docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[lab]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-lab $(VENV)/.installed-docs

demo: $(VENV)/.installed
	$(BIN)/districtlab demo --out $(OUT)

lab: $(VENV)/.installed-lab
	$(BIN)/districtlab lab

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not slow and not e2e" -x -q

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_model.py

# The guards CI runs before the tests: style, types and the layer contracts in pyproject.toml
# (the tools come with the `test` extra, so a fresh machine gets them from the project's files).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The documentation site (mkdocs.yml): API reference, tutorial, ODD, CLI; into site/, nothing fetched.
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet --strict --site-dir site

# Message catalogues of the lab, the reports and the command line: extract the English ids (Python
# sources and the report templates, as babel.cfg says; the commands' --help texts from the built command
# tree, which Babel cannot see: districtlab/cli/help.py), merge them into the es and ca catalogues
# (translations are written by people in the .po files), compile the .mo files. The update keeps the
# .po headers (plural forms) and the committed 100-column wrapping, so it changes only what changed.
LOCALE := src/districtlab/i18n/locale
catalogues: $(VENV)/.installed
	$(BIN)/pybabel extract -F src/districtlab/i18n/babel.cfg -k N_ --no-location --sort-output --omit-header -w 100 -o $(LOCALE)/districtlab.pot src/districtlab
	$(BIN)/python -m districtlab.cli.help $(LOCALE)/districtlab.pot
	$(BIN)/pybabel update -i $(LOCALE)/districtlab.pot -d $(LOCALE) -D districtlab --no-fuzzy-matching --ignore-obsolete -w 100
	$(BIN)/pybabel compile -d $(LOCALE) -D districtlab --statistics

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis site
