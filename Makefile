# newsdiffs — the two commands: `make demo` and `make test`. Each bootstraps .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test run lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

DEMO_DB := newsdiffs-data/demo.db
DEMO_SECONDS ?= 90
DEMO_SERVE ?= 1

# The demo newsroom + tracker for DEMO_SECONDS, then the reader's web over what it recorded.
demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/newsdiffs --db $(DEMO_DB) demo --for $(DEMO_SECONDS) --keep
	if [ "$(DEMO_SERVE)" = 1 ]; then $(BIN)/newsdiffs --db $(DEMO_DB) serve; fi

run: $(STAMP)
	$(BIN)/newsdiffs init
	$(BIN)/newsdiffs run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
