"""Turn validated spec data into files: octo/rest/*.py (with the async type
stubs octo/rest/_async/*.pyi) and docs/reference/*.md.

This module computes what each template shows (signatures, annotations,
docstring lines); the templates only lay it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from codegen.names import class_name, kebab
from codegen.render_types import imports, link, render_types
from codegen.spec import Endpoint, Namespace, Param, SpecError, Version
from codegen.spec_types import NO_TYPES, Types, check_references
from codegen.targets import GHEC, GHES_VERSIONS, TARGETS
from codegen.targets import describe as describe_targets
from codegen.typexpr import Array, Expr, Ref, Word, format_expr, members, python, refs, rename

TEMPLATES = Path(__file__).parent / "templates"
COMMAND = "make generate (python -m codegen)"

_PY_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
    "array": "List[Any]",
    "any": "Any",
}
# Builtins the annotations name; a method of the same name would shadow them
# inside the class body (`list` is spelled `List` for that reason).
_ANNOTATION_BUILTINS = frozenset({"str", "int", "float", "bool", "dict", "bytes"})
_BODY_TYPES = {
    "string": "str",
    "binary": "bytes | BinaryIO | PathLike[str]",
    "object": "Any",
    "array": "Any",
    "any": "Any",
}


def annotation(p: Param, names: dict[str, str] | None = None) -> str:
    """`names`: type names a module imports under another name (a clash)."""
    if p.shape is not None:
        base = python(rename(p.shape, names or {}), "List")
    elif p.enum is not None and all(isinstance(v, str) for v in p.enum):
        base = "Literal[" + ", ".join(_py_repr(v) for v in p.enum) + "]"
    elif p.type == "array":
        # typing.List: a method named `list` would shadow the builtin in the class body.
        base = f"List[{_PY_TYPES[p.items or 'any']}]"
    else:
        base = _PY_TYPES[p.type]
    if p.nullable and base != "Any":
        base += " | None"
    return base


def _py_repr(value: Any) -> str:
    """A Python literal in the house style (double-quoted strings)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_py_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def describe(p: Param) -> str:
    """One docstring line's facts: type, required, constraints."""
    facts = [p.type if p.type != "array" else f"array of {p.items or 'any'}"]
    if p.shape is not None:
        facts[0] += f" ({format_expr(p.shape)})"
    if p.python_name != p.name:
        facts.append(f"sent as {p.name!r}")
    facts.append("required" if p.required else "optional")
    if p.nullable:
        facts.append("may be None (sent as null)")
    if p.multi_segment:
        facts.append("may contain '/'")
    if p.enum is not None:
        facts.append("one of " + ", ".join(str(v) for v in p.enum))
    lim = p.limits
    if "min_length" in lim or "max_length" in lim:
        facts.append(f"length {lim.get('min_length', 0)}..{lim.get('max_length', '')}".rstrip("."))
    if "minimum" in lim or "maximum" in lim:
        facts.append(f"range {lim.get('minimum', '')}..{lim.get('maximum', '')}")
    if "max_properties" in lim:
        facts.append(f"at most {lim['max_properties']} properties")
    if "min_items" in lim or "max_items" in lim:
        facts.append(f"items {lim.get('min_items', 0)}..{lim.get('max_items', '')}")
    if p.has_default:
        facts.append(f"server default {p.default!r}")
    if p.deprecated:
        facts.append("deprecated")
    if p.aliases:
        facts.append("formerly " + ", ".join(p.aliases))
    return "; ".join(facts)


@dataclass
class Arg:
    name: str
    annotation: str
    default: str | None
    doc: str


@dataclass
class Method:
    endpoint: Endpoint
    constant: str
    positional: list[Arg]
    keyword: list[Arg]
    path: list[Param]
    query: list[Param]
    body: list[Param]
    header: list[Param]
    limits: list[tuple[str, str]]
    multi_segment: list[str]
    deprecated_params: list[str]
    renamed: list[tuple[str, str]]
    has_data: bool
    json_body: bool  # an object body: sent as `{}` when no body argument is given
    rows: list[tuple[str, str, str]]  # the reference's argument table: name, where it goes, facts
    signature: str  # as the reference shows it: `get(owner, repo, *, timeout=OMIT)`
    returns: str  # the return annotation
    # With media types: (media_type annotation, return annotation) per overload.
    overloads: list[tuple[str, str]]
    # A paginated method's `Paged[...]` is the static view of the Response it returns.
    paged: bool
    response_doc: str  # Markdown: what `data` holds
    item_doc: str | None  # Markdown: what octo.paginate yields
    versions: list[VersionView]
    targets: list[str] | None  # target keys the runtime checks (codegen.targets); None: unchecked
    availability: str | None  # one line: where the endpoint exists; None for a hand entry that does not say


def availability(e: Endpoint) -> str | None:
    """`Available on api.github.com, GHEC`; GHEC alone is GitHub Enterprise Cloud only."""
    if e.targets is None:
        return None if e.operation_id is None else f"Available on {describe_targets(frozenset(TARGETS))}"
    if e.targets == {GHEC}:
        return "GitHub Enterprise Cloud only (api.github.com with an enterprise account, or api.SUBDOMAIN.ghe.com)"
    text = describe_targets(e.targets)
    return f"GitHub Enterprise Server only: {text}" if all(t.startswith("ghes-") for t in e.targets) \
        else f"Available on {text}"


@dataclass
class VersionView:
    """What the runtime enforces and the docs say for one later API version."""

    version: str
    removed: list[str]
    limits: list[tuple[str, str]]
    doc: str  # one line, Markdown: what differs


def version_view(e: Endpoint, v: Version) -> VersionView:
    changed = {(p.location, p.name): p for p in v.params}
    params = [changed.get((p.location, p.name), p) for p in e.params if p.name not in v.removed]
    facts = []
    if v.removed:
        facts.append("no " + ", ".join(f"`{n}`" for n in v.removed))
    facts += [f"`{p.python_name}`: {describe(p)}" for p in v.params]
    if v.response is not None:
        facts.append(f"answers `Response[`{link(v.response, 'types/')}`]`".replace("``", ""))
    elif v.untyped is not None:
        facts.append(f"answers `Response[Any]` (untyped: {v.untyped})")
    facts += [f"status {', '.join(map(str, codes))} {what}" for what, codes in sorted(v.statuses.items())]
    if not facts:
        facts.append("the description's prose only")
    changes = f" (GitHub's changes: {', '.join(v.changes)})" if v.changes else ""
    return VersionView(
        version=v.version,
        removed=sorted(v.removed),
        limits=[(p.name, lim) for p in params if (lim := _limit_args(p)) is not None],
        doc=f"API version {v.version} and later: " + "; ".join(facts) + changes,
    )


# What every method takes besides its parameters, passed to `Octo.request` as is.
PER_CALL = (
    Arg("timeout", "Timeout | Omit", "OMIT",
        "seconds, a (connect, read) pair or (connect, read, total); overrides the client's"),
    Arg("headers", "Mapping[str, str] | None", "None",
        "your own headers (If-None-Match, Accept, Content-Type, ...); each replaces octo's of the same name"),
    Arg("follow_redirects", "bool", "True",
        "False returns a 3xx answer as it is, Location included, instead of following it"),
)


def _limit_args(p: Param) -> str | None:
    args = []
    if p.enum is not None:
        args.append(f"enum={_py_repr(p.enum)}")
    args += [f"{k}={v!r}" for k, v in p.limits.items()]
    return f"Limit({', '.join(args)})" if args else None


_TEXT_MEDIA = ("diff", "patch", "sha")  # answered as text (octo/core/media.py)


def page_item(e: Endpoint, types: Types) -> Expr | None:
    """What `octo.paginate` yields for `e`: the list's item type."""
    for m in members(e.response) if e.response is not None else ():
        if e.list_key is None and isinstance(m, Array):
            return m.item
        seen = set()
        while isinstance(m, Ref) and m.name in types.types and m.name not in seen:
            seen.add(m.name)
            t = types.types[m.name]
            if t.alias is not None:
                m = t.alias
                continue
            prop = next((p for p in t.properties or () if p.name == e.list_key), None)
            if prop is not None and isinstance(prop.type, Array):
                return prop.type.item
    return None


def media_overloads(e: Endpoint) -> list[tuple[tuple[str, ...], Expr | None]]:
    """(media types, their data's type) groups, for a method with `media_type=`.

    A type the spec gives (`media_responses`), else text for diff, patch and
    sha, else unknown (None: Any), in the order of `media_types`.
    """
    given = dict(e.media_responses)
    groups: dict[str, tuple[list[str], Expr | None]] = {}
    for media in e.media_types:
        expr = given.get(media)
        if expr is None and media in _TEXT_MEDIA:
            expr = Word("text")
        key = format_expr(expr) if expr is not None else ""
        groups.setdefault(key, ([], expr))[0].append(media)
    return [(tuple(names), expr) for names, expr in groups.values()]


def _data(expr: Expr | None, names: dict[str, str]) -> str:
    return "Any" if expr is None else python(rename(expr, names), "List")


def _response_doc(e: Endpoint) -> str:
    """Markdown: `Response[...]` with the data's type, linked to the type pages."""
    if e.response is None:
        return "`Response[Any]`" + (f" (untyped: {e.untyped})" if e.untyped else "")
    text = f"`Response[`{link(e.response, 'types/')}`]`"
    for media, expr in media_overloads(e) if e.media_types else ():
        shown = f"`Response[`{link(expr, 'types/')}`]`" if expr is not None else "`Response[Any]`"
        text += f"; with `media_type` {', '.join(repr(m) for m in media)}: {shown}"
    return text.replace("``", "")


def method_view(e: Endpoint, types: Types = NO_TYPES, names: dict[str, str] | None = None) -> Method:
    names = names or {}
    path = e.path_params
    others = [p for p in e.params if p.location != "path"]
    others.sort(key=lambda p: not p.required)  # stable: spec order within each group
    positional = [Arg(p.python_name, annotation(p, names), None, describe(p)) for p in path]
    keyword = [
        Arg(p.python_name, annotation(p, names) if p.required else f"{annotation(p, names)} | Omit",
            None if p.required else "OMIT", describe(p))
        for p in others
    ]
    has_data = e.body is not None
    if e.body is not None:
        data_required = e.body.required and not e.params_in("body")
        kind = _BODY_TYPES[e.body.type]
        doc = f"the request body ({e.body.content_type})"
        if e.body.type == "binary":
            guessed = "guessed from the name" if e.body.content_type == "application/octet-stream" \
                else e.body.content_type
            doc = (f"the request body: a Path, bytes or a binary file, streamed; Content-Type {guessed} "
                   "unless headers= gives one")
        keyword.insert(
            sum(1 for a in keyword if a.default is None) if data_required else len(keyword),
            Arg("data", kind if data_required else f"{kind} | Omit",
                None if data_required else "OMIT", doc + ("" if data_required else ", optional")),
        )
    if e.media_types:
        choices = ", ".join(_py_repr(m) for m in e.media_types)
        keyword.append(Arg("media_type", f"Literal[{choices}] | Omit", "OMIT",
                           "ask for another representation: " + ", ".join(e.media_types)))
    keyword.extend(PER_CALL)
    limits = [(p.name, lim) for p in e.params if (lim := _limit_args(p)) is not None]
    data = _data(e.response, names)
    item = page_item(e, types) if e.paginated else None
    if e.paginated:
        item_text = _data(item, names)
        returns = f"Paged[{item_text}]" if data == f"List[{item_text}]" else f"Paged[{item_text}, {data}]"
    else:
        returns = f"Response[{data}]"
    overloads = []
    if e.media_types:
        overloads.append(("Omit = OMIT", returns))
        for media, expr in media_overloads(e):
            choices = ", ".join(_py_repr(m) for m in media)
            overloads.append((f"Literal[{choices}]", f"Response[{_data(expr, names)}]"))
    options = {"media_type": "`Accept` header", "timeout": "client", "headers": "headers", "follow_redirects": "client"}
    shown = [a.name for a in positional] + ["*"] + [a.name if a.default is None else f"{a.name}={a.default}"
                                                    for a in keyword]
    return Method(
        endpoint=e,
        constant="_" + e.name.upper(),
        positional=positional,
        keyword=keyword,
        path=path,
        query=e.params_in("query"),
        body=e.params_in("body"),
        header=e.params_in("header"),
        limits=limits,
        multi_segment=sorted(p.name for p in e.params if p.multi_segment),
        deprecated_params=sorted(p.name for p in e.params if p.deprecated),
        renamed=sorted((alias, p.python_name) for p in e.params for alias in p.aliases),
        has_data=has_data,
        # An optional `body:` left out is not sent at all (GitHub's oneOf bodies reject `{}`).
        json_body=bool(e.params_in("body")) and not (e.body is not None and not e.body.required),
        rows=[(p.python_name, p.location, describe(p)) for p in path + others]
        + ([("data", "body", e.body.content_type)] if e.body else [])
        + [(a.name, options[a.name], a.doc) for a in keyword if a.name in options],
        signature=f"{e.name}({', '.join(shown)})",
        returns=returns,
        overloads=overloads,
        paged=e.paginated and not overloads,
        response_doc=_response_doc(e),
        item_doc=(link(item, "types/") if item is not None else "`Any`") if e.paginated else None,
        versions=[version_view(e, v) for v in e.versions],
        targets=None if e.targets is None else [t for t in TARGETS if t in e.targets],
        availability=availability(e),
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = _py_repr
    env.filters["kebab"] = kebab
    return env


# Names a namespace module defines or imports itself; a type of the same name
# is imported under another (`Classroom as Classroom_`).
_MODULE_NAMES = frozenset({
    "Any", "BinaryIO", "List", "Literal", "PathLike", "TYPE_CHECKING", "overload", "Namespace",
    "Limit", "Omit", "Operation", "Since", "Timeout", "Response", "Paged",
})


def _type_names(ns: Namespace, types: Types) -> set[str]:
    used: set[str] = set()
    for e in ns.endpoints:
        item = page_item(e, types) if e.paginated else None
        for expr in [e.response, item, *(x for _, x in e.media_responses), *(p.shape for p in e.params)]:
            if expr is not None:
                used |= refs(expr)
    return used


def render_all(namespaces: list[Namespace], types: Types = NO_TYPES) -> dict[str, str]:
    """Every generated file, by path relative to the project root."""
    check_references(namespaces, types)
    env = _environment()
    files: dict[str, str] = {}
    module = env.get_template("namespace.py.j2")
    stubs = env.get_template("namespace_async.pyi.j2")
    reference = env.get_template("reference.md.j2")
    for ns in namespaces:
        for e in ns.endpoints:
            if e.name in _ANNOTATION_BUILTINS:
                raise SpecError(ns.file, e.name, "name", "would shadow a type the generated annotations use")
        used = _type_names(ns, types)
        clashes = _MODULE_NAMES | {class_name(ns.name)}
        names = {n: f"{n}_" for n in used if n in clashes}
        methods = [method_view(e, types, names) for e in ns.endpoints]
        context = {
            "ns": ns,
            "class_name": class_name(ns.name),
            "methods": methods,
            "command": COMMAND,
            "uses": _uses(methods),
            "type_imports": [(module, [(n, names.get(n, n)) for n in group])
                             for module, group in imports(types, used)],
        }
        files[f"octo/rest/{ns.name}.py"] = module.render(context)
        files[f"octo/rest/_async/{ns.name}.pyi"] = stubs.render(context)
        files[f"docs/reference/{ns.name}.md"] = reference.render(context)
    names = [(ns.name, class_name(ns.name)) for ns in namespaces]
    count = sum(len(ns.endpoints) for ns in namespaces)
    shared = {"namespaces": names, "command": COMMAND, "count": count, "ghes_versions": GHES_VERSIONS}
    files["octo/rest/__init__.py"] = env.get_template("rest_init.py.j2").render(shared)
    files["octo/rest/_typing.py"] = env.get_template("typing.py.j2").render(shared)
    files["octo/rest/_async/__init__.pyi"] = env.get_template("async_init.pyi.j2").render(shared)
    files["docs/reference/README.md"] = env.get_template("reference_index.md.j2").render(
        {**shared, "spaces": namespaces, "types": len(types.types), "events": len(types.events),
         "targets": [(t, describe_targets(frozenset({t}))) for t in TARGETS],
         "per_target": {ns.name: [sum(e.targets is None or t in e.targets for e in ns.endpoints) for t in TARGETS]
                        for ns in namespaces}}
    )
    from codegen.render_cli import render_cli  # imports this module, so not at the top

    files.update(render_cli(namespaces))
    files.update(render_types(env, types, COMMAND))
    return files


def _uses(methods: list[Method]) -> dict[str, Any]:
    """Which runtime names a module needs, so its imports are exactly those."""
    annotations = " ".join([a.annotation for m in methods for a in m.keyword + m.positional]
                           + [m.returns for m in methods])
    typing_names = ["Any"] + [n for n in ("BinaryIO", "List", "Literal") if f"{n}[" in annotations
                                or (n == "BinaryIO" and "BinaryIO" in annotations)]
    typing_names += ["TYPE_CHECKING"] + (["overload"] if any(m.overloads for m in methods) else [])
    return {
        "paged": any(m.endpoint.paginated for m in methods),
        "typing": ", ".join(sorted(typing_names)),
        "Limit": any(m.limits or any(v.limits for v in m.versions) for m in methods),
        "Since": any(m.versions for m in methods),
        "paginated": any(m.endpoint.paginated for m in methods),
        "deprecated_alias": any(m.endpoint.aliases for m in methods),
        "renamed_parameters": any(m.renamed for m in methods),
        "binary": any(m.endpoint.body and m.endpoint.body.type == "binary" for m in methods),
    }
