# Two commands on a fresh machine with Python 3.11 and make:
#   make demo   - create .venv, install cumple and run the demo
#   make test   - create .venv, install cumple with its test extras and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench faults distributed-check mutation messages actas-quality clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's declaration changes: make stays idempotent.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $(STAMP)

# The demo loads its data, runs the cycle, prints where everything is and the
# demo logins, then serves the web application (Ctrl-C to stop).
demo: $(STAMP)
	$(BIN)/cumple demo
	$(BIN)/cumple serve

# Two pytest workers (one per core on these machines): the suite spends most
# of its time in real subprocesses (the console script, servers, browsers).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

MUTATION_STAMP := $(VENV)/.mutation-installed
$(MUTATION_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet --editable '.[test,mutation]'
	touch $(MUTATION_STAMP)

# Mutation testing of the rules that decide money, dates and mail (mutmut;
# the modules and the tests are listed under [tool.mutmut] in pyproject.toml):
# var/mutation/results.json and every surviving mutant. Not part of make test.
mutation: $(STAMP) $(MUTATION_STAMP)
	$(BIN)/python -m checks.mutation

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# Fault injection (kill -9, SMTP outage, concurrent dispatchers, database
# faults) against real processes; last line: faults: trials=… lost=…
faults: $(STAMP)
	$(BIN)/python -m checks.faults

# A real Prefect server on PostgreSQL and a worker on loopback run a cycle.
distributed-check: $(STAMP)
	$(BIN)/python -m checks.distributed

# The acta reader over its corpus: commitments found, fields right, every miss.
actas-quality: $(STAMP)
	$(BIN)/python -m checks.actas_quality

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var build mutants *.egg-info .pytest_cache .ruff_cache .hypothesis

# The es-CL catalog of texts with a count (Babel extraction; see config/i18n.py).
messages: $(STAMP)
	$(BIN)/python -m checks.messages
