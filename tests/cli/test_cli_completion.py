"""Shell completion: the candidates, and the bash script in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli.helpers import Run
from octo_cli.completion import candidates


def values(words: list[str]) -> list[str]:
    return [v for v, _ in candidates(words)]


def test_namespaces_commands_options_and_enum_values() -> None:
    assert values(["re"]) == ["repos"]
    assert values(["--dry-run", "is"]) == ["issues"]
    assert values(["repos", "get"]) == ["get", "get-content"]
    assert values(["issues", "list-for-repo", "o", "r", "--s"]) == ["--state", "--sort", "--since"]
    assert values(["issues", "list-for-repo", "o", "r", "--state", ""]) == ["open", "closed", "all"]
    assert values(["issues", "list-for-repo", "o", "r", "--per-page", ""]) == []  # free value
    assert "--paginate" in values(["issues", "list-for-repo", "o", "r", "--"])
    assert values(["--completion", ""]) == ["bash", "zsh"]
    assert values(["nope", ""]) == []


def test_zsh_candidates_carry_descriptions(run: Run) -> None:
    result = run("__complete", "zsh", "repos", "create-dispatch")
    assert result.out == "create-dispatch-event:Create a repository dispatch event\n"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_script_completes_in_bash() -> None:
    bin_dir = Path(sys.executable).parent
    script = (
        'eval "$(octo --completion bash)"\n'
        "COMP_WORDS=(octo issues list-for-repo o r --state c); COMP_CWORD=6; _octo_complete\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "--norc", "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["closed"], done.stderr


@pytest.mark.skipif(shutil.which("zsh") is None, reason="needs zsh")
def test_zsh_script_parses() -> None:
    done = subprocess.run([sys.executable, "-m", "octo", "--completion", "zsh"], capture_output=True, text=True,
                          timeout=60)
    assert subprocess.run(["zsh", "-n"], input=done.stdout, text=True, timeout=60).returncode == 0
