"""The generated command metadata (octo/rest/_cli/*.json), read as plain files.

Help, parsing and completion need only these files, and only the one
namespace they show: no generated Python module is imported for them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, TypedDict


class Param(TypedDict, total=False):
    dest: str  # the Python argument name
    flag: str  # absent for a path parameter (positional)
    type: str  # string, integer, number, boolean, object, array, any
    items: str
    required: bool
    nullable: bool
    enum: list[Any]
    help: str


class Data(TypedDict):
    content_type: str
    type: str  # string, binary, object, array, any
    required: bool


class Command(TypedDict, total=False):
    method: str
    route: str
    summary: str
    docs: str
    deprecated: bool
    paginated: bool
    list_key: str
    data: Data
    media_types: list[str]
    params: list[Param]


class Namespace(TypedDict):
    namespace: str  # the Python name (`code_scanning`)
    aliases: dict[str, str]  # old command name -> current one
    commands: dict[str, Command]


# Which namespace files this process has read (tests check that help loads one).
loaded: list[str] = []


def folder() -> Path:
    return Path(__file__).resolve().parent.parent / "rest" / "_cli"


@cache
def namespaces() -> dict[str, int]:
    """Command count of every namespace, by CLI name (`code-scanning`)."""
    counts: dict[str, int] = _read("_index")["namespaces"]
    return counts


@cache
def namespace(name: str) -> Namespace:
    """One namespace's commands, by CLI name; KeyError if there is none."""
    if name not in namespaces():
        raise KeyError(name)
    loaded.append(name)
    data: Namespace = _read(name.replace("-", "_"))
    return data


def _read(stem: str) -> Any:
    return json.loads((folder() / f"{stem}.json").read_text(encoding="utf-8"))
