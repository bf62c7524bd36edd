"""The benchmark scripts still run (tiny counts, octo's own venv: no peers, no chart).

The real benchmark is `make bench`; it is too slow and too noisy for the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_writes_the_report(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--skip", "codegen", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=100, check=False,
    )
    assert done.returncode == 0, done.stderr

    results = json.loads((tmp_path / "benchmarks.json").read_text())
    assert {"requests", "octo"} <= set(results["imports"])
    assert results["first_repos"] and results["octo_after_requests"]
    assert {"requests", "octo"} <= set(results["imports_cpu"])
    assert {"requests", "octo"} <= set(results["per_call"]["cpu"])
    assert "octo" in results["memory"]
    assert {"requests", "octo"} <= set(results["paginate"]["cpu"])
    # Only a peer that is not installed may be missing; octo's own measurements never are.
    assert [k for k in results["unavailable"] if "octo" in k.split(".")] == [], results["unavailable"]

    report = (tmp_path / "benchmarks.md").read_text()
    assert "| octo |" in report
    assert "octo CPU per call ÷ raw requests" in report
    for peer in ("pygithub", "githubkit", "ghapi"):
        if peer in results["unavailable"]:
            assert "is not installed" in report
