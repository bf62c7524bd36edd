"""The spec's type expressions: `FullRepository`, `array[Issue]`, `string | null`,
`enum[open, closed]`, `map[integer]`.

One small language for what a response, a body field or a webhook payload
holds, written in spec/ by the importer or by hand, read by the generator.
Grammar (spec/README.md, "Types"):

    expr  := term ("|" term)*
    term  := WORD | Name | "array[" expr "]" | "map[" expr "]" | "enum[" value ("," value)* "]"
    WORD  := string | integer | number | boolean | null | any | object
             (and, for a whole response only: empty | text | binary)
    Name  := a type of spec/types/ (CamelCase)
    value := a JSON string, or any text without `,` and `]` (spaces around it dropped)
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

# What each word means in Python.
WORDS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "null": "None",
    "any": "Any",
    "object": "dict[str, Any]",
}
# A whole response only: no body (204), text media, other media.
RESPONSE_WORDS = {"empty": "None", "text": "str", "binary": "bytes"}
# An enum value that needs no quotes: no `,` or `]`, no space at either end, no quote first.
_BARE_VALUE = re.compile(r'[^\s,\]"][^,\]]*(?<=\S)|[^\s,\]"]')
_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


class TypeExprError(ValueError):
    """A type expression does not parse; the message says where."""


@dataclass(frozen=True)
class Word:
    name: str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Array:
    item: Expr


@dataclass(frozen=True)
class Map:
    value: Expr


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Union:
    members: tuple[Expr, ...]


Expr = Word | Ref | Array | Map | Enum | Union


def union(members: list[Expr]) -> Expr:
    """The union of `members`: nested unions flattened, repeats dropped, `null` last."""
    flat: list[Expr] = []
    for m in members:
        for part in m.members if isinstance(m, Union) else (m,):
            if part not in flat:
                flat.append(part)
    if Word("any") in flat:
        return Word("any")
    for last in (Word("null"), Word("empty")):
        if last in flat:
            flat.remove(last)
            flat.append(last)
    return flat[0] if len(flat) == 1 else Union(tuple(flat))


def members(expr: Expr) -> tuple[Expr, ...]:
    return expr.members if isinstance(expr, Union) else (expr,)


# -- text ---------------------------------------------------------------------


def parse(text: str, response: bool = False) -> Expr:
    """The expression `text` means; `response` admits empty, text and binary."""
    if not isinstance(text, str):
        raise TypeExprError(f"a type must be text, got {text!r}")
    return _parse(text, response)


@functools.cache
def _parse(text: str, response: bool) -> Expr:
    # Most types of the full API are a few texts (`string`, `integer`, ...) said many times.
    reader = _Reader(text, response)
    expr = reader.expr()
    if reader.peek():
        raise TypeExprError(f"{text!r}: unexpected {reader.rest()!r}")
    return expr


class _Reader:
    """Recursive descent over one expression."""

    def __init__(self, text: str, response: bool) -> None:
        self.text = text
        self.at = 0
        self.response = response

    def peek(self) -> str:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1
        return self.text[self.at:self.at + 1]

    def rest(self) -> str:
        return self.text[self.at:][:20]

    def fail(self, why: str) -> TypeExprError:
        return TypeExprError(f"{self.text!r}: {why}")

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise self.fail(f"expected {char!r} at {self.rest() or 'the end'!r}")
        self.at += 1

    def expr(self) -> Expr:
        parts = [self.term()]
        while self.peek() == "|":
            self.at += 1
            parts.append(self.term())
        return union(parts)

    def term(self) -> Expr:
        self.peek()
        m = _WORD.match(self.text, self.at)
        if m is None:
            raise self.fail(f"expected a type at {self.rest() or 'the end'!r}")
        word = m.group()
        self.at = m.end()
        opens = self.text.startswith("[", self.at)
        if word in ("array", "map") and opens:
            self.at += 1
            response, self.response = self.response, False
            inner = self.expr()
            self.response = response
            self.take("]")
            return Array(inner) if word == "array" else Map(inner)
        if word == "enum" and opens:
            self.at += 1
            values = [self.value()]
            while self.peek() == ",":
                self.at += 1
                values.append(self.value())
            self.take("]")
            return Enum(tuple(values))
        if word in WORDS or (self.response and word in RESPONSE_WORDS):
            return Word(word)
        if word in RESPONSE_WORDS:
            raise self.fail(f"{word!r} describes a whole response, not a value inside one")
        if _NAME.fullmatch(word):
            return Ref(word)
        raise self.fail(f"{word!r} is neither a known word ({', '.join(WORDS)}) nor a type name (CamelCase)")

    def value(self) -> str:
        """An enum value: a JSON string, or the text up to the next `,` or `]`."""
        if self.peek() == '"':
            try:
                value, end = json.JSONDecoder().raw_decode(self.text, self.at)
            except ValueError:
                raise self.fail(f"a quoted enum value does not end: {self.rest()!r}") from None
            self.at = end
            return str(value)
        end = self.at
        while end < len(self.text) and self.text[end] not in ",]":
            end += 1
        value = self.text[self.at:end].strip()
        if not value:
            raise self.fail("an enum value is empty")
        self.at = end
        return value


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_expr(expr: Expr) -> str:
    """The spec text of `expr` (parse(format_expr(e)) == e)."""
    if isinstance(expr, Word):
        return expr.name
    if isinstance(expr, Ref):
        return expr.name
    if isinstance(expr, Array):
        return f"array[{format_expr(expr.item)}]"
    if isinstance(expr, Map):
        return f"map[{format_expr(expr.value)}]"
    if isinstance(expr, Enum):
        return "enum[" + ", ".join(v if _BARE_VALUE.fullmatch(v) else json.dumps(v) for v in expr.values) + "]"
    return " | ".join(format_expr(m) for m in expr.members)


# -- meaning ------------------------------------------------------------------


def refs(expr: Expr) -> set[str]:
    """The type names `expr` uses."""
    if isinstance(expr, Ref):
        return {expr.name}
    if isinstance(expr, Array):
        return refs(expr.item)
    if isinstance(expr, Map):
        return refs(expr.value)
    if isinstance(expr, Union):
        return set().union(*(refs(m) for m in expr.members))
    return set()


def rename(expr: Expr, names: dict[str, str]) -> Expr:
    """`expr` with each type name replaced by `names[name]` where given."""
    if isinstance(expr, Ref):
        return Ref(names.get(expr.name, expr.name))
    if isinstance(expr, Array):
        return Array(rename(expr.item, names))
    if isinstance(expr, Map):
        return Map(rename(expr.value, names))
    if isinstance(expr, Union):
        return union([rename(m, names) for m in expr.members])
    return expr


def python(expr: Expr, list_name: str = "list") -> str:
    """The Python annotation of `expr`. `list_name` is `List` where a method
    named `list` would shadow the builtin (namespace classes)."""
    if isinstance(expr, Word):
        return WORDS.get(expr.name) or RESPONSE_WORDS[expr.name]
    if isinstance(expr, Ref):
        return expr.name
    if isinstance(expr, Array):
        return f"{list_name}[{python(expr.item, list_name)}]"
    if isinstance(expr, Map):
        return f"dict[str, {python(expr.value, list_name)}]"
    if isinstance(expr, Enum):
        return "Literal[" + ", ".join(json.dumps(v) for v in expr.values) + "]"
    return " | ".join(python(m, list_name) for m in expr.members)


def python_names(expr: Expr) -> set[str]:
    """The bare names `python(expr)` uses (builtins and typing names included)."""
    text = python(expr)
    return set(re.findall(r"(?<![\"\w.])([A-Za-z_]\w*)(?![\"\w])", re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)))
