# Every target makes the virtualenv it needs; nothing relies on what was installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: shells venv generate check-generated openapi spec test lint typecheck clean prism pyright cassettes demo bench

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

test: $(STAMP) openapi check-generated prism pyright shells
	$(PY) -m pytest

# The CLI's completion scripts are tested in the real shells.
shells:
	@command -v zsh >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq zsh >/dev/null); } || \
		echo "zsh not found and not installable here: the zsh completion test will fail (apt-get install zsh)"

lint: $(STAMP)
	$(PY) -m ruff check octo codegen tests bench

typecheck: $(STAMP)
	$(PY) -m mypy

# Node tools from their lockfiles into tests/<folder>/node_modules (no global install):
# Prism for the contract tests, pyright, the second type checker of tests/typing/.
PRISM_STAMP := tests/contract/node_modules/.installed
PYRIGHT_STAMP := tests/typing/node_modules/.installed

# $(call npm_ci,FOLDER,WHO): install FOLDER's package-lock.json; WHO needs Node.js.
define npm_ci
	@command -v node >/dev/null && command -v npm >/dev/null || { \
	  echo "$(2) need Node.js (>= 18) and npm." >&2; \
	  echo "Install them (Debian: apt-get install nodejs npm) and rerun." >&2; exit 1; }
	npm ci --prefix $(1) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
endef

prism: $(PRISM_STAMP)

$(PRISM_STAMP): tests/contract/package-lock.json
	$(call npm_ci,tests/contract,The contract tests (Prism))

pyright: $(PYRIGHT_STAMP)

$(PYRIGHT_STAMP): tests/typing/package-lock.json
	$(call npm_ci,tests/typing,The typing tests (pyright))

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

bench: $(STAMP) $(BENCH_STAMP) $(PYRIGHT_STAMP)
	$(BENCH_VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) .pytest_cache .mypy_cache .ruff_cache

cassettes: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.cassettes

demo: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.demo
