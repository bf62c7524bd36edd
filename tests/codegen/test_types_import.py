"""The importer's types: response types, body shapes and webhook payloads of
the small description (tests/data/openapi-mini.json), written to spec/types/
as readable YAML, and kept by hand where a person wrote them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from codegen import openapi
from codegen.openapi import Imported, import_description
from codegen.spec import Loader
from codegen.specfile import MergeError, write_spec
from codegen.typefile import dump_types

FIXTURE = ROOT / "tests" / "data" / "openapi-mini.json"


def imported() -> Imported:
    return import_description(json.loads(FIXTURE.read_text()))


def entry(namespace: str, name: str) -> dict[str, Any]:
    return next(e for e in imported().spaces[namespace] if e["name"] == name)


def types() -> dict[str, Any]:
    files = imported().types
    return {**files["api"]["types"], **files["webhooks"]["types"]}


def test_each_operation_has_a_response_type_or_the_reason_it_has_none() -> None:
    assert entry("things", "list")["response"] == "array[Thing]"
    assert entry("search", "things")["response"] == "SearchThingsData"  # an inline answer, named after the call
    assert entry("things", "set_rules")["response"] == "empty"  # 204
    assert entry("things", "render_raw")["response"] == "text"  # text/html
    assert entry("things", "update")["untyped"] == "no schema for the 200 answer"
    assert entry("things", "download_tarball")["untyped"] == "no success response (a 302 redirect to a download)"
    compare = entry("things", "compare")
    assert compare["response"] == "ThingsCompareData"
    assert compare["media_responses"] == {"diff": "text", "patch": "text"}
    every = [e for es in imported().spaces.values() for e in es]
    assert all(("response" in e) != ("untyped" in e) for e in every)
    assert imported().report.untyped == {"no schema for the 200 answer": 4, "no schema for the 201 answer": 2,
                                         "no success response (a 302 redirect to a download)": 2}


def test_component_and_inline_objects_become_named_types() -> None:
    got = types()
    assert got["Thing"] == {"source": "thing", "properties": {
        "id": "integer",
        "owner": "SimpleUser | null",  # nullable-simple-user has simple-user's shape: one type
        "state": "ThingState",
        "labels?": "array[string | ThingLabelsItem2]",  # oneOf: a union
        "reactions": "ThingReactions",  # an inline object, named after where it sits
        "settings?": "map[boolean]",  # additionalProperties with a schema
        "extra?": "object",  # free-form
        "note?": "string | null",  # type: [string, null]
    }}
    assert "NullableSimpleUser" not in got
    assert got["ThingState"] == {"source": "thing-state", "type": "enum[open, closed, too heated]"}
    assert got["ThingReactions"] == {"source": "thing.reactions", "properties": {"+1": "integer", "from?": "string"}}
    assert got["SearchThingsData"]["properties"]["items?"] == "array[Thing]"
    # Only the types the spec uses are written.
    assert sorted(imported().types["api"]["types"]) == [
        "Meta", "SearchThingsData", "SimpleUser", "Thing", "ThingLabelsItem2", "ThingReactions",
        "ThingState", "ThingsCompareData"]


def test_an_object_body_parameter_gets_its_shape() -> None:
    meta = next(p for p in entry("things", "update")["parameters"] if p["name"] == "meta")
    assert meta["shape"] == "Meta"
    assert types()["Meta"] == {"source": "meta", "properties": {"a?": "string"}}
    size = next(p for p in entry("things", "update")["parameters"] if p["name"] == "size")
    assert "shape" not in size  # plain values keep their type


def test_webhook_events_map_actions_to_payload_types() -> None:
    webhooks = imported().types["webhooks"]
    # X-GitHub-Event spells the description's `thing-box` as `thing_box`.
    assert webhooks["events"] == {"ping": "WebhookPing",
                                  "thing_box": {"created": "WebhookThingCreated", "deleted": "WebhookThingDeleted"}}
    assert webhooks["types"]["WebhookThingCreated"]["properties"] == {
        "action": "enum[created]", "thing": "Thing", "sender?": "SimpleUser"}
    # A type REST answers use too lives with them, in api.yaml.
    assert "Thing" not in webhooks["types"] and "SimpleUser" not in webhooks["types"]
    report = imported().report
    assert (report.events, report.actions) == (2, 3)


def test_types_files_read_back_as_written() -> None:
    data = {"events": {"e": {"on": "A"}, "y": "A"}, "types": {
        "A": {"source": "a", "properties": {"+1": "integer", "on?": "string", "-1": "enum[won't fix, too heated]",
                                            "x": 'enum["a,b", "c]", " d"] | null', "n: m": "any"}},
        "B": {"source": "b # not a comment", "type": "A | array[A]"},
    }}
    text = dump_types(data)
    assert yaml.load(text, Loader=Loader) == data
    assert "\n      \"+1\": integer\n" in text and "\n    type: A | array[A]\n" in text  # plain where it can be


def write(root: Path) -> tuple[int, int, int, int]:
    got = imported()
    return write_spec(root / "spec", got.spaces, got.types)


HAND_TYPES = """\
types:
  PreviewThing:   # hand-written: no source
    properties:
      id: integer
      labels?: array[ThingState]
"""


def test_hand_written_types_are_kept_and_a_clash_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "spec" / "types"
    folder.mkdir(parents=True)
    (folder / "ghes.yaml").write_text(HAND_TYPES)  # a file of one's own is left as it is
    write(tmp_path)
    api = folder / "api.yaml"
    # A hand type in an imported file stays there on a re-import.
    api.write_text(api.read_text() + "\n  Extra:\n    type: PreviewThing | null\n")
    assert write(tmp_path)[3] == 1
    assert "\n  Extra:\n    type: PreviewThing | null\n" in api.read_text()
    assert (folder / "ghes.yaml").read_text() == HAND_TYPES
    # A hand type with an imported type's name replaces it only with override: true.
    (folder / "ghes.yaml").write_text(HAND_TYPES + "  Thing:\n    properties:\n      id: string\n")
    with pytest.raises(MergeError, match="hand-written type 'Thing' has the name of the imported type"):
        write(tmp_path)
    (folder / "ghes.yaml").write_text(HAND_TYPES + "  Thing:\n    override: true\n    properties:\n      id: string\n")
    write(tmp_path)
    assert "\n  Thing:\n" not in api.read_text()


def test_a_type_name_nothing_defines_is_refused_before_writing(tmp_path: Path) -> None:
    folder = tmp_path / "spec" / "types"
    folder.mkdir(parents=True)
    (folder / "ghes.yaml").write_text("types:\n  PreviewThing:\n    type: NoSuchType\n")
    with pytest.raises(MergeError, match="'NoSuchType', which no spec/types/ file defines"):
        write(tmp_path)
    assert not (folder / "api.yaml").exists()


def test_the_command_prints_the_type_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert openapi.main([str(FIXTURE), "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert ("types: 11 (8 in spec/types/api.yaml, 3 in spec/types/webhooks.yaml, 0 hand-written kept); "
            "6 operations typed, 8 untyped; 2 webhook events (3 payloads)") in out
    assert "  untyped: 2 x no success response (a 302 redirect to a download)" in out
