# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lock clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/qualbot serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
