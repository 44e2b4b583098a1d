# `make run` and `make test` build .venv when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test lint bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python run.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check latent3d tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Every benchmark, each printing JSON and exiting 0 when it measured; the window's need an X display
# (a virtual one is started when none is set; bench_startup drives a real one through xvfb-run).
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_train.py --with-transform-loop
	$(BIN)/python benchmarks/bench_train.py --threads-only --background-load 6 --epochs 3 --max-train-images 6000
	$(BIN)/python benchmarks/bench_step.py
	$(BIN)/python benchmarks/bench_bce.py
	$(BIN)/python benchmarks/bench_blas.py
	$(BIN)/python benchmarks/bench_blas.py --background-load 4
	$(BIN)/python benchmarks/bench_viewer.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/bench_groups.py
	$(BIN)/python benchmarks/bench_learning.py
	$(BIN)/python benchmarks/bench_align.py
	$(BIN)/python benchmarks/bench_decoder_map.py
	$(BIN)/python benchmarks/bench_export.py
	xvfb-run -a -s "-screen 0 1500x950x24" $(BIN)/python benchmarks/bench_startup.py

clean-venv:
	rm -rf $(VENV)
