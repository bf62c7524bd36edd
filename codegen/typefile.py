"""Write spec/types/*.yaml: the imported types and webhook events, merged
with the hand-written types.

One layout for every file, as for the namespace files: `events` (if any)
then `types`, each sorted by name, one property per line. A type with a
`source` is imported; one without is hand-written and kept where it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from codegen.spec import Loader, SpecError
from codegen.spec_types import check_references, types_from_data
from codegen.specfile import MergeError, scalar, type_value

HEADER = (
    "# Imported from GitHub's OpenAPI description by `make spec` (python -m codegen.openapi).\n"
    "# Types with a source are replaced on every import; types without one are\n"
    "# hand-written and kept (see spec/README.md, \"Types\").\n"
)
TYPE_ORDER = ("source", "override", "type", "properties")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\??")
_SPECIAL = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"})


def key(name: str) -> str:
    """A mapping key that reads back as `name`."""
    if _KEY.fullmatch(name) and name.rstrip("?").lower() not in _SPECIAL:
        return name
    return json.dumps(name)


def dump_types(data: dict[str, Any], header: str = HEADER) -> str:
    lines = [header.rstrip("\n")]
    events = data.get("events")
    if events:
        lines.append("events:")
        for event, actions in sorted(events.items()):
            if isinstance(actions, dict):
                lines.append(f"  {key(event)}:")
                lines += [f"    {key(a)}: {type_value(t)}" for a, t in sorted(actions.items())]
            else:
                lines.append(f"  {key(event)}: {type_value(actions)}")
    lines.append("types:")
    for name, entry in sorted(data.get("types", {}).items()):
        lines += ["", f"  {key(name)}:"]
        for field in [f for f in TYPE_ORDER if f in entry] + sorted(set(entry) - set(TYPE_ORDER)):
            v = entry[field]
            if field == "properties" and isinstance(v, dict):
                lines.append("    properties:")
                lines += [f"      {key(p)}: {type_value(t)}" for p, t in v.items()]
            elif field == "type":
                lines.append(f"    type: {type_value(v)}")
            else:
                lines.append(f"    {field}: {scalar(v)}")
    return "\n".join(lines) + "\n"


def read_types(path: Path) -> dict[str, Any]:
    """The raw content of an existing types file."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except yaml.YAMLError as exc:
        raise MergeError(f"types/{path.name}: is not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("types", {}), dict):
        raise MergeError(f"types/{path.name}: must be a mapping with 'types' (and 'events')")
    return raw


def merge_types(imported: dict[str, dict[str, Any]],
                existing: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], int]:
    """The content of each imported types file, with the hand-written types
    found in it kept; (files by stem, hand types kept). Files the import does
    not produce are left as they are.

    A hand type (in any file) with the name of an imported one is an error
    unless it says `override: true`; then the imported one is left out.
    """
    hand = {stem: {n: t for n, t in (data.get("types") or {}).items()
                   if not (isinstance(t, dict) and t.get("source"))}
            for stem, data in existing.items()}
    overrides = set()
    for stem, types in sorted(hand.items()):
        for name, t in types.items():
            for other_stem, data in imported.items():
                if name not in data.get("types", {}):
                    continue
                if not (isinstance(t, dict) and t.get("override")):
                    raise MergeError(
                        f"types/{stem}.yaml: hand-written type {name!r} has the name of the imported "
                        f"type in types/{other_stem}.yaml (from {data['types'][name]['source']}); rename "
                        "the hand type, or set `override: true` on it to replace the imported one")
                overrides.add(name)
    files: dict[str, dict[str, Any]] = {}
    for stem, data in sorted(imported.items()):
        types = {n: t for n, t in data.get("types", {}).items() if n not in overrides}
        files[stem] = {**data, "types": {**types, **hand.get(stem, {})}}
    kept = sum(len(hand.get(stem, {})) for stem in files)
    return files, kept


def render_types(spec_dir: Path, spaces: dict[str, list[dict[str, Any]]],
                 imported: dict[str, dict[str, Any]]) -> tuple[dict[Path, str], int]:
    """(text of each imported spec/types/ file, hand types kept), checked
    against each other and the endpoints; nothing written."""
    from codegen.spec import namespace_from_data

    folder = spec_dir / "types"
    existing = {p.stem: read_types(p) for p in sorted(folder.glob("*.yaml"))}
    files, kept = merge_types(imported, existing)
    try:
        types = types_from_data({**existing, **files})
        check_references([namespace_from_data({"namespace": ns, "endpoints": entries}, f"{ns}.yaml", ns)
                          for ns, entries in sorted(spaces.items())], types)
    except SpecError as exc:
        raise MergeError(str(exc)) from None
    return {folder / f"{stem}.yaml": dump_types(data) for stem, data in files.items()}, kept
