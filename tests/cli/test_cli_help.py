"""Help at each level, and that it reads only the namespace it shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from cli.helpers import Run
from octo.cli import metadata


def test_top_level_help_lists_namespaces_and_exit_statuses(run: Run) -> None:
    metadata.loaded.clear()
    result = run("--help")
    assert result.code == 0
    assert "usage: octo [options] NAMESPACE COMMAND [ARGS]" in result.out
    for name, count in metadata.namespaces().items():
        assert f"  {name} " in result.out and f"{count} command" in result.out
    assert "exit status:" in result.out and "404 Not Found" in result.out
    assert 'eval "$(octo --completion bash)"' in result.out
    assert metadata.loaded == []  # no namespace file read for the list


def test_namespace_help_lists_commands_with_summaries(run: Run) -> None:
    result = run("repos", "--help")
    assert result.code == 0
    assert re.search(r"^  create-dispatch-event +Create a repository dispatch event$", result.out, re.M)
    assert "get-content" in result.out


def test_command_help_shows_route_parameters_and_docs(run: Run) -> None:
    result = run("repos", "create-dispatch-event", "--help")
    assert result.code == 0
    assert result.out.startswith("usage: octo repos create-dispatch-event OWNER REPO --event-type TEXT [options]")
    assert "POST /repos/{owner}/{repo}/dispatches" in result.out
    assert "docs: https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event" in result.out
    assert "required parameters:\n  --event-type TEXT     string; required; length 1..100" in result.out
    assert "--client-payload JSON|@FILE" in result.out


def test_help_for_one_command_loads_one_namespace_and_no_generated_module() -> None:
    code = (
        "import json, sys\n"
        "from octo.cli import main, metadata\n"
        "status = main(['repos', 'get', '--help'])\n"
        "sys.stderr.write(json.dumps({'status': status, 'loaded': metadata.loaded,\n"
        "                             'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    report = json.loads(done.stderr)
    assert report["status"] == 0 and "GET /repos/{owner}/{repo}" in done.stdout
    assert report["loaded"] == ["repos"]
    modules = set(report["modules"])
    assert not {m for m in modules if m.startswith("octo.rest")}


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.code == 0 and result.out.startswith("octo 0.")
