# One command per chore. Every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.duckdb

.PHONY: install demo test bench eval lock clean

$(STAMP): requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB)
	$(BIN)/sitroom ingest examples/corpus --db $(DEMO_DB)
	$(BIN)/sitroom summary --db $(DEMO_DB)
	$(BIN)/sitroom threats --db $(DEMO_DB)
	$(BIN)/sitroom alerts --db $(DEMO_DB)
	@echo
	@echo "Explore: $(BIN)/sitroom events --db $(DEMO_DB)   (or --format jsonl)"
	@echo "         $(BIN)/sitroom stories --db $(DEMO_DB) --min-reports 3"
	@echo "         $(BIN)/sitroom timeline --db $(DEMO_DB) --dyad IRN-ISR --freq week"
	@echo
	@echo "Dashboard: $(BIN)/sitroom serve --db $(DEMO_DB)   then open http://127.0.0.1:8000/ (Ctrl-C stops it)"

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_merge.py
	$(BIN)/python benchmarks/bench_api.py

# Accuracy on the public gold data in eval/ (the tests pin these scores).
eval: install
	$(BIN)/sitroom eval plover eval/plover_gsr/PLOVER_GSR_CAMEO.txt
	$(BIN)/sitroom eval petrarch eval/petrarch2/PETR.UnitTest.records.xml
	$(BIN)/sitroom eval petrarch eval/petrarch2/PETR.UnitTest.records.xml --own-lexicon
	$(BIN)/sitroom eval modality eval/modality
	$(BIN)/sitroom eval modality eval/modality/heldout
	$(BIN)/sitroom eval stories eval/stories

# Re-pin dependencies after editing requirements/*.in (needs pip-tools).
lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras -o requirements/dev.lock requirements/dev.in

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache $(DEMO_DB)
