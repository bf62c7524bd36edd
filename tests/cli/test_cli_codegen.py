"""The CLI metadata is generated from spec/ like the rest, and checked the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.helpers import KINDS_SPEC
from codegen.__main__ import main as codegen
from codegen.render_cli import option_names
from codegen.spec import Param


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "clitest.yaml").write_text(KINDS_SPEC)
    assert codegen(["--root", str(tmp_path)]) == 0
    return tmp_path


def test_a_spec_entry_adds_a_command(project: Path) -> None:
    spec = project / "spec" / "clitest.yaml"
    spec.write_text(spec.read_text() + """\
  - name: list_tags
    method: GET
    path: /repos/{owner}/{repo}/tags
    summary: List repository tags
    docs_url: https://docs.github.com/rest/repos/repos#list-repository-tags
    paginated: true
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: per_page, in: query, type: integer}
""")
    assert codegen(["--root", str(project), "--check"]) == 1
    assert codegen(["--root", str(project)]) == 0
    data = json.loads((project / "octo/rest/_cli/clitest.json").read_text())
    command = data["commands"]["list-tags"]
    assert command["route"] == "GET /repos/{owner}/{repo}/tags" and command["paginated"] is True
    assert [p.get("flag") for p in command["params"]] == [None, None, "--per-page"]
    index = json.loads((project / "octo/rest/_cli/_index.json").read_text())
    assert index["namespaces"] == {"clitest": len(data["commands"])} == {"clitest": 7}


def test_check_reports_stale_and_edited_cli_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "octo/rest/_cli/gone.json").write_text("{}")
    edited = project / "octo/rest/_cli/clitest.json"
    edited.write_text(edited.read_text().replace("Upload bytes", "Upload"))
    assert codegen(["--root", str(project), "--check"]) == 1
    out = capsys.readouterr().out
    assert "octo/rest/_cli/gone.json: not produced by spec/" in out
    assert "a/octo/rest/_cli/clitest.json" in out
    assert codegen(["--root", str(project)]) == 0
    assert not (project / "octo/rest/_cli/gone.json").exists()


def test_option_names_are_unique_and_readable() -> None:
    def param(name: str, location: str, python_name: str) -> Param:
        return Param(name=name, location=location, type="string", required=False, python_name=python_name)

    flags = option_names([param("async", "body", "async_"), param("name", "query", "name"),
                          param("name", "body", "name_body"), param("help", "query", "help"),
                          param("X-Trace", "header", "X_Trace")])
    assert flags == {"async_": "--async", "name": "--name", "name_body": "--name-body",
                     "help": "--help-query", "X_Trace": "--x-trace"}
