# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench audit lock clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/qualbot serve --host 127.0.0.1 --port 8000

# The suite on SQLite; then, when a PostgreSQL server is given (CI starts one: .ci/postgres.sh),
# every test that stores data again on PostgreSQL.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$QUALBOT_TEST_POSTGRES_URL" ]; then \
	  echo "== again on PostgreSQL"; QUALBOT_TEST_DB=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "CI needs QUALBOT_TEST_POSTGRES_URL (see .ci/run)"; exit 1; fi

# Known vulnerabilities in the pinned dependencies (fails only when one is found; packages the
# vulnerability service cannot look up are listed as skipped).
audit: $(STAMP)
	$(BIN)/pip-audit --requirement requirements.lock --no-deps --disable-pip --progress-spinner off

bench: $(STAMP)
	$(BIN)/python -m bench

# Re-resolve the newest versions and pin them (needs network to the package index).
lock:
	rm -rf /tmp/qualbot-lock && $(PYTHON) -m venv /tmp/qualbot-lock
	/tmp/qualbot-lock/bin/pip install --quiet -e '.[dev]'
	( echo '# Pinned versions of every dependency (runtime and dev). Regenerate with `make lock`.'; \
	  /tmp/qualbot-lock/bin/pip freeze --exclude-editable | grep -v '^pip==' ) > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache build dist
