"""The sdist and the wheel as a packager and a user get them: built in an isolated
environment, checked by twine, the wheel installed (not editable) in a fresh venv
and used there; the sdist holds the whole buildable, testable project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

import pytest
from conftest import ROOT, SENTINEL
from server import Reply, ScriptedServer

import octo

NAME = "octo_github"


@dataclass
class Built:
    sdist: Path
    wheel: Path


def run(*command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`python -m build`: the sdist, then the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    assert sdist.name == f"{NAME}-{octo.__version__}.tar.gz"
    assert wheel.name == f"{NAME}-{octo.__version__}-py3-none-any.whl"
    return Built(sdist, wheel)


def project_files() -> set[str]:
    """The project's files: git's, or in an unpacked sdist the sdist's own list."""
    if (ROOT / ".git").exists():
        listed = run("git", "ls-files", "-z").stdout.split("\0")
    else:
        listed = (ROOT / f"{NAME}.egg-info" / "SOURCES.txt").read_text(encoding="utf-8").splitlines()
    return {name for name in listed if name and (ROOT / name).is_file()}


def test_twine_check_passes(built: Built) -> None:
    run(sys.executable, "-m", "twine", "check", "--strict", built.sdist, built.wheel)


def test_the_wheel_has_the_package_its_data_and_the_license_and_nothing_else(built: Built) -> None:
    names = set(zipfile.ZipFile(built.wheel).namelist())
    info = f"{NAME}-{octo.__version__}.dist-info"
    assert {f"{info}/licenses/LICENSE", "octo/py.typed", "octo/rest/_cli/_index.json", "octo/rest/repos.py",
            "octo/rest/_async/repos.pyi"} <= names
    assert {name.split("/")[0] for name in names} == {"octo", info}
    metadata = HeaderParser().parsestr(zipfile.ZipFile(built.wheel).read(f"{info}/METADATA").decode())
    assert metadata["Name"] == "octo-github" and metadata["Version"] == octo.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.11"
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert {url.split(",")[0] for url in metadata.get_all("Project-URL")} >= {"Documentation", "Repository",
                                                                              "Issues", "Changelog"}
    assert metadata.get_payload().startswith("# octo\n")  # the README is the long description


def test_the_sdist_is_the_whole_project_and_nothing_stray(built: Built) -> None:
    with tarfile.open(built.sdist) as tar:
        top = f"{NAME}-{octo.__version__}/"
        shipped = {m.name.removeprefix(top) for m in tar.getmembers() if m.isfile()}
    made_by_setuptools = {"PKG-INFO", "setup.cfg"} | {n for n in shipped if n.startswith(f"{NAME}.egg-info/")}
    ours = shipped - made_by_setuptools
    tracked = project_files() - made_by_setuptools
    left_out = {n for n in tracked - ours if not n.startswith(".")}  # .ci/, .gitignore: not the project's
    assert left_out == set()
    assert ours - tracked == set(), ("files in the sdist that are not the project's (MANIFEST.in takes whole "
                                     "folders: commit or remove them)")
    assert {"LICENSE", "Makefile", "constraints.txt", "mkdocs.yml", "spec/repos.yaml", "codegen/__main__.py",
            "tests/conftest.py", "tests/contract/package-lock.json", "docs/index.md"} <= ours


def test_the_wheel_installs_and_works_in_a_fresh_venv(built: Built, tmp_path: Path) -> None:
    venv.create(tmp_path / "venv", with_pip=True)
    bindir = tmp_path / "venv" / "bin"
    run(bindir / "python", "-m", "pip", "install", "--quiet", "-c", ROOT / "constraints.txt", built.wheel,
        timeout=300)
    env = {**os.environ, "GITHUB_TOKEN": SENTINEL}
    where = run(bindir / "python", "-c", "import octo; print(octo.__file__, octo.__version__)",
                cwd=tmp_path, env=env).stdout.split()
    assert Path(where[0]).is_relative_to(tmp_path / "venv") and where[1] == octo.__version__
    assert "repos" in run(bindir / "octo", "--help", cwd=tmp_path, env=env).stdout
    assert run(bindir / "octo", "--version", cwd=tmp_path, env=env).stdout == f"octo {octo.__version__}\n"

    def github(request: object) -> Reply:
        return Reply(200, json={"full_name": "octocat/hello-world"})

    with ScriptedServer(github) as server:
        env["GITHUB_API_URL"] = server.url
        shown = run(bindir / "octo", "repos", "get", "octocat", "hello-world", cwd=tmp_path, env=env).stdout
        called = run(bindir / "python", "-c", "import octo; print(octo.repos.get('octocat', 'hello-world').status)",
                     cwd=tmp_path, env=env).stdout
    assert json.loads(shown) == {"full_name": "octocat/hello-world"}
    assert called.strip() == "200"
    assert [r.route for r in server.requests] == ["/repos/octocat/hello-world"] * 2
    assert {r.headers["user-agent"] for r in server.requests} == {f"octo-github/{octo.__version__}"}
    assert {r.headers["authorization"] for r in server.requests} == {f"Bearer {SENTINEL}"}
