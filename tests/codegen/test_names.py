"""Argument names do not depend on the Python that runs `make generate`: `type` became
a soft keyword in 3.12, and a packager regenerating there must get the same code."""

from __future__ import annotations

from codegen.names import python_name


def test_soft_keywords_stay_names_and_hard_keywords_get_an_underscore() -> None:
    assert [python_name(n) for n in ("type", "match", "case", "_")] == ["type", "match", "case", "_"]
    assert [python_name(n) for n in ("class", "async", "from")] == ["class_", "async_", "from_"]
