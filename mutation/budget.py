"""A pytest plugin for `make mutation`: a mutant gets its fastest tests, up to a budget.

mutmut runs every test that reaches a mutated function until one fails. A
mutant that no test kills runs them all, and for a function that most of the
suite reaches (binding a call, the retry loop, parsing a spec entry) that is
minutes per mutant; even a mutant the first test kills pays for collecting
every test module on its list. With `OCTO_MUTATION_BUDGET=SECONDS`, a mutant's
tests are the fastest ones (by the durations mutmut measured) whose times add
up to the budget, at least one, cut from the arguments before pytest collects
anything. A mutant that passes them all while slower tests were left out is
not called a survivor: it exits with mutmut's "skipped" status, which
`python -m mutation` reports as undecided and counts as not detected, so the
score is a lower bound. `make mutation MUTANTS=NAME` runs a mutant's every
test (no budget) to decide it.
"""

from __future__ import annotations

import os
from typing import Any

from mutation.fastest_first import durations

UNDECIDED = 34  # mutmut's exit status for "skipped"
_cut: list[bool] = []


def budget() -> float:
    """The seconds of a mutant's tests; 0 (no limit) outside a mutant's own run
    (mutmut's collecting, measuring and clean runs need every test)."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return 0.0
    return float(os.environ.get("OCTO_MUTATION_BUDGET") or 0)


def within(tests: list[str], seconds: float, known: dict[str, float]) -> list[str]:
    """The fastest of `tests` whose durations add up to `seconds`, at least one."""
    kept: list[str] = []
    spent = 0.0
    for test in sorted(tests, key=lambda t: known.get(t, 0.0)):
        spent += known.get(test, 0.0)
        if kept and spent > seconds:
            break
        kept.append(test)
    return kept


def pytest_load_initial_conftests(early_config: Any, parser: Any, args: list[str]) -> None:
    limit, known = budget(), durations()
    tests = [arg for arg in args if "::" in arg]
    if limit <= 0 or not known or not tests:
        return
    kept = within(tests, limit, known)
    if len(kept) < len(tests):
        args[:] = [arg for arg in args if "::" not in arg] + kept
        _cut.append(True)


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    if _cut and exitstatus == 0:
        session.exitstatus = UNDECIDED
