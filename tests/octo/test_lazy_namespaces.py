"""Namespaces load on first access, each alone."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CODE = """
import json, sys, octo
{access}
print(json.dumps(sorted(m for m in sys.modules if m.startswith("octo.rest"))))
"""


@pytest.mark.other_processes
@pytest.mark.parametrize("access", ["octo.Octo().repos", "octo.repos", "octo.Octo().code_scanning.get_alert"])
def test_first_access_imports_only_that_namespace(access: str) -> None:
    out = subprocess.run([sys.executable, "-c", CODE.format(access=access)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    name = access.split(".")[2 if access.startswith("octo.Octo") else 1]
    assert json.loads(out) == ["octo.rest", f"octo.rest.{name}"]


OPTIONAL = ["octo.aclient", "octo.auth.app", "octo.auth.oauth", "octo.stores.shared", "octo.stores.redis_store",
            "octo.webhooks"]


@pytest.mark.other_processes
def test_import_octo_loads_what_a_sync_call_needs_and_each_other_part_on_first_use() -> None:
    code = ("import json, sys, octo\n"
            f"before = [m for m in {OPTIONAL!r} if m in sys.modules]\n"
            "names = {n: type(getattr(octo, n)).__name__ for n in octo.__all__}\n"
            f"print(json.dumps([before, [m for m in {OPTIONAL!r} if m in sys.modules], names]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    before, after, names = json.loads(out)
    assert before == [] and after == OPTIONAL
    assert names["webhooks"] == "module" and names["AsyncOcto"] == names["Webhooks"] == names["AppAuth"] == "type"
    assert names["device_flow"] == "function" and names["RedisStore"] == "type"
