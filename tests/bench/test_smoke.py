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
    assert set(results["store"]["cpu"]) == {"none", "memory", "redis", "none_async", "memory_async", "redis_async"}
    assert {"requests", "octo"} <= set(results["paginate"]["cpu"])
    assert set(results["graphql"]["cpu"]) == {"rest", "graphql"}
    # Only a peer that is not installed may be missing; octo's own measurements never are.
    assert [k for k in results["unavailable"] if "octo" in k.split(".")] == [], results["unavailable"]
    for checker in ("mypy", "pyright"):
        assert checker in results["typecheck"] or f"typecheck.{checker}" in results["unavailable"]

    assert results["webhooks"]["wsgi_deliveries_per_second"] and results["webhooks"]["verify"]

    report = (tmp_path / "benchmarks.md").read_text()
    assert "| octo |" in report
    assert "deliveries per second" in report
    assert "octo CPU per call ÷ raw requests" in report
    assert "| `gh.graphql` |" in report
    for peer in ("pygithub", "githubkit", "ghapi"):
        if peer in results["unavailable"]:
            assert "is not installed" in report


def test_update_measures_one_section_and_keeps_the_rest(tmp_path: Path) -> None:
    earlier = json.loads((ROOT / "docs" / "benchmarks.json").read_text())
    (tmp_path / "benchmarks.json").write_text(json.dumps(earlier))
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "memory", "--update", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=100, check=False,
    )
    assert done.returncode == 0, done.stderr

    results = json.loads((tmp_path / "benchmarks.json").read_text())
    assert results["per_call"] == earlier["per_call"] and results["imports"] == earlier["imports"]
    assert (results["date"], results["commit"]) == (earlier["date"], earlier["commit"])
    assert results["memory"] != earlier["memory"] and "octo" in results["memory"]
    assert set(results["measured"]) == set(earlier.get("measured", {})) | {"memory"}
    assert results["measured"]["memory"] != earlier.get("measured", {}).get("memory")
    report = (tmp_path / "benchmarks.md").read_text()
    assert f"Measured in a later run: {results['measured']['memory']['date']}" in report


def test_the_report_leads_with_the_comparison_of_clients(tmp_path: Path) -> None:
    (tmp_path / "benchmarks.json").write_text((ROOT / "docs" / "benchmarks.json").read_text())
    done = subprocess.run([sys.executable, "-m", "bench", "--render", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=100, check=False)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "benchmarks.md").read_text()
    first_table = report[report.index("\n| "):report.index("\n\n", report.index("\n| "))]
    assert first_table.splitlines()[1].startswith("| client | `import` | memory | CPU per pair of calls")
    rows = [line.split(" | ")[0].removeprefix("| ") for line in first_table.splitlines()[3:]]
    assert rows[0] == "octo" and {"PyGithub", "githubkit", "ghapi (sync)"} <= set(rows)
    assert report.index("## Targets") > report.index(first_table)
