"""What pyproject.toml promises users agrees with what the tests run on."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import octo

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def pins(name: str) -> dict[str, Version]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    found = (line.split("==") for line in lines if line and not line.startswith("#"))
    return {canonicalize_name(package): Version(version) for package, version in found}


def lower_bounds(requirements: list[str]) -> dict[str, Version]:
    bounds = {}
    for text in requirements:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == "octo-github":
            continue  # an extra naming other extras
        floor = [s.version for s in requirement.specifier if s.operator == ">="]
        assert floor, f"{text}: a range needs a tested lower bound (>=)"
        bounds[canonicalize_name(requirement.name)] = Version(floor[0])
    return bounds


def test_what_users_install_is_tested_at_its_lower_bounds() -> None:
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    runtime = lower_bounds(project["dependencies"] + extras["app"] + extras["async"]
                           + extras["cli"] + extras["graphql"] + extras["redis"])
    lowest = pins("constraints-lowest.txt")
    assert {name: lowest[name] for name in runtime if name in lowest} == runtime
    assert set(lowest) <= set(runtime)


def test_every_extra_is_a_range_and_every_package_is_pinned_for_the_tests() -> None:
    pinned = pins("constraints.txt")
    extras = PYPROJECT["project"]["optional-dependencies"]
    for extra, requirements in extras.items():
        for name in lower_bounds(requirements):
            assert name in pinned, f"{name} (extra {extra}) has no exact version in constraints.txt"
    assert not [r for rs in extras.values() for r in rs if "==" in r]


def test_the_changelog_starts_at_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d|Unreleased)$", changelog, flags=re.M)
    assert versions and versions[0][0] == octo.__version__
