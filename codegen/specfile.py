"""Write spec/*.yaml: imported entries merged with the hand-written ones.

One layout for every file, so a re-import is byte-identical and a diff shows
only what changed: endpoints sorted by name, fields in a fixed order, one
parameter per line. Entries without `operation_id` are hand-written; they are
read back and kept (as data: YAML comments are not kept).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from codegen.spec import LIMITS, Loader, SpecError, namespace_from_data

HEADER = (
    "# Imported from GitHub's OpenAPI description by `make spec` (python -m codegen.openapi).\n"
    "# Entries with operation_id are replaced on every import; entries without one are\n"
    "# hand-written and kept (see spec/README.md).\n"
)
FIELD_ORDER = (
    "name", "operation_id", "override", "method", "path", "summary", "docs_url", "deprecated",
    "aliases", "targets", "host", "paginated", "list_key", "media_types", "response", "untyped", "media_responses",
    "body", "parameters", "versions",
)
PARAM_ORDER = (
    "name", "python_name", "in", "type", "items", "required", "nullable", "multi_segment",
    "deprecated", "aliases", "enum", "default", *LIMITS, "shape",
)
_BODY_ORDER = ("content_type", "type", "required")
VERSION_ORDER = ("changes", "removed", "statuses", "response", "untyped", "parameters")
_SPECIAL_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"})
_BLOCK_PLAIN = re.compile(r"[A-Za-z_/][^\x00-\x1f\x7f\"'`\\]*")
_FLOW_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ ./+()-]*")


class MergeError(Exception):
    """Imported and hand-written entries cannot be merged; the message says which."""


# -- emitting -----------------------------------------------------------------


def scalar(value: Any, flow: bool = False) -> str:
    """A YAML scalar that reads back as `value`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {value!r} as a YAML scalar")
    if _plain(value, flow):
        return value
    return json.dumps(value)


def type_value(text: str) -> str:
    """A type expression as a block YAML value: plain where YAML reads it back as is."""
    if text[:1].isalpha() and ": " not in text and " #" not in text and text.rstrip() == text \
            and text.lower() not in _SPECIAL_WORDS and text.isprintable():
        return text
    return json.dumps(text)


def _plain(text: str, flow: bool) -> bool:
    if text.lower() in _SPECIAL_WORDS or text != text.strip():
        return False
    if flow:
        return _FLOW_PLAIN.fullmatch(text) is not None
    return (_BLOCK_PLAIN.fullmatch(text) is not None and ": " not in text and " #" not in text
            and not text.endswith(":"))


def flow(value: Any, order: tuple[str, ...] = ()) -> str:
    """A value in YAML flow style on one line: `[a, b]`, `{k: v}`."""
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = _ordered(value, order)
        return "{" + ", ".join(f"{scalar(k, True)}: {flow(value[k])}" for k in keys) + "}"
    return scalar(value, flow=True)


def _ordered(mapping: dict[str, Any], order: tuple[str, ...]) -> list[str]:
    known = [k for k in order if k in mapping]
    return known + sorted(k for k in mapping if k not in order)


def dump_namespace(namespace: str, entries: list[dict[str, Any]]) -> str:
    lines = [HEADER.rstrip("\n"), f"namespace: {scalar(namespace)}", "endpoints:"]
    for entry in sorted(entries, key=lambda e: e["name"]):
        lines.append("")
        fields = _field_lines(entry, FIELD_ORDER, "    ")
        lines += ["  - " + fields[0][4:], *fields[1:]]
    return "\n".join(lines) + "\n"


def _field_lines(entry: dict[str, Any], order: tuple[str, ...], indent: str) -> list[str]:
    """One entry's fields, each on its line(s) at `indent`."""
    lines = []
    for key in _ordered(entry, order):
        value = entry[key]
        if key == "parameters":
            lines.append(f"{indent}parameters:")
            lines += [f"{indent}  - {flow(p, PARAM_ORDER)}" for p in value]
        elif key == "versions":
            lines.append(f"{indent}versions:")
            for version, changes in sorted(value.items()):
                lines.append(f"{indent}  {json.dumps(version)}:")  # quoted: a bare date reads as a date
                lines += _field_lines(changes, VERSION_ORDER, indent + "    ")
        elif key == "body":
            lines.append(f"{indent}body: {flow(value, _BODY_ORDER)}")
        elif key == "media_responses":
            lines.append(f"{indent}media_responses:")
            lines += [f"{indent}  {m}: {type_value(t)}" for m, t in sorted(value.items())]
        elif key == "response":
            lines.append(f"{indent}response: {type_value(value)}")
        elif isinstance(value, (list, dict)):
            lines.append(f"{indent}{key}: {flow(value)}")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")
    return lines


# -- merging ------------------------------------------------------------------


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The raw endpoint entries of an existing spec file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except yaml.YAMLError as exc:
        raise MergeError(f"{path.name}: is not valid YAML: {exc}") from None
    endpoints = raw.get("endpoints") if isinstance(raw, dict) else None
    if not isinstance(endpoints, list) or not all(isinstance(e, dict) for e in endpoints):
        raise MergeError(f"{path.name}: must be a mapping with a list of 'endpoints'")
    return endpoints


Entry = dict[str, Any]


def merge(file: str, imported: list[Entry], existing: list[Entry]) -> tuple[list[Entry], int]:
    """Imported entries plus the hand-written ones of `existing`; (entries, hand count).

    A hand entry whose name (or alias) is also an imported method name is an
    error unless it says `override: true`; then it replaces the imported entry
    (or takes the alias away from it).
    """
    hand = [e for e in existing if not e.get("operation_id")]
    result = [dict(e) for e in imported]
    for h in hand:
        name = h.get("name")
        for claimed in [name, *h.get("aliases", [])]:
            for e in list(result):
                if claimed != e["name"] and claimed not in e.get("aliases", []):
                    continue
                what = f"{e['operation_id']} ({e['method']} {e['path']})"
                if not h.get("override"):
                    raise MergeError(
                        f"{file}: hand-written entry {name!r} has the name {claimed!r} of imported "
                        f"{what}; rename the hand entry, or set `override: true` on it to replace "
                        "the imported one"
                    )
                if claimed == e["name"]:
                    result.remove(e)
                else:
                    e["aliases"] = [a for a in e["aliases"] if a != claimed]
                    if not e["aliases"]:
                        del e["aliases"]
    return result + hand, len(hand)


def render_spec(spec_dir: Path, spaces: dict[str, list[dict[str, Any]]],
                types: dict[str, dict[str, Any]] | None = None) -> tuple[dict[Path, str], list[Path], int, int]:
    """(text of every spec file, files to remove, hand entries kept, hand types
    kept); nothing written.

    `types`: the imported spec/types/ files by stem (`codegen.openapi.Imported.types`).
    """
    texts, remove, kept = _render_namespaces(spec_dir, spaces)
    hand = 0
    if types is not None:
        from codegen.typefile import render_types  # imports this module

        type_texts, hand = render_types(spec_dir, spaces, types)
        texts.update(type_texts)
    return texts, remove, kept, hand


def _render_namespaces(spec_dir: Path,
                       spaces: dict[str, list[dict[str, Any]]]) -> tuple[dict[Path, str], list[Path], int]:
    existing = {p.stem: p for p in sorted(spec_dir.glob("*.yaml"))}
    texts: dict[Path, str] = {}
    remove = []
    kept = 0
    for namespace in sorted(set(spaces) | set(existing)):
        path = spec_dir / f"{namespace}.yaml"
        old = read_entries(existing[namespace]) if namespace in existing else []
        entries, hand = merge(path.name, spaces.get(namespace, []), old)
        kept += hand
        if not entries:
            remove.append(path)
            continue
        _check(path.name, namespace, entries)
        texts[path] = dump_namespace(namespace, entries)
    return texts, remove, kept


def _check(file: str, namespace: str, entries: list[Entry]) -> None:
    """The entries make a valid spec file (the emitter's round trip is tested)."""
    try:
        namespace_from_data({"namespace": namespace, "endpoints": entries}, file, namespace)
    except SpecError as exc:
        raise MergeError(str(exc)) from None


def write_spec(spec_dir: Path, spaces: dict[str, list[dict[str, Any]]],
               types: dict[str, dict[str, Any]] | None = None) -> tuple[int, int, int, int]:
    """Write spec/*.yaml (and spec/types/*.yaml); (files written, files removed,
    hand entries kept, hand types kept).

    Everything is rendered and checked before the first file is touched.
    """
    texts, remove, kept, kept_types = render_spec(spec_dir, spaces, types)
    spec_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for path, text in texts.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    for path in remove:
        path.unlink()
    return written, len(remove), kept, kept_types
