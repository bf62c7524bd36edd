"""What the contract suite relies on about Prism and its copy of the description."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract.openapi import Description
from contract.prism import PrismUnavailable, check_installed, for_prism


def test_without_node_the_suite_fails_and_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PrismUnavailable, match=r"Node\.js .*npm.*make prism"):
        check_installed()


def test_prism_checks_requests_against_the_description_as_published(description: Description) -> None:
    relaxed = json.loads(for_prism(description.path).read_text(encoding="utf-8"))
    original = description.doc
    for route, item in original["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                assert relaxed["paths"][route][method] == operation
                continue
            copy = relaxed["paths"][route][method]
            assert {k: v for k, v in copy.items() if k != "responses"} == \
                {k: v for k, v in operation.items() if k != "responses"}, f"{method} {route}"
            assert copy["responses"].keys() == operation["responses"].keys()
    for section, entries in original["components"].items():
        if section != "responses":
            assert relaxed["components"][section] == entries, section


def test_an_example_refering_to_a_file_the_description_lacks_is_dropped_for_prism(targets: Any) -> None:
    # GHEC's server-statistics example refers to YAML files @octokit/openapi does not ship.
    ghec = targets.description("ghec")
    relaxed = json.loads(for_prism(ghec.path).read_text(encoding="utf-8"))
    stats = ghec.doc["components"]["examples"]["server-statistics"]["value"][0]
    assert stats["actions_stats"] == {"$ref": "server-statistics-actions.yaml"}
    copy = relaxed["components"]["examples"]["server-statistics"]["value"][0]
    assert copy["actions_stats"] == {} and copy["ghe_stats"] == stats["ghe_stats"]
