"""mutation/forked_session.py: mutmut run on a small project, its mutants'
tests run from one collected session: killed, surviving and undecided
mutants come out as they would from a fresh pytest per mutant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from mutation.forked_session import within

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''
def double(x):
    return x * 2


def greet(name):
    return "hi " + name


def shout(text):
    return text.upper() + "!"


def countdown(n):
    while n > 0:
        n -= 1
    return n


def half(x):
    return x / 2
'''

TESTS = '''
import os
import time

import pytest

from pkg.calc import countdown, double, greet, half, shout


@pytest.fixture(scope="module")
def module_setups():
    with open(os.environ["SETUPS"], "a") as log:
        log.write(os.environ.get("MUTANT_UNDER_TEST", "") + "\\n")


def test_double(module_setups):
    os.write(1, b"printed by a test\\n")
    assert double(3) == 6


def test_double_again(module_setups):
    assert double(0) == 0


def test_greet_loosely():
    assert "hi" in greet("you")


def test_shout_quick():
    assert shout("a").startswith("A")


def test_countdown():
    assert countdown(3) == 0


def test_shout_slow():
    time.sleep(0.4)
    assert shout("a") == "A!"


@pytest.fixture(scope="module")
def slow_to_set_up():
    time.sleep(0.3)


def test_half_is_not_zero(slow_to_set_up):  # the fixture's setup is measured with this test
    assert half(4) != 0


def test_half_loosely(slow_to_set_up):  # not with this one
    assert half(4) != 0


def test_half():
    time.sleep(0.05)  # measured slower than test_half_loosely, so it runs second
    assert half(4) == 2
'''

PYPROJECT = '''
[tool.mutmut]
source_paths = ["pkg"]
pytest_add_cli_args = ["-p", "no:cacheprovider"]
pytest_add_cli_args_test_selection = ["tests"]
timeout_multiplier = 10.0  # as octo's pyproject.toml: mutmut's own limit is 30 s at least
timeout_constant = 3.0
'''


def test_the_fastest_tests_within_the_budget_are_kept_and_always_one() -> None:
    known = {"a.py::quick": 0.01, "a.py::also_quick": 0.02, "a.py::slow": 5.0}
    assert within(known, 1.0, known) == ["a.py::quick", "a.py::also_quick"]
    assert within(["a.py::slow"], 0.1, known) == ["a.py::slow"]
    assert within(known, 10.0, known) == ["a.py::quick", "a.py::also_quick", "a.py::slow"]
    assert within(known, 0, known) == ["a.py::quick", "a.py::also_quick", "a.py::slow"]  # 0: no limit


def test_a_modules_tests_stay_together_fastest_module_first() -> None:
    known = {"a.py::one": 0.01, "b.py::one": 0.02, "a.py::two": 0.03, "b.py::two": 0.04}
    assert within(known, 0, known) == ["a.py::one", "a.py::two", "b.py::one", "b.py::two"]


def mutmut_run(project: Path, budget: float) -> tuple[dict[str, str], str, float]:
    env = {**os.environ, "CI": "true", "OCTO_MUTATION_BUDGET": str(budget), "PYTHONPATH": str(ROOT),
           "SETUPS": str(project / "setups.txt")}
    run = [sys.executable, "-m", "mutation.mutmut_cli", "run", "--max-children", "2"]
    started = time.monotonic()
    done = subprocess.run(run, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    listed = subprocess.run([sys.executable, "-m", "mutation.mutmut_cli", "results", "--all", "true"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=60, check=True)
    statuses = dict(line.strip().rsplit(": ", 1) for line in listed.stdout.splitlines() if ": " in line)
    return statuses, done.stdout + done.stderr, took


def make_project(root: Path) -> Path:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "calc.py").write_text(SOURCE)
    (root / "tests").mkdir()
    (root / "tests" / "test_calc.py").write_text(TESTS)
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def mutants_of(statuses: dict[str, str], function: str) -> dict[str, str]:
    return {name: status for name, status in statuses.items() if f".x_{function}__" in name}


class Run(NamedTuple):
    project: Path
    statuses: dict[str, str]
    output: str
    took: float


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One mutmut run with a 0.1 s budget, read by several tests."""
    project = make_project(tmp_path_factory.mktemp("budgeted"))
    return Run(project, *mutmut_run(project, budget=0.1))


@pytest.mark.other_processes
def test_mutants_are_killed_survive_or_stay_undecided_within_the_budget(budgeted: Run) -> None:
    doubles = mutants_of(budgeted.statuses, "double")
    assert doubles and set(doubles.values()) == {"killed"}
    # "XXhi XX" still holds "hi": no test tells it from the original.
    assert budgeted.statuses["pkg.calc.x_greet__mutmut_2"] == "survived"
    # Only the slow test tells "XX!XX" from "!", and it was over the budget.
    assert "skipped" in mutants_of(budgeted.statuses, "shout").values()
    # A test's measured time holds its setup: the slow fixture's is with the first test using it.
    measured = json.loads((budgeted.project / "mutants" / "mutmut-stats.json").read_text())["duration_by_test"]
    assert measured["tests/test_calc.py::test_half_is_not_zero"] >= 0.3 > measured["tests/test_calc.py::test_half"]
    # test_half_loosely and test_half fit the budget by the times measured, but the child's clock
    # says the slow fixture, set up for test_half_loosely there, used it up: test_half does not start.
    halves = mutants_of(budgeted.statuses, "half")
    assert halves and set(halves.values()) == {"skipped"}
    assert "printed by a test" not in budgeted.output
    # The module fixture is set up once per mutant whose tests use it (never in the parent's collection).
    setups = (budgeted.project / "setups.txt").read_text().split()
    mutants_of_double = [line for line in setups if "x_double__" in line]
    assert sorted(mutants_of_double) == sorted(doubles)


@pytest.mark.other_processes
def test_without_a_budget_every_test_decides(tmp_path: Path) -> None:
    statuses, _, _ = mutmut_run(make_project(tmp_path), budget=0)
    shouts = mutants_of(statuses, "shout")
    assert shouts and set(shouts.values()) == {"killed"}
    halves = mutants_of(statuses, "half")
    assert halves and set(halves.values()) == {"killed"}
    assert statuses["pkg.calc.x_greet__mutmut_2"] == "survived"


@pytest.mark.other_processes
def test_a_mutant_that_never_ends_is_a_timeout_after_seconds_not_minutes(budgeted: Run) -> None:
    # `n += 1` counts up for ever; mutmut's own limit for it would be 30 s, the kept test's is ~3 s.
    assert "timeout" in mutants_of(budgeted.statuses, "countdown").values()
    assert budgeted.took < 20
