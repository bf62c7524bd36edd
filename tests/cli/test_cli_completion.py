"""Shell completion: the candidates, and the bash script in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli.helpers import Run
from octo.cli.completion import candidates, render


def values(words: list[str]) -> list[str]:
    return [v for v, _ in candidates(words)]


@pytest.mark.usefixtures("kinds")
def test_namespaces_commands_options_and_enum_values() -> None:
    kinds = ["clitest", "kinds", "o", "1", "p"]
    assert values(["cli"]) == ["clitest"]
    assert values(["--dry-run", "cli"]) == ["clitest"]
    assert values(["clitest", "l"]) == ["listing"]
    assert values([*kinds, "--st"]) == ["--state"]
    assert values([*kinds, "--state", ""]) == ["open", "closed"]
    assert values([*kinds, "--per-page", ""]) == []  # a free value
    assert values([*kinds, "--dr"]) == ["--draft", "--dry-run"]
    assert "--no-draft" in values([*kinds, "--no"])
    assert values(["clitest", "raw", "x", "--media-type", ""]) == ["raw", "diff"]
    assert values(["--completion", ""]) == ["bash", "zsh"]
    assert values(["nope", ""]) == []


@pytest.mark.usefixtures("kinds")
def test_options_and_what_follows_them() -> None:
    kinds = ["clitest", "kinds", "o", "1", "p"]
    # `octo <TAB>`: the hand-written commands, then the namespaces
    assert values([]) == ["api", "auth", "graphql", "webhooks", "clitest"]
    assert values(["--"]) == ["--include", "--paginate", "--dry-run", "--base-url", "--hostname", "--token-stdin",
                              "--timeout", "--header", "--verbose", "--jq", "--completion", "--version", "--help"]
    assert values(["--base-url", ""]) == []  # a URL is typed, not offered
    # After a flag without a value, the next word is an option again.
    assert values([*kinds, "--draft", "--st"]) == ["--state"]
    assert values([*kinds, "--no-draft", "--st"]) == ["--state"]
    assert values([*kinds, "--per-page", "--st"]) == []  # that word is --per-page's value
    assert values([*kinds, "--inc"]) == ["--include"]  # the command's own, not octo's as well
    assert values(["clitest", "old-kinds", "o", "1", "p", "--st"]) == ["--state"]  # an alias
    assert values(["clitest", "raw", "--media-type", ""]) == ["raw", "diff"]
    assert values(["clitest", "raw", "x", "--me"]) == ["--media-type"]
    assert values(["clitest", "send-json", "--da"]) == ["--data"]
    assert values(["clitest", "send-json", "--data", "-"]) == []  # `--data -` reads stdin
    assert values(["clitest", "nope", "--"]) == []


@pytest.mark.usefixtures("kinds")
def test_descriptions_go_with_the_candidates() -> None:
    kinds = ["clitest", "kinds", "o", "1", "p"]
    assert candidates(["--completion", ""]) == [("bash", ""), ("zsh", "")]
    assert candidates([*kinds, "--state", ""]) == [("open", ""), ("closed", "")]
    assert ("--no-draft", "") in candidates([*kinds, "--no"])
    assert ("--version", "print octo's version") in candidates(["--v"])
    assert ("--verbose", "log each request (method, URL, status, time) on stderr") in candidates(["--v"])
    assert candidates(["clitest", "send-json", "--da"]) == [("--data", "the request body: text, @FILE or -")]
    assert candidates(["clitest", "raw", "x", "--me"]) == [("--media-type", "another representation")]


def test_zsh_escapes_colons_and_bash_gets_values_only() -> None:
    pairs = [("a:b", "one: two"), ("c:d", "")]
    assert render(pairs, "zsh") == "a\\:b:one: two\nc\\:d\n"
    assert render(pairs, "bash") == "a:b\nc:d\n"


def test_zsh_candidates_carry_descriptions(run: Run) -> None:
    result = run("__complete", "zsh", "repos", "create-dispatch-e")
    assert result.out == "create-dispatch-event:Create a repository dispatch event\n"


def test_bash_script_completes_in_bash() -> None:
    _need("bash")
    script = (
        'eval "$(octo --completion bash)"\n'
        "COMP_WORDS=(octo issues list-for-repo o r --state c); COMP_CWORD=6; _octo_complete\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "--norc", "-c", script], env=_with_octo_on_path(), capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["closed"], done.stderr


def test_zsh_script_offers_candidates_with_descriptions() -> None:
    _need("zsh")
    # Stubs stand in for compsys, so the test runs the script's own glue only.
    script = (
        "compdef() { :; }\n"
        '_describe() { print -rl -- "${(@P)${@[-1]}}"; }\n'
        "_files() { print FILES; }\n"
        'eval "$(octo --completion zsh)"\n'
        "words=(octo issues list-for-repo o r --sta); CURRENT=6; _octo\n"
        "words=(octo repos get o ''); CURRENT=5; _octo\n"
    )
    done = subprocess.run(["zsh", "-f", "-c", script], env=_with_octo_on_path(), capture_output=True, text=True,
                          timeout=60)
    state, files = done.stdout.splitlines()
    assert state.startswith("--state:string; optional; one of open, closed, all"), done.stderr
    assert files == "FILES"  # no candidates for a path parameter: the shell completes files


def _need(shell: str) -> None:
    # A failure, not a skip: the completion script must be run by the real shell.
    if shutil.which(shell) is None:
        pytest.fail(f"{shell} is not installed: `apt-get install {shell}` (`make test` does it when run as root)")


def _with_octo_on_path() -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
