"""The importer on a small OpenAPI description of our own (tests/data/openapi-mini.json),
and on the pinned GitHub description when `make openapi` has put it in .cache/."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from conftest import ROOT, SENTINEL
from server import ScriptedServer

import octo
from codegen import __main__ as codegen_main
from codegen import openapi, pinned
from codegen.openapi import import_description
from codegen.spec import Loader
from codegen.specfile import MergeError, render_spec, write_spec

FIXTURE = ROOT / "tests" / "data" / "openapi-mini.json"


def entries() -> dict[str, dict[str, Any]]:
    spaces = import_description(json.loads(FIXTURE.read_text())).spaces
    return {f"{ns}.{e['name']}": e for ns, es in spaces.items() for e in es}


def params(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p.get("python_name", p["name"]): p for p in entry.get("parameters", [])}


def test_operation_and_namespace_names() -> None:
    got = entries()
    assert sorted(got) == [
        "search.things", "things.add_contexts", "things.compare", "things.create_from_shape",
        "things.download_tarball", "things.download_zipball", "things.list", "things.list_all",
        "things.render_raw", "things.set_labels", "things.set_rules", "things.update",
        "things.update_some", "things.upload_asset",
    ]
    update = got["things.update"]
    assert update["summary"] == "Update a thing"  # a fact, without the trailing period
    assert "Long prose" not in json.dumps(update)


def test_object_body_becomes_keywords_with_facts() -> None:
    p = params(entries()["things.update"])
    assert "body" not in entries()["things.update"]
    assert p["size"] == {"name": "size", "in": "body", "type": "integer", "required": True,
                         "default": 2, "minimum": 1, "maximum": 5}
    assert p["colour"] == {"name": "colour", "in": "body", "type": "string", "nullable": True,
                           "enum": ["red", "blue"]}
    assert p["milestone"] == {"name": "milestone", "in": "body", "type": "any", "nullable": True}
    assert p["tags"]["items"] == "string" and p["tags"]["max_items"] == 3
    assert p["meta"] == {"name": "meta", "in": "body", "type": "object", "max_properties": 4,  # $ref + allOf
                         "shape": "Meta"}
    assert p["old"]["deprecated"] is True


def test_python_names_and_the_path_body_clash_rule() -> None:
    p = params(entries()["things.update"])
    assert p["name"]["in"] == "path"
    assert p["name_body"] == {"name": "name", "python_name": "name_body", "in": "body", "type": "string",
                              "required": True, "min_length": 1, "max_length": 10}
    # Non-identifiers and keywords keep their wire name; the spec derives the Python name.
    assert "enterprise-team" in p and "python_name" not in p["enterprise-team"]
    assert p["async"]["deprecated"] is True


def test_bodies_that_are_not_plain_objects_take_data() -> None:
    got = entries()
    assert got["things.set_labels"]["body"] == {"content_type": "application/json", "type": "array",
                                                "required": False}
    assert got["things.set_rules"]["body"] == {"content_type": "application/json", "type": "object",
                                               "required": True}
    assert "parameters" not in got["things.set_rules"]
    assert got["things.render_raw"]["body"] == {"content_type": "text/plain", "type": "string",
                                                "required": False}
    upload = got["things.upload_asset"]
    assert upload["host"] == "uploads"
    assert upload["body"] == {"content_type": "application/octet-stream", "type": "binary", "required": False}
    # Several object shapes: data= takes any of them, their properties are optional keywords.
    shapes = got["things.create_from_shape"]
    assert shapes["body"]["type"] == "object"
    assert [(p["name"], p.get("required", False)) for p in shapes["parameters"]] == [
        ("repository_id", False), ("ref", False), ("pull_request", False)]
    # One object shape is just an object; constraints-only anyOf keeps the keywords.
    assert "body" not in got["things.add_contexts"]
    assert params(got["things.add_contexts"])["contexts"]["required"] is True
    assert "body" not in got["things.update_some"]
    assert sorted(params(got["things.update_some"])) == ["assignees", "state"]


def test_renames_become_aliases() -> None:
    imported = import_description(json.loads(FIXTURE.read_text()))
    spaces, report = imported.spaces, imported.report
    got = {e["name"]: e for e in spaces["things"]}
    assert got["update"]["aliases"] == ["edit"]
    assert params(got["update"])["org"]["aliases"] == ["org_id"]
    # An old name claimed by two operations goes to the last one, as in Octokit.
    assert got["download_zipball"]["aliases"] == ["download"]
    assert "aliases" not in got["download_tarball"]
    assert any("download" in what for what, _ in report.notes)
    # An old name that is a current method name cannot be an alias.
    assert report.skipped == [("things/list alias 'things/list'", "the old name is a current method")]


def test_pagination_media_types_multi_segment_and_deprecation() -> None:
    got = entries()
    assert (got["things.list"]["paginated"], got["things.list"].get("list_key")) == (True, None)
    assert (got["search.things"]["paginated"], got["search.things"]["list_key"]) == (True, "items")
    assert got["things.list_all"]["paginated"] is True  # an integer `since` cursor
    assert got["things.list_all"]["deprecated"] is True
    assert "paginated" not in got["things.compare"]  # an object with a url is a resource
    assert got["things.compare"]["media_types"] == ["diff", "patch"]
    assert got["things.list"]["media_types"] == ["html", "raw"]  # the listed ones, not the note's
    assert params(got["things.compare"])["basehead"]["multi_segment"] is True


# -- writing spec/ -------------------------------------------------------------


def run_import(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert openapi.main([str(FIXTURE), "--root", str(root)]) == 0
    return capsys.readouterr().out


def test_import_is_byte_identical_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = run_import(tmp_path, capsys)
    assert "imported 14 operations in 2 namespaces (4 file(s) written" in out
    seconds = float(out.split(" kept) in ")[1].split(" s\n")[0])
    assert 0 <= seconds < 60  # how long the import took
    assert out.splitlines()[1:] == [
        "types: 11 (8 in spec/types/api.yaml, 3 in spec/types/webhooks.yaml, 0 hand-written kept); "
        "6 operations typed, 8 untyped; 2 webhook events (3 payloads)",
        "  untyped: 4 x no schema for the 200 answer",
        "  untyped: 2 x no schema for the 201 answer",
        "  untyped: 2 x no success response (a 302 redirect to a download)",
        "  note: things.download: old name of both things/download-tarball and things/download-zipball; "
        "kept for things/download-zipball",
        "skipped 1:",
        "  skipped: things/list alias 'things/list': the old name is a current method",
    ]
    assert "skipped: things/list alias 'things/list': the old name is a current method" in out
    first = {p.name: p.read_bytes() for p in (tmp_path / "spec").rglob("*.yaml")}
    assert sorted(first) == ["api.yaml", "search.yaml", "things.yaml", "webhooks.yaml"]
    out = run_import(tmp_path, capsys)
    assert "(0 file(s) written, 0 removed" in out
    assert {p.name: p.read_bytes() for p in (tmp_path / "spec").rglob("*.yaml")} == first


def test_a_report_with_nothing_skipped_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(FIXTURE.read_text())
    del doc["paths"]["/things"]["get"]["x-octokit"]  # the one rename the importer skips
    (tmp_path / "mini.json").write_text(json.dumps(doc))
    root = tmp_path / "new" / "project"  # spec/ and the folders above it are made
    assert openapi.main([str(tmp_path / "mini.json"), "--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "skipped: nothing"
    assert sorted(p.name for p in (root / "spec").iterdir()) == ["search.yaml", "things.yaml", "types"]


def test_check_finds_a_spec_file_that_is_not_the_import(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_import(tmp_path, capsys)
    assert openapi.main([str(FIXTURE), "--root", str(tmp_path), "--check"]) == 0
    assert capsys.readouterr().out == "spec/ is the import of the description: 4 files\n"
    search, things = sorted((tmp_path / "spec").glob("*.yaml"))
    before = things.read_text()
    lines = before.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "summary: " in line)
    things.write_text(before.replace("summary: ", "summary: Edited ", 1))
    imported_search = search.read_text()
    search.unlink()
    (tmp_path / "spec" / "gone.yaml").write_text("namespace: gone\nendpoints: []\n")
    assert openapi.main([str(FIXTURE), "--root", str(tmp_path), "--check"]) == 1
    out = capsys.readouterr()
    edited = lines[at].replace("summary: ", "summary: Edited ", 1)
    assert out.out == (
        "--- a/spec/search.yaml\n+++ b/spec/search.yaml\n"
        f"@@ -0,0 +1,{len(imported_search.splitlines())} @@\n"
        + "".join(f"+{line}" for line in imported_search.splitlines(keepends=True))
        + "--- a/spec/things.yaml\n+++ b/spec/things.yaml\n"
        f"@@ -{at - 1},5 +{at - 1},5 @@\n"  # two lines of context either side
        + "".join(f" {line}" for line in lines[at - 2:at]) + f"-{edited}+{lines[at]}"
        + "".join(f" {line}" for line in lines[at + 1:at + 3])
        + "spec/gone.yaml: the import no longer produces it\n")
    assert out.err == "3 spec file(s) are not the import of the pinned description: run `make spec`\n"
    assert things.read_text() != before and not search.exists()  # --check writes nothing


def test_the_importer_explains_itself(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per option
    with pytest.raises(SystemExit):
        openapi.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m codegen.openapi [-h] [--root ROOT] [--check] [path]\n")
    assert "\n".join(openapi.__doc__.strip().splitlines()[:3]) in out  # the docstring as written
    assert f"the OpenAPI description (default: {openapi.DEFAULT_PATH}, made by `make openapi`)" in out
    assert "--root ROOT  project root (default: .)" in out
    assert "--check      write nothing; exit 1 with a diff if spec/ is not the import of PATH" in out


def test_a_missing_description_says_how_to_get_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert openapi.main(["--root", str(tmp_path), "--check"]) == 2
    assert capsys.readouterr().err == (f"import error: {tmp_path / openapi.DEFAULT_PATH} does not exist "
                                       "(run `make openapi` to fetch the pinned one)\n")
    monkeypatch.chdir(tmp_path)  # --root defaults to where it runs
    assert openapi.main(["--check"]) == 2
    assert f"import error: {tmp_path / openapi.DEFAULT_PATH} does not exist" in capsys.readouterr().err


HAND = """\
namespace: things
endpoints:
  - name: list_preview   # a hand entry: no operation_id
    method: GET
    path: /things/preview
    summary: "List preview things: GHES only"
    docs_url: https://docs.github.com/enterprise-server/rest/things#preview
"""


def test_hand_entries_survive_a_reimport(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "things.yaml").write_text(HAND)
    (spec / "ghes_only.yaml").write_text(HAND.replace("things\n", "ghes_only\n", 1))
    (spec / "gone.yaml").write_text(HAND.replace("namespace: things", "namespace: gone").replace(
        "  - name: list_preview   # a hand entry: no operation_id",
        "  - name: old\n    operation_id: gone/old"))
    out = run_import(tmp_path, capsys)
    assert "2 hand-written entries kept" in out and "1 removed" in out
    assert not (spec / "gone.yaml").exists()  # only imported entries, no longer in the description
    text = (spec / "things.yaml").read_text()
    assert "  - name: list_preview\n    method: GET\n" in text
    assert 'summary: "List preview things: GHES only"' in text
    assert "operation_id: things/update" in text
    assert (spec / "ghes_only.yaml").exists()
    before = text
    run_import(tmp_path, capsys)
    assert (spec / "things.yaml").read_text() == before
    assert codegen_main.main(["--root", str(tmp_path)]) == 0


def test_a_hand_entry_with_an_imported_name_is_an_error_unless_override(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec"
    spec.mkdir()
    clash = HAND.replace("list_preview   # a hand entry: no operation_id", "update")
    (spec / "things.yaml").write_text(clash)
    assert openapi.main([str(FIXTURE), "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "hand-written entry 'update'" in err and "things/update (PATCH /orgs/{org}/things/{name})" in err
    assert "override: true" in err
    assert (spec / "things.yaml").read_text() == clash  # nothing written
    # An alias of an imported method is taken too.
    (spec / "things.yaml").write_text(HAND.replace("list_preview   # a hand entry: no operation_id", "edit"))
    with pytest.raises(MergeError, match="'edit'"):
        render_spec(spec, import_description(json.loads(FIXTURE.read_text())).spaces)

    (spec / "things.yaml").write_text(clash.replace("    method: GET", "    override: true\n    method: GET"))
    run_import(tmp_path, capsys)
    text = (spec / "things.yaml").read_text()
    assert "  - name: update\n    override: true\n    method: GET\n    path: /things/preview" in text
    assert "operation_id: things/update\n" not in text


def test_pinned_description_is_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared.json"
    shared.write_text('{"not": "the pinned file"}')
    with pytest.raises(pinned.PinnedError, match="sha256 mismatch"):
        pinned.obtain(tmp_path, shared)
    assert not (tmp_path / pinned.TARGET).exists()
    monkeypatch.setattr(pinned, "SHA256", pinned.sha256(shared))
    path, origin = pinned.obtain(tmp_path, shared)
    assert path.read_bytes() == shared.read_bytes() and origin == str(shared)
    assert pinned.obtain(tmp_path, shared)[1] == "already there"


def test_pinned_graphql_schema_is_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fetch(dests: dict[str, Path]) -> None:
        assert list(dests) == [pinned.GRAPHQL_MEMBER]
        dests[pinned.GRAPHQL_MEMBER].write_text('{"not": "the pinned schema"}')

    with pytest.raises(pinned.PinnedError, match="sha256 mismatch for the GraphQL schema"):
        pinned.obtain_graphql(tmp_path, fetch)
    assert not (tmp_path / pinned.GRAPHQL_TARGET).exists()
    monkeypatch.setattr(pinned, "GRAPHQL_SHA256", pinned.sha256(_written(tmp_path)))
    path, origin = pinned.obtain_graphql(tmp_path, fetch)
    assert path.read_text() == '{"not": "the pinned schema"}' and "@octokit/graphql-schema@" in origin
    assert pinned.obtain_graphql(tmp_path, fetch)[1] == "already there"


def _written(root: Path) -> Path:
    sample = root / "sample.json"
    sample.write_text('{"not": "the pinned schema"}')
    return sample


def test_committed_spec_is_the_import_of_the_pinned_description() -> None:
    # `make test` runs `make openapi` first, so the description is there.
    assert (ROOT / openapi.DEFAULT_PATH).exists(), "run `make openapi` first"
    assert pinned.sha256(ROOT / openapi.DEFAULT_PATH) == pinned.SHA256, "run `make openapi` again"
    imported = import_description(json.loads((ROOT / openapi.DEFAULT_PATH).read_text()),
                                  editions=openapi.read_editions(ROOT))
    spaces, report = imported.spaces, imported.report
    # api.github.com's operations, then the GHEC and GHES ones it lacks (issue 16).
    assert (report.operations, len(report.namespaces)) == (1591, 54)
    assert report.targets == {"api.github.com": 1223, "ghec": 1471, "ghes-3.19": 1039, "ghes-3.18": 980,
                              "ghes-3.17": 966}
    assert report.skipped == [("enterprise-admin/get-audit-log alias 'audit-log/get-audit-log'",
                               "old name is in namespace 'audit_log', the method in 'enterprise_admin'")]
    # Every operation has a response type or says why not; every webhook payload is typed.
    assert sum(report.untyped.values()) < 20 and (report.events, report.actions) == (75, 270)
    texts, remove, *_ = render_spec(ROOT / "spec", spaces, imported.types)
    assert remove == []
    for path, text in texts.items():  # the emitter writes what it means
        data = yaml.load(text, Loader=Loader)
        if path.parent.name == "types":
            assert data == imported.types[path.stem]
        else:
            assert data["endpoints"] == sorted(spaces[data["namespace"]], key=lambda e: e["name"])
    stale = [p.name for p, text in texts.items() if p.read_text() != text]
    assert stale == [], "spec/ is not the import of the pinned description: run `make spec`"


# -- the generated code of the fixture, on the wire ----------------------------


@pytest.fixture(scope="module")
def things(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    root = tmp_path_factory.mktemp("mini")
    imported = import_description(json.loads(FIXTURE.read_text()))
    write_spec(root / "spec", imported.spaces, imported.types)
    assert codegen_main.main(["--root", str(root)]) == 0
    spec = importlib.util.spec_from_file_location("mini_things", root / "octo" / "rest" / "things.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mini_things"] = module
    spec.loader.exec_module(module)
    return module


def test_fixture_methods_on_the_wire(server: ScriptedServer, things: ModuleType) -> None:
    gh = octo.Octo(SENTINEL, base_url=server.url + "/api/v3", uploads_url=server.url + "/api/uploads")
    ns = things.NAMESPACE(gh)
    ns.update("o", "n", name_body="x", size=3, enterprise_team="t", colour=None)
    sent = server.requests[-1]
    assert (sent.method, sent.route) == ("PATCH", "/api/v3/orgs/o/things/n")
    assert sent.query == {"enterprise-team": ["t"]}
    assert sent.json() == {"name": "x", "size": 3, "colour": None}

    with pytest.raises(ValueError, match="size"):
        ns.update("o", "n", name_body="x", size=9)
    with pytest.raises(TypeError):
        ns.update("o", "n", size=3)  # name_body is required

    ns.set_labels(data=["bug", "ui"])
    assert server.requests[-1].json() == ["bug", "ui"]
    ns.render_raw(data="**hi**")
    assert (server.requests[-1].headers["content-type"], server.requests[-1].body) == ("text/plain", b"**hi**")
    ns.upload_asset(7, name="a b.zip", data=b"\x00\x01")
    sent = server.requests[-1]
    assert (sent.route, sent.query, sent.body) == ("/api/uploads/things/7/assets", {"name": ["a b.zip"]},
                                                    b"\x00\x01")
    assert sent.headers["content-type"] == "application/zip"  # guessed from the name
    ns.create_from_shape(data={"repository_id": 1})
    ns.create_from_shape(pull_request={"number": 2})
    assert [r.json() for r in server.requests[-2:]] == [{"repository_id": 1}, {"pull_request": {"number": 2}}]
    ns.compare(1, "main...feature/x", media_type="diff")
    assert server.requests[-1].route == "/api/v3/things/1/compare/main...feature/x"
    assert server.requests[-1].headers["accept"] == "application/vnd.github.diff"


def test_fixture_renames_and_deprecations_warn(server: ScriptedServer, things: ModuleType) -> None:
    ns = things.NAMESPACE(octo.Octo(SENTINEL, base_url=server.url))
    with pytest.warns(DeprecationWarning, match=r"things\.edit is deprecated, use things\.update"):
        ns.edit("o", "n", name_body="x", size=1)
    with pytest.warns(DeprecationWarning, match="'org_id' is deprecated, use 'org'"):
        ns.update(org_id="o", name="n", name_body="x", size=1)
    assert server.requests[-1].route == "/orgs/o/things/n"
    with pytest.warns(DeprecationWarning, match="'async' is deprecated"):
        ns.update("o", "n", name_body="x", size=1, async_=True)
    assert server.requests[-1].query == {"async": ["true"]}
    with pytest.warns(DeprecationWarning, match="list_all is deprecated"):
        ns.list_all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ns.list()


# -- API versions (x-github-breaking-changes) -----------------------------------------


def _with_breaking_changes() -> dict[str, Any]:
    """The mini description with 2026-03-10 changes in both patch styles GitHub uses:
    a JSON merge patch (null removes) and a JSON patch (a list of operations)."""
    doc = json.loads(FIXTURE.read_text())
    update = doc["paths"]["/orgs/{org}/things/{name}"]["patch"]
    update["x-github-breaking-changes"] = [
        {"changeset": "remove_colour", "version": "2026-03-10", "patch": {
            "requestBody": {"content": {"application/json": {"schema": {"properties": {"colour": None}}}}}}},
        {"changeset": "size_up_to_ten", "version": "2026-03-10", "patch": {
            "requestBody": {"content": {"application/json": {"schema": {"properties": {
                "size": {"maximum": 10}}}}}}}},
    ]
    doc["paths"]["/things/free-form"]["put"]["x-github-breaking-changes"] = [
        {"changeset": "answer_202", "version": "2026-03-10", "patch": [
            {"op": "remove", "path": "/responses/204"},
            {"op": "add", "path": "/responses/202", "value": {"description": "accepted"}},
        ]},
    ]
    compare = doc["paths"]["/things/{thing_id}/compare/{basehead}"]["get"]
    compare["x-github-breaking-changes"] = [
        {"changeset": "no_files", "version": "2026-03-10", "patch": {"responses": {"200": {"content": {
            "application/json": {"schema": {"properties": {"files": None}}}}}}}},
    ]
    return doc


def test_breaking_changes_become_the_entrys_versions() -> None:
    imported = import_description(_with_breaking_changes())
    got = {f"{ns}.{e['name']}": e for ns, es in imported.spaces.items() for e in es}
    update = got["things.update"]["versions"]["2026-03-10"]
    assert update["changes"] == ["remove_colour", "size_up_to_ten"]
    assert update["removed"] == ["colour"]
    assert update["parameters"] == [{"name": "size", "in": "body", "type": "integer", "required": True,
                                     "default": 2, "minimum": 1, "maximum": 10}]
    assert "response" not in update  # the answer did not change
    rules = got["things.set_rules"]["versions"]["2026-03-10"]
    assert rules["statuses"] == {"added": [202], "removed": [204]}
    assert rules["untyped"] == "no schema for the 202 answer"
    # The version's answer has a type of its own, without the removed property.
    versioned = got["things.compare"]["versions"]["2026-03-10"]["response"]
    props = imported.types["api"]["types"][versioned]["properties"]
    assert "files?" not in props and "commits?" in props
    assert "versions" not in got["things.list"]


def test_versions_survive_the_spec_file_round_trip(tmp_path: Path) -> None:
    imported = import_description(_with_breaking_changes())
    write_spec(tmp_path, imported.spaces, imported.types)
    text = (tmp_path / "things.yaml").read_text()
    assert '"2026-03-10":' in text  # quoted: YAML would read a bare date as a date
    from codegen.spec import load_file

    update = next(e for e in load_file(tmp_path / "things.yaml").endpoints if e.name == "update")
    (version,) = update.versions
    assert version.version == "2026-03-10" and version.removed == ("colour",)
    assert [p.limits for p in version.params] == [{"minimum": 1, "maximum": 10}]


def test_the_pinned_descriptions_2026_03_10_changes_are_in_the_spec() -> None:
    from codegen.spec import load_spec

    endpoints = {f"{ns.name}.{e.name}": e for ns in load_spec(ROOT / "spec") for e in ns.endpoints}
    versioned = {k: e for k, e in endpoints.items() if e.versions}
    # 20 on api.github.com, one more only GHEC and GHES have.
    assert len(versioned) == 21 and sum(e.targets is None or "api.github.com" in e.targets
                                        for e in versioned.values()) == 20
    (create,) = endpoints["teams.create"].versions
    assert create.version == "2026-03-10" and create.removed == ("permission",)
    (dispatch,) = endpoints["actions.create_workflow_dispatch"].versions
    assert dispatch.removed == ("return_run_details",) and dispatch.statuses == {"removed": (204,)}


def test_a_versions_changed_limit_and_removed_argument_on_the_wire(server: ScriptedServer,
                                                                    tmp_path: Path) -> None:
    imported = import_description(_with_breaking_changes())
    write_spec(tmp_path / "spec", imported.spaces, imported.types)
    assert codegen_main.main(["--root", str(tmp_path)]) == 0
    spec = importlib.util.spec_from_file_location("mini_versioned", tmp_path / "octo" / "rest" / "things.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    old = module.NAMESPACE(octo.Octo(SENTINEL, base_url=server.url))
    new = module.NAMESPACE(octo.Octo(SENTINEL, base_url=server.url, api_version="2026-03-10"))
    with pytest.raises(ValueError, match="size"):
        old.update("o", "n", name_body="x", size=8)  # at most 5 in 2022-11-28
    with pytest.raises(TypeError, match="'colour' is not in API version 2026-03-10"):
        new.update("o", "n", name_body="x", size=8, colour="red")
    assert server.requests == []
    new.update("o", "n", name_body="x", size=8)  # at most 10 in 2026-03-10
    assert server.requests[-1].json() == {"name": "x", "size": 8}
    old.update("o", "n", name_body="x", size=2, colour="red")
    assert server.requests[-1].json() == {"name": "x", "size": 2, "colour": "red"}


def test_the_editions_descriptions_are_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GHEC and GHES come from the same pinned package, each file checked against its sha256."""
    def fetch(dests: dict[str, Path]) -> None:
        for stem, dest in dests.items():
            dest.write_text(f'{{"edition": "{stem}"}}')

    with pytest.raises(pinned.PinnedError, match="sha256 mismatch for ghec.json"):
        pinned.obtain_editions(tmp_path, fetch)
    assert list((tmp_path / pinned.TARGET.parent).iterdir()) == []  # nothing half-written
    monkeypatch.setattr(pinned, "EDITIONS", {
        stem: hashlib.sha256(f'{{"edition": "{stem}"}}'.encode()).hexdigest() for stem in pinned.EDITIONS})
    assert pinned.obtain_editions(tmp_path, fetch) == ["ghec", "ghes-3.17", "ghes-3.18", "ghes-3.19"]
    assert pinned.obtain_editions(tmp_path, fetch) == []  # already there


def test_make_openapi_has_put_every_pinned_edition_in_the_cache() -> None:
    for stem, digest in pinned.EDITIONS.items():
        assert pinned.sha256(pinned.edition_path(ROOT, stem)) == digest, "run `make openapi`"
