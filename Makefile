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
	@echo
	@echo "The quotes of the five seed articles are in quotetrack.db and exports/quotes.json. Next, try:"
	@echo "  $(BIN)/quotetrack review                          # confirm, reject or correct them (? for keys, q to quit)"
	@echo "  $(BIN)/quotetrack report -o report.html           # one page of charts and quotes: open it in a browser"
	@echo "  $(BIN)/quotetrack speakers                        # who is quoted, under which names"
	@echo "  $(BIN)/quotetrack export --format csv -o -        # the quotes as CSV on standard output"
	@echo "  $(BIN)/quotetrack extract YOUR_FOLDER/            # your own articles: .txt files or .jsonl"
	@echo "  $(BIN)/quotetrack --help                          # every command, with examples"

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) quotetrack.db quotetrack.db-wal quotetrack.db-shm exports/quotes.json
