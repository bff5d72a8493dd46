# Two commands on a fresh machine: `make run` and `make test` (see README.md).
# Setup is a file target: it re-runs only when the pinned requirements change.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup browser run test report bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt constraints.txt scripts/find-python.sh
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip==24.2
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $@

run: setup
	$(PY) -m bot

browser:
	@scripts/ensure-chromium.sh

test: setup browser
	$(PY) -m pytest

report: setup
	$(PY) -m bot.report $(ARGS)

bench: setup
	$(PY) -m benchmarks.rules_core_bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
