# One command to run the dashboard, one to run every test. Both create .venv on first use and
# install the exact versions of requirements.lock (refresh it on purpose with `make lock`).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
PIP_VERSION = 26.3
UV_VERSION  = 0.13.9
# The dashboard listens on this machine only; see README "Sharing the dashboard" to expose it.
ADDRESS ?= 127.0.0.1
PORT    ?= 8501

.PHONY: test-fast setup run test lint lock wheel-check bench bench-profiles clean data

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@# setuptools warns that an editable install sees same-named folders: they are the package
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

## Start the Streamlit dashboard on the bundled data (http://127.0.0.1:8501).
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

## Run the whole test suite (the same command CI runs), on every core (pytest-xdist).
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal

## The unit layer and the doctests only: no solver, no servers, no browser (two workers).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests/unit planner foods

## Lint, format check and type check.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy planner foods ui app.py benchmarks

## Re-resolve requirements.lock from pyproject.toml (then run `make test` against it).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra ray --python-version 3.11 \
		--no-header --annotation-style line -o requirements.lock

## Build the wheel, install it (not editable) into a fresh venv and smoke-test the CLI.
wheel-check: $(STAMP)
	bash .ci/wheel-check

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_solver.py

## Quality, cost and time of a week for 16 people (8 tuning, 8 held out) and 300 random ones.
bench-profiles: $(STAMP)
	$(BIN)/python benchmarks/bench_profiles.py --random 300

## Rebuild the bundled tables from ../shared (only needed when the sources change).
data: $(STAMP)
	$(BIN)/python scripts/build_reference.py
	$(BIN)/python scripts/build_prices.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist
