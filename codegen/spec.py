"""Read and validate spec/*.yaml into plain data classes.

Every problem is a SpecError naming the file, the endpoint and the field, so
`python -m codegen` can refuse a bad spec without a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codegen.names import RESERVED, is_identifier, python_name
from codegen.targets import TargetError, expand
from codegen.typexpr import Expr, TypeExprError, parse

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
LOCATIONS = ("path", "query", "body", "header")
TYPES = ("string", "integer", "number", "boolean", "object", "array", "any")
BODY_TYPES = ("string", "binary", "object", "array", "any")
MEDIA_TYPES = ("diff", "patch", "raw", "html", "text", "full", "sha", "base64", "json", "object", "star",
               "repository", "sarif")
LIMITS = (
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "max_properties",
    "min_items",
    "max_items",
)
ENDPOINT_FIELDS = {
    "name", "method", "path", "summary", "docs_url", "parameters", "deprecated", "aliases",
    "body", "host", "paginated", "list_key", "media_types", "operation_id", "override",
    "response", "untyped", "media_responses", "versions", "targets",
}
VERSION_FIELDS = {"changes", "removed", "statuses", "response", "untyped", "parameters"}
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARAM_FIELDS = {
    "name", "in", "type", "required", "python_name", "items", "nullable", "enum", "default",
    "multi_segment", "deprecated", "aliases", "shape", *LIMITS,
}
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")

# libyaml reads the full API's spec in a fraction of the pure-Python time.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecError(Exception):
    """A spec file is wrong; the message says where and what."""

    def __init__(self, file: str, endpoint: str | None, fieldname: str | None, message: str):
        where = file
        if endpoint:
            where += f": endpoint {endpoint!r}"
        if fieldname:
            where += f": field {fieldname!r}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Param:
    name: str
    location: str
    type: str
    required: bool
    python_name: str
    items: str | None = None
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    default: Any = None
    has_default: bool = False
    limits: dict[str, Any] = field(default_factory=dict)
    multi_segment: bool = False
    deprecated: bool = False
    aliases: tuple[str, ...] = ()
    shape: Expr | None = None


@dataclass(frozen=True)
class Body:
    content_type: str
    type: str
    required: bool


@dataclass(frozen=True)
class Version:
    """What a later API version changes in an endpoint (`versions:` in the spec)."""

    version: str  # YYYY-MM-DD; the version and every later one have these changes
    changes: tuple[str, ...] = ()  # GitHub's changeset names
    removed: tuple[str, ...] = ()  # wire names of parameters the version does not have
    params: tuple[Param, ...] = ()  # parameters the version has with other facts
    statuses: dict[str, tuple[int, ...]] = field(default_factory=dict)  # added/removed status codes
    response: Expr | None = None
    untyped: str | None = None


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    summary: str
    docs_url: str
    params: tuple[Param, ...]
    deprecated: bool = False
    aliases: tuple[str, ...] = ()
    body: Body | None = None
    host: str | None = None
    paginated: bool = False
    list_key: str | None = None
    media_types: tuple[str, ...] = ()
    operation_id: str | None = None
    override: bool = False
    response: Expr | None = None
    untyped: str | None = None
    media_responses: tuple[tuple[str, Expr], ...] = ()
    versions: tuple[Version, ...] = ()
    # Target keys where the endpoint exists (codegen.targets); None: everywhere.
    targets: frozenset[str] | None = None

    @property
    def path_params(self) -> list[Param]:
        order = _PATH_PARAM.findall(self.path)
        by_name = {p.name: p for p in self.params if p.location == "path"}
        return [by_name[n] for n in order]

    def params_in(self, location: str) -> list[Param]:
        return [p for p in self.params if p.location == location]


@dataclass(frozen=True)
class Namespace:
    name: str
    file: str
    endpoints: tuple[Endpoint, ...]


def _fail(file: str, endpoint: str | None, fieldname: str | None, message: str) -> SpecError:
    return SpecError(file, endpoint, fieldname, message)


def _require(data: dict[str, Any], key: str, kind: type, file: str, endpoint: str | None,
             prefix: str = "") -> Any:
    if key not in data:
        raise _fail(file, endpoint, prefix + key, "is missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is str and not value):
        raise _fail(file, endpoint, prefix + key, f"must be a non-empty {kind.__name__}")
    return value


def _flag(data: dict[str, Any], key: str, file: str, endpoint: str, prefix: str = "") -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _fail(file, endpoint, prefix + key, "must be true or false")
    return value


def _names(data: dict[str, Any], key: str, file: str, endpoint: str, prefix: str = "") -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(file, endpoint, prefix + key, "must be a list of names")
    return tuple(value)


def _param(raw: Any, index: int, file: str, endpoint: str) -> Param:
    prefix = f"parameters[{index}]."
    if not isinstance(raw, dict):
        raise _fail(file, endpoint, f"parameters[{index}]", "must be a mapping")
    name = _require(raw, "name", str, file, endpoint, prefix)
    prefix = f"parameters[{name}]."
    unknown = set(raw) - PARAM_FIELDS
    if unknown:
        raise _fail(file, endpoint, prefix + sorted(unknown)[0], "is not a known parameter field")
    location = _require(raw, "in", str, file, endpoint, prefix)
    if location not in LOCATIONS:
        raise _fail(file, endpoint, prefix + "in", f"{location!r} is not one of {', '.join(LOCATIONS)}")
    ptype = _require(raw, "type", str, file, endpoint, prefix)
    if ptype not in TYPES:
        raise _fail(file, endpoint, prefix + "type", f"{ptype!r} is not one of {', '.join(TYPES)}")
    items = raw.get("items")
    if items is not None and (ptype != "array" or items not in TYPES):
        raise _fail(file, endpoint, prefix + "items", f"must be one of {', '.join(TYPES)} on an array")
    required = _flag(raw, "required", file, endpoint, prefix)
    if location == "path" and not required:
        raise _fail(file, endpoint, prefix + "required", "a path parameter must be required")
    pyname = raw.get("python_name", python_name(name))
    if not isinstance(pyname, str) or not is_identifier(pyname) or pyname in RESERVED:
        raise _fail(file, endpoint, prefix + "python_name",
                    f"{pyname!r} is not a valid Python name (or is reserved)")
    enum = raw.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        raise _fail(file, endpoint, prefix + "enum", "must be a non-empty list")
    limits = {}
    for key in LIMITS:
        if key in raw:
            if isinstance(raw[key], bool) or not isinstance(raw[key], (int, float)):
                raise _fail(file, endpoint, prefix + key, "must be a number")
            limits[key] = raw[key]
    multi = _flag(raw, "multi_segment", file, endpoint, prefix)
    if multi and location != "path":
        raise _fail(file, endpoint, prefix + "multi_segment", "only a path parameter can span segments")
    shape = _type(raw, "shape", file, endpoint, prefix)
    if shape is not None and location != "body":
        raise _fail(file, endpoint, prefix + "shape", "only a body parameter has a shape")
    return Param(
        name=name,
        location=location,
        type=ptype,
        required=required,
        python_name=pyname,
        items=items,
        nullable=_flag(raw, "nullable", file, endpoint, prefix),
        enum=tuple(enum) if enum is not None else None,
        default=raw.get("default"),
        has_default="default" in raw,
        limits=limits,
        multi_segment=multi,
        deprecated=_flag(raw, "deprecated", file, endpoint, prefix),
        aliases=_names(raw, "aliases", file, endpoint, prefix),
        shape=shape,
    )


def _type(raw: dict[str, Any], key: str, file: str, endpoint: str, prefix: str = "",
          response: bool = False) -> Expr | None:
    """A type expression field (see codegen.typexpr); None when absent."""
    if key not in raw:
        return None
    try:
        return parse(raw[key], response=response)
    except TypeExprError as exc:
        raise _fail(file, endpoint, prefix + key, str(exc)) from None


def _response(raw: dict[str, Any], file: str, name: str,
              media: tuple[str, ...]) -> tuple[Expr | None, str | None, tuple[tuple[str, Expr], ...]]:
    response = _type(raw, "response", file, name, response=True)
    untyped = raw.get("untyped")
    if untyped is not None and (not isinstance(untyped, str) or not untyped.strip()):
        raise _fail(file, name, "untyped", "must be the reason the response has no type")
    if response is not None and untyped is not None:
        raise _fail(file, name, "untyped", "an endpoint with a response type is not untyped")
    others = raw.get("media_responses", {})
    if not isinstance(others, dict):
        raise _fail(file, name, "media_responses", "must map media types to types")
    found = []
    for m in sorted(others):
        if m not in media:
            raise _fail(file, name, f"media_responses.{m}", "is not one of the endpoint's media_types")
        found.append((m, _type(others, m, file, name, "media_responses.", response=True)))
    return response, untyped, tuple((m, e) for m, e in found if e is not None)


def _versions(raw: Any, file: str, name: str, params: tuple[Param, ...],
              media: tuple[str, ...]) -> tuple[Version, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise _fail(file, name, "versions", "must map API versions (\"YYYY-MM-DD\") to their changes")
    wire = {(p.location, p.name): p for p in params}
    found = []
    for version in sorted(raw, key=str):
        where = f"versions.{version}"
        data = raw[version]
        if not isinstance(version, str) or not _API_VERSION.match(version):
            raise _fail(file, name, where, "an API version is a quoted \"YYYY-MM-DD\" string")
        if not isinstance(data, dict):
            raise _fail(file, name, where, "must be a mapping")
        unknown = set(data) - VERSION_FIELDS
        if unknown:
            raise _fail(file, name, f"{where}.{sorted(unknown)[0]}", "is not a known version field")
        removed = _names(data, "removed", file, name, where + ".")
        for r in removed:
            if not any(n == r for _, n in wire):
                raise _fail(file, name, f"{where}.removed", f"{r!r} is not a parameter of the endpoint")
        raw_params = data.get("parameters", [])
        if not isinstance(raw_params, list):
            raise _fail(file, name, f"{where}.parameters", "must be a list")
        changed = tuple(_param(p, i, file, name) for i, p in enumerate(raw_params))
        for p in changed:
            if (p.location, p.name) not in wire:
                raise _fail(file, name, f"{where}.parameters[{p.name}]",
                            "names no parameter of the endpoint (a version changes or removes parameters)")
        codes = data.get("statuses", {})
        if not isinstance(codes, dict) or set(codes) - {"added", "removed"} or not all(
                isinstance(v, list) and all(isinstance(c, int) for c in v) for v in codes.values()):
            raise _fail(file, name, f"{where}.statuses", "must be {added: [codes], removed: [codes]}")
        response, untyped, _ = _response(data, file, name, media)
        found.append(Version(version, _names(data, "changes", file, name, where + "."), removed, changed,
                             {k: tuple(v) for k, v in codes.items()}, response, untyped))
    return tuple(found)


def _body(raw: Any, file: str, endpoint: str) -> Body | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail(file, endpoint, "body", "must be a mapping")
    content_type = _require(raw, "content_type", str, file, endpoint, "body.")
    btype = _require(raw, "type", str, file, endpoint, "body.")
    if btype not in BODY_TYPES:
        raise _fail(file, endpoint, "body.type", f"{btype!r} is not one of {', '.join(BODY_TYPES)}")
    return Body(content_type, btype, _flag(raw, "required", file, endpoint, "body."))


def _endpoint(raw: Any, index: int, file: str) -> Endpoint:
    if not isinstance(raw, dict):
        raise _fail(file, None, f"endpoints[{index}]", "must be a mapping")
    name = _require(raw, "name", str, file, f"#{index}")
    if not is_identifier(name) or name.startswith("_"):
        raise _fail(file, name, "name", f"{name!r} is not a valid Python name")
    unknown = set(raw) - ENDPOINT_FIELDS
    if unknown:
        raise _fail(file, name, sorted(unknown)[0], "is not a known endpoint field")
    method = _require(raw, "method", str, file, name)
    if method not in METHODS:
        raise _fail(file, name, "method", f"{method!r} is not one of {', '.join(METHODS)}")
    path = _require(raw, "path", str, file, name)
    if not path.startswith("/"):
        raise _fail(file, name, "path", "must start with '/'")
    summary = _require(raw, "summary", str, file, name)
    docs_url = _require(raw, "docs_url", str, file, name)
    raw_params = raw.get("parameters", [])
    if not isinstance(raw_params, list):
        raise _fail(file, name, "parameters", "must be a list")
    params = tuple(_param(p, i, file, name) for i, p in enumerate(raw_params))

    seen: dict[str, Param] = {}
    for p in params:
        other = seen.get(p.python_name)
        if other is not None:
            raise _fail(file, name, f"parameters[{p.name}]",
                        f"Python name {p.python_name!r} is also used by {other.location} "
                        f"parameter {other.name!r}; set python_name on one of them")
        seen[p.python_name] = p
    wire = {(p.location, p.name) for p in params}
    if len(wire) != len(params):
        raise _fail(file, name, "parameters", "a parameter is listed twice")

    in_path = _PATH_PARAM.findall(path)
    if len(set(in_path)) != len(in_path):
        raise _fail(file, name, "path", "names a path parameter twice")
    declared = [p.name for p in params if p.location == "path"]
    for pname in in_path:
        if pname not in declared:
            raise _fail(file, name, "path", f"uses {{{pname}}}, which is not declared as a path parameter")
    for pname in declared:
        if pname not in in_path:
            raise _fail(file, name, f"parameters[{pname}]", f"path parameter is not used in {path!r}")

    body = _body(raw.get("body"), file, name)
    host = raw.get("host")
    if host not in (None, "uploads", "manage"):
        raise _fail(file, name, "host", "must be 'uploads' or 'manage' when given")
    paginated = _flag(raw, "paginated", file, name)
    list_key = raw.get("list_key")
    if list_key is not None and (not paginated or not isinstance(list_key, str)):
        raise _fail(file, name, "list_key", "must be a string, on a paginated endpoint")
    media = _names(raw, "media_types", file, name)
    for m in media:
        if m not in MEDIA_TYPES:
            raise _fail(file, name, "media_types", f"{m!r} is not one of {', '.join(MEDIA_TYPES)}")
    aliases = _names(raw, "aliases", file, name)
    for alias in aliases:
        if not is_identifier(alias):
            raise _fail(file, name, "aliases", f"{alias!r} is not a valid Python name")
    response, untyped, media_responses = _response(raw, file, name, media)
    return Endpoint(
        name=name,
        method=method,
        path=path,
        summary=summary,
        docs_url=docs_url,
        params=params,
        deprecated=_flag(raw, "deprecated", file, name),
        aliases=aliases,
        body=body,
        host=host,
        paginated=paginated,
        list_key=list_key,
        media_types=media,
        operation_id=raw.get("operation_id"),
        override=_flag(raw, "override", file, name),
        response=response,
        untyped=untyped,
        media_responses=media_responses,
        versions=_versions(raw.get("versions"), file, name, params, media),
        targets=_targets(raw.get("targets"), file, name),
    )


def _targets(raw: Any, file: str, name: str) -> frozenset[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise _fail(file, name, "targets", "must be a list such as [api.github.com, ghec, ghes 3.18+]")
    try:
        return expand(raw)
    except TargetError as exc:
        raise _fail(file, name, "targets", str(exc)) from None


def load_file(path: Path) -> Namespace:
    file = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except yaml.YAMLError as exc:
        raise _fail(file, None, None, f"is not valid YAML: {exc}") from None
    return namespace_from_data(raw, file, path.stem)


def namespace_from_data(raw: Any, file: str, stem: str) -> Namespace:
    """Validate the parsed content of spec file `file` (named `stem`.yaml)."""
    if not isinstance(raw, dict):
        raise _fail(file, None, None, "must be a mapping with 'namespace' and 'endpoints'")
    namespace = _require(raw, "namespace", str, file, None)
    if namespace != stem:
        raise _fail(file, None, "namespace", f"{namespace!r} must equal the file name {stem!r}")
    if not is_identifier(namespace) or namespace.startswith("_"):
        raise _fail(file, None, "namespace", f"{namespace!r} is not a valid Python name")
    raw_endpoints = raw.get("endpoints")
    if not isinstance(raw_endpoints, list):
        raise _fail(file, None, "endpoints", "must be a list")
    endpoints = [_endpoint(e, i, file) for i, e in enumerate(raw_endpoints)]
    names: dict[str, str] = {}
    for e in endpoints:
        for n in (e.name, *e.aliases):
            if n in names:
                raise _fail(file, e.name, "name", f"{n!r} is already a method of {namespace!r}")
            names[n] = e.name
    endpoints.sort(key=lambda e: e.name)
    return Namespace(namespace, file, tuple(endpoints))


def load_spec(spec_dir: Path) -> list[Namespace]:
    """Every namespace in spec_dir, sorted by name."""
    return [load_file(p) for p in sorted(spec_dir.glob("*.yaml"))]
