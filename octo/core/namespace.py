"""The base of every generated namespace class, and the decorators the
generated code uses to mark facts about a method (pagination, renames)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from octo.core.redaction import conceal_header_option

if TYPE_CHECKING:
    from octo.client import BaseClient, Octo

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])


class Namespace:
    """A group of endpoint methods bound to one client (`client.repos`)."""

    __slots__ = ("_client",)
    name = ""

    def __init__(self, client: BaseClient) -> None:
        # Typed as the sync client, whose `request` returns a Response: the
        # generated bodies are checked against it. AsyncOcto's namespaces are
        # the same classes; their async signatures are in octo/rest/_async/.
        self._client = cast("Octo", client)

    def __repr__(self) -> str:
        return f"<octo namespace {self.name!r}>"


class Pagination:
    """Attached to a paginated method as `__octo_pagination__`."""

    __slots__ = ("list_key",)

    def __init__(self, list_key: str | None) -> None:
        self.list_key = list_key


def paginated(list_key: str | None = None) -> Callable[[F], F]:
    """Mark a method whose response is a list `octo.paginate` can walk.

    `list_key` names the list inside a wrapping object (`items` for search).
    The method itself is returned unchanged: no per-call cost.
    """

    def mark(method: F) -> F:
        method.__octo_pagination__ = Pagination(list_key)  # type: ignore[attr-defined]
        return method

    return mark


def deprecated_alias(method: Callable[P, R], old: str, new: str) -> Callable[P, R]:
    """An old method name that still works and warns with the new one."""

    @functools.wraps(method)
    def alias(*args: P.args, **kwargs: P.kwargs) -> R:
        conceal_header_option(kwargs)  # first: a credential in headers= is no plain local
        warnings.warn(f"{old} is deprecated, use {new}", DeprecationWarning, stacklevel=2)
        return method(*args, **kwargs)

    return alias


def renamed_parameters(**old_to_new: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Accept old parameter names with a DeprecationWarning naming the new one."""

    def wrap(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            conceal_header_option(kwargs)  # first: a credential in headers= is no plain local
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{method.__name__}() got both {old!r} and {new!r}")
                    warnings.warn(
                        f"{method.__name__}(): parameter {old!r} is deprecated, use {new!r}",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return method(*args, **kwargs)

        return call

    return wrap
