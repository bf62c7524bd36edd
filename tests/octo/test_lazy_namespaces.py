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
