"""The guides' examples run as a reader meets them: each page with its README
sections put in (as the site shows it), its Python blocks run in order in one
namespace against the README's loopback GitHub, its `octo ...` lines dry-run."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SENTINEL
from server import Recorded, Reply, ScriptedServer
from test_readme import GHES, FakeGitHub, blocks, command_lines, github  # noqa: F401 - github is the fixture used below

from octo.cli import main

DOCS = ROOT / "docs"
INCLUDE = re.compile(r'^--8<-- "([^":]+)(?::([\w-]+))?"$', re.M)


def section(file: str, name: str | None) -> str:
    text = (ROOT / file).read_text(encoding="utf-8")
    if name is None:
        return text
    start, end = f"<!-- --8<-- [start:{name}] -->\n", f"<!-- --8<-- [end:{name}] -->"
    assert start in text and end in text, f"{file} has no section {name!r}"
    return text[text.index(start) + len(start):text.index(end)]


def page(path: Path) -> str:
    """The page's Markdown with its includes put in, as MkDocs renders it."""
    return INCLUDE.sub(lambda m: section(m[1], m[2]), path.read_text(encoding="utf-8"))


GUIDES = sorted(p for p in DOCS.glob("*.md") if p.name != "benchmarks.md")
WITH_CODE = [p for p in GUIDES if blocks(page(p), "python")]


class GuideGitHub(FakeGitHub):
    """The README's fake GitHub, plus a repository that does not exist."""

    def __call__(self, request: Recorded) -> Reply:
        if "/no-such-repository" in request.route:
            return Reply(404, json={"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
        return super().__call__(request)


def test_every_include_names_a_section_that_exists() -> None:
    for path in GUIDES:
        for file, name in INCLUDE.findall(path.read_text(encoding="utf-8")):
            assert section(file, name or None).strip(), f"{path.name}: {file}:{name} is empty"


@pytest.mark.parametrize("path", WITH_CODE, ids=lambda p: p.name)
def test_python_examples_run_as_written(path: Path, github: ScriptedServer,  # noqa: F811
                                        capsys: pytest.CaptureFixture[str]) -> None:
    github.handler = GuideGitHub()
    github.handler.url = github.url
    namespace: dict[str, Any] = {"__name__": "guide", "WEBHOOK_SECRET": "It's a Secret to Everybody"}
    for i, code in enumerate(blocks(page(path), "python")):
        code = code.replace(GHES, github.url + "/api/v3")
        exec(compile(code, f"{path.name} python block {i + 1}", "exec"), namespace)  # a reader's paste


def test_the_quick_start_shows_what_it_says(github: ScriptedServer,  # noqa: F811
                                            capsys: pytest.CaptureFixture[str]) -> None:
    github.handler = GuideGitHub()
    github.handler.url = github.url
    namespace: dict[str, Any] = {"__name__": "guide"}
    for code in blocks(page(DOCS / "quickstart.md"), "python"):
        exec(code, namespace)
    out = capsys.readouterr().out.splitlines()
    assert "200 octocat/hello-world" in out
    assert "4999 requests left in this hour" in out
    assert "404 Not Found" in out
    assert "160" in out  # the last issue of the second page


@pytest.mark.parametrize("argv", [a for p in GUIDES for a in command_lines(page(p))], ids=" ".join)
def test_command_lines_parse(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    monkeypatch.setenv("GH_REPO", "octocat/hello-world")  # for `octo api repos/{owner}/{repo}`
    assert main(["--dry-run", *argv]) == 0, capsys.readouterr().err
