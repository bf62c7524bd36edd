"""`python -m codegen.openapi_diff NEW [--target T]`: what a newer description changes.

Compares the pinned description of a target (api.github.com by default, or
`ghec`, `ghes-3.19`, ...) with NEW, operation by operation (matched by
operationId), as the importer would write them into spec/: a changelog of
the operations added, removed and changed, so bumping `@octokit/openapi` is a
reviewed diff. `make spec-diff NEW=path/to/api.github.com.json [TARGET=...]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from codegen import pinned
from codegen.openapi import DEFAULT_PATH, Description, OpenAPIError, Report, operation_entry

Entry = dict[str, Any]
_FACTS = ("method", "path", "summary", "deprecated", "host", "paginated", "list_key", "media_types", "body")


def entries(doc: dict[str, Any]) -> dict[str, tuple[str, Entry]]:
    """operationId -> (namespace, spec entry without types) of every operation the importer takes."""
    d = Description(doc)
    found = {}
    for method, path, op in d.operations():
        try:
            namespace, entry = operation_entry(d, method, path, op, Report())
        except (OpenAPIError, KeyError, TypeError):
            continue  # `make spec` reports what it skips
        found[entry["operation_id"]] = (namespace, entry)
    return found


def _param_text(p: Entry) -> str:
    facts = [p["in"], p["type"] + (f"[{p['items']}]" if "items" in p else "")]
    if p.get("required"):
        facts.append("required")
    return f"{p['name']!r} ({', '.join(facts)})"


def changes(old: Entry, new: Entry) -> list[str]:
    """What differs between two entries of one operation, one phrase each."""
    found = []
    for key in _FACTS:
        if old.get(key) != new.get(key):
            found.append(f"{key} {json.dumps(old.get(key))} -> {json.dumps(new.get(key))}")
    before = {(p["in"], p["name"]): p for p in old.get("parameters", [])}
    after = {(p["in"], p["name"]): p for p in new.get("parameters", [])}
    for key in sorted(after.keys() - before.keys()):
        found.append(f"parameter {_param_text(after[key])} added")
    for key in sorted(before.keys() - after.keys()):
        found.append(f"parameter {_param_text(before[key])} removed")
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a != b:
            what = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
            found.append(f"parameter {key[1]!r}: " + ", ".join(
                f"{k} {json.dumps(a.get(k))} -> {json.dumps(b.get(k))}" for k in what))
    if old.get("versions", {}).keys() != new.get("versions", {}).keys():
        found.append(f"API versions {sorted(old.get('versions', {}))} -> {sorted(new.get('versions', {}))}")
    return found


def changelog(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[str]:
    """The lines of the changelog from `old_doc` to `new_doc`."""
    old, new = entries(old_doc), entries(new_doc)

    def head(op_id: str, ns_entry: tuple[str, Entry]) -> str:
        namespace, e = ns_entry
        return f"{namespace}.{e['name']}: {e['method']} {e['path']} ({e['summary']}; {op_id})"

    added = [f"+ {head(i, new[i])}" for i in sorted(new.keys() - old.keys())]
    removed = [f"- {head(i, old[i])}" for i in sorted(old.keys() - new.keys())]
    changed = []
    for op_id in sorted(old.keys() & new.keys()):
        found = changes(old[op_id][1], new[op_id][1])
        if old[op_id][0] != new[op_id][0] or old[op_id][1]["name"] != new[op_id][1]["name"]:
            found.insert(0, f"method name {old[op_id][0]}.{old[op_id][1]['name']} -> "
                            f"{new[op_id][0]}.{new[op_id][1]['name']}")
        if found:
            changed.append(f"~ {head(op_id, new[op_id])}")
            changed += [f"    {line}" for line in found]
    summary = (f"{len(added)} added, {len(removed)} removed, "
               f"{sum(line.startswith('~') for line in changed)} changed "
               f"({len(old)} operations before, {len(new)} after)")
    return [summary, *added, *removed, *changed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.openapi_diff", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("new", type=Path, help="the newer description (a file)")
    parser.add_argument("--target", default="api.github.com",
                        help="the pinned description to compare with: api.github.com (default), "
                             + ", ".join(pinned.EDITIONS))
    parser.add_argument("--old", type=Path, default=None, help="compare with this file instead of the pinned one")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: .)")
    args = parser.parse_args(argv)
    if args.old is not None:
        old_path: Path = args.old
    elif args.target == "api.github.com":
        old_path = args.root / DEFAULT_PATH
    elif args.target in pinned.EDITIONS:
        old_path = pinned.edition_path(args.root, args.target)
    else:
        print(f"spec-diff: --target {args.target!r} is not api.github.com or one of "
              f"{', '.join(pinned.EDITIONS)}", file=sys.stderr)
        return 2
    docs = []
    for path in (old_path, args.new):
        try:
            docs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            hint = " (run `make openapi`)" if path == old_path and args.old is None else ""
            print(f"spec-diff: cannot read {path}{hint}: {exc}", file=sys.stderr)
            return 2
    print(f"spec-diff: {old_path.name} -> {args.new}")
    print("\n".join(changelog(docs[0], docs[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
