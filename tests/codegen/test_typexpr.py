"""The spec's type expressions: what a person writes in spec/ reads back as
the same type, and a mistake is an error that says where."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.typexpr import Array, Enum, Map, Ref, TypeExprError, Union, Word, format_expr, parse, python, union

WORDS = st.sampled_from(["string", "integer", "number", "boolean", "any", "object"]).map(Word)
NAMES = st.from_regex(r"[A-Z][a-z0-9]{0,6}", fullmatch=True).map(Ref)
VALUES = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8)
ENUMS = st.lists(VALUES, min_size=1, max_size=4, unique=True).map(lambda v: Enum(tuple(v)))
EXPRS = st.recursive(
    WORDS | NAMES | ENUMS,
    lambda inner: inner.map(Array) | inner.map(Map) | st.lists(inner, min_size=2, max_size=3).map(union),
    max_leaves=6,
)


@given(EXPRS)
def test_any_expression_reads_back_from_its_text(expr: object) -> None:
    assert parse(format_expr(expr)) == expr  # type: ignore[arg-type]


def test_the_written_forms() -> None:
    assert parse("array[Issue] | null") == Union((Array(Ref("Issue")), Word("null")))
    assert parse("enum[open, too heated, \"a,b\"]") == Enum(("open", "too heated", "a,b"))
    assert parse("map[array[string | integer]]") == Map(Array(Union((Word("string"), Word("integer")))))
    assert parse("null | Foo | Foo") == Union((Ref("Foo"), Word("null")))  # repeats dropped, null last
    assert parse("Foo | empty", response=True) == Union((Ref("Foo"), Word("empty")))
    assert python(parse("array[Issue | null] | map[any] | enum[a]"), "List") == (
        'List[Issue | None] | dict[str, Any] | Literal["a"]')


@pytest.mark.parametrize(("text", "message"), [
    ("foo", "'foo' is neither a known word"),
    ("array[Foo", "expected ']'"),
    ("enum[]", "an enum value is empty"),
    ("Foo |", "expected a type at 'the end'"),
    ("Foo Bar", "unexpected 'Bar'"),
    ("text", "'text' describes a whole response"),
    ('enum["open]', "a quoted enum value does not end"),
])
def test_a_mistake_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(TypeExprError, match=message.replace("[", r"\[")) as caught:
        parse(text)
    assert repr(text) in str(caught.value)


def test_response_words_only_for_a_whole_response() -> None:
    assert parse("binary | text", response=True) == Union((Word("binary"), Word("text")))
    with pytest.raises(TypeExprError, match="describes a whole response"):
        parse("array[empty]", response=True)
