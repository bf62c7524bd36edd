"""The generator: validation errors, determinism, --check, and the promise
that adding one spec entry gives a working method with no other change."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codegen.__main__ import main

ROOT = Path(__file__).resolve().parents[2]

DISPATCH = """\
namespace: repos
endpoints:
  - name: create_dispatch_event
    method: POST
    path: /repos/{owner}/{repo}/dispatches
    summary: Create a repository dispatch event
    docs_url: https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: event_type, in: body, type: string, required: true, min_length: 1, max_length: 100}
      - {name: client_payload, in: body, type: object, max_properties: 10}
"""


def codegen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m codegen` in-process (an uncaught exception fails the test)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *args])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of two namespaces of spec/ and the octo/ runtime to generate into
    (two keep it quick with the full API in spec/)."""
    (tmp_path / "spec").mkdir()
    for name in ("repos.yaml", "markdown.yaml"):
        shutil.copy(ROOT / "spec" / name, tmp_path / "spec" / name)
    shutil.copytree(ROOT / "spec" / "types", tmp_path / "spec" / "types")
    shutil.copytree(ROOT / "octo", tmp_path / "octo",
                    ignore=shutil.ignore_patterns("__pycache__", "rest"))
    return tmp_path


def small_project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "repos.yaml").write_text(text)
    return tmp_path


# Each case: a change to the smallest valid file, and what the error must name.
BAD_SPECS = {
    "undeclared path parameter": (
        DISPATCH.replace("/dispatches", "/dispatches/{hook}"), ["create_dispatch_event", "path", "{hook}"]),
    "unused path parameter": (
        DISPATCH.replace("/repos/{owner}/{repo}/dispatches", "/repos/{owner}/dispatches"),
        ["create_dispatch_event", "parameters[repo]", "not used"]),
    "duplicate method name": (
        DISPATCH + textwrap.indent(DISPATCH.split("endpoints:\n")[1], ""),
        ["create_dispatch_event", "already a method"]),
    "unknown in": (
        DISPATCH.replace("in: body, type: object", "in: cookie, type: object"),
        ["parameters[client_payload].in", "cookie"]),
    "unknown type": (
        DISPATCH.replace("type: object", "type: dict"), ["parameters[client_payload].type", "dict"]),
    "missing required field": (
        DISPATCH.replace("    summary: Create a repository dispatch event\n", ""),
        ["create_dispatch_event", "summary", "missing"]),
    "invalid python name": (
        DISPATCH.replace("name: create_dispatch_event", "name: create-dispatch-event"),
        ["create-dispatch-event", "not a valid Python name"]),
    "invalid python_name": (
        DISPATCH.replace("{name: client_payload,", "{name: client_payload, python_name: 'class',"),
        ["parameters[client_payload].python_name", "class"]),
    "clashing python names": (
        DISPATCH.replace("{name: client_payload,", "{name: client_payload, python_name: event_type,"),
        ["event_type", "also used"]),
    "optional path parameter": (
        DISPATCH.replace("{name: repo, in: path, type: string, required: true}",
                         "{name: repo, in: path, type: string}"),
        ["parameters[repo].required"]),
    "unknown endpoint field": (
        DISPATCH.replace("    summary:", "    sumary: x\n    summary:"), ["sumary", "not a known"]),
    "namespace differs from file name": (
        DISPATCH.replace("namespace: repos", "namespace: repo"), ["namespace", "file name"]),
    "not yaml": ("namespace: [unclosed\n", ["repos.yaml", "not valid YAML"]),
    "response that does not parse": (
        DISPATCH.replace("    parameters:", "    response: array[Foo\n    parameters:"),
        ["create_dispatch_event", "response", "expected ']'"]),
    "response naming no type": (
        DISPATCH.replace("    parameters:", "    response: Dispatch\n    parameters:"),
        ["create_dispatch_event", "response", "'Dispatch'", "no spec/types/ file defines"]),
    "both response and untyped": (
        DISPATCH.replace("    parameters:", "    response: empty\n    untyped: why\n    parameters:"),
        ["create_dispatch_event", "untyped", "not untyped"]),
    "media response of no media type": (
        DISPATCH.replace("    parameters:", "    media_responses: {diff: text}\n    parameters:"),
        ["create_dispatch_event", "media_responses.diff", "not one of the endpoint's media_types"]),
    "shape on a query parameter": (
        DISPATCH.replace("{name: owner, in: path, type: string, required: true}",
                         "{name: owner, in: path, type: string, required: true, shape: string}"),
        ["parameters[owner].shape", "only a body parameter"]),
    "api version that is a bare date": (
        DISPATCH + "    versions:\n      2026-03-10: {removed: [event_type]}\n",
        ["create_dispatch_event", "versions", "quoted"]),
    "version removing no parameter": (
        DISPATCH + '    versions:\n      "2026-03-10": {removed: [colour]}\n',
        ["versions.2026-03-10.removed", "'colour' is not a parameter"]),
    "version changing no parameter": (
        DISPATCH + '    versions:\n      "2026-03-10":\n        parameters:\n'
        "          - {name: colour, in: body, type: string}\n",
        ["versions.2026-03-10.parameters[colour]", "names no parameter"]),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_is_refused_with_a_clear_message_and_nothing_written(
    tmp_path: Path, case: str
) -> None:
    text, needles = BAD_SPECS[case]
    root = small_project(tmp_path, text)
    result = codegen(root)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "repos.yaml" in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    assert not (root / "octo").exists()


def test_output_is_byte_identical_run_after_run(project: Path) -> None:
    assert codegen(project).returncode == 0
    first = {p: p.read_bytes() for p in sorted((project / "octo" / "rest").glob("*.py"))}
    assert codegen(project).returncode == 0
    second = {p: p.read_bytes() for p in sorted((project / "octo" / "rest").glob("*.py"))}
    assert first == second and first


@pytest.mark.other_processes
def test_output_does_not_depend_on_the_hash_seed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # A set iterated into the output (names joined into an import line) comes out
    # in an order that changes with the interpreter's hash seed, which one process
    # generating twice cannot see. Three seeds: two orders can agree by chance.
    outputs = []
    for seed in ("1", "2", "3"):
        root = tmp_path_factory.mktemp(f"seed{seed}")
        shutil.copytree(project, root, dirs_exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "codegen", "--root", str(root)], cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append({p.relative_to(root).as_posix(): p.read_bytes()
                        for folder in ("octo/rest", "docs/reference") for p in sorted((root / folder).rglob("*"))
                        if p.is_file() and "__pycache__" not in p.parts})
    assert outputs[0] and len(outputs[0]) > 5
    assert outputs[0] == outputs[1] == outputs[2]


def test_committed_output_is_current() -> None:
    result = codegen(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_fails_with_a_diff_on_stale_or_extra_files(project: Path) -> None:
    assert codegen(project).returncode == 0
    repos = project / "octo" / "rest" / "repos.py"
    repos.write_text(repos.read_text().replace("Get a repository", "Get a repo"))
    result = codegen(project, "--check")
    assert result.returncode == 1
    assert "-        \"\"\"Get a repo." in result.stdout
    assert "+        \"\"\"Get a repository." in result.stdout

    assert codegen(project).returncode == 0
    (project / "octo" / "rest" / "leftover.py").write_text("# old\n")
    result = codegen(project, "--check")
    assert result.returncode == 1 and "leftover.py" in result.stdout
    assert codegen(project).returncode == 0
    assert not (project / "octo" / "rest" / "leftover.py").exists()


def test_generated_files_say_do_not_edit(project: Path) -> None:
    assert codegen(project).returncode == 0
    for path in (project / "octo" / "rest").glob("*.py"):
        assert path.read_text().startswith("# Generated by make generate (python -m codegen)")


NEW_ENTRY = """\
  - name: fetch_readme  # a hand entry; the imported API already has get_readme
    method: GET
    path: /repos/{owner}/{repo}/readme
    summary: Get a repository README
    docs_url: https://docs.github.com/rest/repos/contents#get-a-repository-readme
    parameters:
      - {name: owner, in: path, type: string, required: true}
      - {name: repo, in: path, type: string, required: true}
      - {name: ref, in: query, type: string}
"""


def test_adding_one_spec_entry_gives_a_working_method(project: Path) -> None:
    spec = project / "spec" / "repos.yaml"
    spec.write_text(spec.read_text() + NEW_ENTRY)
    result = codegen(project)
    assert result.returncode == 0, result.stderr
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, sys.argv[1])
        sys.path.insert(0, sys.argv[2])
        from server import ScriptedServer, Reply
        import octo
        assert octo.__file__.startswith(sys.argv[1]), octo.__file__
        with ScriptedServer() as s:
            s.queue(Reply(200, json={"name": "README.md"}))
            r = octo.Octo(base_url=s.url).repos.fetch_readme("octocat", "hello-world", ref="main")
            print(s.requests[0].method, s.requests[0].path, r.data["name"])
    """)
    out = subprocess.run([sys.executable, "-c", script, str(project), str(ROOT / "tests")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "GET /repos/octocat/hello-world/readme?ref=main README.md"


BAD_TYPES = {
    "lowercase type name": ("types:\n  thing:\n    type: string\n", ["types/local.yaml", "'thing'", "CamelCase"]),
    "property type that does not parse": (
        "types:\n  Thing:\n    properties:\n      id: integr\n", ["Thing.properties.id", "'integr'"]),
    "neither properties nor type": ("types:\n  Thing:\n    source: x\n", ["Thing", "either 'properties'"]),
    "event with a bad payload": ("events:\n  push: push\ntypes: {}\n", ["events.push", "'push'"]),
    "a name no file defines": ("types:\n  Thing:\n    type: array[Other]\n", ["Thing", "'Other'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_TYPES))
def test_bad_types_file_is_refused_with_a_clear_message(tmp_path: Path, case: str) -> None:
    text, needles = BAD_TYPES[case]
    root = small_project(tmp_path, DISPATCH)
    (root / "spec" / "types").mkdir()
    (root / "spec" / "types" / "local.yaml").write_text(text)
    result = codegen(root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    assert not (root / "octo").exists()


HAND_TYPES = """\
types:
  Readme:
    properties:
      name: string
      size?: integer
      encoding: enum[base64, utf-8] | null
      "+1": integer
      from?: string
      list: array[Readme]
  ReadmeOrNot:
    type: Readme | null
"""


def test_a_hand_entry_names_a_hand_type(project: Path) -> None:
    spec = project / "spec" / "repos.yaml"
    typed = NEW_ENTRY.replace("    parameters:", "    response: ReadmeOrNot\n    parameters:")
    spec.write_text(spec.read_text() + typed)
    (project / "spec" / "types" / "local.yaml").write_text(HAND_TYPES)
    result = codegen(project)
    assert result.returncode == 0, result.stderr
    assert "types: 1767 TypedDicts and aliases; 217 of 219 operations typed" in result.stdout
    repos = (project / "octo" / "rest" / "repos.py").read_text()
    assert ") -> Response[ReadmeOrNot]:\n        \"\"\"Get a repository README." in repos
    assert "if TYPE_CHECKING:\n" in repos and "    from octo.rest.types.local import (\n        ReadmeOrNot,\n" in repos
    module = (project / "octo" / "rest" / "types" / "local.py").read_text()
    # Keys a class cannot hold ("+1", from, a field named like the builtin its annotation uses): functional form.
    assert 'Readme = TypedDict("Readme", {\n    "name": "str",\n    "size": "NotRequired[int]",\n' in module
    assert '    "encoding": "Literal[\\"base64\\", \\"utf-8\\"] | None",\n    "+1": "int",\n' in module
    assert 'ReadmeOrNot: TypeAlias = "Readme | None"' in module
    namespace: dict[str, object] = {}
    exec(compile(module, "local.py", "exec"), namespace)  # importable as it is, when a user wants to
    assert list(namespace["Readme"].__annotations__) == ["name", "size", "encoding", "+1", "from", "list"]  # type: ignore[attr-defined]
    page = (project / "docs" / "reference" / "types" / "Readme.md").read_text()
    assert "Written by hand in spec/types/local.yaml." in page
    assert "| `size` | `int` | no |" in page and "| `list` | `list[`[`Readme`](Readme.md)`]` | yes |" in page
    reference = (project / "docs" / "reference" / "repos.md").read_text()
    assert "Returns `Response[`[`ReadmeOrNot`](types/ReadmeOrNot.md)`]`." in reference


def test_check_covers_type_modules_and_pages(project: Path) -> None:
    assert codegen(project).returncode == 0
    page = project / "docs" / "reference" / "types" / "FullRepository.md"
    page.write_text(page.read_text().replace("`full_name`", "`fullname`"))
    (project / "octo" / "rest" / "types" / "leftover.py").write_text("# old\n")
    result = codegen(project, "--check")
    assert result.returncode == 1
    assert "docs/reference/types/FullRepository.md" in result.stdout and "types/leftover.py" in result.stdout
