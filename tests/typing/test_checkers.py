"""mypy --strict and pyright (basic and strict) on user scripts, with octo as a
user has it (an installed library, outside the project): the README's examples
and tests/typing/scripts/ must pass; each file of tests/typing/mistakes/ must
be reported, on the line marked `# error`.

Pyright comes from tests/typing/package-lock.json (`make pyright`); mypy is a
dev dependency. How long a cold mypy run takes is a `make bench` figure
(bench/measure.py, target 15 s), not a test here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

HERE = Path(__file__).parent
PYRIGHT = HERE / "node_modules" / ".bin" / "pyright"
MISTAKES = sorted((HERE / "mistakes").glob("*.py"))
# The oldest Python octo supports (requires-python).
PYTHON_VERSION = "3.11"


def readme_examples() -> str:
    """The README's Python blocks, in order, as one script (as a reader pastes them)."""
    blocks = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), re.S | re.M)
    # Each block is an example of its own, so later ones import octo again.
    return "# pyright: reportDuplicateImport=false\n" + "\n".join(blocks)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the project holding every script."""
    folder = tmp_path_factory.mktemp("user")
    (folder / "readme_examples.py").write_text(readme_examples())
    for path in [*(HERE / "scripts").glob("*.py"), *MISTAKES]:
        shutil.copy(path, folder / path.name)
    return folder


def expected_lines() -> dict[str, int]:
    return {p.name: next(i for i, line in enumerate(p.read_text().splitlines(), 1) if line.endswith("# error"))
            for p in MISTAKES}


def good(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.py") if p.name not in expected_lines())


def run_mypy(folder: Path, names: list[str]) -> tuple[dict[str, set[int]], str]:
    """Cold mypy --strict on `names` in `folder`: (error lines by file, output)."""
    cache = folder / f".mypy_cache_{len(names)}"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--python-version", PYTHON_VERSION, "--cache-dir", str(cache),
         "--no-error-summary", "--config-file", os.devnull, *names],
        cwd=folder, env={**os.environ, "MYPYPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    errors: dict[str, set[int]] = {}
    for m in re.finditer(r"^([\w.]+\.py):(\d+): error:", done.stdout, re.M):
        errors.setdefault(m[1], set()).add(int(m[2]))
    return errors, done.stdout


@pytest.fixture(scope="module")
def mypy(scripts: Path) -> tuple[dict[str, set[int]], str]:
    """Cold mypy --strict on every script."""
    return run_mypy(scripts, sorted(p.name for p in scripts.glob("*.py")))


def run_pyright(folder: Path, mode: str) -> tuple[dict[str, set[int]], str]:
    if not PYRIGHT.exists():
        pytest.fail("pyright is not installed: run `make pyright` (needs Node.js and npm)")
    (folder / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": mode, "pythonVersion": PYTHON_VERSION}))
    # octo found through PYTHONPATH is a library to pyright, as it is once installed.
    done = subprocess.run([str(PYRIGHT), "--outputjson", "--pythonpath", sys.executable],
                          cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    errors: dict[str, set[int]] = {}
    for d in report["generalDiagnostics"]:
        if d["severity"] == "error":
            errors.setdefault(Path(d["file"]).name, set()).add(d["range"]["start"]["line"] + 1)
    return errors, done.stdout


@pytest.fixture(scope="module", params=["basic", "strict"])
def pyright(request: pytest.FixtureRequest, scripts: Path) -> tuple[dict[str, set[int]], str]:
    return run_pyright(scripts, request.param)


def test_mypy_strict_accepts_the_examples_and_reports_each_mistake(
        scripts: Path, mypy: tuple[dict[str, set[int]], str]) -> None:
    errors, out = mypy
    assert {name: errors[name] for name in good(scripts) if name in errors} == {}, out
    assert {name: errors.get(name, set()) for name in expected_lines()} == {
        name: {line} for name, line in expected_lines().items()}, out


def test_pyright_accepts_the_examples_and_reports_each_mistake(
        scripts: Path, pyright: tuple[dict[str, set[int]], str]) -> None:
    errors, out = pyright
    assert {name: errors[name] for name in good(scripts) if name in errors} == {}, out
    assert {name: errors.get(name, set()) for name in expected_lines()} == {
        name: {line} for name, line in expected_lines().items()}, out


def test_every_kind_of_mistake_is_covered() -> None:
    assert {p.stem for p in MISTAKES} >= {"field_name", "field_type", "enum_value", "nested_required_field",
                                          "paginate_a_method_that_does_not"}
