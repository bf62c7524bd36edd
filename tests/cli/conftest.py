from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from cli.helpers import KINDS_SPEC, Result, Run
from codegen.render import render_all
from codegen.spec import load_file
from octo.cli import main, metadata


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`octo ARGS...` in this process: exit status, stdout, stderr."""

    def call(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture(scope="session")
def kinds_generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModuleType]:
    """KINDS_SPEC through the real generator, once: its CLI folder and its module."""
    root = tmp_path_factory.mktemp("kinds")
    spec = root / "spec" / "clitest.yaml"
    spec.parent.mkdir()
    spec.write_text(KINDS_SPEC)
    files = render_all([load_file(spec)])
    for rel, text in files.items():
        if rel.startswith("octo/rest/_cli/"):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    module = ModuleType("octo.rest.clitest")
    exec(compile(files["octo/rest/clitest.py"], "octo/rest/clitest.py", "exec"), module.__dict__)
    return root / "octo/rest/_cli", module


@pytest.fixture
def kinds(kinds_generated: tuple[Path, ModuleType], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The `clitest` namespace, generated from KINDS_SPEC, as the CLI's only one."""
    folder, module = kinds_generated
    monkeypatch.setitem(sys.modules, "octo.rest.clitest", module)
    monkeypatch.setattr(metadata, "folder", lambda: folder)
    _clear_metadata()
    yield
    _clear_metadata()


def _clear_metadata() -> None:
    metadata.namespaces.cache_clear()
    metadata.namespace.cache_clear()
    metadata.loaded.clear()
