"""Rewrite tests/data/octokit-methods.txt from Octokit's published endpoint map.

    python tests/data/octokit_methods.py [VERSION]

Packs `@octokit/plugin-rest-endpoint-methods@VERSION` with npm, reads its
`dist-src/generated/endpoints.js` with node, and writes one sorted line per
method: `namespace.methodName METHOD /path`, plus `renamed-to namespace.newName`
for a deprecated old name and `parameters old=new,...` for renamed parameters.
The tests read only the text file: no network at test time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@octokit/plugin-rest-endpoint-methods"
VERSION = "18.0.0"
OUT = Path(__file__).with_name("octokit-methods.txt")
_DUMP = "import(process.argv[1]).then(m => process.stdout.write(JSON.stringify(m.default)))"


def endpoint_map(version: str) -> dict[str, dict[str, list[object]]]:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{version}"], cwd=tmp, check=True,
                       capture_output=True, timeout=300)
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        module = Path(tmp) / "package" / "dist-src" / "generated" / "endpoints.js"
        out = subprocess.run(["node", "-e", _DUMP, str(module)], check=True, capture_output=True,
                             text=True, timeout=60).stdout
    result: dict[str, dict[str, list[object]]] = json.loads(out)
    return result


def lines(endpoints: dict[str, dict[str, list[object]]]) -> list[str]:
    out = []
    for scope, methods in endpoints.items():
        for name, (route, *rest) in methods.items():
            assert isinstance(route, str)
            method, _, path = route.partition(" ")
            line = f"{scope}.{name} {method} {path.split('{?')[0]}"
            decorations = rest[1] if len(rest) > 1 else {}
            assert isinstance(decorations, dict)
            if "renamed" in decorations:
                line += " renamed-to " + ".".join(decorations["renamed"])
            if "renamedParameters" in decorations:
                pairs = sorted(decorations["renamedParameters"].items())
                line += " parameters " + ",".join(f"{old}={new}" for old, new in pairs)
            out.append(line)
    return sorted(out)


def main(argv: list[str]) -> int:
    version = argv[0] if argv else VERSION
    body = lines(endpoint_map(version))
    header = [
        f"# Octokit method names: {PACKAGE}@{version}, dist-src/generated/endpoints.js",
        "# Regenerate: python tests/data/octokit_methods.py [VERSION]",
        "# namespace.methodName METHOD /path [renamed-to namespace.newName] [parameters old=new,...]",
    ]
    OUT.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    print(f"{OUT.name}: {len(body)} methods from {PACKAGE}@{version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
