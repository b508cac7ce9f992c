# quotetrack — set-up, demo and tests. `make install` is idempotent and shared by both.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WHEELHOUSE ?= $(or $(QUOTETRACK_WHEELHOUSE),$(wildcard ../shared/wheels))
STAMP := $(VENV)/.quotetrack-installed

.PHONY: install demo test clean

install: $(STAMP)
	@$(BIN)/quotetrack install-models $(if $(WHEELHOUSE),--wheelhouse $(WHEELHOUSE))

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

demo: install
	$(BIN)/quotetrack extract seeds/ -o exports/quotes.json

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) quotetrack.db quotetrack.db-wal quotetrack.db-shm exports/quotes.json
