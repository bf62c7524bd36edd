"""`octo api`'s `-f KEY=VALUE` (text) and `-F KEY=VALUE` (typed) fields, with
`gh api`'s nested keys: `a[b]=1` sets a key of an object, `x[]=1` adds an
item to an array, `x[][k]=1` a key of the array's last object (a new one
when that key is taken), and `-F 'x[]'` alone is an empty array."""

from __future__ import annotations

import re
from typing import Any

from octo.cli.placeholders import Repository
from octo.cli.values import Sources

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_PART = re.compile(r"\[([^\[\]]*)\]")
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")

Path = list[str | None]  # None: the `[]` of an array


class FieldError(ValueError):
    """A field that cannot be read; the message names it."""


def key_path(key: str) -> Path:
    """`a[b][]` as ["a", "b", None]."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise FieldError(f"field {key!r}: a key is NAME, NAME[KEY] or NAME[] (nested as deep as needed)")
    return [match.group(1), *(part or None for part in _PART.findall(match.group(2)))]


def json_scalar(text: str) -> tuple[bool, Any]:
    """(True, value) if `text` is JSON's true, false, null or a JSON number
    (`1_000`, `+5` and `007` are not); else (False, None). `octo api -F` and
    `octo graphql -F` type their values by it."""
    if text in ("true", "false"):
        return True, text == "true"
    if text == "null":
        return True, None
    number = _NUMBER.fullmatch(text)
    if number is None:
        return False, None
    return True, int(text) if number.group(2) is None and number.group(3) is None else float(text)


def typed(text: str, sources: Sources, repository: Repository) -> Any:
    """A `-F` value: true, false, null and numbers as JSON; `@FILE` (`@-`: stdin)
    as the file's text; else the text with its placeholders filled."""
    found, value = json_scalar(text)
    if found:
        return value
    if text.startswith("@"):
        return sources.file(text, "a -F field")
    return repository.fill(text)


class Fields:
    """The fields of one command line, in order: a JSON body, or query pairs."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, Any]] = []  # for a query: key as given, value
        self.body: dict[str, Any] = {}

    def add(self, text: str, *, raw: bool, sources: Sources, repository: Repository) -> None:
        key, eq, value_text = text.partition("=")
        path = key_path(key)
        if not eq:
            if raw or path[-1] is not None:
                raise FieldError(f"field {key!r}: give KEY=VALUE (only -F 'NAME[]' goes without a value)")
            self._place(path[:-1], [], key, empty_array=True)
            return
        value = value_text if raw else typed(value_text, sources, repository)
        self.pairs.append((key, value))
        self._place(path, value, key)

    def _place(self, path: Path, value: Any, key: str, empty_array: bool = False) -> None:
        container: Any = self.body
        for i, part in enumerate(path):
            last = i == len(path) - 1
            following = None if last else path[i + 1]
            if part is None:  # container is a list
                if last:
                    container.append(value)
                    return
                if following is not None and (not container or not isinstance(container[-1], dict)
                                              or (i + 2 == len(path) and following in container[-1])):
                    container.append({})
                elif following is None:
                    container.append([])
                container = container[-1]
                continue
            if not isinstance(container, dict):
                raise FieldError(f"field {key!r}: {part!r} is nested in something that is not an object")
            if last:
                if empty_array and isinstance(container.get(part), list):
                    return
                container[part] = value
                return
            child = container.get(part)
            wanted = list if following is None else dict
            if child is None:
                child = container[part] = wanted()
            elif not isinstance(child, wanted):
                raise FieldError(f"field {key!r}: {part!r} is already a {type(child).__name__} value")
            container = child

    def query(self) -> list[tuple[str, str]]:
        """The fields as query parameters (for GET): keys as given, JSON scalars spelled out."""
        return [(k, "true" if v is True else "false" if v is False else "" if v is None else str(v))
                for k, v in self.pairs]
