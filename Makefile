# newsdiffs — the two commands: `make demo` and `make test`. Each bootstraps .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test run lint typecheck unit bench clean constraints

# Every version, pip's and the build's setuptools included, comes from constraints.txt, so a new
# release elsewhere cannot change what `make test` runs. `make constraints` refreshes it.
# (--build-constraint needs pip >= 25.3: the first line brings the pinned pip.)
PIN := -c constraints.txt
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q $(PIN) --upgrade pip
	$(BIN)/python -m pip install -q $(PIN) --build-constraint constraints.txt -e '.[dev]'
	touch $(STAMP)

# Re-resolve the newest releases that satisfy pyproject.toml in a throwaway venv, then pin them.
LOCK_VENV := /tmp/newsdiffs-constraints-venv
constraints:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install -q --upgrade pip 'setuptools>=77'
	$(LOCK_VENV)/bin/python -m pip install -q -e '.[dev]'
	{ echo '# pip freeze of `make constraints` (Python $(shell $(PYTHON) -c "import platform; print(platform.python_version())")): every version CI and `make test` install.'; \
	  $(LOCK_VENV)/bin/python -m pip freeze --all --exclude-editable; } > constraints.txt
	rm -rf $(LOCK_VENV)

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
