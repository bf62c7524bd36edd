"""`Webhooks.wsgi()` and `Webhooks.asgi()`: the router as a web app of either
kind, with no web framework. Each answers a POST at any path it is mounted
at with the router's `Answer`; a body over `max_body` is refused from its
Content-Length before it is read. Nothing raised inside reaches the answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from octo.webhooks.router import Answer

if TYPE_CHECKING:
    from octo.webhooks.router import Webhooks

__all__ = ["ASGIApp", "WSGIApp", "asgi_app", "wsgi_app"]

log = logging.getLogger("octo.webhooks")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_NOT_POST = Answer(405, "webhook deliveries are POST requests")
_CRASHED = Answer(500, "internal error")


def _early(method: str, length: str | None, max_body: int) -> Answer | None:
    """The answer given before reading the body, if any."""
    if method != "POST":
        return _NOT_POST
    if length is None:
        return None
    if not length.isdigit() or not length.isascii():
        return Answer(400, "the Content-Length header is not a number")
    if int(length) > max_body:
        return Answer(413, f"the body is over {max_body} bytes")
    return None


def _response(answer: Answer) -> tuple[str, list[tuple[str, str]], bytes]:
    body = answer.text.encode()
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    if answer.status == 405:
        headers.append(("Allow", "POST"))
    return f"{answer.status} {HTTPStatus(answer.status).phrase}", headers, body


def wsgi_app(hooks: Webhooks) -> WSGIApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            answer = _early(environ.get("REQUEST_METHOD", ""), environ.get("CONTENT_LENGTH") or None,
                            hooks.max_body)
            if answer is None:
                answer = _wsgi_receive(hooks, environ)
        except Exception:
            log.exception("the webhook WSGI app failed")
            answer = _CRASHED
        status, headers, body = _response(answer)
        start_response(status, headers)
        return [body]

    return app


def _wsgi_receive(hooks: Webhooks, environ: dict[str, Any]) -> Answer:
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    if length:
        body = _read(stream, int(length))
        if len(body) < int(length):
            return Answer(400, "the body is shorter than its Content-Length")
    elif environ.get("wsgi.input_terminated"):  # chunked, and the server ends the stream for us
        body = stream.read(hooks.max_body + 1)
    else:
        return Answer(411, "a webhook delivery needs a Content-Length")
    headers = [(name[5:].replace("_", "-"), value) for name, value in environ.items() if name.startswith("HTTP_")]
    headers.append(("Content-Type", environ.get("CONTENT_TYPE", "")))  # WSGI keeps it out of the HTTP_ ones
    return hooks.receive(headers, body)


def _read(stream: Any, length: int) -> bytes:
    parts, left = [], length
    while left > 0:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def asgi_app(hooks: Webhooks) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # a websocket: not ours to accept
        try:
            headers = scope.get("headers") or []
            length = next((v.decode("latin-1") for k, v in headers if k.lower() == b"content-length"), None)
            answer = _early(scope.get("method", ""), length, hooks.max_body)
            if answer is None:
                body = await _asgi_body(receive, hooks.max_body)
                if body is None:
                    return  # the client went away
                answer = Answer(413, f"the body is over {hooks.max_body} bytes") if len(body) > hooks.max_body \
                    else await hooks.areceive(headers, body)
        except Exception:
            log.exception("the webhook ASGI app failed")
            answer = _CRASHED
        _, response_headers, content = _response(answer)
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in response_headers]})
        await send({"type": "http.response.body", "body": content})

    return app


async def _asgi_body(receive: Receive, max_body: int) -> bytes | None:
    """The request body, or as much as tells it is over `max_body`; None if
    the client disconnected."""
    parts: list[bytes] = []
    size = 0
    while size <= max_body:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        parts.append(chunk)
        size += len(chunk)
        if not message.get("more_body"):
            break
    return b"".join(parts)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
