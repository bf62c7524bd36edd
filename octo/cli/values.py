"""Command line text to typed values: numbers, JSON, `@file`, stdin, repeatable lists.

Each converter is an argparse `type=` (its `__name__` shows in argparse's
"invalid ... value" message) or an `Action`, so a bad value is a usage error
before any I/O.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Converter = Callable[[str], Any]


class FileArg:
    """A binary body named on the command line; opened only when sending, so
    an upload streams from disk instead of being read into memory."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"FileArg({str(getattr(self, 'path', '?'))!r})"  # works half built too


class Sources:
    """Reads `@file` and stdin for one command line; stdin can feed only one
    thing (a token, a body or one `@-` value), since reading it empties it."""

    def __init__(self, stdin_used_by: str | None = None) -> None:
        self.stdin_used_by = stdin_used_by

    def stdin(self, what: str, binary: bool = False) -> str | bytes:
        if self.stdin_used_by is not None:
            raise argparse.ArgumentTypeError(
                f"stdin already feeds {self.stdin_used_by}; it can feed only one value")
        self.stdin_used_by = what
        return sys.stdin.buffer.read() if binary else sys.stdin.read()

    def file(self, ref: str, what: str) -> str:
        """The text of `@path`, or of stdin for `@-`."""
        path = ref[1:]
        if path == "-":
            return str(self.stdin(what))
        try:
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise argparse.ArgumentTypeError(f"cannot read {path}: {exc}") from None


def _named(name: str, fn: Converter) -> Converter:
    fn.__name__ = name
    return fn


def _json_text(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{what} is not valid JSON: {exc}") from None


def header(text: str) -> tuple[str, str]:
    """`NAME: VALUE`, as curl and `gh api -H` take it, as a (name, value) pair."""
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        # Not echoed: the text may well be an Authorization header.
        raise argparse.ArgumentTypeError("a header is NAME: VALUE (a name, a colon, the value)")
    return name.strip(), value.strip()


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(text)


def scalar(kind: str, sources: Sources, nullable: bool = False, flag: str | None = None) -> Converter:
    """The converter for one value of spec type `kind`. `@FILE` is read only
    for JSON kinds (object, array, any); text is sent as typed, and a text
    option (`flag`) whose value names a file says so on stderr."""

    def convert(text: str) -> Any:
        if nullable and text == "null":
            return None
        if kind == "string" and flag and text.startswith("@") and Path(text[1:]).is_file():
            sys.stderr.write(f"octo: warning: {flag} takes text, so {text!r} is sent as it is; "
                             f"for the file's text: {flag} \"$(cat {text[1:]})\"\n")
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "boolean":
            return _boolean(text)
        if kind == "object":
            value = _json_text(sources.file(text, "an object") if text.startswith("@") else text, "the object")
            if not isinstance(value, dict):
                raise argparse.ArgumentTypeError("must be a JSON object")
            return value
        if kind == "array":
            value = _json_text(sources.file(text, "an array") if text.startswith("@") else text, "the array")
            if not isinstance(value, list):
                raise argparse.ArgumentTypeError("must be a JSON array")
            return value
        if kind == "any":
            # JSON when it parses as JSON (42, true, {"a": 1}), else the text itself.
            if text.startswith("@"):
                return _json_text(sources.file(text, "a value"), "the file")
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text

    return _named({"integer": "integer", "number": "number", "boolean": "boolean",
                   "object": "JSON object", "array": "JSON array"}.get(kind, "value"), convert)


def choice(values: list[Any], nullable: bool) -> Converter:
    """Text to the enum member it spells; anything else is left for argparse's
    `choices` check to reject with the list of allowed values."""
    by_text = {v if isinstance(v, str) else json.dumps(v): v for v in values}
    if nullable:
        by_text["null"] = None
    return _named("choice", lambda text: by_text.get(text, text))


def data(kind: str, sources: Sources) -> Converter:
    """`--data`: `@file`, `-` (stdin) or literal text, as the body type needs."""

    def convert(text: str) -> Any:
        if kind == "binary":
            if text == "-":
                return sources.stdin("--data", binary=True)
            if text.startswith("@"):
                path = Path(text[1:])
                if not path.is_file():
                    raise argparse.ArgumentTypeError(f"{path} is not a readable file")
                return FileArg(path)
            return text.encode()
        if text == "-":
            body = str(sources.stdin("--data"))
        elif text.startswith("@"):
            body = sources.file(text, "--data")
        else:
            body = text
        return body if kind == "string" else _json_text(body, "--data")

    return _named("body", convert)


class AppendItems(argparse.Action):
    """A repeatable option: each use adds one item; a JSON array (`[]`,
    `["a","b"]`) or `@file.json` holding one gives the whole list."""

    def __init__(self, option_strings: Sequence[str], dest: str, *, item: Converter,
                 sources: Sources, nullable: bool = False, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.item = item
        self.sources = sources
        self.nullable = nullable

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        text = str(values)
        current = getattr(namespace, self.dest, None)
        items: list[Any] = list(current) if isinstance(current, list) else []
        try:
            if self.nullable and text == "null":
                setattr(namespace, self.dest, None)
                return
            whole = self._whole_list(text)
            if whole is not None:
                items.extend(whole)  # JSON is already typed
            else:
                items.append(self.item(text))
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            message = str(exc) if isinstance(exc, argparse.ArgumentTypeError) else \
                f"invalid {getattr(self.item, '__name__', 'item')} value: {text!r}"
            raise argparse.ArgumentError(self, message) from None
        setattr(namespace, self.dest, items)

    def _whole_list(self, text: str) -> list[Any] | None:
        if text.startswith("@"):
            value = _json_text(self.sources.file(text, self.dest), "the file")
        elif text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return None  # an item that merely starts with "["
        else:
            return None
        if not isinstance(value, list):
            raise argparse.ArgumentTypeError("must be a JSON array")
        return value
