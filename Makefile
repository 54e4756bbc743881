# One entry point for set-up, demo, tests, lint and benchmarks. Every target sets up
# .venv first (idempotent), so `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup sandbox demo test lint typecheck format bench clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	@bash scripts/setup-system.sh

# the sandbox root file system and Docker image (cached; a no-op when present)
sandbox: setup
	$(BIN)/pivotrl sandbox build

demo: sandbox
	$(BIN)/pivotrl demo

test: sandbox
	$(BIN)/python -m pytest

lint: setup typecheck
	$(BIN)/ruff check .

# mypy on pivotrl.verifiers and pivotrl.sandboxes (config: pyproject's [tool.mypy]; cached, seconds when warm)
typecheck: setup
	$(BIN)/python scripts/typecheck.py

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: sandbox
	$(BIN)/python -m pivotrl.benchmarks.verifier_throughput
	$(BIN)/python -m pivotrl.benchmarks.sandbox_throughput
	$(BIN)/python -m pivotrl.benchmarks.judge_throughput
	$(BIN)/python -m pivotrl.benchmarks.logprob_kernels
	$(BIN)/python -m pivotrl.benchmarks.profiling_throughput
	$(BIN)/python -m pivotrl.benchmarks.chat_templates

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
