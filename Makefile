# Every target makes the virtualenv it needs; nothing relies on what was installed by hand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv generate check-generated openapi spec test lint typecheck clean

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

check-generated: $(STAMP)
	$(PY) -m codegen --check

test: $(STAMP) openapi check-generated
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check octo codegen tests

typecheck: $(STAMP)
	$(PY) -m mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
