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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.names import python_name, snake_case
from codegen.spec import MEDIA_TYPES

DEFAULT_PATH = Path(".cache/openapi/api.github.com.json")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_UPLOADS_SERVER = "https://uploads.github.com"
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
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)

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


def body_facts(d: Description, op: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
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
            param_entry(name, "body", shape_of(d, sub), name in needed)
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
        return body, [param_entry(name, "body", shape_of(d, sub), False) for name, sub in props.items()]
    body_type = kind if kind in ("object", "array") else "any"
    return {"content_type": content_type, "type": body_type, "required": required}, []


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
        vnd = _VND.match(media)
        name = vnd.group(1) if vnd else _OTHER_MEDIA.get(media)
        if name in KNOWN_MEDIA:
            names.add(name)
        else:
            report.note(where, f"media type {media!r} has no short name; left out")
    return sorted(names)


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
                    report: Report) -> tuple[str, dict[str, Any]]:
    """(namespace, spec entry) of one operation."""
    operation_id = op.get("operationId")
    if not isinstance(operation_id, str):
        raise OpenAPIError("no operationId")
    namespace, name = split_operation_id(operation_id)
    if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
        raise OpenAPIError(f"HTTP method {method.upper()} is not supported")
    docs = op.get("externalDocs", {}).get("url")
    summary = (op.get("summary") or "").strip().rstrip(".")
    if not docs or not summary:
        raise OpenAPIError("no summary or docs URL")
    params = _operation_parameters(d, op, operation_id, report)
    body, body_params = body_facts(d, op)
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
    if _UPLOADS_SERVER in servers:
        entry["host"] = "uploads"
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
    if body is not None:
        entry["body"] = body
    if params:
        entry["parameters"] = params
    _apply_changes(op, entry, report)
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


def import_description(doc: dict[str, Any], report: Report | None = None) -> tuple[Entries, Report]:
    """Spec entries by namespace, and what was done."""
    report = report or Report()
    d = Description(doc)
    spaces: dict[str, list[dict[str, Any]]] = {}
    renames: list[tuple[str, str, dict[str, Any]]] = []  # (namespace, old operationId, entry)
    seen_ids: dict[str, str] = {}
    for method, path, op in d.operations():
        where = op.get("operationId") or f"{method.upper()} {path}"
        try:
            namespace, entry = operation_entry(d, method, path, op, report)
        except (OpenAPIError, KeyError, TypeError) as exc:
            report.skip(str(where), str(exc) or type(exc).__name__)
            continue
        if entry["operation_id"] in seen_ids:
            report.skip(where, f"operationId also used by {seen_ids[entry['operation_id']]}")
            continue
        seen_ids[entry["operation_id"]] = f"{method.upper()} {path}"
        spaces.setdefault(namespace, []).append(entry)
        renames += [(namespace, old, entry) for old in _operation_renames(op)]
        report.operations += 1
    _add_operation_aliases(spaces, renames, report)
    for entries in spaces.values():
        entries.sort(key=lambda e: e["name"])
    report.namespaces = set(spaces)
    return spaces, report


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
                 out: Any = None) -> None:
    out = out or sys.stdout
    print(f"imported {report.operations} operations in {len(report.namespaces)} namespaces "
          f"({written} file(s) written, {removed} removed, {kept} hand-written entries kept) "
          f"in {seconds:.1f} s", file=out)
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
        spaces, report = import_description(doc)
        if args.check:
            texts, remove, _ = render_spec(root / "spec", spaces)
            return _check_spec(root, texts, remove)
        written, removed, kept = write_spec(root / "spec", spaces)
    except (ValueError, OpenAPIError, MergeError) as exc:
        print(f"import error: {exc}", file=sys.stderr)
        return 2
    print_report(report, written, removed, kept, time.perf_counter() - started)
    return 0


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
