"""Method names equal Octokit's, converted to snake_case, for every operation both have.

Octokit's names come from its published endpoint map, recorded with its
version in tests/data/octokit-methods.txt (see tests/data/octokit_methods.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conftest import ROOT
from spec_data import namespaces

from codegen.spec import Endpoint

DATA = ROOT / "tests" / "data" / "octokit-methods.txt"


def snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


@dataclass
class OctokitMethod:
    namespace: str
    name: str
    route: tuple[str, str]
    renamed_to: tuple[str, str] | None
    parameters: dict[str, str]


def octokit_methods() -> list[OctokitMethod]:
    found = []
    for line in DATA.read_text().splitlines():
        if line.startswith("#"):
            continue
        qualified, method, path, *rest = line.split(" ")
        scope, name = qualified.split(".")
        extra = dict(zip(rest[::2], rest[1::2], strict=True))
        renamed = extra.get("renamed-to")
        found.append(OctokitMethod(
            snake(scope), snake(name), (method, path),
            tuple(snake(part) for part in renamed.split(".")) if renamed else None,  # type: ignore[arg-type]
            dict(pair.split("=") for pair in extra["parameters"].split(",")) if "parameters" in extra else {},
        ))
    return found


def our_routes() -> dict[tuple[str, str], tuple[str, Endpoint]]:
    return {(e.method, e.path): (ns.name, e) for ns in namespaces() for e in ns.endpoints}


def test_the_recorded_octokit_version() -> None:
    assert DATA.read_text().startswith(
        "# Octokit method names: @octokit/plugin-rest-endpoint-methods@18.0.0,")


def test_method_names_equal_octokits() -> None:
    ours = our_routes()
    current = [m for m in octokit_methods() if m.renamed_to is None]
    shared = [m for m in current if m.route in ours]
    assert len(shared) >= 990, "most of Octokit's routes should be in the spec"
    wrong = [(f"{m.namespace}.{m.name}", f"{ours[m.route][0]}.{ours[m.route][1].name}")
             for m in shared if (m.namespace, m.name) != (ours[m.route][0], ours[m.route][1].name)]
    assert wrong == []


def test_octokits_deprecated_names_are_our_aliases() -> None:
    ours = our_routes()
    names = {(ns, e.name): e for ns, e in ours.values()}
    renamed = [m for m in octokit_methods() if m.renamed_to is not None]
    assert len(renamed) >= 29
    missing = []
    for m in renamed:
        target = names.get(m.renamed_to)  # type: ignore[arg-type]
        if target is None or m.name not in target.aliases:
            missing.append(f"{m.namespace}.{m.name} -> {m.renamed_to}")
    assert missing == []


def test_octokits_renamed_parameters_are_our_parameter_aliases() -> None:
    ours = our_routes()
    checked = 0
    for m in octokit_methods():
        if m.renamed_to is None and m.route in ours:
            endpoint = ours[m.route][1]
            for old, new in m.parameters.items():
                (param,) = [p for p in endpoint.params if p.name == new]
                assert old in param.aliases, f"{m.namespace}.{m.name}: {old} -> {new}"
                checked += 1
    assert checked == 2
