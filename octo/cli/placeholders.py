"""`{owner}`, `{repo}` and `{branch}` in `octo api` paths and `-F` values,
filled as `gh` fills them: from `GH_REPO` (`[HOST/]OWNER/REPO`), else from the
`origin` remote of the git repository in the working directory; `{branch}`
from the branch checked out there."""

from __future__ import annotations

import os
import re
import subprocess
from urllib.parse import quote, urlsplit

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NAMES = ("owner", "repo", "branch")


class PlaceholderError(ValueError):
    """A placeholder that cannot be filled here; the message says why."""


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def owner_and_repo(remote: str) -> tuple[str, str] | None:
    """OWNER and REPO of a remote URL: https://HOST/O/R(.git), ssh://git@HOST/O/R.git,
    or scp-like git@HOST:O/R.git."""
    if "://" in remote:
        path = urlsplit(remote).path
    else:
        _, colon, path = remote.partition(":")
        if not colon:
            return None
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    repo = parts[-1].removesuffix(".git")
    return (parts[-2], repo) if repo else None


class Repository:
    """Looks each value up once, on first use: a command line without
    placeholders never runs git."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def value(self, name: str) -> str:
        if name not in self._values:
            self._values.update(self._look_up(name))
        return self._values[name]

    def _look_up(self, name: str) -> dict[str, str]:
        if name == "branch":
            branch = _git("symbolic-ref", "--quiet", "--short", "HEAD")
            if branch is None:
                raise PlaceholderError("{branch}: no branch is checked out in a git repository here")
            return {"branch": branch}
        given = os.environ.get("GH_REPO")
        if given:
            parts = given.split("/")
            if len(parts) not in (2, 3) or not all(parts):
                raise PlaceholderError(f"GH_REPO must be OWNER/REPO or HOST/OWNER/REPO, got {given!r}")
            return {"owner": parts[-2], "repo": parts[-1]}
        remote = _git("remote", "get-url", "origin")
        found = owner_and_repo(remote) if remote else None
        if found is None:
            raise PlaceholderError(f"{{{name}}}: no git repository with an 'origin' remote on GitHub here "
                                   "(run inside a clone, or set GH_REPO=OWNER/REPO)")
        return {"owner": found[0], "repo": found[1]}

    def fill(self, text: str, encode: bool = False) -> str:
        """`text` with its placeholders filled (percent-encoded for a path);
        an unknown `{name}` is an error naming it."""

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in NAMES:
                raise PlaceholderError(f"unknown placeholder {{{name}}}: octo api fills "
                                       + ", ".join(f"{{{n}}}" for n in NAMES))
            value = self.value(name)
            return quote(value, safe="/") if encode else value  # a branch keeps its slashes, as in gh

        return PLACEHOLDER.sub(one, text)

