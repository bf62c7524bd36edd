"""`import octo` stays next to `import requests` (target: within 20 ms).

Timing is too noisy for the suite, so this checks the cause found by profiling
instead: octo must not pull in heavy standard-library modules that requests does
not load already (`dataclasses` alone brings `inspect`, `ast` and `dis`: ~10 ms
on a quiet machine, 35 ms on a busy one), nor any generated namespace module.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = {"dataclasses", "inspect", "ast", "dis", "asyncio", "typing_extensions", "decimal",
         "zoneinfo", "uuid", "secrets", "hmac", "jwt", "cryptography"}


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; import json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(done.stdout))


def test_import_octo_loads_nothing_heavy_beyond_requests() -> None:
    added = _loaded_after("import octo") - _loaded_after("import requests")
    assert not added & HEAVY, f"import octo now loads {sorted(added & HEAVY)}"
    assert not any(m.startswith("octo.rest.") for m in added), "a namespace module is imported eagerly"
