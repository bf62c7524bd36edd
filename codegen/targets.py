"""Where an operation exists: api.github.com, GitHub Enterprise Cloud, GHES versions.

The spec writes it as a short list (`targets: [ghec, ghes 3.19+]`) on the
entries that are not everywhere; the generator expands it into target keys
(`api.github.com`, `ghec`, `ghes-3.19`) that the runtime compares with the
client's. The described GHES versions are the pinned descriptions'
(`codegen.pinned.EDITIONS`).
"""

from __future__ import annotations

import re

from codegen.pinned import EDITIONS

DOTCOM, GHEC = "api.github.com", "ghec"
GHES_VERSIONS = tuple(sorted((s.removeprefix("ghes-") for s in EDITIONS if s.startswith("ghes-")),
                             key=lambda v: tuple(int(n) for n in v.split("."))))
# Every target key, in the order the spec and the docs list them.
TARGETS = (DOTCOM, GHEC, *(f"ghes-{v}" for v in GHES_VERSIONS))
_GHES = re.compile(r"^ghes (\d+\.\d+)(\+|-(\d+\.\d+))?$")


class TargetError(ValueError):
    """A `targets` entry the spec cannot mean; the message says which."""


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def compact(present: set[str]) -> list[str] | None:
    """The spec's `targets` list for the target keys an operation has; None when
    it has every one (the entry then leaves `targets` out)."""
    if present >= set(TARGETS):
        return None
    words = [t for t in (DOTCOM, GHEC) if t in present]
    run: list[str] = []
    for version in (*GHES_VERSIONS, None):
        if version is not None and f"ghes-{version}" in present:
            run.append(version)
            continue
        if run:
            if version is None:
                words.append(f"ghes {run[0]}+")
            elif len(run) == 1:
                words.append(f"ghes {run[0]}")
            else:
                words.append(f"ghes {run[0]}-{run[-1]}")
            run = []
    return words


def expand(words: list[str]) -> frozenset[str]:
    """The target keys a spec `targets` list names (the inverse of `compact`).

    `ghes 3.18+` is 3.18 and every later described version; `ghes 3.17-3.18`
    a closed range; `ghes 3.18` one version."""
    found: set[str] = set()
    for word in words:
        if word in (DOTCOM, GHEC):
            found.add(word)
            continue
        match = _GHES.match(word) if isinstance(word, str) else None
        if match is None:
            raise TargetError(f"{word!r} is not {DOTCOM}, {GHEC}, 'ghes X.Y', 'ghes X.Y+' or 'ghes X.Y-X.Z'")
        low = _key(match.group(1))
        high = _key(match.group(3)) if match.group(3) else None
        versions = [v for v in GHES_VERSIONS if _key(v) >= low and (
            high is not None and _key(v) <= high or match.group(2) == "+" or _key(v) == low)]
        if not versions:
            raise TargetError(f"{word!r} names no described GHES version ({', '.join(GHES_VERSIONS)})")
        found.update(f"ghes-{v}" for v in versions)
    if not found:
        raise TargetError("must name at least one target")
    return frozenset(found)


def describe(keys: frozenset[str] | set[str]) -> str:
    """`api.github.com, GHEC, GHES 3.17-3.19`: for docstrings and the reference."""
    words = compact(set(keys)) or [DOTCOM, GHEC, f"ghes {GHES_VERSIONS[0]}+"]
    out = []
    for word in words:
        if word == GHEC:
            out.append("GHEC")
        elif word.startswith("ghes "):
            text = word[5:]
            if text.endswith("+"):  # as far as the pinned descriptions go, named
                text = text[:-1] if text[:-1] == GHES_VERSIONS[-1] else f"{text[:-1]}-{GHES_VERSIONS[-1]}"
            out.append("GHES " + text.replace("-", "–"))
        else:
            out.append(word)
    return ", ".join(out)
