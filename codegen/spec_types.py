"""Read and validate spec/types/*.yaml: the types responses, body shapes and
webhook payloads name, and the webhook events.

Type names are one namespace across the files; every name an endpoint or a
type uses must be defined in one of them (`check_references`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codegen.spec import Loader, Namespace, SpecError
from codegen.typexpr import Expr, TypeExprError, parse, refs

TYPE_FIELDS = {"source", "override", "type", "properties"}
_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
_EVENT = re.compile(r"[a-z][a-z0-9_]*")
# Names the generated modules use themselves, so a type cannot take them.
RESERVED_TYPE_NAMES = frozenset({"Any", "Literal", "NotRequired", "TypeAlias", "TypedDict", "TYPE_CHECKING"})


@dataclass(frozen=True)
class Prop:
    name: str
    required: bool
    type: Expr


@dataclass(frozen=True)
class TypeDef:
    """An object type (`properties`) or an alias (`type`), defined in `file`."""

    name: str
    file: str
    source: str | None
    properties: tuple[Prop, ...] | None = None
    alias: Expr | None = None

    def uses(self) -> set[str]:
        if self.alias is not None:
            return refs(self.alias)
        return set().union(*(refs(p.type) for p in self.properties or ()))


# event -> ((action or None, payload type), ...)
Events = dict[str, tuple[tuple[str | None, Expr], ...]]


@dataclass(frozen=True)
class Types:
    types: dict[str, TypeDef]
    events: Events
    files: tuple[str, ...]  # stems, sorted
    event_files: dict[str, str]  # event -> the file listing it

    def in_file(self, stem: str) -> list[TypeDef]:
        return [t for t in self.types.values() if t.file == f"{stem}.yaml"]


NO_TYPES = Types({}, {}, (), {})


def _fail(file: str, what: str | None, message: str) -> SpecError:
    return SpecError(f"types/{file}", None, what, message)


def _expr(text: Any, file: str, what: str) -> Expr:
    try:
        return parse(text)
    except TypeExprError as exc:
        raise _fail(file, what, str(exc)) from None


def _type(name: Any, raw: Any, file: str) -> TypeDef:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name in RESERVED_TYPE_NAMES:
        raise _fail(file, str(name), "a type name is CamelCase (letters and digits, a capital first) "
                                     "and not one of " + ", ".join(sorted(RESERVED_TYPE_NAMES)))
    if isinstance(raw, str):  # shorthand for an alias: `Name: expr`
        raw = {"type": raw}
    if not isinstance(raw, dict):
        raise _fail(file, name, "must be a mapping with 'properties' or 'type'")
    unknown = set(raw) - TYPE_FIELDS
    if unknown:
        raise _fail(file, f"{name}.{sorted(unknown)[0]}", "is not a known type field")
    if ("properties" in raw) == ("type" in raw):
        raise _fail(file, name, "has either 'properties' (an object) or 'type' (another name for a type)")
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not source):
        raise _fail(file, f"{name}.source", "must be a non-empty string")
    if "type" in raw:
        return TypeDef(name, file, source, alias=_expr(raw["type"], file, f"{name}.type"))
    props = raw["properties"]
    if not isinstance(props, dict):
        raise _fail(file, f"{name}.properties", "must map property names to types")
    found = []
    for key, text in props.items():
        if not isinstance(key, str) or key in ("", "?"):
            raise _fail(file, f"{name}.properties", f"a property name must be text, got {key!r}")
        optional = key.endswith("?")
        found.append(Prop(key[:-1] if optional else key, not optional,
                          _expr(text, file, f"{name}.properties.{key}")))
    if len({p.name for p in found}) != len(found):
        raise _fail(file, f"{name}.properties", "a property is listed twice (with and without '?')")
    return TypeDef(name, file, source, properties=tuple(found))


def _events(raw: Any, file: str) -> Events:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(file, "events", "must map event names to payload types")
    events: Events = {}
    for event, value in raw.items():
        if not isinstance(event, str) or not _EVENT.fullmatch(event):
            raise _fail(file, f"events.{event}", "an event name is snake_case, as in X-GitHub-Event")
        if isinstance(value, dict):
            if not value or not all(isinstance(a, str) and a for a in value):
                raise _fail(file, f"events.{event}", "must map action names to payload types")
            events[event] = tuple((a, _expr(t, file, f"events.{event}.{a}")) for a, t in sorted(value.items()))
        else:
            events[event] = ((None, _expr(value, file, f"events.{event}")),)
    return events


def load_types(types_dir: Path) -> Types:
    """Every type and event under `types_dir` (spec/types/); none if it is absent."""
    files = {}
    for path in sorted(types_dir.glob("*.yaml")):
        try:
            files[path.stem] = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
        except yaml.YAMLError as exc:
            raise _fail(path.name, None, f"is not valid YAML: {exc}") from None
    return types_from_data(files)


def types_from_data(files: dict[str, Any]) -> Types:
    """Validate the parsed content of types files (by stem)."""
    types: dict[str, TypeDef] = {}
    events: Events = {}
    event_files: dict[str, str] = {}
    for stem, raw in sorted(files.items()):
        file = f"{stem}.yaml"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", stem):
            raise _fail(file, None, "a types file is named in snake_case (it becomes a Python module)")
        if not isinstance(raw, dict) or set(raw) - {"types", "events"}:
            raise _fail(file, None, "must be a mapping with 'types' (and 'events')")
        for name, entry in (raw.get("types") or {}).items():
            t = _type(name, entry, file)
            if name in types:
                raise _fail(file, name, f"is also defined in types/{types[name].file}")
            types[name] = t
        for event, payloads in _events(raw.get("events"), file).items():
            if event in events:
                raise _fail(file, f"events.{event}", f"is also listed in types/{event_files[event]}")
            events[event] = payloads
            event_files[event] = file
    return Types(dict(sorted(types.items())), dict(sorted(events.items())), tuple(sorted(files)), event_files)


def check_references(namespaces: list[Namespace], types: Types) -> None:
    """Every type name the endpoints, the types and the events use is defined."""
    def check(used: set[str], file: str, endpoint: str | None, what: str) -> None:
        missing = sorted(used - set(types.types))
        if missing:
            raise SpecError(file, endpoint, what, f"names the type {missing[0]!r}, which no spec/types/ file defines")

    for ns in namespaces:
        for e in ns.endpoints:
            if e.response is not None:
                check(refs(e.response), ns.file, e.name, "response")
            for media, expr in e.media_responses:
                check(refs(expr), ns.file, e.name, f"media_responses.{media}")
            for p in e.params:
                if p.shape is not None:
                    check(refs(p.shape), ns.file, e.name, f"parameters[{p.name}].shape")
    for t in types.types.values():
        check(t.uses(), f"types/{t.file}", None, t.name)
    for event, payloads in types.events.items():
        for action, expr in payloads:
            check(refs(expr), f"types/{types.event_files[event]}", None,
                  f"events.{event}.{action}" if action else f"events.{event}")
