"""The generated reference (docs/reference/) documents every method as it really is:
its signature and every argument the generated method takes, media_type and
timeout included, the route, the command line and GitHub's page."""

from __future__ import annotations

import inspect
import re

import pytest
from conftest import ROOT
from spec_data import namespaces

import octo

REFERENCE = ROOT / "docs" / "reference"


def sections(namespace: str) -> dict[str, str]:
    """A namespace page's method sections, by method name."""
    text = (REFERENCE / f"{namespace}.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {part.split("\n", 1)[0].strip("`"): part for part in parts}


def signature_line(namespace: str, name: str, method: object) -> str:
    """`octo.repos.get(owner, repo, *, timeout=OMIT, headers=None, ...)`, from the method itself."""
    shown = []
    keyword_only = False
    for p in list(inspect.signature(method).parameters.values())[1:]:  # type: ignore[arg-type]  # self
        if p.kind is p.KEYWORD_ONLY and not keyword_only:
            shown.append("*")
            keyword_only = True
        shown.append(p.name if p.default is p.empty else
                     f"{p.name}={'OMIT' if p.default is octo.OMIT else repr(p.default)}")
    return f"octo.{namespace}.{name}({', '.join(shown)})"


@pytest.mark.parametrize("namespace", [ns.name for ns in namespaces()])
def test_every_method_is_documented_with_every_argument(namespace: str) -> None:
    spec = next(ns for ns in namespaces() if ns.name == namespace)
    documented = sections(namespace)
    assert sorted(documented) == sorted(e.name for e in spec.endpoints)
    cls = type(getattr(octo.Octo(), namespace))
    for e in spec.endpoints:
        section = documented[e.name]
        method = getattr(cls, e.name)
        assert signature_line(namespace, e.name, method) in section, e.name
        rows = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
        arguments = [n for n in inspect.signature(method).parameters if n != "self"]
        assert sorted(rows) == sorted(arguments), e.name
        assert f"`{e.method} {e.path}`" in section
        assert f"`octo {namespace.replace('_', '-')} {e.name.replace('_', '-')}`" in section
        assert f"]({e.docs_url})" in section


def test_media_types_and_timeout_are_explained() -> None:
    diff = sections("pulls")["get"]
    assert re.search(r"^\| `media_type` \| `Accept` header \| .*\bdiff\b.*\bfull\b", diff, flags=re.M)
    assert re.search(r"^\| `timeout` \| client \| seconds, a \(connect, read\) pair", diff, flags=re.M)
