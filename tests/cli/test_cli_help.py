"""Help at each level, and that it reads only the namespace it shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

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


def test_namespace_help_lines_up_summaries_and_wraps_long_names(run: Run) -> None:
    out = run("repos", "--help").out
    commands = metadata.namespace("repos")["commands"]
    fits = next(name for name in commands if len(name) == 37)  # names up to 36 set the column: 38 wide
    wraps = next(name for name in commands if len(name) == 38)
    assert out.startswith("usage: octo repos COMMAND [ARGS]  (octo repos COMMAND --help for its parameters)\n"
                          "\ncommands:\n")
    assert f"\n  get{' ' * 35}{commands['get']['summary']}\n" in out
    assert f"\n  {fits} {commands[fits]['summary']}\n" in out
    assert f"\n  {wraps}\n{' ' * 40}{commands[wraps]['summary']}\n" in out
    assert out.endswith(f"{commands[list(commands)[-1]]['summary']}\n")


@pytest.mark.usefixtures("kinds")
def test_namespace_help_marks_deprecated_commands(run: Run) -> None:
    assert run("clitest", "--help").out.splitlines()[3:] == [
        "  kinds      Every kind of parameter",
        "  listing    A paginated list inside a wrapping object",
        "  raw        Another representation",
        "  send-json  A raw JSON body",
        "  send-text  A raw text body (deprecated)",
        "  upload     Upload bytes",
    ]


@pytest.mark.parametrize(("argv", "message"), [
    (["repos", "get-brnch"],
     "repos has no command 'get-brnch'; did you mean 'get-branch' or 'get-branch-rules' or 'rename-branch'?"),
    (["repo", "get"], "unknown namespace 'repo'; did you mean 'repos'?"),
    (["repos", "zzzzzz"], "repos has no command 'zzzzzz'"),
    (["--timeout", "0", "repos", "get", "o", "r"], "argument --timeout: invalid positive number value: '0'"),
])
def test_a_mistyped_name_or_value_is_a_usage_error_that_says_so(run: Run, argv: list[str], message: str) -> None:
    result = run(*argv)
    assert result.code == 2 and result.err.splitlines()[-1] == f"octo: error: {message}", result.err


def test_command_help_shows_route_parameters_and_docs(run: Run) -> None:
    result = run("repos", "create-dispatch-event", "--help")
    assert result.code == 0
    assert result.out.startswith("usage: octo repos create-dispatch-event OWNER REPO --event-type TEXT [options]")
    assert "POST /repos/{owner}/{repo}/dispatches" in result.out
    assert "docs: https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event" in result.out
    assert "required parameters:\n  --event-type TEXT     string; required; length 1..100" in result.out
    assert "--client-payload JSON|@FILE" in result.out


@pytest.mark.other_processes
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
