"""The committed spec/, loaded once per test session."""

from __future__ import annotations

import functools
from pathlib import Path

from codegen.spec import Namespace, load_spec

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def namespaces() -> tuple[Namespace, ...]:
    return tuple(load_spec(ROOT / "spec"))
