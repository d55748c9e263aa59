# Two commands a newcomer needs: `make run` (the demo) and `make test` (everything CI runs).
# Both create the local virtual environment on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit trace-screenshot venv clean bench bench-scale bench-distinct difftest soak \
	build-compiled clean-compiled test-compiled

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools>=70.1"
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m gateway dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# install-browser.sh: Debian's chromium + chromium-driver for the GraphiQL browser test;
# install-oracle.sh: the differential tester's reference gateways (npm ci in
# tests/difftest/oracle); install-services.sh: Debian's redis-server, nats-server and
# prometheus for the tests that start them; install-k8s-tools.sh: kubectl (kustomize) and helm
# for the deployment tests (tests/deploy). All are quick when installed; where they cannot
# install, the tests that need them skip and say why.
unit: $(STAMP)
	sh scripts/install-browser.sh
	sh scripts/install-oracle.sh
	sh scripts/install-services.sh
	sh scripts/install-k8s-tools.sh
	$(BIN)/pytest

test: lint typecheck unit

# docs/trace.png: a real trace of the README's query, rendered and screenshotted by headless
# Chromium (scripts/trace_screenshot.py; docs/observability.md)
trace-screenshot: $(STAMP)
	sh scripts/install-browser.sh
	$(BIN)/python scripts/trace_screenshot.py

# The full differential run over the whole corpus (tests/difftest): exit 1 where fedgate is the
# odd one out. DIFFTEST_ARGS adds options, e.g. DIFFTEST_ARGS="--shrink" writes regressions.
DIFFTEST_OPS ?= 200
difftest: $(STAMP)
	sh scripts/install-oracle.sh
	$(BIN)/python -m tests.difftest run --ops $(DIFFTEST_OPS) $(DIFFTEST_ARGS)

clean: clean-compiled
	rm -rf $(VENV) build *.egg-info

# The optional compiled build (docs/compiled.md): mypyc compiles the hot modules listed in
# gateway/compiled.py into extension modules next to their sources (needs gcc; a few
# minutes). Python then loads those instead of the .py files, for everything run from this
# tree (serve, bench, tests) until `make clean-compiled`; `fedgate --version` says which.
# After editing or merging a compiled module, build again: a stale build warns at start-up
# and the test suite refuses to run over it.
build-compiled: $(STAMP)
	FEDGATE_COMPILE=1 $(BIN)/python setup.py -q build_ext --inplace
	# a module's small extension is not rewritten when only the shared library changes:
	# stamp them all so the stale check (gateway/compiled.py) dates them from this build
	find gateway -name '*.so' -exec touch {} +
	$(BIN)/fedgate --version

clean-compiled:
	find gateway -name '*.so' -delete
	rm -rf build

# The compiled build checked end to end (never part of `make test`: the build takes minutes):
# tests/compiled builds the modules into a temporary copy of the package and serves a real
# query through it.
test-compiled: $(STAMP)
	FEDGATE_TEST_COMPILED=1 $(BIN)/pytest tests/compiled

# Micro-benchmarks (never part of `make test`) and the gateway-alone replay load.
bench: $(STAMP)
	$(BIN)/pytest bench/test_micro.py -p no:cacheprovider --benchmark-only --benchmark-columns=median,ops
	$(BIN)/python bench/replay.py run --seconds 10

# The resilience soak (never part of `make test`): 10 minutes of load while one subgraph goes
# down for 5 s every 30 s; fails on a failed request outside the outages or RSS growth >= 10 %.
SOAK_SECONDS ?= 600
soak: $(STAMP)
	$(BIN)/python -m tests.resilience.soak --seconds $(SOAK_SECONDS)

# Scale (never part of `make test`): a generated federation of 100 subgraphs and 2,000 types,
# composed, loaded (target <= 2 s) and a 50-field operation over 20 subgraphs planned cold
# (target <= 50 ms). SCALE_ARGS adds options, e.g. SCALE_ARGS="--profile load".
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py $(SCALE_ARGS)

# Memory with distinct operations (never part of `make test`): 10,000 new operations through
# the operation cache; RSS and tracemalloc every 1,000, and what grew past the cache size.
# DISTINCT_ARGS adds options, e.g. DISTINCT_ARGS="--rss-only" or "--server".
bench-distinct: $(STAMP)
	$(BIN)/python bench/distinct_ops.py $(DISTINCT_ARGS)
