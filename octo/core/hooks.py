"""Hooks on the request pipeline, in the manner of Octokit's `hook`:

    gh.hook.before(lambda request: ...)             # before the call is sent
    gh.hook.after(lambda response, request: ...)    # after it succeeded
    gh.hook.error(lambda error, request: ...)       # raise, or return a Response to recover
    gh.hook.wrap(lambda send, request: send(request))  # around the whole call

A hook sees one call of `request()` (every generated method is one): its
retries, redirects and credential refreshes happen inside `send`. The
`request` a hook gets is a `HookRequest`, a redacted view. On `AsyncOcto`
any hook may be an `async def` (a `wrap` then awaits `send(request)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from octo.core.pipeline import Await, Steps
from octo.core.redaction import redact_headers, redact_url
from octo.core.response import Response

if TYPE_CHECKING:
    from octo.client import Call

F = TypeVar("F", bound=Callable[..., Any])


class HookRequest:
    """The call a hook sees: `method`, `url` and `headers` with credentials
    shown as `[redacted]`, and `body` as it is sent (bytes of JSON, text, an
    upload's body object, or None). Immutable."""

    __slots__ = ("method", "url", "headers", "body")
    method: str
    url: str
    headers: Mapping[str, str]
    body: Any

    def __init__(self, call: Call) -> None:
        object.__setattr__(self, "method", call.op.method)
        object.__setattr__(self, "url", redact_url(call.url))
        object.__setattr__(self, "headers", redact_headers(call.headers))
        object.__setattr__(self, "body", call.body)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"HookRequest is immutable; cannot set {name!r}")

    def __repr__(self) -> str:
        # getattr: every octo repr works on a half-built object (a traceback's locals).
        return f"<HookRequest {getattr(self, 'method', '?')} {getattr(self, 'url', '?')}>"


class Hooks:
    """The hooks of one client (`gh.hook`); each method registers `fn` and returns it,
    so it can be used as a decorator. Hooks run in the order they were added;
    the last `wrap` added is the outermost."""

    __slots__ = ("_before", "_after", "_error", "_wrap", "active")

    def __init__(self) -> None:
        self._before: list[Callable[..., Any]] = []
        self._after: list[Callable[..., Any]] = []
        self._error: list[Callable[..., Any]] = []
        self._wrap: list[Callable[..., Any]] = []
        self.active = False  # an attribute, not __bool__: read on every call, it must cost nothing

    def __repr__(self) -> str:
        counts = (len(getattr(self, name, ())) for name in ("_before", "_after", "_error", "_wrap"))
        return "<Hooks before={} after={} error={} wrap={}>".format(*counts)

    def before(self, fn: F) -> F:
        """`fn(request)` before each call."""
        return self._add(self._before, fn)

    def after(self, fn: F) -> F:
        """`fn(response, request)` after each call that succeeded."""
        return self._add(self._after, fn)

    def error(self, fn: F) -> F:
        """`fn(error, request)` after each call that failed: raise (the same
        error or another), or return a `Response` that the call then returns.
        Returning None lets the error through to the next error hook and the caller."""
        return self._add(self._error, fn)

    def wrap(self, fn: F) -> F:
        """`fn(send, request)` around each call; it returns what `send(request)` returns."""
        return self._add(self._wrap, fn)

    def remove(self, fn: Callable[..., Any]) -> None:
        """Take `fn` out of every list it was added to."""
        for hooks in (self._before, self._after, self._error, self._wrap):
            while fn in hooks:
                hooks.remove(fn)
        self.active = bool(self._before or self._after or self._error or self._wrap)

    def _add(self, hooks: list[Callable[..., Any]], fn: F) -> F:
        if not callable(fn):
            raise TypeError(f"a hook must be callable, got {type(fn).__name__}")
        hooks.append(fn)
        self.active = True
        return fn

    def wrappers(self) -> list[Callable[..., Any]]:
        return list(self._wrap)

    def around(self, request: HookRequest, steps: Callable[[], Steps]) -> Steps:
        """The pipeline `steps()` between the before, after and error hooks."""
        for fn in list(self._before):
            yield from _settled(fn(request))
        try:
            response = yield from steps()
        except Exception as error:
            response = yield from self._recover(error, request)
        for fn in list(self._after):
            yield from _settled(fn(response, request))
        return response

    def _recover(self, error: Exception, request: HookRequest) -> Steps:
        for fn in list(self._error):
            try:
                recovered = yield from _settled(fn(error, request))
            except Exception as raised:
                error = raised
                continue
            if isinstance(recovered, Response):
                return recovered
            if recovered is not None:
                raise TypeError(f"an error hook returned {type(recovered).__name__}; "
                                "it must return a Response, return None or raise") from error
        raise error


def _settled(result: Any) -> Steps:
    """The value a hook returned, awaited first if it is awaitable (the async driver does that)."""
    if hasattr(result, "__await__"):  # what inspect.isawaitable checks first, without importing it
        result = yield Await(result)
    return result
