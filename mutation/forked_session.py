"""mutmut's fork runner, with every mutant's tests run from one collected session.

mutmut forks a child per mutant from a process that has imported the suite,
and the child runs `pytest.main` over the mutant's tests. That fresh session
cost ~175 ms a mutant before its first test ran (parsing arguments,
registering plugins and the conftest modules' fixtures, collecting the test
files, the summary at its end), more than most mutants' tests take. Here the
parent configures and collects one session of the whole selection, once; a
child picks the mutant's items out of it and runs them in the session's own
loop, so it pays only for its tests and their fixtures.

A mutant gets its fastest tests, grouped by module so a module's fixtures
are set up once, and only up to `OCTO_MUTATION_BUDGET` seconds of them (at
least one): as many as their measured times allow, and no more than the
child's own clock allows. mutmut measures a test's call; here its setup and
teardown count too (`WholeTestTime`: a redis-server started, a loopback
server, a temporary tree), but a fixture shared by several tests is measured
once, with the first, and a child may pay for it with another: the clock
stops the run between two tests once the budget is spent. One that passes
the tests it ran while others were left out is not called a survivor: it
exits with mutmut's "skipped" status, which `python -m mutation` reports as
undecided.

A run also ends at a deadline set by the tests it kept (`deadline`), not by
mutmut's, which is set by all the mutant's tests: a mutant that loops for ever
costs seconds, not minutes.

mutmut's own runs (measuring, the clean run, the forced failure) still use
`pytest.main`, in the parent, before the session is collected.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import time
from collections.abc import Iterable
from contextlib import redirect_stderr, redirect_stdout
from typing import TYPE_CHECKING, Any

from mutmut.configuration import config
from mutmut.runners.harness import PytestRunner
from mutmut.state import state
from mutmut.utils.file_utils import change_cwd
from mutmut.workers.isolation import ForkRunner

if TYPE_CHECKING:
    import pytest

UNDECIDED = 34  # mutmut's exit status for "skipped"
NO_TESTS = 33  # and for "no tests"
TIMED_OUT = 36  # and for "timeout"


def within(tests: Iterable[str], seconds: float, known: dict[str, float]) -> list[str]:
    """The fastest of `tests` whose durations add up to `seconds` (all if 0), at
    least one, fastest module first and a module's tests together."""
    kept: list[str] = []
    spent = 0.0
    for test in sorted(tests, key=lambda t: known.get(t, 0.0)):
        spent += known.get(test, 0.0)
        if kept and seconds > 0 and spent > seconds:
            break
        kept.append(test)
    fastest: dict[str, int] = {}
    for rank, test in enumerate(kept):
        fastest.setdefault(test.partition("::")[0], rank)
    return sorted(kept, key=lambda t: fastest[t.partition("::")[0]])


def deadline(seconds_measured: float) -> float:
    """How long a mutant's run of tests measured at `seconds_measured` may take
    before it is called a timeout (an endless loop, a wait that never ends).

    mutmut's own limit, `(time of all the mutant's tests + timeout_constant) *
    timeout_multiplier` (30 s at least with ours), is made for running all of
    them; a run cut to the budget is known to be short. A shared fixture may
    not be in the measured times, hence the constant added.
    """
    cfg = config()
    return cfg.timeout_constant + cfg.timeout_multiplier * seconds_measured


def give_back_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim; elsewhere nothing)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass


def end_after(seconds: float) -> None:
    """End this process with mutmut's "timeout" status after `seconds`."""
    timer = threading.Timer(seconds, os._exit, (TIMED_OUT,))
    timer.daemon = True
    timer.start()


class CollectedSession:
    """A pytest session configured and collected, whose tests have not run.

    It takes the steps of `pytest.main` up to running the tests (pytest's
    `_prepareconfig` and `Config._do_configure`: pytest is pinned in
    constraints.txt), and `run` takes the rest, once, in a forked child.
    """

    def __init__(self, args: list[str]) -> None:
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        # The terminal reporter keeps the stream it finds now, for every child: nowhere.
        self.nowhere = open(os.devnull, "w")  # noqa: SIM115 (open as long as the session)
        with redirect_stdout(self.nowhere), redirect_stderr(self.nowhere):
            self.config = _prepareconfig(args)
            self.config._do_configure()
            self.session = Session.from_config(self.config)
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        if self.session.testsfailed:
            raise RuntimeError(f"mutation: collecting the tests failed ({self.session.testsfailed} errors)")
        self.items = {item.nodeid: item for item in self.session.items}

    def run(self, nodeids: list[str], seconds: float = 0) -> int:
        """Run these tests, in this order, stopping at the first failure, with the
        exit status `pytest.main` would give; after `seconds` (0: no limit), no
        further test starts, and a run cut so that passed is UNDECIDED.
        Once per process: the session is used up."""
        session = self.session
        session.items = [self.items[nodeid] for nodeid in nodeids if nodeid in self.items]
        session.testscollected = len(session.items)
        if not session.items:
            return NO_TESTS
        clock = Clock(session, seconds)
        self.config.pluginmanager.register(clock, "mutation-clock")
        try:
            try:
                self.config.hook.pytest_runtestloop(session=session)
            except (session.Failed, session.Interrupted):
                pass
            status = 1 if session.testsfailed else 0
            # Session fixtures end here (servers, subprocesses); the child exits without unconfiguring.
            self.config.hook.pytest_sessionfinish(session=session, exitstatus=status)
        except KeyboardInterrupt:
            return 2
        except BaseException:  # a mutant that breaks a hook or a teardown, as pytest.main says it
            return 3
        return UNDECIDED if status == 0 and clock.cut else status


class Clock:
    """A pytest plugin that stops a session's run between two tests once `seconds`
    have passed since it was made (0: never)."""

    def __init__(self, session: pytest.Session, seconds: float) -> None:
        self.session = session
        self.ends = time.monotonic() + seconds if seconds > 0 else float("inf")
        self.last = session.items[-1].nodeid
        self.cut = False

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        # Called after a test's teardown; pytest's loop stops before the next one.
        if nodeid != self.last and time.monotonic() > self.ends:
            self.cut = True
            self.session.shouldstop = "mutation: out of time"


class WholeTestTime:
    """A pytest plugin for mutmut's measuring run: a test's time is that of its setup
    and teardown too, not only of its call as mutmut measures it, since a mutant's
    child pays for them. A fixture shared by several tests counts for the first
    (setup) and the last (teardown)."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":  # mutmut adds the call's
            state().duration_by_test[report.nodeid] += report.duration


class SessionTests(PytestRunner):
    """mutmut's pytest runner; a mutant's run goes through the collected session."""

    def __init__(self) -> None:
        super().__init__()
        self.collected: CollectedSession | None = None
        self.measured_everything = False
        self.plugins: list[object] = []  # for pytest.main, besides mutmut's

    def collect(self) -> None:
        # mutmut's own arguments for a run of every test, as execute_pytest completes them.
        args = ["--rootdir=.", "--tb=no", "-s", *self._pytest_args_regular_run([]), *self._pytest_add_cli_args]
        with change_cwd("mutants"):
            self.collected = CollectedSession(args)

    def run_stats(self, *, tests: Iterable[str]) -> int:
        tests = list(tests)
        self.plugins = [WholeTestTime()]
        try:
            status = super().run_stats(tests=tests)
        finally:
            self.plugins = []
        self.measured_everything = not tests and status == 0
        return status

    def execute_pytest(self, params: list[str], **kwargs: Any) -> int:
        kwargs["plugins"] = [*kwargs.get("plugins", ()), *self.plugins]
        return super().execute_pytest(params, **kwargs)

    def run_tests(self, *, mutant_name: str | None, tests: Iterable[str]) -> int:
        if self.collected is None or not mutant_name:
            return super().run_tests(mutant_name=mutant_name, tests=tests)
        # In the child: what the tests print goes nowhere (mutmut points only sys.stdout there).
        nowhere = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nowhere, 1)
        os.dup2(nowhere, 2)
        tests = list(tests)
        budget = float(os.environ.get("OCTO_MUTATION_BUDGET") or 0)
        known = state().duration_by_test
        kept = within(tests, budget, known)
        end_after(deadline(sum(known.get(test, 0.0) for test in kept)))
        with change_cwd("mutants"):
            status = self.collected.run(kept, seconds=budget)
        return UNDECIDED if status == 0 and len(kept) < len(tests) else status


class SessionForkRunner(ForkRunner):
    """mutmut's fork runner, collecting the session once before the first mutant."""

    test_runner: SessionTests

    def __init__(self, max_workers: int = 1) -> None:
        super().__init__(max_workers=max_workers, test_runner=SessionTests())

    def run_clean_tests(self, tests: Iterable[str]) -> int:
        # Right after measuring every test (which mutmut requires to pass), a clean run
        # of the same tests on the same code would only take minutes to say it again.
        if self.test_runner.measured_everything:
            return 0
        return super().run_clean_tests(tests)

    def startup(self) -> None:
        self.test_runner.collect()
        # What mutmut's own runs left is garbage: freed now and given back to the system, it
        # is neither frozen into every child's heap nor in every fork's page tables. Forking,
        # a child's first writes and its exit cost kernel time (near half the machine's) in
        # proportion to this process's memory: 862 MB without this, 706 MB with it.
        gc.collect()
        give_back_free_memory()
        super().startup()  # freezes the heap the children inherit
