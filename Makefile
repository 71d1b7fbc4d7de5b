# One command per chore. Every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.duckdb

.PHONY: install demo test bench eval model lock clean

# The venv's bundled pip may be too old for the lock (Python 3.11.7 bundles
# pip 23.2.1, which rejects hashed locks whose packages ask for extras), so the
# first step installs the hash-pinned pip of requirements/pip.lock with it and
# everything else goes through that pip.
$(STAMP): requirements/pip.lock requirements/dev.lock pyproject.toml
	@start=$$(date +%s); set -e; \
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	echo "Installing into $(VENV) (venv pip: $$($(BIN)/python -m pip --version | cut -d' ' -f1-2))"; \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/pip.lock; \
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock; \
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .; \
	touch $(STAMP); \
	echo "Installed in $$(( $$(date +%s) - start )) s with $$($(BIN)/python -m pip --version | cut -d' ' -f1-2)"

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

# Speed and memory (BENCHMARKS.md): whole processes on realistic corpora, ratios measured side by
# side in one run. The full set takes about three hours on 2 cores; each script's --help gives
# smaller sizes.
bench: install
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_merge.py
	$(BIN)/python benchmarks/bench_stories.py
	$(BIN)/python benchmarks/bench_api.py

# Accuracy: real published news first (dev is gated by the tests; test is frozen and only
# reported), then the public gold data and Sitroom's own self-written sets.
eval: install
	$(BIN)/sitroom eval realnews eval/realnews --split dev
	$(BIN)/sitroom eval realnews eval/realnews --split test
	$(BIN)/sitroom eval plover eval/plover_gsr/PLOVER_GSR_CAMEO.txt
	$(BIN)/sitroom eval petrarch eval/petrarch2/PETR.UnitTest.records.xml
	$(BIN)/sitroom eval petrarch eval/petrarch2/PETR.UnitTest.records.xml --own-lexicon
	$(BIN)/sitroom eval modality eval/modality
	$(BIN)/sitroom eval modality eval/modality/heldout
	$(BIN)/sitroom eval stories eval/stories

# The shipped decision model, from the repository's licence-clean annotated data (never the
# test split): real-news dev and train splits and the PLOVER gold records (docs/model-card.md).
MODEL_DATA := eval/realnews/dev eval/realnews/train eval/plover_gsr/PLOVER_GSR_CAMEO.txt
model: install
	$(BIN)/sitroom train $(MODEL_DATA) --output src/sitroom/data/decision.npz

# Re-pin dependencies after editing requirements/*.in (pip-tools, in a venv of its own).
lock:
	test -x $(VENV)-lock/bin/python || $(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/pip.lock
	$(VENV)-lock/bin/python -m pip install --quiet pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links -o requirements/pip.lock requirements/pip.in
	$(VENV)-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-index-url --no-emit-find-links -o requirements/dev.lock requirements/dev.in

clean:
	rm -rf $(VENV) $(VENV)-lock build dist src/*.egg-info .pytest_cache $(DEMO_DB)
