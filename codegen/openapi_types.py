"""The importer's half that turns OpenAPI schemas into spec/types/ entries.

`codegen.openapi` (the only door from OpenAPI into spec/) asks this module for
the type of each success response, object body parameter and webhook
payload; it names every object schema it meets (a component keeps its name,
`full-repository` -> `FullRepository`; an inline object is named after where
it sits, `FullRepositoryPermissions`), merges types that are the same shape,
and hands back the ones the spec uses. The rules are in spec/README.md
("Importing", "Types").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from codegen.typexpr import Array, Enum, Expr, Map, Ref, Word, format_expr, members, refs, rename, union

if TYPE_CHECKING:
    from codegen.openapi import Description

_COMPONENT = "#/components/schemas/"
_WORD_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
ANY = Word("any")
NULL = Word("null")


def camel(text: str) -> str:
    """`full-repository` -> `FullRepository`; `+1` -> `Plus1`."""
    text = text.replace("+", " plus ").replace("@", " at ")
    name = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", text) if p)
    return name if name[:1].isalpha() else "T" + name


@dataclass
class ObjectType:
    """A JSON object with named properties: (name, required, type) each."""

    name: str
    source: str
    properties: list[tuple[str, bool, Expr]]


@dataclass
class AliasType:
    """A name for a type that is not an object of its own (an enum, a union)."""

    name: str
    source: str
    expr: Expr


Type = ObjectType | AliasType


class TypeImporter:
    """Collects the types of one description as the importer asks for them."""

    def __init__(self, d: Description, shared: TypeImporter | None = None) -> None:
        """`shared`: the importer of the main description, whose types and
        names this one adds to (another GitHub's description: GHEC, GHES)."""
        from codegen.openapi import schema_of

        self._schema_of = schema_of
        self.d = d
        self.schemas: dict[str, Any] = d.doc.get("components", {}).get("schemas", {})
        self.types: dict[str, Type] = {} if shared is None else shared.types
        self.taken: set[str] = set() if shared is None else shared.taken
        # Types another description added: on a merge the main one's name is kept.
        self._added: set[str] = set() if shared is None else shared._added
        self._adds = shared is not None
        # Every component's name is kept for it, so an inline name never takes one.
        # Another description's components are named when first used, after the main ones.
        self.component_names: dict[str, str] = {}
        for component in sorted(self.schemas) if shared is None else ():
            self.component_names[component] = self._allocate(camel(component))
        self._component_exprs: dict[str, Expr] = {}
        self._converting: set[str] = set()
        self._recursive: set[str] = set()
        self._merged: dict[str, str] | None = None
        # Types first made for a webhook payload: where a REST type has the
        # same shape, the REST type's name is kept.
        self.for_webhooks = False
        self._webhook_made: set[str] = set()

    def _allocate(self, hint: str) -> str:
        name, n = hint, 1
        while name in self.taken:
            n += 1
            name = f"{hint}{n}"
        self.taken.add(name)
        return name

    # -- schemas ---------------------------------------------------------------

    def component(self, component: str) -> Expr:
        """The type of `#/components/schemas/<component>`."""
        known = self._component_exprs.get(component)
        if known is not None:
            return known
        name = self.component_names.get(component)
        if name is None:
            if not self._adds or component not in self.schemas:
                return ANY
            name = self.component_names[component] = self._allocate(camel(component))
        if component in self._converting:
            # A schema that contains itself: refer to it by name.
            self._recursive.add(component)
            return Ref(name)
        self._converting.add(component)
        expr = self.expr(self.schemas[component], name, component, exact=True)
        self._converting.discard(component)
        if name not in self.types and (component in self._recursive
                                       or not isinstance(without_null(expr), (Ref, Word))):
            # An enum, a union or an array: a named alias, written once.
            self._made(AliasType(name, component, expr))
            expr = Ref(name)
        self._component_exprs[component] = expr
        return expr

    def expr(self, node: Any, hint: str, source: str, exact: bool = False) -> Expr:
        """The type of a schema; an object found here is named `hint` (made
        unique unless `exact`)."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith(_COMPONENT):
            return self.component(node["$ref"][len(_COMPONENT):])
        if isinstance(node, dict) and isinstance(node.get("allOf"), list) and len(node["allOf"]) == 1 \
                and not node.get("properties"):
            inner = self.expr(node["allOf"][0], hint, source, exact)
            return union([inner, NULL]) if _nullable(node) else inner
        schema = self._schema_of(self.d, node)
        if not schema:
            return ANY
        base = self._base(schema, hint, source, exact)
        return union([base, NULL]) if _nullable(schema) and base != ANY else base

    def _base(self, schema: dict[str, Any], hint: str, source: str, exact: bool) -> Expr:
        declared = schema.get("type")
        kinds = [t for t in (declared if isinstance(declared, list) else [declared]) if t and t != "null"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            values = [v for v in enum if v is not None]
            if not values:
                return NULL
            if all(isinstance(v, str) for v in values):
                return Enum(tuple(dict.fromkeys(values)))
        alternatives = [s for key in ("oneOf", "anyOf") for s in schema.get(key, []) if isinstance(s, dict)]
        if isinstance(schema.get("properties"), dict) and schema["properties"]:
            return self._object(schema, alternatives, hint, source, exact)
        if alternatives:
            return union([self.expr(alt, f"{hint}{i}" if len(alternatives) > 1 else hint,
                                    f"{source}|{i}", exact and len(alternatives) == 1)
                          for i, alt in enumerate(alternatives, 1)])
        if len(kinds) > 1:
            return union([self._base({**schema, "type": k}, hint, source, exact) for k in kinds])
        kind = kinds[0] if kinds else None
        if kind == "object" or (kind is None and "additionalProperties" in schema):
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return Map(self.expr(extra, f"{hint}Value", f"{source}{{}}"))
            return Word("object")
        if kind == "array" or (kind is None and "items" in schema):
            items = schema.get("items")
            return Array(self.expr(items, f"{hint}Item", f"{source}[]") if isinstance(items, dict) else ANY)
        if kind in _WORD_TYPES:
            return Word(_WORD_TYPES[kind])
        if declared == "null":
            return NULL
        return ANY

    def _object(self, schema: dict[str, Any], alternatives: list[Any], hint: str, source: str,
                exact: bool) -> Expr:
        name = hint if exact else self._allocate(hint)
        self.taken.add(name)
        needed = set(schema.get("required", []))
        props: list[tuple[str, bool, Expr]] = []
        seen: set[str] = set()
        for pname, sub in schema["properties"].items():
            props.append((pname, pname in needed, self.expr(sub, name + camel(pname), f"{source}.{pname}")))
            seen.add(pname)
        # oneOf/anyOf parts of an object with properties say which go together;
        # a property only they name is there sometimes.
        for alt in alternatives:
            alt = self._schema_of(self.d, alt)
            for pname, sub in (alt.get("properties") or {}).items():
                if pname not in seen:
                    props.append((pname, False, self.expr(sub, name + camel(pname), f"{source}.{pname}")))
                    seen.add(pname)
        self._made(ObjectType(name, source, props))
        return Ref(name)

    def _made(self, t: Type) -> None:
        self.types[t.name] = t
        if self._adds:
            self._added.add(t.name)
        if self.for_webhooks:
            self._webhook_made.add(t.name)

    # -- what the spec uses ------------------------------------------------------

    def finish(self, roots: list[Expr]) -> tuple[dict[str, Type], dict[str, str]]:
        """The types `roots` need, with same-shaped ones merged, and the
        renames the merge made (old name -> kept name). Call it once every
        type has been asked for."""
        if self._merged is None:
            self._merged = _merge_same_shapes(self.types, self._webhook_made, self._added)
        names = self._merged
        kept: dict[str, Type] = {}
        todo = [n for r in roots for n in refs(rename(r, names))]
        while todo:
            name = todo.pop()
            if name in kept:
                continue
            t = self.types[name]
            if isinstance(t, ObjectType):
                t = ObjectType(t.name, t.source, [(p, req, rename(e, names)) for p, req, e in t.properties])
                todo += [n for _, _, e in t.properties for n in refs(e)]
            else:
                t = AliasType(t.name, t.source, rename(t.expr, names))
                todo += list(refs(t.expr))
            kept[name] = t
        return dict(sorted(kept.items())), names


def _nullable(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    enum = schema.get("enum")
    return bool(schema.get("nullable")) or (isinstance(declared, list) and "null" in declared) or (
        isinstance(enum, list) and None in enum)


def _merge_same_shapes(types: dict[str, Type], webhook_made: set[str],
                       added: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
    """Old name -> kept name for every type whose shape another type has too.

    Repeated until nothing changes, since merging two inner types can make
    their parents the same. The kept name is the main description's before
    one another description `added` (so adding GHES changes no name), then a
    component's before an inline one's, then one without `Nullable`, then a
    REST type's before a webhook payload's, then the shortest.
    """

    def preference(name: str) -> tuple[bool, bool, bool, bool, int, str]:
        inline = any(c in types[name].source for c in ".|[{ ")
        return name in added, inline, name.startswith("Nullable"), name in webhook_made, len(name), name

    names: dict[str, str] = {}
    while True:
        shapes: dict[str, list[str]] = {}
        for name, t in types.items():
            if name in names:
                continue
            shapes.setdefault(_shape_key(t, names), []).append(name)
        merged = False
        for group in shapes.values():
            if len(group) < 2:
                continue
            keep = min(group, key=preference)
            for name in group:
                if name != keep:
                    names[name] = keep
                    merged = True
        if not merged:
            break
        for old, new in list(names.items()):
            while new in names:
                new = names[new]
            names[old] = new
    return names


def _shape_key(t: Type, names: dict[str, str]) -> str:
    if isinstance(t, AliasType):
        return "=" + format_expr(rename(t.expr, names))
    return "{" + ",".join(sorted(f"{p}{'' if req else '?'}:{format_expr(rename(e, names))}"
                                 for p, req, e in t.properties))


def without_null(expr: Expr) -> Expr:
    return union([m for m in members(expr) if m != NULL]) if NULL in members(expr) else expr
