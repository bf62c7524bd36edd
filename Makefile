# Every target makes the virtualenv it needs; nothing relies on what was installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Every install takes its exact versions from constraints.txt (pyproject.toml has the ranges).
CONSTRAINTS := constraints.txt
PIP_INSTALL = -m pip install --quiet -c $(CONSTRAINTS)

.PHONY: shells browser venv generate check-generated openapi spec test test-lowest test-pythons lint typecheck clean \
	prism pyright cassettes demo bench docs dist sdist-check lock mutation redis spec-diff

venv: $(STAMP)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_INSTALL) --upgrade pip
	$(PY) $(PIP_INSTALL) -e '.[dev]'
	touch $(STAMP)

generate: $(STAMP)
	$(PY) -m codegen

# The pinned OpenAPI description at .cache/openapi/api.github.com.json (sha256-checked).
openapi: $(STAMP)
	$(PY) -m codegen.pinned

# spec/*.yaml from the descriptions (api.github.com, then what GHEC and GHES add); hand-written entries are kept.
spec: openapi
	$(PY) -m codegen.openapi

# The changelog from a pinned description to a newer one, as spec/ would see it:
# make spec-diff NEW=path/to/api.github.com.json [TARGET=ghec|ghes-3.19|...]
spec-diff: openapi
	@test -n "$(NEW)" || { echo "usage: make spec-diff NEW=path/to/newer.json [TARGET=api.github.com]" >&2; exit 2; }
	$(PY) -m codegen.openapi_diff "$(NEW)" --target "$(or $(TARGET),api.github.com)"

# spec/ is the import of the pinned descriptions (api.github.com, GHEC, GHES), and code
# and docs are what spec/ renders.
check-generated: openapi
	$(PY) -m codegen.openapi --check
	$(PY) -m codegen --check

test: $(STAMP) openapi check-generated prism pyright shells browser redis test-lowest
	$(PY) -m pytest

# The library and CLI tests on the lowest versions pyproject.toml allows (constraints-lowest.txt;
# every other package as pinned in constraints.txt), on the lowest supported Python.
LOWEST_VENV := .venv-lowest
LOWEST_STAMP := $(LOWEST_VENV)/.installed

$(LOWEST_STAMP): pyproject.toml $(CONSTRAINTS) constraints-lowest.txt
	rm -rf $(LOWEST_VENV) && $(PYTHON) -m venv $(LOWEST_VENV)
	@# constraints.txt without the packages constraints-lowest.txt pins lower
	awk -F'==' '{ n = tolower($$1); gsub(/[-_.]+/, "-", n) } NR == FNR { low[n]; next } !(n in low)' \
	  constraints-lowest.txt $(CONSTRAINTS) > $(LOWEST_VENV)/constraints.txt
	$(LOWEST_VENV)/bin/python -m pip install --quiet -c $(LOWEST_VENV)/constraints.txt --upgrade pip
	$(LOWEST_VENV)/bin/python -m pip install --quiet -c $(LOWEST_VENV)/constraints.txt \
	  -c constraints-lowest.txt -e '.[test]'
	touch $@

test-lowest: $(LOWEST_STAMP)
	$(LOWEST_VENV)/bin/python -m pytest -q -m 'not contract' -p no:cacheprovider tests/octo tests/cli tests/test_readme.py

# The CLI's completion scripts are tested in the real shells.
shells:
	@command -v zsh >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq zsh >/dev/null); } || \
		echo "zsh not found and not installable here: the zsh completion test will fail (apt-get install zsh)"

# The library, CLI and codegen tests on the newer Pythons the classifiers name (pyenv's, or
# pythonX.Y on the PATH); each gets its own venv. CI runs this after make test.
PYTHONS ?= 3.12 3.13

test-pythons: openapi
	@set -e; for v in $(PYTHONS); do \
	  py=$$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/$$v.*/bin/python$$v 2>/dev/null | tail -1); \
	  [ -n "$$py" ] || py=$$(command -v python$$v) || { echo "test-pythons: no Python $$v found" >&2; exit 1; }; \
	  venv=.venv-py$$v; \
	  if ! [ $$venv/.installed -nt pyproject.toml -a $$venv/.installed -nt $(CONSTRAINTS) ]; then \
	    rm -rf $$venv && $$py -m venv $$venv && $$venv/bin/python $(PIP_INSTALL) --upgrade pip && \
	    $$venv/bin/python $(PIP_INSTALL) -e '.[test]' && touch $$venv/.installed; fi; \
	  echo "test-pythons: $$($$venv/bin/python --version)"; \
	  $$venv/bin/python -m pytest -q -m 'not contract' -p no:cacheprovider \
	    tests/octo tests/cli tests/codegen tests/test_readme.py; \
	done

# The store tests (tests/octo/test_stores.py) start Debian's redis-server on a free loopback port.
redis:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		echo "installing Debian's redis-server for the store tests (apt-get install redis-server)" && \
		(apt-get update -qq && apt-get install -y -qq redis-server >/dev/null); } || \
		echo "redis-server not found and not installable here: the store tests will fail (apt-get install redis-server)"

# The docs site's browser test drives Debian's Chromium (Playwright downloads no browser here).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		echo "installing Debian's chromium for the docs browser test (apt-get install chromium)" && \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null); } || \
		echo "chromium not found and not installable here: the docs browser test will fail (apt-get install chromium)"

# The documentation site, strictly (a broken link or a missing page fails), into site/.
# (mkdocs-material announces its end of life for May 2027 on every build; CONTRIBUTING.md says so once.)
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# The sdist and wheel, built in an isolated environment, into dist/, checked by twine.
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m twine check --strict dist/*
	@ls -l dist

# What a packager does: unpack the sdist in an empty directory (no ../shared: the pinned
# description comes from npm pack), then make generate, make check-generated and make test there.
sdist-check: dist
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar -xzf dist/*.tar.gz -C "$$tmp"; cd "$$tmp"/*/; \
	$(MAKE) generate PYTHON=$(PYTHON); \
	$(MAKE) check-generated PYTHON=$(PYTHON); $(MAKE) test PYTHON=$(PYTHON)

# Re-resolve constraints.txt within pyproject.toml's ranges (newest versions), in a throwaway venv.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ grep '^#' $(CONSTRAINTS); \
	  .venv-lock/bin/python -m pip freeze --all --exclude-editable | grep -viE '^(setuptools|wheel)=='; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS) && rm -rf .venv-lock

lint: $(STAMP)
	$(PY) -m ruff check octo codegen tests bench mkdocs_hooks.py mutation

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
	$(BENCH_VENV)/bin/python $(PIP_INSTALL) --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat \
	  || $(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP) $(PYRIGHT_STAMP)
	$(BENCH_VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(LOWEST_VENV) .venv-py3.* .pytest_cache .mypy_cache .ruff_cache site dist mutants

# Mutation testing (mutmut, configured in pyproject.toml) of octo/ but not octo/rest/, and of
# codegen/, against the non-contract tests: prints the score and the surviving mutants not
# accepted in mutation/accepted.txt. Not part of `make test`. Results stay in mutants/, so the
# next run tests only what changed. MUTANTS='octo.core.retry.*' tries only those mutants again.
mutation: $(STAMP) openapi shells browser pyright redis
	nice -n 19 $(PY) -m mutation $(MUTATION_ARGS) $(MUTANTS)


# A cassette per namespace, recorded against the Prism of its home description (api.github.com,
# else GHEC, else GHES 3.19); CASSETTES_ARGS=--missing records only the namespaces without one.
cassettes: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.cassettes $(CASSETTES_ARGS)

demo: $(STAMP) openapi prism
	PYTHONPATH=tests $(PY) -m contract.demo
