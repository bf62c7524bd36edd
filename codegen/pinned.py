"""`python -m codegen.pinned`: put the pinned OpenAPI description at .cache/openapi/.

The file is `generated/api.github.com.json` of the npm package
`@octokit/openapi` at the pinned version. It is copied from
`../shared/openapi/` when that exists, else unpacked from `npm pack`; either
way its sha256 must match, or nothing is written.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
MEMBER = "package/generated/api.github.com.json"
SHA256 = "829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a"
TARGET = Path(".cache/openapi/api.github.com.json")
SHARED = Path("../shared/openapi/api.github.com.json")


class PinnedError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _from_npm(dest: Path) -> None:
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        try:
            done = subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"], cwd=tmp,
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PinnedError(f"npm pack {PACKAGE}@{VERSION} failed: {exc}") from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise PinnedError(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr.strip()[-500:]}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise PinnedError(f"{tarballs[0].name} has no {MEMBER}")
            with dest.open("wb") as out:
                shutil.copyfileobj(member, out)


def obtain(root: Path, shared: Path = SHARED) -> tuple[Path, str]:
    """The verified description's path, and where it came from."""
    target = root / TARGET
    if target.exists() and sha256(target) == SHA256:
        return target, "already there"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    source = root / shared
    try:
        if source.exists():
            shutil.copyfile(source, partial)
            origin = str(shared)
        else:
            _from_npm(partial)
            origin = f"npm pack {PACKAGE}@{VERSION}"
        got = sha256(partial)
        if got != SHA256:
            raise PinnedError(f"sha256 mismatch for the description from {origin}: "
                              f"expected {SHA256}, got {got}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target, origin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen.pinned", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: .)")
    args = parser.parse_args(argv)
    try:
        path, origin = obtain(args.root)
    except PinnedError as exc:
        print(f"openapi: {exc}", file=sys.stderr)
        return 1
    print(f"openapi: {path.relative_to(args.root)} ({PACKAGE}@{VERSION}, sha256 ok; {origin})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
