"""`octo.Webhooks`: check a delivery, read it, run the handlers that want it
once, and say what to answer GitHub.

    wh = octo.Webhooks(os.environ["WEBHOOK_SECRET"], app=octo.AppAuth(APP_ID, KEY))

    @wh.on("issues.opened")
    def greet(event, gh):
        gh.issues.create_comment(...)

`wh.receive(headers, body)` (or `await wh.areceive(...)`) returns the `Answer`;
`wh.wsgi()` and `wh.asgi()` are that as a web app.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeGuard, TypeVar, cast, overload

from octo.core.errors import WebhookError
from octo.core.redaction import conceal
from octo.webhooks.signing import _secret_bytes, _shown, json_object, verify
from octo.webhooks.store import DeliveryStore, MemoryDeliveryStore

if TYPE_CHECKING:
    from octo.aclient import AsyncOcto
    from octo.auth.app import AppAuth
    from octo.client import Octo
    from octo.rest._events import On
    from octo.webhooks.adapters import ASGIApp, WSGIApp

__all__ = ["Answer", "Delivery", "Webhooks", "installation_client"]

log = logging.getLogger("octo.webhooks")

P = TypeVar("P")
R = TypeVar("R")


class _HeaderItems(Protocol):
    """A framework's header object (Flask's, Django's, Starlette's): anything with `items()`."""

    def items(self) -> Iterable[tuple[Any, Any]]: ...


Headers = _HeaderItems | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]
ErrorHandler = Callable[[Exception, "Delivery"], object]

THREE_DAYS = 3 * 24 * 3600.0  # how long GitHub keeps a delivery to redeliver
_WANTED = {"x-hub-signature-256": "signature", "x-github-event": "event", "x-github-delivery": "delivery",
           "content-type": "type"}
_FORM = "application/x-www-form-urlencoded"  # a webhook set to send its JSON as a `payload=` form field


class Register(Protocol[P]):
    """What `wh.on(name)` returns: a decorator for a handler of payload `P`,
    taking the payload alone or the payload and the installation's client
    (an `AsyncOcto` for an async handler)."""

    @overload
    def __call__(self, handler: Callable[[P], R], /) -> Callable[[P], R]: ...

    @overload
    def __call__(self, handler: Callable[[P, AsyncOcto], Awaitable[R]], /
                 ) -> Callable[[P, AsyncOcto], Awaitable[R]]: ...

    @overload
    def __call__(self, handler: Callable[[P, Octo], R], /) -> Callable[[P, Octo], R]: ...


class Answer(NamedTuple):
    """What to answer GitHub: the status and a short text that never holds the
    secret, the body or a traceback."""

    status: int
    text: str


class Delivery:
    """One verified delivery, as `on_error` gets it."""

    __slots__ = ("action", "event", "id", "installation_id", "payload")

    def __init__(self, id: str, event: str, action: str | None, payload: dict[str, Any],
                 installation_id: int | None) -> None:
        self.id = id  # X-GitHub-Delivery: the same for a delivery and its redeliveries
        self.event = event  # X-GitHub-Event
        self.action = action
        self.payload = payload
        self.installation_id = installation_id

    def __repr__(self) -> str:
        # getattr: a half-built one shows in a traceback's locals too.
        shown = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in ("id", "event", "action"))
        return f"Delivery({shown})"

    @property
    def name(self) -> str:
        """`issues.opened`, or `push` for an event without actions."""
        return self.event if self.action is None else f"{self.event}.{self.action}"


class _Handler(NamedTuple):
    order: int
    function: Callable[..., Any]
    with_client: bool
    is_async: bool


def installation_client(app: Octo, installation_id: int | None, *, is_async: bool) -> Octo | AsyncOcto:
    """The client a two-argument handler gets: `app` acting as the event's
    installation, or `app` itself (the app's JWT) for an event without one.

    An async handler's is a new `AsyncOcto` with `app`'s settings and the same
    `AppAuth` (so its tokens are the ones `app` minted); the caller closes it
    in the event loop it was used in, since its connections belong to that loop."""
    if not is_async:
        return app if installation_id is None else app.for_installation(installation_id)
    from octo.aclient import AsyncOcto
    from octo.auth.app import AppAuth

    auth = app._auth
    assert isinstance(auth, AppAuth)  # _app_client made sure
    return AsyncOcto(auth=auth if installation_id is None else auth.for_installation(installation_id),
                     **app._options)


class Webhooks:
    """Receive GitHub's webhook deliveries: `secret` (or a list of them, while
    one is rotated), `app` an `octo.AppAuth` or an app client (`Octo(auth=...)`
    or `AsyncOcto(auth=...)`) for handlers that take the installation's client
    (an `Octo`, or an `AsyncOcto` for an async handler), `max_body` in bytes,
    `on_error(error, delivery)` for each handler that raised. A delivery that
    ran is not run again within `dedupe_window` seconds; one whose handler
    raised is forgotten, so GitHub's redelivery runs. `store` holds what ran
    (this process's memory unless given: see `octo.webhooks.store`)."""

    def __init__(self, secret: str | bytes | Sequence[str | bytes], *,
                 app: AppAuth | Octo | AsyncOcto | None = None,
                 max_body: int = 25 * 2**20, on_error: ErrorHandler | None = None,
                 store: DeliveryStore | None = None, dedupe_window: float = THREE_DAYS) -> None:
        secret = conceal(secret)  # first: a refused secret shows as [redacted] in a traceback's locals
        secrets = [secret] if isinstance(secret, (str, bytes)) else [conceal(s) for s in secret]
        if not secrets:
            raise ValueError("Webhooks needs at least one secret")
        for one in secrets:
            _secret_bytes(one)  # refuses an empty or non-text secret now, not at the first delivery
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
            raise ValueError("max_body must be a positive number of bytes")
        self._secrets = tuple(secrets)
        self._app = _app_client(app)
        self.max_body = max_body
        self.on_error = on_error
        self.store: DeliveryStore = MemoryDeliveryStore() if store is None else store
        self.dedupe_window = float(dedupe_window)
        self._handlers: dict[str, list[_Handler]] = {}
        self._count = 0

    def __repr__(self) -> str:
        # getattr: a half-built one (its __init__ refused) shows in a traceback's locals too.
        return (f"Webhooks(secrets={len(getattr(self, '_secrets', ()))}, handlers={getattr(self, '_count', 0)}, "
                f"app={getattr(self, '_app', None) is not None})")

    # -- handlers ---------------------------------------------------------------

    @property
    def on(self) -> On:
        """`@wh.on("issues.opened")`, `@wh.on("issues")` (every action), `@wh.on("*")`
        (every event): register a handler; several may want one event, and they
        run in the order they were registered. A handler is a function or a
        coroutine function of the payload, or of the payload and a client acting
        as the event's installation (needs `app=`)."""
        return cast("On", self._on)

    def _on(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        from octo.rest._events import EVENTS

        if not isinstance(name, str):
            raise TypeError(f"an event name is a str such as 'issues.opened', not {type(name).__name__}")
        event, dot, action = name.partition(".")
        if name != "*" and (event not in EVENTS or (dot and not action)):
            raise ValueError(f"unknown webhook event {_shown(name)}: use an event ('issues'), "
                             "an event and action ('issues.opened') or '*'")

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._count += 1
            entry = _Handler(self._count, handler, self._takes_client(handler), _is_coroutine_function(handler))
            self._handlers.setdefault(name, []).append(entry)
            return handler

        return register

    def _takes_client(self, handler: Callable[..., Any]) -> bool:
        import inspect  # only when handlers are registered: not on `import octo`

        if not callable(handler):
            raise TypeError(f"a webhook handler must be callable, not {type(handler).__name__}")
        try:
            parameters = list(inspect.signature(handler).parameters.values())
        except (TypeError, ValueError):  # a builtin without a signature: give it the payload
            return False
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        positional = [p for p in parameters if p.kind in kinds]
        many = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
        required = [p for p in positional if p.default is inspect.Parameter.empty]
        label = getattr(handler, "__qualname__", repr(handler))
        if not positional and not many:
            raise TypeError(f"webhook handler {label} must take the payload as its first argument")
        if len(required) > 2:
            raise TypeError(f"webhook handler {label} takes {len(required)} arguments; it gets the payload "
                            "and, with Webhooks(app=...), the installation's client")
        if len(required) == 2 and self._app is None:
            raise TypeError(f"webhook handler {label} takes a client as its second argument: "
                            "pass Webhooks(app=octo.AppAuth(...)), or take the payload alone")
        return self._app is not None and (len(positional) >= 2 or many)

    # -- receiving --------------------------------------------------------------

    def receive(self, headers: Headers, body: bytes) -> Answer:
        """Check, read and dispatch one delivery: `headers` as received (any case;
        a mapping or pairs), `body` the raw bytes. Async handlers run to
        completion here; inside an event loop use `await wh.areceive(...)`."""
        prepared = self._prepare(headers, body)
        if isinstance(prepared, Answer):
            return prepared
        delivery, handlers = prepared
        claimed = self.store.claim(delivery.id, self.dedupe_window)
        if not isinstance(claimed, bool):
            _close(claimed)
            raise TypeError("this delivery store is async: call `await wh.areceive(...)` instead of receive()")
        if not claimed:
            return self._duplicate(delivery)
        failures = 0
        try:
            clients: dict[bool, Any] = {}
            for handler in handlers:
                try:
                    result = handler.function(*self._arguments(handler, delivery, clients))
                    if _is_awaitable(result):
                        # Each run is a loop of its own: this handler's AsyncOcto is closed in it.
                        _run(_closing(result, clients.pop(True, None)))
                except Exception as error:
                    failures += 1
                    self._report(error, delivery, handler)
                    try:
                        outcome = self.on_error(error, delivery) if self.on_error else None
                        if _is_awaitable(outcome):
                            _run(outcome)
                    except Exception:
                        log.exception("on_error raised for webhook delivery %s", delivery.id)
        except BaseException:
            self.store.release(delivery.id)  # interrupted: a redelivery must run it
            raise
        if failures:
            self.store.release(delivery.id)
        return _answer(failures)

    async def areceive(self, headers: Headers, body: bytes) -> Answer:
        """`receive` for an event loop: async handlers are awaited here, one
        after another; sync handlers run in a worker thread, so they do not
        hold up the loop. An async store's methods are awaited."""
        import asyncio

        prepared = self._prepare(headers, body)
        if isinstance(prepared, Answer):
            return prepared
        delivery, handlers = prepared
        claimed = self.store.claim(delivery.id, self.dedupe_window)
        if _is_awaitable(claimed):
            claimed = await claimed
        if not claimed:
            return self._duplicate(delivery)
        failures = 0
        clients: dict[bool, Any] = {}
        try:
            for handler in handlers:
                try:
                    arguments = self._arguments(handler, delivery, clients)
                    if handler.is_async:
                        result = handler.function(*arguments)
                    else:
                        result = await asyncio.to_thread(handler.function, *arguments)
                    if _is_awaitable(result):
                        await result
                except Exception as error:
                    failures += 1
                    self._report(error, delivery, handler)
                    try:
                        outcome = self.on_error(error, delivery) if self.on_error else None
                        if _is_awaitable(outcome):
                            await outcome
                    except Exception:
                        log.exception("on_error raised for webhook delivery %s", delivery.id)
        except BaseException:  # cancelled: a redelivery must run it
            await _settle(self.store.release(delivery.id))
            raise
        finally:
            if True in clients:  # the async handlers' AsyncOcto: its connections end with the delivery
                await clients[True].aclose()
        if failures:
            await _settle(self.store.release(delivery.id))
        return _answer(failures)

    def wsgi(self) -> WSGIApp:
        """This router as a WSGI app, answering at whatever path it is mounted."""
        from octo.webhooks.adapters import wsgi_app

        return wsgi_app(self)

    def asgi(self) -> ASGIApp:
        """This router as an ASGI app, answering at whatever path it is mounted."""
        from octo.webhooks.adapters import asgi_app

        return asgi_app(self)

    def _prepare(self, headers: Headers, body: bytes) -> Answer | tuple[Delivery, list[_Handler]]:
        """The answer to a delivery refused before any handler, or the delivery
        and its handlers in the order they were registered."""
        if len(body) > self.max_body:
            return Answer(413, f"the body is over {self.max_body} bytes")
        found = _headers(headers)
        signature = found.get("signature")
        # Each secret is checked (no early exit), so the time does not say which one matched.
        if not any([verify(secret, body, signature) for secret in self._secrets]):
            log.warning("refused a webhook delivery (%s): %s X-Hub-Signature-256 header",
                        _shown(found.get("delivery")), "a wrong" if signature else "no")
            return Answer(401, "")
        event, delivery_id = found.get("event"), found.get("delivery")
        if not event or not delivery_id:
            missing = "X-GitHub-Event" if not event else "X-GitHub-Delivery"
            return Answer(400, f"the {missing} header is missing")
        try:
            payload = json_object(event, _form_payload(event, body) if _FORM in found.get("type", "") else body)
        except WebhookError as error:
            return Answer(400, str(error))
        action = payload.get("action")
        action = action if isinstance(action, str) else None
        installation = payload.get("installation")
        installation_id = installation.get("id") if isinstance(installation, dict) else None
        if isinstance(installation_id, bool) or not isinstance(installation_id, int):
            installation_id = None
        delivery = Delivery(delivery_id, event, action, payload, installation_id)
        get = self._handlers.get
        handlers = [*get(f"{event}.{action}", ()), *get(event, ()), *get("*", ())] if action else \
            [*get(event, ()), *get("*", ())]
        handlers.sort()
        return delivery, handlers

    def _arguments(self, handler: _Handler, delivery: Delivery, clients: dict[bool, Any]) -> tuple[Any, ...]:
        if not handler.with_client:
            return (delivery.payload,)
        if handler.is_async not in clients:
            assert self._app is not None  # _takes_client made sure
            clients[handler.is_async] = installation_client(self._app, delivery.installation_id,
                                                            is_async=handler.is_async)
        return delivery.payload, clients[handler.is_async]

    def _duplicate(self, delivery: Delivery) -> Answer:
        log.info("webhook delivery %s (%s) already ran; not run again", delivery.id, delivery.name)
        return Answer(200, "duplicate delivery: already handled")

    def _report(self, error: Exception, delivery: Delivery, handler: _Handler) -> None:
        label = getattr(handler.function, "__qualname__", type(handler.function).__name__)
        log.error("webhook handler %s failed on delivery %s (event %s, action %s): %s",
                  label, delivery.id, delivery.event, delivery.action, type(error).__name__, exc_info=error)


def _app_client(app: AppAuth | Octo | AsyncOcto | None) -> Octo | None:
    """One sync app client for every delivery, so they share connections and
    tokens; an async app client's settings and `AppAuth` make it."""
    if app is None:
        return None
    from octo.auth.app import AppAuth
    from octo.client import BaseClient, Octo

    if isinstance(app, AppAuth):
        return Octo(auth=app)
    if isinstance(app, BaseClient) and isinstance(app._auth, AppAuth):
        return app if isinstance(app, Octo) else Octo(auth=app._auth, **app._options)
    raise TypeError("app must be an octo.AppAuth or a client made with Octo(auth=octo.AppAuth(...)) "
                    "or AsyncOcto(auth=octo.AppAuth(...))")


def _headers(headers: Headers) -> dict[str, str]:
    """The three headers a delivery needs, by their role, from any header
    container: a mapping in any case, pairs, or an ASGI scope's bytes."""
    items: Iterable[tuple[Any, Any]] = headers.items() if hasattr(headers, "items") else headers
    found: dict[str, str] = {}
    for name, value in items:
        if isinstance(name, bytes):
            name = name.decode("latin-1")
        role = _WANTED.get(name.lower()) if isinstance(name, str) else None
        if role is not None:
            found[role] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return found


def _form_payload(event: str, body: bytes) -> bytes:
    from urllib.parse import parse_qs

    try:
        fields = parse_qs(body.decode("ascii"), strict_parsing=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        fields = {}
    if len(fields.get("payload", ())) != 1:
        raise WebhookError(f"a {event} delivery sent as a form has no single payload field")
    return fields["payload"][0].encode()


def _answer(failures: int) -> Answer:
    if failures:
        return Answer(500, "a handler failed; the delivery can be redelivered")
    return Answer(200, "ok")


def _is_coroutine_function(function: Any) -> bool:
    import inspect

    # An object with an async __call__ is not seen here: it runs in a thread, and its coroutine is awaited after.
    return inspect.iscoroutinefunction(function)


def _is_awaitable(value: object) -> TypeGuard[Awaitable[Any]]:
    return hasattr(value, "__await__")


def _run(awaitable: Any) -> Any:
    """Run an async handler from the sync `receive`, on a loop of its own."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        _close(awaitable)
        raise RuntimeError("an async webhook handler cannot run from receive() inside a running event loop; "
                           "use `await wh.areceive(...)`")

    async def wait() -> Any:
        return await awaitable

    return asyncio.run(wait())


async def _closing(awaitable: Awaitable[Any], client: AsyncOcto | None) -> Any:
    try:
        return await awaitable
    finally:
        if client is not None:
            await client.aclose()


async def _settle(result: object) -> None:
    if _is_awaitable(result):
        await result


def _close(awaitable: object) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # no "coroutine was never awaited" warning
