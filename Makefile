# Quick start: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check install eval bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/facts run corpus/ --db outputs/facts.duckdb
	$(BIN)/facts report --db outputs/facts.duckdb --out outputs/report.html

# The tests a developer runs often: under 5 minutes on 2 cores. Leaves out the dev gate, the
# fresh-venv install and the few tests of 15 s or more (markers in pyproject.toml).
test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not devgate and not install and not long"

# What CI runs (.ci/run): every test, with the dev gate over ../shared/dev (skipped when it is
# absent) and the install from a fresh venv. About 11 minutes on 2 cores.
check: $(STAMP)
	$(BIN)/python -m pytest -q

# Quality on the development sets in ../shared/dev (public news nobody here wrote rules from):
# the scorer's table, then every figure beside its floor in tests/dev_floors.toml. About four
# minutes; says so and exits 0 when ../shared/dev is absent. `make eval TASKS="time ecbplus"`.
eval: $(STAMP)
	$(BIN)/python tests/devgate.py --check $(TASKS)

# Performance figures (a few minutes each; ratios measured in one run). Needs nothing beyond `make install`.
bench: $(STAMP)
	cd bench && ../$(BIN)/python throughput.py
	cd bench && ../$(BIN)/python incremental.py
	cd bench && ../$(BIN)/python memory.py
	cd bench && ../$(BIN)/python reconcile_scale.py
	cd bench && ../$(BIN)/python reconcile_incremental.py
	cd bench && ../$(BIN)/python report_scale.py
	cd bench && ../$(BIN)/python story_stream.py

clean:
	rm -rf $(VENV) outputs/*.duckdb outputs/*.wal outputs/*.served.sqlite*
