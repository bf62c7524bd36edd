"""The importer on small descriptions of other GitHubs (GHEC, GHES), made from
tests/data/openapi-mini.json: where each operation exists (`targets`), the
operations only another GitHub has, and the Manage API's host."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from codegen import targets
from codegen.openapi import import_description
from codegen.spec import Loader, SpecError, namespace_from_data
from codegen.specfile import render_spec

FIXTURE = ROOT / "tests" / "data" / "openapi-mini.json"
NEWEST, *OLDER = reversed(targets.GHES_VERSIONS)


def _mini() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(FIXTURE.read_text())
    return doc


def _admin_hooks() -> dict[str, Any]:
    return {"get": {
        "operationId": "enterprise-admin/list-global-webhooks", "summary": "List global webhooks",
        "externalDocs": {"url": f"https://docs.github.com/enterprise-server@{NEWEST}/rest/x#list"},
        "parameters": [{"name": "per_page", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "array", "items": {"$ref": "#/components/schemas/global-hook"}}}}}},
    }}


def _manage_version() -> dict[str, Any]:
    return {"get": {
        "operationId": "enterprise-admin/get-version", "summary": "Get all GHES release versions",
        "externalDocs": {"url": f"https://docs.github.com/enterprise-server@{NEWEST}/rest/x#version"},
        "servers": [{"url": "{protocol}://{hostname}"}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"version": {"type": "string"}}}}}}},
    }}


def _editions() -> dict[str, dict[str, Any]]:
    """GHEC: the mini API plus one enterprise route; the newest GHES: without
    the search route, with global webhooks and a Manage API route; the older
    GHES without the tarball route too."""
    ghec = _mini()
    ghec["paths"]["/enterprises/{enterprise}/things"] = {"get": {
        "operationId": "things/list-for-enterprise", "summary": "List things of an enterprise",
        "externalDocs": {"url": "https://docs.github.com/enterprise-cloud@latest/rest/things#list"},
        "parameters": [{"name": "enterprise", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"204": {"description": "none"}},
    }}
    newest = _mini()
    del newest["paths"]["/search/things"]
    newest["paths"]["/admin/hooks"] = _admin_hooks()
    newest["paths"]["/manage/v1/version"] = _manage_version()
    newest["components"].setdefault("schemas", {})["global-hook"] = {
        "type": "object", "properties": {"id": {"type": "integer"}, "events": {
            "type": "array", "items": {"type": "string"}}}, "required": ["id"]}
    older = copy.deepcopy(newest)
    del older["paths"]["/things/tarball/{ref}"]
    found = {targets.GHEC: ghec, f"ghes-{NEWEST}": newest}
    found.update({f"ghes-{v}": copy.deepcopy(older) for v in OLDER})
    return found


@pytest.fixture(scope="module")
def imported() -> Any:
    return import_description(_mini(), editions=_editions())


def _entry(imported: Any, namespace: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in imported.spaces[namespace] if e["name"] == name)
    return found


def test_an_operation_everywhere_carries_no_targets(imported: Any) -> None:
    assert "targets" not in _entry(imported, "things", "update")


def test_each_entry_lists_only_where_it_is_with_version_ranges(imported: Any) -> None:
    assert _entry(imported, "search", "things")["targets"] == ["api.github.com", "ghec"]
    assert _entry(imported, "things", "list_for_enterprise")["targets"] == ["ghec"]
    assert _entry(imported, "things", "download_tarball")["targets"] == [
        "api.github.com", "ghec", f"ghes {NEWEST}+"]
    hooks = _entry(imported, "enterprise_admin", "list_global_webhooks")
    assert hooks["targets"] == [f"ghes {targets.GHES_VERSIONS[0]}+"]


def test_an_operation_only_another_github_has_is_imported_from_its_description(imported: Any) -> None:
    hooks = _entry(imported, "enterprise_admin", "list_global_webhooks")
    assert (hooks["method"], hooks["path"], hooks["docs_url"]) == (
        "GET", "/admin/hooks", f"https://docs.github.com/enterprise-server@{NEWEST}/rest/x#list")
    # Its answer type comes from that description's components.
    assert hooks["response"] == "array[GlobalHook]"
    assert imported.types["api"]["types"]["GlobalHook"]["properties"] == {"id": "integer", "events?": "array[string]"}
    assert imported.report.targets == {"api.github.com": 14, "ghec": 15, f"ghes-{NEWEST}": 15,
                                       **{f"ghes-{v}": 14 for v in OLDER}}


def test_a_manage_api_operation_goes_to_the_manage_host(imported: Any) -> None:
    version = _entry(imported, "enterprise_admin", "get_version")
    assert version["host"] == "manage" and version["path"] == "/manage/v1/version"


def test_the_same_shape_in_two_descriptions_keeps_the_main_descriptions_name() -> None:
    alone = import_description(_mini())
    both = import_description(_mini(), editions=_editions())
    kept = alone.types["api"]["types"]
    assert {name: both.types["api"]["types"][name] for name in kept} == kept


def test_a_route_another_github_serves_elsewhere_is_noted() -> None:
    editions = _editions()
    moved = editions[f"ghes-{NEWEST}"]["paths"].pop("/all-things")
    editions[f"ghes-{NEWEST}"]["paths"]["/everything"] = moved
    report = import_description(_mini(), editions=editions).report
    assert ("things/list-all", f"ghes-{NEWEST} has it at GET /everything, not GET /all-things; "
            "octo sends GET /all-things") in report.notes


def test_the_written_targets_read_back_and_expand_to_target_keys(imported: Any, tmp_path: Path) -> None:
    texts, *_ = render_spec(tmp_path, imported.spaces, imported.types)
    text = texts[tmp_path / "things.yaml"]
    assert "    targets: [api.github.com, ghec, ghes 3.19+]\n" in text.replace(NEWEST, "3.19")
    ns = namespace_from_data(yaml.load(text, Loader=Loader), "things.yaml", "things")
    tarball = next(e for e in ns.endpoints if e.name == "download_tarball")
    assert tarball.targets == {"api.github.com", "ghec", f"ghes-{NEWEST}"}
    assert next(e for e in ns.endpoints if e.name == "update").targets is None


@pytest.mark.parametrize(("words", "keys"), [
    ([f"ghes {targets.GHES_VERSIONS[0]}+"], {f"ghes-{v}" for v in targets.GHES_VERSIONS}),
    ([f"ghes {targets.GHES_VERSIONS[0]}-{targets.GHES_VERSIONS[1]}"],
     {f"ghes-{v}" for v in targets.GHES_VERSIONS[:2]}),
    (["ghec", f"ghes {targets.GHES_VERSIONS[1]}"], {"ghec", f"ghes-{targets.GHES_VERSIONS[1]}"}),
])
def test_targets_round_trip(words: list[str], keys: set[str]) -> None:
    assert targets.expand(words) == keys
    assert targets.compact(keys) == words


@pytest.mark.parametrize(("value", "message"), [
    ("ghec", "must be a list"),
    (["github.com"], "'github.com' is not api.github.com, ghec"),
    (["ghes 2.22"], "'ghes 2.22' names no described GHES version"),
    ([], "must name at least one target"),
])
def test_a_bad_targets_field_is_refused_naming_the_endpoint(value: Any, message: str) -> None:
    raw = {"namespace": "x", "endpoints": [{
        "name": "get", "method": "GET", "path": "/x", "summary": "s", "docs_url": "https://d", "targets": value}]}
    with pytest.raises(SpecError, match=f"x.yaml: endpoint 'get': field 'targets': {message}"):
        namespace_from_data(raw, "x.yaml", "x")


def test_spec_diff_prints_the_operations_added_removed_and_changed(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from codegen import openapi_diff

    old, new = _mini(), _mini()
    del new["paths"]["/search/things"]
    new["paths"]["/admin/hooks"] = _admin_hooks()
    new["paths"]["/things"]["get"]["parameters"].append(
        {"name": "colour", "in": "query", "required": True, "schema": {"type": "string"}})
    new["paths"]["/things"]["get"]["summary"] = "List every thing"
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert openapi_diff.main([str(tmp_path / "new.json"), "--old", str(tmp_path / "old.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "1 added, 1 removed, 1 changed (14 operations before, 14 after)"
    assert lines[2] == ("+ enterprise_admin.list_global_webhooks: GET /admin/hooks "
                        "(List global webhooks; enterprise-admin/list-global-webhooks)")
    assert lines[3].startswith("- search.things: GET /search/things (")
    assert lines[4] == "~ things.list: GET /things (List every thing; things/list)"
    assert lines[5:] == ['    summary "List things" -> "List every thing"',
                         "    parameter 'colour' (query, string, required) added"]


def test_spec_diff_refuses_an_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    from codegen import openapi_diff

    assert openapi_diff.main(["x.json", "--target", "ghes-2.22"]) == 2
    assert "--target 'ghes-2.22' is not api.github.com or one of ghec, ghes-3.17" in capsys.readouterr().err
