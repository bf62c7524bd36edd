"""The importer's half that turns `x-github-breaking-changes` into an entry's `versions`.

GitHub describes what a later API version changes in an operation as patches
to the operation: a JSON merge patch (RFC 7386: `null` removes a key) or a
JSON patch (RFC 6902: a list of `add`/`remove`/`replace` operations). Here the
patches are applied to the operation (resolving `$ref`s on the way, so a patch
reaches into a shared component without changing it for others), the patched
operation is imported like any other, and the spec records only what differs
from the default version: parameters removed or changed, the answer's type,
the documented status codes. The rules are in spec/README.md ("API versions").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codegen.openapi import Description

Changes = list[tuple[str, list[str], dict[str, Any]]]  # (version, changesets, patched operation)


def versions_of(d: Description, op: dict[str, Any]) -> Changes:
    """Each later version's changesets and the operation as that version has it.

    Versions are cumulative: a version has the changes of the ones before it.
    """
    by_version: dict[str, list[dict[str, Any]]] = {}
    for change in op.get("x-github-breaking-changes", []):
        if isinstance(change, dict) and isinstance(change.get("version"), str):
            by_version.setdefault(change["version"], []).append(change)
    found: Changes = []
    patched = {k: v for k, v in op.items() if k != "x-github-breaking-changes"}
    names: list[str] = []
    for version in sorted(by_version):
        for change in by_version[version]:
            patch = change.get("patch")
            if isinstance(patch, list):
                patched = json_patch(d, patched, patch)
            elif isinstance(patch, dict):
                patched = merge_patch(d, patched, patch)
            names.append(str(change.get("changeset", "")))
        found.append((version, sorted(dict.fromkeys(names)), patched))
    return found


def merge_patch(d: Description, target: Any, patch: Any) -> Any:
    """RFC 7386 on a copy of `target`; a `$ref` the patch goes into is resolved first."""
    if not isinstance(patch, dict) or "$ref" in patch:
        return patch
    base = d.resolve(target) if isinstance(target, dict) else {}
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(d, out.get(key), value)
    return out


def json_patch(d: Description, target: dict[str, Any], ops: list[Any]) -> dict[str, Any]:
    """RFC 6902's add, remove and replace on a copy of `target` (what GitHub uses)."""
    for op in ops:
        keys = [k.replace("~1", "/").replace("~0", "~") for k in str(op.get("path", "")).split("/")[1:]]
        if not keys:
            continue
        target = _with(d, target, keys, op.get("op"), op.get("value"))
    return target


def _with(d: Description, node: Any, keys: list[str], op: Any, value: Any) -> Any:
    node = dict(d.resolve(node)) if isinstance(node, dict) else {}
    key = keys[0]
    if len(keys) > 1:
        node[key] = _with(d, node.get(key), keys[1:], op, value)
    elif op == "remove":
        node.pop(key, None)
    elif op in ("add", "replace"):
        node[key] = value
    return node


def statuses(op: dict[str, Any], patched: dict[str, Any]) -> dict[str, list[int]]:
    """The documented status codes a version adds and removes."""
    def codes(o: dict[str, Any]) -> set[int]:
        return {int(c) for c in o.get("responses", {}) if str(c).isdigit()}
    before, after = codes(op), codes(patched)
    found = {"added": sorted(after - before), "removed": sorted(before - after)}
    return {k: v for k, v in found.items() if v}


def difference(base: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """What `version` (an imported entry) changes in `base`, as spec fields."""
    old = {(p["in"], p["name"]): p for p in base.get("parameters", [])}
    new = {(p["in"], p["name"]): p for p in version.get("parameters", [])}
    found: dict[str, Any] = {}
    removed = [name for (where, name) in old if (where, name) not in new]
    if removed:
        found["removed"] = removed
    changed = [p for key, p in new.items() if old.get(key) != p]
    if changed:
        found["parameters"] = changed
    if base.get("response") != version.get("response"):
        key = "response" if "response" in version else "untyped"
        found[key] = version[key]
    return found
