# Every target does its own set-up: a fresh clone needs nothing but python3 (and root
# for the Debian packages that OCR needs).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3

.PHONY: help install system bytecode test lint format docs docs-check demo serve bench fuzz clean

help:
	@echo "make demo    build a small archive, export an evidence package, verify it"
	@echo "make test    format check, ruff, mypy --strict, pytest, docs check"
	@echo "make serve   serve the demo archive at http://127.0.0.1:8000 (prints an admin login)"
	@echo "make bench   run the benchmarks in bench/ and print a table"
	@echo "make fuzz    fuzz every parser of outside input at length; kill the CLI 100 times"
	@echo "make install create .venv with erfurt and its dependencies"

$(UV):
	python3 -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Debian packages first: building PyICU (nomenklatura, in the bench extra) needs libicu-dev.
$(VENV)/.installed: pyproject.toml uv.lock $(UV)
	bash scripts/system-packages.sh
	$(UV) sync --frozen --all-extras --compile-bytecode --quiet
	touch $@

install: $(VENV)/.installed

# Debian packages (tesseract and its language packs, ...): installed when run as root,
# otherwise the script says what to install.
system:
	@bash scripts/system-packages.sh

lint: install
	$(VENV)/bin/ruff format --no-cache --check src tests bench scripts
	$(VENV)/bin/ruff check --no-cache src tests bench scripts
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format src tests bench scripts
	$(VENV)/bin/ruff check --fix src tests bench scripts

docs: install
	$(PY) scripts/gen_cli_docs.py --write

docs-check: install
	$(PY) scripts/gen_cli_docs.py --check

# Erfurt's own modules compiled (the dependencies are, at install): with
# PYTHONDONTWRITEBYTECODE set, every process the tests and the demo start (`erfurt`
# commands, search followers, servers) would otherwise compile each module it imports, a
# second or more of CPU each time.
bytecode: install
	$(PY) -m compileall -q src

# The slowest tests are listed at the end: the suite must stay under 30 minutes on 2 cores.
test: system install lint docs-check bytecode
	$(VENV)/bin/pytest --durations=20

demo: system install bytecode
	bash demo/run.sh

serve: system install
	bash scripts/serve-demo.sh

bench: system install bytecode
	$(PY) bench/run.py

# The long runs of what the suite runs briefly: Hypothesis fuzzing of every parser of
# outside input (random seeds, FUZZ_EXAMPLES each) and 100 SIGKILLs of the CLI.
fuzz: system install bytecode
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} KILL_ROUNDS=$${KILL_ROUNDS:-100} \
		$(VENV)/bin/pytest tests/adversarial/test_fuzz_parsers.py \
		tests/adversarial/test_ops_kill_cli.py

clean:
	rm -rf $(VENV) .uv .mypy_cache .pytest_cache .ruff_cache demo-archive
