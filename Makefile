# One command to run the dashboard, one to run every test. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup run test lint bench bench-profiles clean data

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Start the Streamlit dashboard on the bundled data (http://localhost:8501).
run: $(STAMP)
	$(BIN)/streamlit run app.py

## Run the whole test suite (the same command CI runs).
test: $(STAMP)
	$(BIN)/python -m pytest -q

## Lint, format check and type check (pages/ separately: pages/foods.py shadows the package).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy planner foods ui app.py benchmarks
	cd pages && $(abspath $(BIN))/mypy --config-file ../pyproject.toml *.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_solver.py

## 1- and 7-day times for 16 people (8 used when tuning the search, 8 held out).
bench-profiles: $(STAMP)
	$(BIN)/python benchmarks/bench_profiles.py

## Rebuild the bundled tables from ../shared (only needed when the sources change).
data: $(STAMP)
	$(BIN)/python scripts/build_reference.py
	$(BIN)/python scripts/build_prices.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
