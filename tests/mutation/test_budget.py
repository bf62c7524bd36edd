"""mutation/budget.py: a mutant's run gets its fastest tests up to the budget,
and passing them while slower ones were left out is "undecided", not a survivor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mutation.budget import UNDECIDED, within

ROOT = Path(__file__).resolve().parents[2]
DURATIONS = {"test_it.py::test_quick": 0.01, "test_it.py::test_also_quick": 0.02, "test_it.py::test_slow": 5.0}
TESTS = """
import pathlib

def _ran(name):
    with open("ran.txt", "a") as f:
        f.write(name + "\\n")

def test_quick():
    _ran("test_quick")

def test_also_quick():
    _ran("test_also_quick")
    assert not pathlib.Path("fail").exists()

def test_slow():
    _ran("test_slow")
"""


def test_the_fastest_tests_within_the_budget_are_kept_and_always_one() -> None:
    assert within(list(DURATIONS), 1.0, DURATIONS) == ["test_it.py::test_quick", "test_it.py::test_also_quick"]
    assert within(["test_it.py::test_slow"], 0.1, DURATIONS) == ["test_it.py::test_slow"]
    assert within(list(DURATIONS), 10.0, DURATIONS) == list(DURATIONS)


def run(tmp_path: Path, mutant: str, budget: str, *, fail: bool = False) -> tuple[int, list[str]]:
    (tmp_path / "test_it.py").write_text(TESTS)
    (tmp_path / "mutmut-stats.json").write_text(json.dumps({"duration_by_test": DURATIONS}))
    (tmp_path / "ran.txt").unlink(missing_ok=True)
    if fail:
        (tmp_path / "fail").touch()
    env = {**os.environ, "MUTANT_UNDER_TEST": mutant, "OCTO_MUTATION_BUDGET": budget,
           "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "mutation.budget",
               *DURATIONS]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    ran = (tmp_path / "ran.txt").read_text().split() if (tmp_path / "ran.txt").exists() else []
    return done.returncode, ran


@pytest.mark.other_processes
def test_a_mutant_passing_its_budgeted_tests_is_undecided(tmp_path: Path) -> None:
    status, ran = run(tmp_path, "octo.x_f__mutmut_1", "1.0")
    assert sorted(ran) == ["test_also_quick", "test_quick"]
    assert status == UNDECIDED


@pytest.mark.other_processes
def test_a_mutant_failing_a_budgeted_test_is_killed(tmp_path: Path) -> None:
    status, ran = run(tmp_path, "octo.x_f__mutmut_1", "1.0", fail=True)
    assert status == 1 and "test_slow" not in ran


@pytest.mark.other_processes
def test_no_budget_runs_every_test_and_passing_is_surviving(tmp_path: Path) -> None:
    assert run(tmp_path, "octo.x_f__mutmut_1", "0") == (0, ["test_quick", "test_also_quick", "test_slow"])


@pytest.mark.other_processes
def test_mutmuts_own_runs_get_every_test_whatever_the_budget(tmp_path: Path) -> None:
    # The clean run and the measuring run: a cut there would lose tests for every mutant.
    assert run(tmp_path, "", "1.0") == (0, ["test_quick", "test_also_quick", "test_slow"])
    assert run(tmp_path, "stats", "1.0")[0] == 0
