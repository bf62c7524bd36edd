"""`python -m codegen.openapi [PATH]`: import GitHub's OpenAPI description into spec/.

The only door from OpenAPI into spec/. Each operation becomes one spec entry
(a plain dict, in the format of spec/README.md); `codegen.specfile` merges the
entries with the hand-written ones and writes the files. The rules that turn
OpenAPI into spec facts are documented in spec/README.md ("Importing").
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.names import python_name, snake_case
from codegen.openapi_types import ANY, AliasType, TypeImporter, camel, without_null
from codegen.openapi_versions import difference, statuses, versions_of
from codegen.spec import MEDIA_TYPES
from codegen.targets import DOTCOM, GHEC, GHES_VERSIONS, compact
from codegen.typexpr import Expr, Word, format_expr, refs, rename, union

DEFAULT_PATH = Path(".cache/openapi/api.github.com.json")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_UPLOADS_SERVER = "https://uploads.github.com"
_GHES_UPLOADS_SERVER = "https://HOSTNAME/api/uploads"
# GHES's Manage API: the appliance's own host (port 8443), not /api/v3.
_MANAGE_SERVER = "{protocol}://{hostname}"
_SIMPLE_TYPES = {"string", "integer", "number", "boolean", "object", "array"}
# OpenAPI keyword -> spec limit field.
_LIMITS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "minimum": "minimum",
    "maximum": "maximum",
    "maxProperties": "max_properties",
    "minItems": "min_items",
    "maxItems": "max_items",
}
# An Accept media type -> the spec's short name (runtime: octo.client.MEDIA_TYPES).
# `-commitcomment` variants select the same body representations as the plain
# ones, so they share a name.
_VND = re.compile(r"^application/vnd\.github(?:-commitcomment)?\.(?:v3\.)?([a-z]+)(?:\+json)?$")
_OTHER_MEDIA = {"application/sarif+json": "sarif"}
# Where a description lists its custom media types: a bullet naming the type,
# or "... via the `...` accept header".
_MEDIA_IN_TEXT = re.compile(
    r"^\s*[-*] \*\*`(application/vnd\.github[^`]*)`\*\*|`(application/vnd\.github[^`]*)` accept header",
    re.M,
)
KNOWN_MEDIA = frozenset(MEDIA_TYPES) - {"json"}  # json is the default, never an alternative
# Parameters that show an endpoint walks pages through the Link header.
_PAGE_PARAMS = ("per_page", "page")


class OpenAPIError(Exception):
    """The description cannot be imported; the message says why."""


@dataclass
class Report:
    """What an import did, printed by the command."""

    operations: int = 0
    namespaces: set[str] = field(default_factory=set)
    types: dict[str, int] = field(default_factory=dict)  # spec/types/ file -> types in it
    untyped: dict[str, int] = field(default_factory=dict)  # reason -> operations
    events: int = 0
    actions: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)  # target key -> operations there

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def note(self, what: str, why: str) -> None:
        self.notes.append((what, why))


class Description:
    """An OpenAPI document with `$ref` resolution."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise OpenAPIError(f"unsupported $ref {ref!r}")
            target: Any = self.doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
            seen += 1
            if seen > 50:
                raise OpenAPIError(f"$ref cycle at {ref!r}")
        return node

    def operations(self) -> Iterable[tuple[str, str, dict[str, Any]]]:
        """(http method, path, operation) in document order."""
        for path, item in self.doc.get("paths", {}).items():
            item = self.resolve(item)
            for method in HTTP_METHODS:
                if method in item:
                    yield method, path, item[method]


# -- schemas ------------------------------------------------------------------


@dataclass
class Shape:
    """The spec facts of one JSON schema."""

    type: str
    items: str | None = None
    nullable: bool = False
    enum: list[Any] | None = None
    default: Any = None
    has_default: bool = False
    limits: dict[str, Any] = field(default_factory=dict)
    deprecated: bool = False


def _merge_all_of(d: Description, schema: dict[str, Any]) -> dict[str, Any]:
    """`allOf` flattened into one schema (later parts win for scalar keywords)."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = d.resolve(part)
        if "allOf" in part:
            part = _merge_all_of(d, part)
        merge_schema_into(merged, part)
    return merged


def merge_schema_into(merged: dict[str, Any], part: dict[str, Any]) -> None:
    """Add `part`'s keywords to `merged`: properties and required lists are
    joined; for any other keyword the schema already in `merged` wins."""
    for key, value in part.items():
        if key == "properties":
            merged["properties"] = {**merged.get("properties", {}), **value}
        elif key == "required":
            merged["required"] = sorted({*merged.get("required", []), *value})
        else:
            merged.setdefault(key, value)


def schema_of(d: Description, node: Any) -> dict[str, Any]:
    schema = d.resolve(node) if node is not None else {}
    if not isinstance(schema, dict):
        return {}
    if "allOf" in schema:
        schema = _merge_all_of(d, schema)
    return schema


def _alternatives(d: Description, schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema_of(d, s) for key in ("oneOf", "anyOf") for s in schema.get(key, [])]


def simple_type(d: Description, schema: dict[str, Any]) -> tuple[str, bool]:
    """The spec type of a schema and whether it admits null."""
    nullable = bool(schema.get("nullable"))
    declared = schema.get("type")
    if isinstance(declared, list):
        kinds = [t for t in declared if t != "null"]
        nullable = nullable or "null" in declared
        declared = kinds[0] if len(kinds) == 1 else None
        if declared is None and kinds:
            return "any", nullable
    if declared == "null":
        return "any", True
    if declared in _SIMPLE_TYPES:
        # The declared type wins: an object with oneOf parts is an object.
        return declared, nullable
    alts = _alternatives(d, schema)
    if alts:
        found: set[str] = set()
        for alt in alts:
            kind, alt_null = simple_type(d, alt)
            nullable = nullable or alt_null
            if not (kind == "any" and alt.get("type") == "null"):
                found.add(kind)
        return (found.pop() if len(found) == 1 else "any"), nullable
    if "properties" in schema or "additionalProperties" in schema:
        return "object", nullable
    if "items" in schema:
        return "array", nullable
    return "any", nullable


def shape_of(d: Description, node: Any) -> Shape:
    schema = schema_of(d, node)
    kind, nullable = simple_type(d, schema)
    shape = Shape(type=kind, nullable=nullable, deprecated=bool(schema.get("deprecated")))
    if kind == "array":
        items = schema.get("items")
        if items is None:
            alts = [a for a in _alternatives(d, schema) if simple_type(d, a)[0] == "array"]
            items = alts[0].get("items") if len(alts) == 1 else None
        shape.items = simple_type(d, schema_of(d, items))[0] if items is not None else "any"
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        if None in enum:
            shape.nullable = True
        values = [v for v in enum if v is not None]
        # An enum on a union type is only a hint; keep it where it is the type.
        if values and kind != "any":
            shape.enum = values
    if "default" in schema:
        shape.default = schema["default"]
        shape.has_default = True
    for key, spec_key in _LIMITS.items():
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if _limit_applies(spec_key, kind):
                shape.limits[spec_key] = value
    return shape


def _limit_applies(limit: str, kind: str) -> bool:
    return {
        "min_length": kind == "string",
        "max_length": kind == "string",
        "minimum": kind in ("integer", "number"),
        "maximum": kind in ("integer", "number"),
        "max_properties": kind == "object",
        "min_items": kind == "array",
        "max_items": kind == "array",
    }[limit]


# -- parameters ---------------------------------------------------------------


def param_entry(name: str, location: str, shape: Shape, required: bool,
                multi_segment: bool = False, deprecated: bool = False) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "in": location, "type": shape.type}
    if shape.items is not None:
        entry["items"] = shape.items
    if required or location == "path":
        entry["required"] = True
    if shape.nullable and location == "body":
        entry["nullable"] = True
    if multi_segment and location == "path":
        entry["multi_segment"] = True
    if deprecated or shape.deprecated:
        entry["deprecated"] = True
    if shape.enum is not None:
        entry["enum"] = shape.enum
    if shape.has_default:
        entry["default"] = shape.default
    entry.update(shape.limits)
    return entry


def _operation_parameters(d: Description, op: dict[str, Any], where: str,
                          report: Report) -> list[dict[str, Any]]:
    params = []
    for raw in op.get("parameters", []):
        p = d.resolve(raw)
        location = p.get("in")
        if location == "cookie":
            report.note(where, f"cookie parameter {p.get('name')!r} left out (not sent by octo)")
            continue
        shape = shape_of(d, p.get("schema"))
        params.append(param_entry(
            p["name"], location, shape, bool(p.get("required")),
            multi_segment=bool(p.get("x-multi-segment")), deprecated=bool(p.get("deprecated")),
        ))
    return params


# -- bodies -------------------------------------------------------------------


def _object_properties(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("properties"), dict) and bool(schema["properties"])


def body_facts(d: Description, op: dict[str, Any],
               typed: Shapes | None = None) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The `body` field (or None) and the body keyword parameters of an operation.

    A JSON object with named properties gives keyword parameters only; its
    `oneOf`/`anyOf` parts that merely say which properties are required
    together add any property they name. Alternatives that are shapes of
    their own (no properties at the top), arrays, free-form objects and
    non-JSON content give `data=`; object alternatives' properties are also
    offered as optional keywords.
    """
    raw = op.get("requestBody")
    if raw is None:
        return None, []
    request = d.resolve(raw)
    required = bool(request.get("required"))
    content = request.get("content", {})
    json_types = [ct for ct in content if ct == "application/json" or ct.endswith("+json")]
    if not json_types:
        content_type = sorted(content)[0] if "text/plain" not in content else "text/plain"
        schema = schema_of(d, content[content_type].get("schema"))
        binary = schema.get("format") == "binary" or not content_type.startswith("text/")
        return {"content_type": content_type, "type": "binary" if binary else "string",
                "required": required}, []
    content_type = "application/json" if "application/json" in content else json_types[0]
    schema = schema_of(d, content[content_type].get("schema"))
    alternatives = _alternatives(d, schema)
    shapes = [a for a in alternatives if _object_properties(a)]
    if not _object_properties(schema) and len(shapes) == 1 and len(alternatives) == 1:
        # A oneOf of one object shape is that object.
        schema, alternatives = {**shapes[0], "nullable": schema.get("nullable")}, []
    if _object_properties(schema):
        props = dict(schema["properties"])
        for alt in alternatives:
            for name, sub in alt.get("properties", {}).items():
                props.setdefault(name, sub)
        needed = set(schema.get("required", [])) if required else set()
        return None, [
            _shaped(param_entry(name, "body", shape_of(d, sub), name in needed), sub, typed)
            for name, sub in props.items()
        ]
    kind = simple_type(d, schema)[0]
    if shapes:
        # Several alternative shapes: data= takes any of them; the keywords
        # are the union of their properties, none required on its own.
        props = {}
        for alt in shapes:
            for name, sub in alt["properties"].items():
                props.setdefault(name, sub)
        body = {"content_type": content_type,
                "type": "object" if all(simple_type(d, a)[0] == "object" for a in alternatives) else "any",
                "required": required}
        return body, [_shaped(param_entry(name, "body", shape_of(d, sub), False), sub, typed)
                      for name, sub in props.items()]
    body_type = kind if kind in ("object", "array") else "any"
    return {"content_type": content_type, "type": body_type, "required": required}, []


Shapes = Callable[[str, Any], Expr]  # (parameter name, schema) -> its type


def _shaped(entry: dict[str, Any], schema: Any, typed: Shapes | None) -> dict[str, Any]:
    """A body parameter whose value holds named types gets their `shape`."""
    if typed is not None and entry["type"] in ("object", "array", "any"):
        expr = typed(entry["name"], schema)
        if refs(expr):
            entry["shape"] = without_null(expr)
    return entry


# -- responses ------------------------------------------------------------------

EMPTY, TEXT, BINARY = Word("empty"), Word("text"), Word("binary")
_TEXT_MEDIA = ("diff", "patch", "sha")  # answered as text whatever else (octo/core/media.py)


def _json_type(content: dict[str, Any]) -> str | None:
    if "application/json" in content:
        return "application/json"
    return next((ct for ct in sorted(content) if ct.endswith("json")), None)


def response_facts(d: Description, types: TypeImporter, op: dict[str, Any], hint: str,
                   where: str) -> tuple[Expr | None, str | None]:
    """The type of what a call's `data` holds, or the reason there is none.

    The union over the 2xx answers: the JSON schema's type, `empty` for a
    204/205 without a body, `text` for text/*, `binary` for other media.
    """
    codes = sorted(str(c) for c in op.get("responses", {}) if str(c).startswith("2"))
    if not codes:
        redirects = sorted(str(c) for c in op.get("responses", {}) if str(c).startswith("3"))
        return None, "no success response" + (f" (a {redirects[0]} redirect to a download)" if redirects else "")
    parts: list[Expr] = []
    for code in codes:
        content = d.resolve(op["responses"][code]).get("content") or {}
        if not content:
            if code in ("204", "205"):
                parts.append(EMPTY)
                continue
            return None, f"no schema for the {code} answer"
        json_type = _json_type(content)
        if json_type is None:
            parts.append(TEXT if "text/plain" in content or sorted(content)[0].startswith("text/") else BINARY)
            continue
        schema = content[json_type].get("schema")
        expr = types.expr(schema, hint, f"{where} {code}") if schema else ANY
        if expr == ANY:
            return None, f"the {code} answer's schema allows any value"
        parts.append(expr)
    return union(parts), None


def media_responses(d: Description, types: TypeImporter, op: dict[str, Any], hint: str,
                    where: str) -> dict[str, Expr]:
    """The type of each other representation a 2xx answer documents."""
    found: dict[str, Expr] = {}
    for code, raw in sorted(op.get("responses", {}).items()):
        content = d.resolve(raw).get("content") or {}
        if not str(code).startswith("2") or len(content) < 2:
            continue
        # The runtime asks for every representation but diff, patch and sha as JSON.
        default = _json_type(content)
        for ctype, media in sorted(content.items()):
            name = media_name(ctype)
            if ctype == default or name is None or name in found:
                continue
            if name in _TEXT_MEDIA:
                found[name] = TEXT
            elif media.get("schema"):
                found[name] = types.expr(media["schema"], hint + camel(name), f"{where} {code} {name}")
    return found


# -- pagination and media types -----------------------------------------------


def _success_schema(d: Description, op: dict[str, Any]) -> dict[str, Any] | None:
    codes = sorted(c for c in op.get("responses", {}) if str(c).startswith("2"))
    if not codes:
        return None
    response = d.resolve(op["responses"][codes[0]])
    content = response.get("content", {})
    media = content.get("application/json") or next(
        (v for k, v in sorted(content.items()) if k.endswith("json")), None)
    return schema_of(d, media.get("schema")) if media else None


def pagination(d: Description, method: str, op: dict[str, Any],
               params: list[dict[str, Any]]) -> tuple[bool, str | None]:
    """Whether `octo.paginate` can walk the operation, and the list's key.

    A GET that takes `per_page` or `page` (or an integer `since` cursor, as
    `GET /repositories` does) and answers with a JSON array, or with an object
    wrapping one: the wrapper's first array property is the list. An object
    with a `url` is a resource that happens to hold arrays (a commit, a
    comparison), not a page of a list.
    """
    if method != "get":
        return False, None
    query = {p["name"]: p for p in params if p["in"] == "query"}
    since = query.get("since", {}).get("type") == "integer"
    if not (any(n in query for n in _PAGE_PARAMS) or since):
        return False, None
    schema = _success_schema(d, op)
    if schema is None:
        return False, None
    alternatives = _alternatives(d, schema)
    if alternatives and all(simple_type(d, a)[0] == "array" for a in alternatives):
        return True, None
    kind = simple_type(d, schema)[0]
    if kind == "array":
        return True, None
    props = schema.get("properties")
    if kind != "object" or not isinstance(props, dict) or "url" in props or since:
        return False, None
    for name, sub in props.items():
        if simple_type(d, schema_of(d, sub))[0] == "array":
            return True, name
    return False, None


def media_types(d: Description, op: dict[str, Any], where: str, report: Report) -> list[str]:
    """Other representations the operation documents, as short names.

    From its 2xx responses that offer more than one content type, and from
    the custom media types its description lists. The default JSON is not
    one of them.
    """
    found: set[str] = set()
    for code, raw in op.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        content = d.resolve(raw).get("content", {})
        if len(content) > 1:
            found.update(content)
    for match in _MEDIA_IN_TEXT.finditer(op.get("description", "")):
        found.add(match.group(1) or match.group(2))
    names = set()
    for media in found:
        if media in ("application/json", "application/vnd.github+json"):
            continue
        name = media_name(media)
        if name is not None:
            names.add(name)
        else:
            report.note(where, f"media type {media!r} has no short name; left out")
    return sorted(names)


def media_name(media: str) -> str | None:
    """`application/vnd.github.diff` -> `diff`; None for the default JSON and unknown types."""
    vnd = _VND.match(media)
    name = vnd.group(1) if vnd else _OTHER_MEDIA.get(media)
    return name if name in KNOWN_MEDIA else None


# -- operations ---------------------------------------------------------------


def split_operation_id(operation_id: str) -> tuple[str, str]:
    """`code-scanning/get-alert` -> (`code_scanning`, `get_alert`)."""
    prefix, sep, suffix = operation_id.partition("/")
    if not sep or not prefix or not suffix:
        raise OpenAPIError(f"operationId {operation_id!r} is not '<namespace>/<name>'")
    return prefix.replace("-", "_"), snake_case(suffix)


def resolve_clashes(params: list[dict[str, Any]]) -> list[str]:
    """Give body (then header) parameters a suffixed Python name where it clashes.

    Path and query parameters keep their names; a body parameter whose Python
    name is taken gets `_body`, a header parameter `_header`. Returns problems
    that no rule resolves.
    """
    taken: dict[str, dict[str, Any]] = {}
    problems = []
    order = {"path": 0, "query": 1, "body": 2, "header": 3}
    for p in sorted(params, key=lambda p: order.get(p["in"], 4)):
        name = p.get("python_name", python_name(p["name"]))
        if name in taken and p["in"] in ("body", "header"):
            name = f"{name}_{p['in']}"
            p["python_name"] = name
        if name in taken:
            other = taken[name]
            problems.append(f"{p['in']} parameter {p['name']!r} and {other['in']} parameter "
                            f"{other['name']!r} share the Python name {name!r}")
            continue
        taken[name] = p
    return problems


def operation_entry(d: Description, method: str, path: str, op: dict[str, Any],
                    report: Report, types: TypeImporter | None = None,
                    version: str = "") -> tuple[str, dict[str, Any]]:
    """(namespace, spec entry) of one operation. With `types`, the entry's
    `response`, `media_responses` and body `shape`s hold type expressions
    (`Expr`), formatted once the types are merged (`import_description`).
    `version`: the operation as a later API version has it (names its types)."""
    operation_id = op.get("operationId")
    if not isinstance(operation_id, str):
        raise OpenAPIError("no operationId")
    namespace, name = split_operation_id(operation_id)
    hint = camel(namespace) + camel(name) + (camel("v" + version) if version else "")
    if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
        raise OpenAPIError(f"HTTP method {method.upper()} is not supported")
    docs = op.get("externalDocs", {}).get("url")
    summary = (op.get("summary") or "").strip().rstrip(".")
    if not docs or not summary:
        raise OpenAPIError("no summary or docs URL")
    params = _operation_parameters(d, op, operation_id, report)
    shapes = None if types is None else (
        lambda pname, schema: types.expr(schema, hint + camel(pname), f"{operation_id} body.{pname}"))
    body, body_params = body_facts(d, op, shapes)
    params += body_params
    problems = resolve_clashes(params)
    if problems:
        raise OpenAPIError("; ".join(problems))
    entry: dict[str, Any] = {
        "name": name,
        "operation_id": operation_id,
        "method": method.upper(),
        "path": path,
        "summary": summary,
        "docs_url": docs,
    }
    if op.get("deprecated"):
        entry["deprecated"] = True
    servers = [s.get("url") for s in op.get("servers", [])]
    if _UPLOADS_SERVER in servers or _GHES_UPLOADS_SERVER in servers:
        entry["host"] = "uploads"
    elif servers == [_MANAGE_SERVER]:
        entry["host"] = "manage"
    elif servers:
        report.note(operation_id, f"servers {servers} not used; sent to the API base URL")
    paginated, list_key = pagination(d, method, op, params)
    if paginated:
        entry["paginated"] = True
        if list_key:
            entry["list_key"] = list_key
    media = media_types(d, op, operation_id, report)
    if media:
        entry["media_types"] = media
    if types is not None:
        response, reason = response_facts(d, types, op, hint + "Data", operation_id)
        if response is not None:
            entry["response"] = response
        else:
            entry["untyped"] = reason
        others = media_responses(d, types, op, hint + "Data", operation_id)
        if others:
            entry["media_responses"] = others
    if body is not None:
        entry["body"] = body
    if params:
        entry["parameters"] = params
    _apply_changes(op, entry, report)
    if not version:
        later = {}
        for v, changesets, patched in versions_of(d, op):
            # A scratch report: the version's notes are the operation's own again.
            _, changed = operation_entry(d, method, path, patched, Report(), types, v)
            later[v] = {"changes": changesets, "statuses": statuses(op, patched), "entry": changed}
        if later:
            entry["versions"] = later
    return namespace, entry


def _apply_changes(op: dict[str, Any], entry: dict[str, Any], report: Report) -> None:
    """`x-octokit.changes`: renamed parameters become parameter aliases.

    Renamed operations are collected by `import_description`, which knows
    every name in the namespace.
    """
    for change in op.get("x-octokit", {}).get("changes", []):
        if change.get("type") != "PARAMETER":
            continue
        new, old = change.get("parameter"), change.get("before", {}).get("name")
        target = next((p for p in entry.get("parameters", []) if p["name"] == new), None)
        if target is None or not old:
            report.skip(f"{entry['operation_id']} parameter {old!r}",
                        f"renamed to {new!r}, which the operation does not have")
            continue
        old_py = python_name(old)
        if old_py != target.get("python_name", python_name(new)):
            target.setdefault("aliases", [])
            if old_py not in target["aliases"]:
                target["aliases"].append(old_py)


def _operation_renames(op: dict[str, Any]) -> list[str]:
    return [c["before"]["operationId"] for c in op.get("x-octokit", {}).get("changes", [])
            if c.get("type") == "OPERATION" and isinstance(c.get("before", {}).get("operationId"), str)]


Entries = dict[str, list[dict[str, Any]]]
# spec/types/ file stem -> {"types": {name: entry}, "events": {...}} (the format of spec/README.md)
TypeFiles = dict[str, dict[str, Any]]
API_TYPES, WEBHOOK_TYPES = "api", "webhooks"


@dataclass
class Imported:
    """What an import produces: spec entries by namespace, type files, and the report."""

    spaces: Entries
    types: TypeFiles
    report: Report


@dataclass
class _Gathered:
    """The entries of an import as the descriptions are read one by one."""

    report: Report
    spaces: Entries = field(default_factory=dict)
    renames: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (namespace, old id, entry)
    routes: dict[str, str] = field(default_factory=dict)  # operationId -> "METHOD /path"
    present: dict[str, set[str]] = field(default_factory=dict)  # operationId -> target keys

    def add(self, d: Description, types: TypeImporter, target: str) -> None:
        """Every operation of `d`: an entry for each one not seen before, and
        `target` in the set of targets of each."""
        for method, path, op in d.operations():
            where = op.get("operationId") or f"{method.upper()} {path}"
            route = f"{method.upper()} {path}"
            known = self.routes.get(where)
            if known is not None:
                if target not in self.present[where]:
                    self.present[where].add(target)
                    if known != route:
                        self.report.note(where, f"{target} has it at {route}, not {known}; "
                                                f"octo sends {known}")
                    continue
                self.report.skip(where, f"operationId also used by {known}")
                continue
            try:
                namespace, entry = operation_entry(d, method, path, op, self.report, types)
            except (OpenAPIError, KeyError, TypeError) as exc:
                self.report.skip(str(where), str(exc) or type(exc).__name__)
                continue
            self.routes[entry["operation_id"]] = route
            self.present[entry["operation_id"]] = {target}
            self.spaces.setdefault(namespace, []).append(entry)
            self.renames += [(namespace, old, entry) for old in _operation_renames(op)]
            self.report.operations += 1


def import_description(doc: dict[str, Any], report: Report | None = None,
                       editions: dict[str, dict[str, Any]] | None = None) -> Imported:
    """Spec entries by namespace and spec/types/ files, and what was done.

    `editions`: the descriptions of the other GitHubs by target key (`ghec`,
    `ghes-3.19`). Their operations that `doc` lacks are imported from the
    first of them that has each (GHEC, then the newest GHES first), and every
    entry gets `targets` unless it is on all of them."""
    report = report or Report()
    d = Description(doc)
    types = TypeImporter(d)
    gathered = _Gathered(report)
    gathered.add(d, types, DOTCOM)
    # Webhooks before the other descriptions, so their types take no webhook type's name.
    events = webhook_events(d, types, report)
    types.for_webhooks = False
    for target, other in (editions or {}).items():
        od = Description(other)
        gathered.add(od, TypeImporter(od, shared=types), target)
    spaces = gathered.spaces
    if editions:
        report.targets = {t: 0 for t in (DOTCOM, *editions)}
        for entries in spaces.values():
            for entry in entries:
                present = gathered.present[entry["operation_id"]]
                for t in present:
                    report.targets[t] += 1
                words = compact(present)
                if words is not None:
                    entry["targets"] = words
    _add_operation_aliases(spaces, gathered.renames, report)
    for entries in spaces.values():
        entries.sort(key=lambda e: e["name"])
    report.namespaces = set(spaces)
    return Imported(spaces, _type_files(types, spaces, events, report), report)


def _entry_exprs(entry: dict[str, Any]) -> list[Expr]:
    found = [entry["response"]] if "response" in entry else []
    found += entry.get("media_responses", {}).values()
    found += [p["shape"] for p in entry.get("parameters", []) if "shape" in p]
    for later in entry.get("versions", {}).values():
        found += _entry_exprs(later["entry"])
    return found


def _format_entry(entry: dict[str, Any], text: Callable[[Expr], str]) -> None:
    """Write the entry's type expressions as text (then its versions' differences)."""
    if "response" in entry:
        entry["response"] = text(entry["response"])
    if "media_responses" in entry:
        entry["media_responses"] = {k: text(v) for k, v in entry["media_responses"].items()}
    for p in entry.get("parameters", []):
        if "shape" in p:
            p["shape"] = text(p["shape"])
    for version, later in entry.get("versions", {}).items():
        _format_entry(later["entry"], text)
        found = {"changes": later["changes"], **difference(entry, later["entry"])}
        if later["statuses"]:
            found["statuses"] = later["statuses"]
        entry["versions"][version] = found


def _type_files(types: TypeImporter, spaces: Entries, events: dict[str, Any], report: Report) -> TypeFiles:
    """Merge same-shaped types, keep the ones the spec uses, and write every
    expression as text: spec/types/api.yaml holds what the endpoints use,
    spec/types/webhooks.yaml the events and the types only they use."""
    rest_roots = [e for entries in spaces.values() for entry in entries for e in _entry_exprs(entry)]
    event_roots = [e for v in events.values() for e in (v.values() if isinstance(v, dict) else [v])]
    kept, names = types.finish(rest_roots + event_roots)
    rest, _ = types.finish(rest_roots)

    def text(expr: Expr) -> str:
        return format_expr(rename(expr, names))

    for entries in spaces.values():
        for entry in entries:
            if "response" not in entry:
                report.untyped[entry["untyped"]] = report.untyped.get(entry["untyped"], 0) + 1
            _format_entry(entry, text)
    files: TypeFiles = {API_TYPES: {"types": {}}, WEBHOOK_TYPES: {"types": {}, "events": {}}}
    for name, t in kept.items():
        if isinstance(t, AliasType):
            data: dict[str, Any] = {"source": t.source, "type": format_expr(t.expr)}
        else:
            data = {"source": t.source,
                    "properties": {p + ("" if req else "?"): format_expr(e) for p, req, e in t.properties}}
        files[API_TYPES if name in rest else WEBHOOK_TYPES]["types"][name] = data
    for event, value in sorted(events.items()):
        files[WEBHOOK_TYPES]["events"][event] = (
            {a: text(e) for a, e in sorted(value.items())} if isinstance(value, dict) else text(value))
    report.types = {stem: len(f["types"]) for stem, f in files.items()}
    return files


def webhook_events(d: Description, types: TypeImporter, report: Report) -> dict[str, Any]:
    """event name -> {action: payload type} (or the payload type of an event
    without actions), from the description's `x-webhooks`."""
    events: dict[str, Any] = {}
    types.for_webhooks = True
    for key, item in d.doc.get("x-webhooks", {}).items():
        op = d.resolve(item).get("post", {})
        event = op.get("x-github", {}).get("subcategory")
        schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if not isinstance(event, str) or schema is None:
            report.skip(f"x-webhooks {key}", "no event name (x-github.subcategory) or no JSON payload")
            continue
        # X-GitHub-Event spells `sub-issues` as `sub_issues`.
        event = event.replace("-", "_")
        expr = types.expr(schema, camel(f"webhook-{key}"), f"x-webhooks {key}")
        action = _webhook_action(d, schema)
        known = events.get(event)
        if action is None and known is None:
            events[event] = expr
        elif action is not None and (known is None or isinstance(known, dict)):
            actions = events.setdefault(event, {})
            actions[action] = union([actions[action], expr]) if action in actions else expr
        else:
            report.skip(f"x-webhooks {key}", f"event {event!r} has payloads both with and without an action")
            continue
        report.actions += 1
    report.events = len(events)
    return events


def _webhook_action(d: Description, node: Any) -> str | None:
    """The one `action` value a payload schema allows (its parts' for a oneOf)."""
    schema = schema_of(d, node)
    parts = [schema] + [schema_of(d, s) for key in ("oneOf", "anyOf") for s in schema.get(key, [])]
    for part in parts:
        action = schema_of(d, (part.get("properties") or {}).get("action"))
        enum = action.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
            return enum[0]
    return None


def _add_operation_aliases(spaces: dict[str, list[dict[str, Any]]],
                           renames: list[tuple[str, str, dict[str, Any]]], report: Report) -> None:
    """Old operation names become deprecated aliases of the new method.

    An old name that is a current method name is left out. An old name that
    several operations claim (one operation split in two) goes to the last of
    them in the description's order, as Octokit does.
    """
    current = {(ns, e["name"]) for ns, entries in spaces.items() for e in entries}
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    for namespace, old_id, entry in renames:
        try:
            old_ns, old_name = split_operation_id(old_id)
        except OpenAPIError as exc:
            report.skip(f"{entry['operation_id']} alias", str(exc))
            continue
        if old_ns != namespace:
            report.skip(f"{entry['operation_id']} alias {old_id!r}",
                        f"old name is in namespace {old_ns!r}, the method in {namespace!r}")
            continue
        if (namespace, old_name) in current:
            report.skip(f"{entry['operation_id']} alias {old_id!r}", "the old name is a current method")
            continue
        previous = claims.get((namespace, old_name))
        if previous is not None and previous is not entry:
            report.note(f"{namespace}.{old_name}",
                        f"old name of both {previous['operation_id']} and {entry['operation_id']}; "
                        f"kept for {entry['operation_id']}")
        claims[(namespace, old_name)] = entry
    for (_, old_name), entry in sorted(claims.items()):
        entry.setdefault("aliases", []).append(old_name)
    for entries in spaces.values():
        for e in entries:
            if "aliases" in e:
                e["aliases"].sort()
                # Keep the field order stable: aliases come right after deprecated.
                _move_after(e, "aliases", ("deprecated", "docs_url"))


def _move_after(entry: dict[str, Any], key: str, anchors: tuple[str, ...]) -> None:
    value = entry.pop(key)
    items = list(entry.items())
    at = len(items)
    for anchor in anchors:
        idx = next((i for i, (k, _) in enumerate(items) if k == anchor), None)
        if idx is not None:
            at = idx + 1
            break
    items.insert(at, (key, value))
    entry.clear()
    entry.update(items)


# -- command ------------------------------------------------------------------


def print_report(report: Report, written: int, removed: int, kept: int, seconds: float,
                 out: Any = None, kept_types: int = 0) -> None:
    out = out or sys.stdout
    print(f"imported {report.operations} operations in {len(report.namespaces)} namespaces "
          f"({written} file(s) written, {removed} removed, {kept} hand-written entries kept) "
          f"in {seconds:.1f} s", file=out)
    untyped = sum(report.untyped.values())
    print(f"types: {sum(report.types.values())} ("
          + ", ".join(f"{n} in spec/types/{stem}.yaml" for stem, n in sorted(report.types.items()))
          + f", {kept_types} hand-written kept); {report.operations - untyped} operations typed, "
          f"{untyped} untyped; {report.events} webhook events ({report.actions} payloads)", file=out)
    if report.targets:
        print("targets: " + ", ".join(f"{t} {n}" for t, n in report.targets.items()), file=out)
    for reason, n in sorted(report.untyped.items()):
        print(f"  untyped: {n} x {reason}", file=out)
    for what, why in sorted(report.notes):
        print(f"  note: {what}: {why}", file=out)
    if report.skipped:
        print(f"skipped {len(report.skipped)}:", file=out)
        for what, why in sorted(report.skipped):
            print(f"  skipped: {what}: {why}", file=out)
    else:
        print("skipped: nothing", file=out)


def main(argv: list[str] | None = None) -> int:
    from codegen.specfile import MergeError, render_spec, write_spec

    parser = argparse.ArgumentParser(prog="python -m codegen.openapi", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=None,
                        help=f"the OpenAPI description (default: {DEFAULT_PATH}, made by `make openapi`)")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: .)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff if spec/ is not the import of PATH")
    args = parser.parse_args(argv)
    root: Path = args.root
    path: Path = args.path or root / DEFAULT_PATH
    if not path.exists():
        print(f"import error: {path} does not exist (run `make openapi` to fetch the pinned one)",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        editions = {} if args.path else read_editions(root)
        imported = import_description(doc, editions=editions)
        report = imported.report
        if args.check:
            texts, remove, *_ = render_spec(root / "spec", imported.spaces, imported.types)
            return _check_spec(root, texts, remove)
        written, removed, kept, kept_types = write_spec(root / "spec", imported.spaces, imported.types)
    except (ValueError, OpenAPIError, MergeError) as exc:
        print(f"import error: {exc}", file=sys.stderr)
        return 2
    print_report(report, written, removed, kept, time.perf_counter() - started, kept_types=kept_types)
    return 0


def read_editions(root: Path) -> dict[str, dict[str, Any]]:
    """The pinned GHEC and GHES descriptions by target key: GHEC, then the newest GHES first."""
    from codegen.pinned import edition_path

    found = {}
    for stem in (GHEC, *(f"ghes-{v}" for v in reversed(GHES_VERSIONS))):
        path = edition_path(root, stem)
        if not path.exists():
            raise OpenAPIError(f"{path} does not exist (run `make openapi` to fetch the pinned descriptions)")
        found[stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _check_spec(root: Path, texts: dict[Path, str], remove: list[Path]) -> int:
    stale = 0
    for path, text in sorted(texts.items()):
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            stale += 1
            rel = path.relative_to(root).as_posix()
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{rel}", f"b/{rel}", n=2))
    for path in remove:
        stale += 1
        print(f"{path.relative_to(root).as_posix()}: the import no longer produces it")
    if stale:
        print(f"{stale} spec file(s) are not the import of the pinned description: run `make spec`",
              file=sys.stderr)
        return 1
    print(f"spec/ is the import of the description: {len(texts)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
