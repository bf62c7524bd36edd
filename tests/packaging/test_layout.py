"""The runtime's layout keeps its promises (CONTRIBUTING.md, "Where the code
lives"): what a call decides (octo/core/) does no I/O and knows no driver, and
no runtime module imports, at import time, a module that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

OCTO = ROOT / "octo"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


RUNTIME = {module_name(p): p for p in OCTO.rglob("*.py") if "rest" not in p.relative_to(OCTO).parts}


def imports(path: Path, *, at_import_time: bool) -> set[str]:
    """The modules the file imports (leaving out `if TYPE_CHECKING:` blocks);
    `at_import_time`: only its top-level statements, not imports inside
    functions. `from octo import transfer` names the submodule octo.transfer;
    `from octo import Octo` names octo, whose namespace must be ready."""
    found: set[str] = set()
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.If) and "TYPE_CHECKING" in ast.unparse(statement.test):
            continue
        if at_import_time and isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in RUNTIME else node.module)
    return found


def test_no_runtime_module_imports_itself_back() -> None:
    graph = {name: {m for m in imports(path, at_import_time=True) if m in RUNTIME and m != name}
             for name, path in RUNTIME.items()}
    # (A package's __init__ importing its own submodules is the usual layout, not a loop.)
    circles: list[str] = []
    done: set[str] = set()

    def walk(path: list[str]) -> None:  # depth first; an edge back into the path is a loop
        for target in sorted(graph[path[-1]]):
            if target in path:
                circles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in done:
                walk([*path, target])
        done.add(path[-1])

    for name in sorted(graph):
        if name not in done:
            walk([name])
    assert circles == []


def test_the_core_does_no_io_and_knows_no_driver() -> None:
    # requests is used there only for what is pure: its URL preparation (a URL
    # "as requests will send it") and its case-insensitive dict.
    io = {"aiohttp", "asyncio", "socket", "ssl", "urllib3", "http.client", "redis", "octo.drivers",
          "octo.client", "octo.aclient"}
    for path in sorted((OCTO / "core").glob("*.py")):
        reached = {m for m in imports(path, at_import_time=False)
                   if m in io or any(m.startswith(f"{name}.") for name in io)}
        assert reached == set(), (path.name, reached)
