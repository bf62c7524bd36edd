"""`python -m codegen.pinned`: put the pinned OpenAPI description at .cache/openapi/.

The file is `generated/api.github.com.json` of the npm package
`@octokit/openapi` at the pinned version. It is copied from
`../shared/openapi/` when that exists, else unpacked from `npm pack`; either
way its sha256 must match, or nothing is written. The same package's
descriptions of GitHub Enterprise Cloud and Server (`EDITIONS`) are unpacked
beside it from one `npm pack`, each checked against its own sha256.

GitHub's GraphQL schema (`schema.json` of `@octokit/graphql-schema`, an
introspection result) is pinned the same way, at .cache/graphql/schema.json:
the GraphQL tests and `octo.graphql_check` read it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
MEMBER = "package/generated/api.github.com.json"
SHA256 = "829b4bebb19a53133289f7b0bc819f4f1118115821db2ca9f25e9ee995a7da2a"
TARGET = Path(".cache/openapi/api.github.com.json")
# The other GitHubs the package describes: file stem -> sha256 of generated/<stem>.json.
EDITIONS = {
    "ghec": "3224a411049a9d421d42ae8575172d4cb4778f4a978afddd030168aaf6f3dd51",
    "ghes-3.17": "b33124aa711a44f1de05c9ad49e7ef473b65cacfd0c8369fd8418ba798707dcb",
    "ghes-3.18": "7ad144ec40d61c6b05d1161cbeda3a0d6a0825f733722f3daa33733148d1af3c",
    "ghes-3.19": "8c852cf1bde4d40ee19dffd9cdd18650bfad09f9dd0cd5039b9d775056104139",
}
SHARED = Path("../shared/openapi/api.github.com.json")
GRAPHQL_PACKAGE = "@octokit/graphql-schema"
GRAPHQL_VERSION = "15.26.1"
GRAPHQL_MEMBER = "package/schema.json"
GRAPHQL_SHA256 = "bbdb03f4006f4e34964d67d55385f1c8c47c4cacd507ccdc38af2544247ecddd"
GRAPHQL_TARGET = Path(".cache/graphql/schema.json")


class PinnedError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _from_npm(dests: dict[str, Path], package: str = PACKAGE, version: str = VERSION) -> None:
    """Unpack `package/generated/<stem>.json` to each dest from one `npm pack`
    (`package/<member>` for a dest keyed by a member path ending in .json)."""
    some = next(iter(dests.values()))
    with tempfile.TemporaryDirectory(dir=some.parent) as tmp:
        try:
            done = subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=tmp,
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PinnedError(f"npm pack {package}@{version} failed: {exc}") from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise PinnedError(f"npm pack {package}@{version} failed: {done.stderr.strip()[-500:]}")
        unpack(tarballs[0], dests)


def unpack(tarball: Path, dests: dict[str, Path]) -> None:
    with tarfile.open(tarball) as tar:
        for stem, dest in dests.items():
            name = stem if stem.startswith("package/") else f"package/generated/{stem}.json"
            member = tar.extractfile(name)
            if member is None:
                raise PinnedError(f"{tarball.name} has no {name}")
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
            _from_npm({TARGET.stem: partial})
            origin = f"npm pack {PACKAGE}@{VERSION}"
        got = sha256(partial)
        if got != SHA256:
            raise PinnedError(f"sha256 mismatch for the description from {origin}: "
                              f"expected {SHA256}, got {got}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target, origin


def edition_path(root: Path, stem: str) -> Path:
    return root / TARGET.parent / f"{stem}.json"


def obtain_editions(root: Path, fetch: Callable[[dict[str, Path]], None] = _from_npm) -> list[str]:
    """Put every edition's verified description in .cache/openapi/; the stems fetched."""
    missing = {stem: edition_path(root, stem).with_suffix(".partial") for stem, digest in EDITIONS.items()
               if not (edition_path(root, stem).exists() and sha256(edition_path(root, stem)) == digest)}
    if not missing:
        return []
    edition_path(root, "x").parent.mkdir(parents=True, exist_ok=True)
    try:
        fetch(missing)
        for stem, partial in missing.items():
            got = sha256(partial)
            if got != EDITIONS[stem]:
                raise PinnedError(f"sha256 mismatch for {stem}.json from npm pack {PACKAGE}@{VERSION}: "
                                  f"expected {EDITIONS[stem]}, got {got}")
        for stem, partial in missing.items():
            partial.replace(edition_path(root, stem))
    finally:
        for partial in missing.values():
            partial.unlink(missing_ok=True)
    return sorted(missing)


def obtain_graphql(root: Path,
                   fetch: Callable[[dict[str, Path]], None] | None = None) -> tuple[Path, str]:
    """The verified GraphQL schema's path, and where it came from."""
    target = root / GRAPHQL_TARGET
    if target.exists() and sha256(target) == GRAPHQL_SHA256:
        return target, "already there"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    origin = f"npm pack {GRAPHQL_PACKAGE}@{GRAPHQL_VERSION}"
    try:
        if fetch is None:
            _from_npm({GRAPHQL_MEMBER: partial}, GRAPHQL_PACKAGE, GRAPHQL_VERSION)
        else:
            fetch({GRAPHQL_MEMBER: partial})
        got = sha256(partial)
        if got != GRAPHQL_SHA256:
            raise PinnedError(f"sha256 mismatch for the GraphQL schema from {origin}: "
                              f"expected {GRAPHQL_SHA256}, got {got}")
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
        fetched = obtain_editions(args.root)
        schema, schema_origin = obtain_graphql(args.root)
    except PinnedError as exc:
        print(f"openapi: {exc}", file=sys.stderr)
        return 1
    print(f"openapi: {path.relative_to(args.root)} ({PACKAGE}@{VERSION}, sha256 ok; {origin})")
    print(f"openapi: {', '.join(f'{s}.json' for s in EDITIONS)} beside it (sha256 ok; "
          + (f"unpacked {len(fetched)}" if fetched else "already there") + ")")
    print(f"graphql: {schema.relative_to(args.root)} ({GRAPHQL_PACKAGE}@{GRAPHQL_VERSION}, sha256 ok; "
          f"{schema_origin})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
