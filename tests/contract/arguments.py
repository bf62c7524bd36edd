"""Valid argument values for a generated method, for the contract suite.

Values come from the spec entry's facts (type, enum, limits). Where those do
not suffice for a value GitHub's OpenAPI description accepts (a nested object
shape, a string format or pattern, a one-of rule between body fields), the
value comes from the operation's schema in the pinned description instead,
and the reason is kept in `Call.notes` so missing spec facts can be reported.

Two calls per method: `required` (the required parameters, plus whatever the
operation's schema needs beyond what spec/ can say) and `all` (every
parameter the schema allows together); a third, `nulls`, for a method with
nullable parameters: the required ones plus each nullable one as `None`, the
JSON `null` that clears a field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import urllib3

from codegen.openapi import merge_schema_into
from codegen.spec import Endpoint, Param
from contract.openapi import Operation

MODES = ("required", "all", "nulls")
SCALARS = ("string", "integer", "number", "boolean")
MAX_DEPTH = 6

# Friendlier values for common path and query names, so recorded cassettes
# and the demo read like real calls.
NAMED_STRINGS = {
    "owner": "octocat",
    "org": "octo-org",
    "enterprise": "octo-enterprise",
    "username": "octocat",
    "repo": "hello-world",
    "ref": "main",
    "branch": "main",
    "path": "README.md",
    "team_slug": "justice-league",
}
FORMATS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "uri": "https://example.com/octo",
    "url": "https://example.com/octo",
    "email": "octocat@example.com",
    "uuid": "8c7c1f4e-3b1a-4d2b-9f1e-2a6f0c5d7e90",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "repo.nwo": "octocat/hello-world",
}
# Values for the string patterns GitHub's description uses; anything else is
# tried against the schema's own examples.
PATTERN_VALUES = (
    "6dcb09b5b57875f334f61aebed695e2e4193db5e",
    "aGVsbG8gb2N0bw==",
    "sha256:" + "a" * 64,
    "octo-name_1.0",
    "1.2.3",
    "https://example.com/octo",
    "github",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOcto octo@example.com",
)


class Unbuildable(Exception):
    """No valid value can be derived; the message says why."""


@dataclass
class Call:
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    # (parameter, reason) where the OpenAPI schema was needed beyond spec/.
    notes: list[tuple[str, str]] = field(default_factory=list)


# -- values from the spec entry ------------------------------------------------

def _string(name: str, limits: dict[str, Any]) -> str:
    text = NAMED_STRINGS.get(name, "octo")
    low = int(limits.get("min_length", 1))
    high = int(limits.get("max_length", max(len(text), low)))
    if len(text) < low:
        text += "o" * (low - len(text))
    return text[:high]


def _number(limits: dict[str, Any], integer: bool) -> int | float:
    low = limits.get("minimum")
    high = limits.get("maximum")
    value: float = 1 if low is None else low
    if high is not None and value > high:
        value = high
    return int(value) if integer else value


def _scalar(name: str, kind: str, limits: dict[str, Any]) -> Any:
    if kind == "string":
        return _string(name, limits)
    if kind in ("integer", "number"):
        return _number(limits, kind == "integer")
    return True


def spec_value(p: Param) -> Any:
    """A value from spec/ facts alone; Unbuildable when they are not enough."""
    if p.enum:
        return next((v for v in p.enum if v is not None), p.enum[0])
    if p.type in SCALARS:
        return _scalar(p.name, p.type, p.limits)
    if p.type == "array" and p.items in SCALARS:
        count = max(int(p.limits.get("min_items", 1)), 1)
        return [_scalar(p.name, p.items or "string", {})] * count
    if p.type == "object":
        return {}
    raise Unbuildable(f"spec type {p.type}" + (f" of {p.items}" if p.items else ""))


# -- checking a spec-derived value against the schema ---------------------------

def _mismatch(value: Any, schema: dict[str, Any], op: Operation) -> str | None:
    """Why `value` would fail `schema`, for the facts spec/ can carry; None if it fits."""
    schema = op.description.resolve(schema)
    if "enum" in schema and value not in schema["enum"]:
        return "enum"
    if isinstance(value, list):
        items = op.description.resolve(schema.get("items", {}))
        if schema.get("type") not in (None, "array"):
            return "type"
        if any(k in schema for k in ("minItems", "maxItems")) and not (
            schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value))
        ):
            return "array length"
        for item in value:
            why = _mismatch(item, items, op)
            if why:
                return f"items: {why}"
        return None
    if isinstance(value, dict):
        if schema.get("properties") or schema.get("required") or _branches(schema):
            return "object shape"
        if schema.get("minProperties", 0) > len(value):
            return "object shape"
        return None
    kind = schema.get("type")
    if kind is None and _branches(schema):
        return "one-of/any-of"
    if isinstance(value, str):
        if kind not in (None, "string"):
            return "type"
        if "format" in schema and schema["format"] in FORMATS:
            return f"format {schema['format']}"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return "pattern"
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
            return "length"
        return None
    if isinstance(value, bool):
        return None if kind in (None, "boolean") else "type"
    if isinstance(value, (int, float)):
        if kind not in (None, "integer", "number"):
            return "type"
        if "minimum" in schema and value < schema["minimum"]:
            return "minimum"
        if "maximum" in schema and value > schema["maximum"]:
            return "maximum"
    return None


# -- values from the OpenAPI schema ----------------------------------------------

def _branches(schema: dict[str, Any]) -> list[Any]:
    return list(schema.get("oneOf") or schema.get("anyOf") or [])


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in base.items() if k not in ("allOf", "oneOf", "anyOf")}
    merge_schema_into(merged, extra)
    return merged


def flatten(schema: Any, op: Operation, in_text: bool = False) -> tuple[dict[str, Any], set[str]]:
    """One concrete shape of a schema: allOf merged, one branch of a oneOf/anyOf
    chosen and merged in. Also returns the properties that are required only
    in the other branches (sending them too could match two branches).

    `in_text`: the value travels as text (path, query, header), where `1`
    matches both an integer and a string branch, so a string branch is chosen.
    """
    schema = op.description.resolve(schema) or {}
    flat = {k: v for k, v in schema.items() if k not in ("allOf", "oneOf", "anyOf")}
    for part in schema.get("allOf", []):
        sub, _ = flatten(part, op)
        flat = _merge(flat, sub)
    exclusive: set[str] = set()
    options = _branches(schema)
    if options:
        resolved = [op.description.resolve(b) for b in options]
        non_null = [b for b in resolved if b.get("type") != "null"] or resolved
        if in_text:
            non_null.sort(key=lambda b: b.get("type") != "string")
        chosen, _ = flatten(non_null[0], op)
        for other in non_null:
            other_flat, _ = flatten(other, op)
            exclusive |= set(other_flat.get("required", []))
        exclusive -= set(chosen.get("required", []))
        flat = _merge(flat, chosen)
    return flat, exclusive


def _pattern_value(schema: dict[str, Any], fallback: str) -> str:
    pattern = schema["pattern"]
    candidates = [schema.get("example"), *schema.get("examples", []), schema.get("default"),
                  *PATTERN_VALUES, fallback]
    for value in candidates:
        if isinstance(value, str) and re.search(pattern, value):
            return value
    raise Unbuildable(f"no known value matches pattern {pattern!r}")


def schema_value(schema: Any, op: Operation, mode: str, name: str = "", depth: int = 0,
                 in_text: bool = False) -> Any:
    """A value the schema accepts; optional properties too in mode `all`."""
    flat, exclusive = flatten(schema, op, in_text)
    if "enum" in flat:
        return next((v for v in flat["enum"] if v is not None), flat["enum"][0])
    kind = flat.get("type")
    if kind is None:
        kind = "object" if "properties" in flat or "required" in flat else "string"
    if kind == "object":
        props = flat.get("properties", {})
        wanted = list(flat.get("required", []))
        if mode == "all" and depth < MAX_DEPTH:
            wanted += [k for k in props if k not in wanted and k not in exclusive]
        out = {}
        for key in wanted:
            out[key] = schema_value(props.get(key, {}), op, mode, key, depth + 1)
        extra = flat.get("additionalProperties")
        if not out and extra not in (None, False):
            out["octo"] = schema_value(extra if isinstance(extra, dict) else {}, op, mode, "octo", depth + 1)
        return out
    if kind == "array":
        count = max(int(flat.get("minItems", 1)), 1)
        item = schema_value(flat.get("items", {}), op, mode, name, depth + 1, in_text)
        if flat.get("uniqueItems") and count > 1:
            raise Unbuildable(f"{name}: {count} unique items")
        return [item] * count
    if kind == "string":
        limits = {"min_length": flat.get("minLength", 1), "max_length": flat.get("maxLength", 64)}
        text = FORMATS.get(flat.get("format", ""), _string(name, limits))
        if "pattern" in flat:
            text = _pattern_value(flat, text)
        return text
    if kind in ("integer", "number"):
        return _number({"minimum": flat.get("minimum"), "maximum": flat.get("maximum")} if
                       "minimum" in flat or "maximum" in flat else {}, kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    raise Unbuildable(f"{name}: schema type {kind!r}")


# -- one call -------------------------------------------------------------------

def _param_schema(p: Param, op: Operation | None, body: dict[str, Any]) -> Any:
    if op is None:
        return None
    if p.location == "body":
        return body.get("properties", {}).get(p.name)
    return op.parameter_schema(p.location, p.name)


def _value(p: Param, schema: Any, op: Operation | None, mode: str, call: Call) -> Any:
    try:
        value = spec_value(p)
        why = _mismatch(value, schema, op) if schema is not None and op is not None else None
    except Unbuildable as exc:
        why = str(exc)
    if why is None:
        return value
    if schema is None or op is None:
        raise Unbuildable(f"{p.name}: {why}, and no OpenAPI schema to derive a value from")
    call.notes.append((p.name, why))
    return schema_value(schema, op, mode, p.name, in_text=p.location != "body")


def _data_value(endpoint: Endpoint, op: Operation | None, mode: str, call: Call) -> Any:
    assert endpoint.body is not None
    ctype = endpoint.body.content_type
    if ctype == "multipart/form-data":
        # octo sends the caller's encoded form as it is, with the caller's Content-Type.
        schema = op.body_schema(ctype) if op else None
        fields = schema_value(schema, op, mode, "data") if schema else {}
        body, content_type = urllib3.encode_multipart_formdata(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in (fields or {}).items()},
            boundary="octo-contract-boundary")
        call.kwargs["headers"] = {"Content-Type": content_type}
        call.notes.append(("data", "a multipart/form-data body encoded by the caller"))
        return body
    if endpoint.body.type == "binary":
        return b"octo contract test\n"
    if endpoint.body.type == "string" and "json" not in ctype:
        return "Hello **octo**"
    schema = op.body_schema(ctype) if op else None
    if schema is None:
        raise Unbuildable(f"data= of type {endpoint.body.type}: no OpenAPI schema to derive it from")
    call.notes.append(("data", f"body of type {endpoint.body.type}"))
    return schema_value(schema, op, mode, "data")  # type: ignore[arg-type]


def modes(endpoint: Endpoint) -> tuple[str, ...]:
    """The calls that check `endpoint`."""
    if any(p.nullable and p.location == "body" for p in endpoint.params):
        return MODES
    return MODES[:2]


def build_call(endpoint: Endpoint, op: Operation | None, mode: str) -> Call:
    """The arguments of one call of `endpoint` in `mode` (one of MODES)."""
    if mode not in MODES:
        raise ValueError(mode)
    call = Call()
    body_schema: dict[str, Any] = {}
    exclusive: set[str] = set()
    body_required = False
    if op is not None and endpoint.params_in("body"):
        raw = op.body_schema()
        if raw is not None:
            body_schema, exclusive = flatten(raw, op)
            body_required = bool(op.description.resolve(op.raw.get("requestBody", {})).get("required"))
    schema_required = set(body_schema.get("required", []))

    for p in endpoint.path_params:
        call.args.append(_value(p, _param_schema(p, op, body_schema), op, mode, call))
    for p in endpoint.params:
        if p.location == "path":
            continue
        needed = p.required
        if p.location == "body" and not p.required and p.name in schema_required:
            needed = True
            call.notes.append((p.name, "required by the body schema (one-of branch)"))
        if p.location in ("query", "header") and not p.required and op is not None:
            raw_param = op.parameters.get((p.location, p.name))
            if raw_param and raw_param.get("required"):
                needed = True
                call.notes.append((p.name, f"required {p.location} parameter"))
        if mode == "nulls" and p.nullable and p.location == "body" and p.name not in exclusive:
            call.kwargs[p.python_name] = None
            continue
        if mode != "all" and not needed:
            continue
        if mode == "all" and not needed and p.location == "body" and p.name in exclusive:
            call.notes.append((p.name, "left out: required only by another one-of branch"))
            continue
        call.kwargs[p.python_name] = _value(p, _param_schema(p, op, body_schema), op, mode, call)

    body_kwargs = [p for p in endpoint.params if p.location == "body" and p.python_name in call.kwargs]
    for p in [p for p in endpoint.params_in("body") if p.python_name not in call.kwargs]:
        if len(body_kwargs) >= body_schema.get("minProperties", 0):
            break
        if p.name in exclusive:
            continue
        # The body needs some properties, none of them required by name (minProperties).
        call.kwargs[p.python_name] = _value(p, _param_schema(p, op, body_schema), op, mode, call)
        call.notes.append((p.name, "the body schema's minProperties"))
        body_kwargs.append(p)
    has_body_kwargs = bool(body_kwargs)
    if endpoint.body is not None and not has_body_kwargs:
        needs_data = endpoint.body.required or mode == "all"
        if op is not None and not needs_data:
            rb = op.description.resolve(op.raw.get("requestBody", {})) or {}
            if rb.get("required"):
                needs_data = True
                call.notes.append(("data", "request body required by the description"))
        if needs_data:
            call.kwargs["data"] = _data_value(endpoint, op, mode, call)
    if body_required and not has_body_kwargs and "data" not in call.kwargs and endpoint.params_in("body"):
        call.notes.append(("body", "request body required by the description, no parameter required"))
    return call
