"""`python -m codegen [--check] [--root DIR]`: render octo/rest/ and docs/reference/ from spec/.

Without --check, writes the files (and removes generated files the spec no
longer produces). With --check, writes nothing and exits 1 with a diff when
the committed files differ from what the spec produces.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from codegen.render import render_all
from codegen.spec import SpecError, load_spec
from codegen.spec_types import Types, load_types

GENERATED_DIRS = ("octo/rest", "docs/reference", "octo/rest/_cli", "octo/rest/types", "docs/reference/types",
                  "octo/rest/_async")
GENERATED_SUFFIXES = {"octo/rest": ".py", "docs/reference": ".md", "octo/rest/_cli": ".json",
                      "octo/rest/types": ".py", "docs/reference/types": ".md", "octo/rest/_async": ".pyi"}


def existing_generated(root: Path) -> set[str]:
    found = set()
    for folder in GENERATED_DIRS:
        base = root / folder
        if base.is_dir():
            suffix = GENERATED_SUFFIXES[folder]
            found |= {p.relative_to(root).as_posix() for p in base.glob(f"*{suffix}")}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: .)")
    args = parser.parse_args(argv)
    root: Path = args.root

    try:
        namespaces = load_spec(root / "spec")
        types = load_types(root / "spec" / "types")
        if not namespaces:
            print(f"spec error: no spec/*.yaml under {root}", file=sys.stderr)
            return 2
        files = render_all(namespaces, types)
    except SpecError as exc:
        print(f"spec error: {exc}", file=sys.stderr)
        return 2
    stale = sorted(existing_generated(root) - set(files))
    count = sum(len(ns.endpoints) for ns in namespaces)

    if args.check:
        problems = 0
        for rel, text in sorted(files.items()):
            path = root / rel
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                problems += 1
                sys.stdout.writelines(difflib.unified_diff(
                    current.splitlines(keepends=True), text.splitlines(keepends=True),
                    f"a/{rel}", f"b/{rel}", n=2))
        for rel in stale:
            problems += 1
            print(f"{rel}: not produced by spec/ (remove it, or run make generate)")
        if problems:
            print(f"{problems} generated file(s) out of date: run `make generate`", file=sys.stderr)
            return 1
        print(f"generated files are current: {count} endpoints in {len(namespaces)} namespaces")
        return 0

    written = 0
    for rel, text in files.items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
    for rel in stale:
        (root / rel).unlink()
    print(f"generated {count} endpoints in {len(namespaces)} namespaces "
          f"({written} file(s) written, {len(stale)} removed)")
    print(type_counts(namespaces, types))
    return 0


def type_counts(namespaces: list, types: Types) -> str:
    """What `make generate` says about types: how many, and what is left untyped."""
    endpoints = [e for ns in namespaces for e in ns.endpoints]
    typed = sum(e.response is not None for e in endpoints)
    reasons: dict[str, int] = {}
    for e in endpoints:
        if e.response is None:
            reason = e.untyped or "no response type in the spec entry"
            reasons[reason] = reasons.get(reason, 0) + 1
    lines = [f"types: {len(types.types)} TypedDicts and aliases; {typed} of {len(endpoints)} "
             f"operations typed, {len(endpoints) - typed} untyped; {len(types.events)} webhook events "
             f"({sum(len(p) for p in types.events.values())} payloads)"]
    lines += [f"  untyped: {n} x {reason}" for reason, n in sorted(reasons.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
