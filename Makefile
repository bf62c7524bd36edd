# Every target makes the virtualenv it needs; nothing relies on what was installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: shells venv generate check-generated openapi spec test lint typecheck clean prism cassettes demo bench mutation

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

generate: $(STAMP)
	$(PY) -m codegen

# The pinned OpenAPI description at .cache/openapi/api.github.com.json (sha256-checked).
openapi: $(STAMP)
	$(PY) -m codegen.pinned

# spec/*.yaml from the description; hand-written entries are kept.
spec: openapi
	$(PY) -m codegen.openapi

# spec/ is the import of the pinned description, and code and docs are what spec/ renders.
check-generated: openapi
	$(PY) -m codegen.openapi --check
	$(PY) -m codegen --check

test: $(STAMP) openapi check-generated prism shells
	$(PY) -m pytest

# The CLI's completion scripts are tested in the real shells.
shells:
	@command -v zsh >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq zsh >/dev/null); } || \
		echo "zsh not found and not installable here: the zsh completion test will fail (apt-get install zsh)"

lint: $(STAMP)
	$(PY) -m ruff check octo codegen tests bench mutation

typecheck: $(STAMP)
	$(PY) -m mypy

# Benchmarks against the peers, in a virtualenv of their own (bench/requirements.txt).
# octo is installed editable in compat mode where setuptools still has it: a plain path
# entry rather than an import hook that every measured interpreter start would load.
# BENCH_ARGS: see `python -m bench -h`.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): bench/requirements.txt pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat \
	  || $(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .mypy_cache .ruff_cache mutants

# Mutation testing (mutmut, configured in pyproject.toml) of octo/ but not octo/rest/, and of
# codegen/, against the non-contract tests: prints the score and the surviving mutants not
# accepted in mutation/accepted.txt. Not part of `make test`. Results stay in mutants/, so the
# next run tests only what changed. MUTANTS='octo.retry.*' tries only those mutants again.
mutation: $(STAMP) openapi
	nice -n 19 $(PY) -m mutation $(MUTANTS)

# Prism, from the lockfile into tests/contract/node_modules (no global install).
PRISM_STAMP := tests/contract/node_modules/.installed

prism: $(PRISM_STAMP)

$(PRISM_STAMP): tests/contract/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "The contract tests need Node.js (>= 18) and npm to run Prism." >&2; \
	  echo "Install them (Debian: apt-get install nodejs npm) and rerun." >&2; exit 1; }
	npm ci --prefix tests/contract --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

cassettes: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.cassettes

demo: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.demo
