"""A pytest plugin for `make mutation`: run a mutant's tests fastest first.

mutmut stops at the first failing test, so a mutant that some quick test kills
is done in a fraction of a second instead of after the slow tests that happen
to come first. Tests stay grouped by module, so a module's fixtures are set up
once. Durations are those mutmut measured in its stats run; without them the
order is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def durations() -> dict[str, float]:
    """Seconds per test node id, as mutmut measured them."""
    try:
        from mutmut.state import state

        known: dict[str, float] = state().duration_by_test
        if known:
            return known
    except (ImportError, AttributeError):  # another mutmut version: read its stats file
        pass
    stats = Path("mutmut-stats.json")
    if stats.exists():
        loaded: dict[str, float] = json.loads(stats.read_text()).get("duration_by_test", {})
        return loaded
    return {}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    known = durations()
    if not known:
        return
    fastest: dict[str, float] = {}
    for item in items:
        module = item.nodeid.partition("::")[0]
        fastest[module] = min(fastest.get(module, float("inf")), known.get(item.nodeid, 0.0))
    items.sort(key=lambda item: (fastest[item.nodeid.partition("::")[0]], item.nodeid.partition("::")[0],
                                 known.get(item.nodeid, 0.0)))
