"""A pytest plugin for `make mutation`: each run starts with the heap frozen.

mutmut runs a mutant's tests with `pytest.main` in a process forked from one
that has imported and collected the whole suite. The garbage collector would
walk all of that inherited heap again in every such run (pytest's check for
unraisable exceptions alone calls `gc.collect()` several times at its end);
frozen, it walks only what the mutant's own tests make. A mutant whose tests
take a few milliseconds took 0.44 s a run without this and 0.15 s with it.
"""

from __future__ import annotations

import gc
from typing import Any


def pytest_configure(config: Any) -> None:
    gc.freeze()
