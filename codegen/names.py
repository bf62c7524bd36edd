"""Naming rules shared by the importer and the generator."""

from __future__ import annotations

import keyword
import re

# Per-call options of every generated method (or the raw body); a parameter
# never takes one of these names as is.
RESERVED = frozenset({"self", "data", "timeout", "media_type", "headers", "follow_redirects", "stream"})

_NOT_IDENT = re.compile(r"[^0-9A-Za-z_]")


def python_name(wire_name: str) -> str:
    """The default Python argument name for a wire name (`async` -> `async_`)."""
    name = _NOT_IDENT.sub("_", wire_name)
    if name[:1].isdigit():
        name = "_" + name
    # Soft keywords (`type`, `match`) are valid names; which words are soft keywords
    # depends on the Python running the generator, and the output must not.
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def kebab(name: str) -> str:
    """`create_dispatch_event` -> `create-dispatch-event` (the command line's spelling)."""
    return name.replace("_", "-")


def snake_case(kebab: str) -> str:
    """`create-dispatch-event` -> `create_dispatch_event`."""
    return kebab.replace("-", "_")


def class_name(namespace: str) -> str:
    """`code_scanning` -> `CodeScanning`."""
    return "".join(part[:1].upper() + part[1:] for part in namespace.split("_"))


def is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)
