"""`python -m mutation.mutmut_cli ARGS`: mutmut's command line, with its
mutants run from one collected session (mutation/forked_session.py) and its
progress line counted at most once a second.

mutmut 3.8 counts the status of every mutant to print its progress line
before each mutant it starts, so its own process did work that grows with the
square of the mutants: with 20,000 of them, a quarter of the machine's busy
CPU during a run (py-spy over mutmut and its forks, two cores). The count
stays exact; it is only printed less often.
"""

from __future__ import annotations

import sys
import time
from typing import Any

import mutmut.__main__ as mutmut_main

from mutation.forked_session import SessionForkRunner

_every_status = mutmut_main.print_stats
_last = [0.0]


def print_stats(data: Any, force_output: bool = False) -> None:
    now = time.monotonic()
    if force_output or now - _last[0] >= 1.0:
        _last[0] = now
        _every_status(data, force_output=force_output)


# Its callers look these names up in mutmut.__main__.
mutmut_main.print_stats = print_stats
mutmut_main.get_mutant_runner = SessionForkRunner

if __name__ == "__main__":
    sys.argv[0] = "mutmut"
    sys.exit(mutmut_main.cli())
