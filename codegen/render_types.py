"""Render spec/types/ into TypedDict modules (octo/rest/types/), the webhook
event table (octo/rest/_events.py) and a reference page per type
(docs/reference/types/).

Type modules are for type checkers: octo never imports them at run time
(namespace modules name them under `if TYPE_CHECKING:` in string
annotations), so they cost nothing when a program runs.
"""

from __future__ import annotations

import json
import keyword
from dataclasses import dataclass

import jinja2

from codegen.openapi_types import camel
from codegen.spec import SpecError
from codegen.spec_types import TypeDef, Types
from codegen.typexpr import Array, Enum, Expr, Map, Ref, Union, Word, python, refs

TYPES_PACKAGE = "octo.rest.types"
# Names a type module defines itself.
_MODULE_NAMES = frozenset({"Any", "Literal", "NotRequired", "TypeAlias", "TypedDict", "TYPE_CHECKING"})


def annotation_names(expr: Expr, list_name: str = "list") -> set[str]:
    """The bare names `python(expr)` uses, builtins included."""
    if isinstance(expr, Word):
        return {"dict", "str", "Any"} if expr.name == "object" else {python(expr).split("[")[0]}
    if isinstance(expr, Ref):
        return {expr.name}
    if isinstance(expr, Array):
        return {list_name} | annotation_names(expr.item, list_name)
    if isinstance(expr, Map):
        return {"dict", "str"} | annotation_names(expr.value, list_name)
    if isinstance(expr, Enum):
        return {"Literal"}
    return set().union(*(annotation_names(m, list_name) for m in expr.members))


@dataclass
class Field:
    key: str
    annotation: str  # Python, NotRequired[...] where the property may be absent
    type: str  # for the reference page


@dataclass
class TypeView:
    name: str
    alias: str | None  # the aliased type's Python text
    fields: list[Field]
    functional: bool  # keys that class syntax cannot hold: TypedDict("Name", {...})
    source: str | None


def event_alias(event: str) -> str:
    """`issue_comment` -> `WebhookIssueComment`: the union of its payloads by action."""
    return "Webhook" + camel(event)


def event_type(types: Types, event: str) -> str:
    """What `parse(event, ...)` returns: the union alias of an event with
    actions, else its one payload type."""
    (action, payload), *more = types.events[event]
    return event_alias(event) if action is not None or more else python(payload)


def _aliased(types: Types) -> list[str]:
    """The events that get a union alias."""
    return [e for e, payloads in types.events.items() if len(payloads) > 1 or payloads[0][0] is not None]


def _class_syntax_ok(t: TypeDef) -> bool:
    used = set().union(*(annotation_names(p.type) for p in t.properties or ()), {"NotRequired"})
    return all(p.name.isidentifier() and not keyword.iskeyword(p.name) and not p.name.startswith("__")
               and p.name not in used for p in t.properties or ())


def type_view(t: TypeDef) -> TypeView:
    if t.alias is not None:
        return TypeView(t.name, python(t.alias), [], False, t.source)
    fields = []
    for p in t.properties or ():
        text = python(p.type)
        fields.append(Field(p.name, text if p.required else f"NotRequired[{text}]", text))
    return TypeView(t.name, None, fields, not _class_syntax_ok(t), t.source)


def module_of(types: Types, name: str) -> str:
    return f"{TYPES_PACKAGE}.{types.types[name].file.removesuffix('.yaml')}"


def imports(types: Types, names: set[str], here: str | None = None) -> list[tuple[str, list[str]]]:
    """(module, sorted names) to import `names` from, leaving out module `here`."""
    by_module: dict[str, list[str]] = {}
    for name in sorted(names):
        module = module_of(types, name)
        if module != here:
            by_module.setdefault(module, []).append(name)
    return sorted(by_module.items())


def check(types: Types) -> None:
    """What the generated modules need beyond a valid spec: event aliases
    that no type takes."""
    for event in _aliased(types):
        alias = event_alias(event)
        if alias in types.types:
            raise SpecError(f"types/{types.types[alias].file}", None, alias,
                            f"is the name of the union of the {event!r} webhook payloads; rename the type")


def render_types(env: jinja2.Environment, types: Types, command: str) -> dict[str, str]:
    """octo/rest/types/*.py, octo/rest/_events.py and docs/reference/types/*.md."""
    check(types)
    files: dict[str, str] = {}
    module = env.get_template("types.py.j2")
    page = env.get_template("type.md.j2")
    for stem in types.files:
        here = f"{TYPES_PACKAGE}.{stem}"
        defs = types.in_file(stem)
        events = [(event, event_alias(event), [e for _, e in types.events[event]])
                  for event in _aliased(types) if _events_file(types, event) == stem]
        used = set().union(*(t.uses() for t in defs), *(refs(e) for _, _, es in events for e in es))
        files[f"octo/rest/types/{stem}.py"] = module.render(
            command=command, stem=stem, types=[type_view(t) for t in defs],
            events=[(alias, " | ".join(python(e) for e in es)) for _, alias, es in events],
            imports=imports(types, used, here),
            notrequired=any(not p.required for t in defs for p in t.properties or ()),
        )
    names = sorted([*types.types, *(event_alias(e) for e in _aliased(types))])
    files["octo/rest/types/__init__.py"] = env.get_template("types_init.py.j2").render(
        command=command, modules=[f"{TYPES_PACKAGE}.{s}" for s in types.files], names=names)
    files["octo/rest/_events.py"] = env.get_template("events.py.j2").render(
        command=command, events=[(e, json.dumps(e), event_type(types, e)) for e in types.events],
        handlers=handler_names(types), imports=imports_for_events(types))
    for t in types.types.values():
        files[f"docs/reference/types/{t.name}.md"] = page.render(command=command, t=t, link=link)
    files["docs/reference/types/README.md"] = env.get_template("types_index.md.j2").render(
        command=command, types=list(types.types.values()), link=link,
        events=[(e, [(a, link(x)) for a, x in payloads], event_type(types, e)) for e, payloads in types.events.items()])
    return files


def _events_file(types: Types, event: str) -> str:
    """The types file that lists `event` (its aliases are generated there)."""
    return types.event_files[event].removesuffix(".yaml")


def handler_names(types: Types) -> list[tuple[str, str]]:
    """(quoted name, payload type) of each name `Webhooks.on` takes: the event
    (every action) and each `event.action`."""
    names = []
    for event, payloads in types.events.items():
        names.append((json.dumps(event), event_type(types, event)))
        names += [(json.dumps(f"{event}.{action}"), python(payload)) for action, payload in payloads if action]
    return names


def imports_for_events(types: Types) -> list[tuple[str, list[str]]]:
    aliased = set(_aliased(types))
    by_module: dict[str, set[str]] = {}
    for event, payloads in types.events.items():
        if event in aliased:
            by_module.setdefault(f"{TYPES_PACKAGE}.{_events_file(types, event)}", set()).add(event_alias(event))
        for action, payload in payloads:
            if action is not None or event not in aliased:
                for name in refs(payload):
                    by_module.setdefault(module_of(types, name), set()).add(name)
    return sorted((m, sorted(n)) for m, n in by_module.items())


# -- reference pages -------------------------------------------------------------


def link(expr: Expr, prefix: str = "") -> str:
    """`expr` in Python notation as Markdown code, each type name a link to its
    page (`prefix` leads from the page at hand to docs/reference/types/)."""
    out = []
    text = ""
    for kind, value in _segments(expr):
        if kind == "text":
            text += value
            continue
        if text:
            out.append(f"`{text}`")
            text = ""
        out.append(f"[`{value}`]({prefix}{value}.md)")
    if text:
        out.append(f"`{text}`")
    return "".join(out)


def _segments(expr: Expr) -> list[tuple[str, str]]:
    if isinstance(expr, Ref):
        return [("ref", expr.name)]
    if isinstance(expr, Array):
        return [("text", "list["), *_segments(expr.item), ("text", "]")]
    if isinstance(expr, Map):
        return [("text", "dict[str, "), *_segments(expr.value), ("text", "]")]
    if isinstance(expr, Union):
        found: list[tuple[str, str]] = []
        for i, m in enumerate(expr.members):
            found += ([("text", " | ")] if i else []) + _segments(m)
        return found
    return [("text", python(expr))]
